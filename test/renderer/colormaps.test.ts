// The app's one colour-map family (shared/ui/colormaps.ts): the sequential maps are monotone in
// CIELAB lightness L* on the colours Observable Plot actually draws, the diverging map is monotone
// on each side of zero, the L* conversion matches known values, and no figure picks a scheme of
// its own (every `scheme:` in the renderer lives in the colour module).
// Tolerances: L* of sRGB primaries/greys is quoted to 0.01 in every colour-science table, so 0.05
// covers rounding of the published values; monotonicity is strict (each step > 0.5 L* over 64
// samples: viridis rises ~1.2 L* per step, so a dip or plateau fails).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_COLOURS,
  DIVERGING_SCHEME,
  SECONDARY_SCHEME,
  SEQUENTIAL_SCHEME,
  lightness,
  sampleScheme,
  textColourOn,
} from '../../src-renderer/src/shared/ui/colormaps';

const steps = (ls: number[]) => ls.slice(1).map((l, i) => l - ls[i]);

describe('CIELAB lightness', () => {
  it('matches the published L* of black, white, mid grey and the sRGB primaries', () => {
    expect(lightness('#000000')).toBeCloseTo(0, 2);
    expect(lightness('#ffffff')).toBeCloseTo(100, 2);
    expect(Math.abs(lightness('#777777') - 50.03)).toBeLessThan(0.05);
    expect(Math.abs(lightness('#ff0000') - 53.24)).toBeLessThan(0.05);
    expect(Math.abs(lightness('rgb(0, 255, 0)') - 87.73)).toBeLessThan(0.05);
    expect(Math.abs(lightness('#00f') - 32.30)).toBeLessThan(0.05);
  });
});

describe('colour maps are monotone in lightness', () => {
  for (const scheme of [SEQUENTIAL_SCHEME, SECONDARY_SCHEME]) {
    it(`${scheme} rises in L* from its low end to its high end`, () => {
      const ls = sampleScheme(scheme, 64).map(lightness);
      expect(Math.min(...steps(ls))).toBeGreaterThan(0.5);
      expect(ls[63] - ls[0]).toBeGreaterThan(60);
    });
  }

  it('the check can fail: turbo, a rainbow map, rises and falls', () => {
    const ls = sampleScheme('turbo', 64).map(lightness);
    expect(Math.min(...steps(ls))).toBeLessThan(0);
  });

  it(`the diverging map (${DIVERGING_SCHEME}, reversed) is lightest at zero and monotone on each side`, () => {
    const ls = sampleScheme(DIVERGING_SCHEME, 65, true).map(lightness);
    const mid = 32;
    // The interpolated peak sits a hair off the exact centre: allow 0.1 L* (a tenth of a
    // just-noticeable difference) of plateau there; each side still spans > 40 L*.
    expect(Math.min(...steps(ls.slice(0, mid + 1)))).toBeGreaterThan(-0.1);
    expect(Math.max(...steps(ls.slice(mid)))).toBeLessThan(0.1);
    expect(ls[mid] - ls[0]).toBeGreaterThan(40);
    expect(ls[mid] - ls[64]).toBeGreaterThan(40);
  });
});

describe('categories and text on cells', () => {
  it('Okabe-Ito: eight distinct colours', () => {
    expect(new Set(CATEGORY_COLOURS.map((c) => c.toLowerCase())).size).toBe(8);
  });
  it('dark text on light cells, white on dark ones', () => {
    const [low, high] = [sampleScheme(SEQUENTIAL_SCHEME, 2)[0], sampleScheme(SEQUENTIAL_SCHEME, 2)[1]];
    expect(textColourOn(low)).toBe('white');
    expect(textColourOn(high)).toBe('#111827');
  });
});

describe('one module picks the colour maps', () => {
  it('no renderer file outside shared/ui/colormaps.ts names a colour scheme', () => {
    const root = join(import.meta.dirname, '../../src-renderer/src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|svelte)$/.test(name) && !p.endsWith(join('shared', 'ui', 'colormaps.ts'))) {
          const text = readFileSync(p, 'utf8');
          if (/(?<!-)\bscheme\s*:|'(turbo|tableau10|blues|oranges|rdbu|viridis|cividis)'/.test(text)) offenders.push(p.slice(root.length + 1));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
