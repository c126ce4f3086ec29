/**
 * The one place that picks colours for data. Every figure of the app takes its colour scales and
 * series colours from here, so the whole app uses one family of maps:
 *
 * - sequential surfaces (free energies, densities, a variable on a scatter): viridis;
 * - a second sequential quantity shown beside a surface (errors, overlaps, window centres):
 *   cividis, so the two never look like the same quantity;
 * - signed differences around zero: RdBu reversed (ColorBrewer marks it colour-blind safe);
 * - categories (series, regions, basins): the Okabe-Ito palette (Okabe & Ito 2008).
 *
 * viridis and cividis are perceptually uniform and monotone in CIELAB lightness L*, so a
 * reader with any form of colour-vision deficiency (or a greyscale print) still sees the order;
 * `test/renderer/colormaps.test.ts` checks that on the colours Observable Plot actually draws.
 * Rainbow maps (turbo, jet) are not: their lightness rises and falls, which invents edges.
 */
import * as Plot from '@observablehq/plot';

export const SEQUENTIAL_SCHEME = 'viridis';
export const SECONDARY_SCHEME = 'cividis';
export const DIVERGING_SCHEME = 'rdbu';

export { CATEGORY_COLOURS, OKABE_ITO, SERIES } from './palette';
import { CATEGORY_COLOURS } from './palette';

type ScaleExtras = { label?: string; legend?: boolean; clamp?: boolean; width?: number; type?: 'linear' | 'sqrt' };

/**
 * A sequential colour scale over [lo, hi] (F surfaces, densities). `label` names the quantity
 * and its unit: it is the colour bar's title, so every heatmap says what its colours mean.
 */
export function sequentialColour(domain: [number, number] | undefined, extras: ScaleExtras = {}): Plot.ScaleOptions {
  return { type: extras.type ?? 'linear', scheme: SEQUENTIAL_SCHEME, domain, clamp: extras.clamp, legend: extras.legend ?? true, label: extras.label, width: extras.width } as Plot.ScaleOptions;
}

/** The second sequential map (errors, overlaps, window centres next to a surface). */
export function secondaryColour(domain: [number, number] | undefined, extras: ScaleExtras = {}): Plot.ScaleOptions {
  return { type: extras.type ?? 'linear', scheme: SECONDARY_SCHEME, domain, clamp: extras.clamp, legend: extras.legend ?? true, label: extras.label, width: extras.width } as Plot.ScaleOptions;
}

/** Signed differences on [-cap, cap]: blue below zero, red above, white at zero. */
export function divergingColour(cap: number, extras: ScaleExtras = {}): Plot.ScaleOptions {
  return { type: 'linear', scheme: DIVERGING_SCHEME, reverse: true, domain: [-cap, cap], clamp: extras.clamp ?? true, legend: extras.legend ?? true, label: extras.label, width: extras.width } as Plot.ScaleOptions;
}

/** Categories (basins, regions, series) in Okabe-Ito order. */
export function categoricalColour(domain?: readonly string[], extras: { legend?: boolean; label?: string } = {}): Plot.ScaleOptions {
  return { type: 'categorical', domain: domain as string[] | undefined, range: [...CATEGORY_COLOURS], legend: extras.legend ?? true, label: extras.label } as Plot.ScaleOptions;
}

/** n colours of a scheme from its low end to its high end, as Observable Plot draws them. */
export function sampleScheme(scheme: string, n: number, reverse = false): string[] {
  const scale = Plot.scale({ color: { type: 'linear', scheme, domain: [0, 1], reverse } as Plot.ScaleOptions });
  return Array.from({ length: n }, (_, i) => String(scale.apply(n === 1 ? 0 : i / (n - 1))));
}

/** Parses '#rrggbb', '#rgb' or 'rgb(r, g, b)' into 0-255 channels. */
export function parseColour(css: string): [number, number, number] {
  const s = css.trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((k) => parseInt(m![1].slice(k, k + 2), 16)) as [number, number, number];
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((k) => parseInt(m![1][k] + m![1][k], 16)) as [number, number, number];
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  throw new Error(`not a colour: ${css}`);
}

/** CIELAB lightness L* (0 black .. 100 white) of an sRGB colour, D65 white. */
export function lightness(css: string): number {
  const lin = parseColour(css).map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const y = 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.072175 * lin[2];
  const f = y > 216 / 24389 ? Math.cbrt(y) : (24389 / 27 * y + 16) / 116;
  return 116 * f - 16;
}

/** Black or white, whichever reads better on a filled cell of this colour. */
export function textColourOn(fill: string): string {
  return lightness(fill) > 55 ? '#111827' : 'white';
}

/** The colour a scale gives a value (for text drawn over a cell: pick its colour with textColourOn). */
export function colourOf(options: Plot.ScaleOptions): (v: number) => string {
  const scale = Plot.scale({ color: { ...options, legend: undefined } as Plot.ScaleOptions });
  return (v) => String(scale.apply(v));
}
