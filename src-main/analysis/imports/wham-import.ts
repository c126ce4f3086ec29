/**
 * Grossfield WHAM input dropped into the app (metadata + window files, no folders): the windows
 * are matched to the metadata's paths by file name, and the free-energy profile is the app's one
 * umbrella estimate (estimateUmbrella, the same as `liftwell fes`). Pure: strings in, numbers out.
 */
import { InputFileError, parseTimeSeries, parseWhamMetadata } from '../../engine/io/grossfield';
import { estimateUmbrella } from '../umbrella-fes/estimate';
import type { ImportedWhamResult } from '../../schema/imports';
import { ApiError } from '../../schema';

export interface WhamImportOptions {
  /** Histogram bins over the range (default 50). */
  bins?: number;
  /** The range; default the samples' own range. */
  min?: number;
  max?: number;
  /** Thermal energy in the springs' energy unit (default 1: energies in kT). */
  kT?: number;
  periodic?: boolean;
}

export const WHAM_IMPORT_DEFAULT_BINS = 50;

/**
 * The base name of a metadata path ("windows/w1.dat" -> "w1.dat"): drops carry names, not folders.
 * Characters a stored file name cannot have become '_' on both sides, so stored copies still match.
 */
export const baseName = (path: string) => (path.split(/[\\/]/).pop() ?? path).replace(/[^A-Za-z0-9._-]/g, '_');

/** Which window files the metadata names that are not among `given` (by base name), in metadata order. */
export function missingWindowFiles(metadata: { fileName: string; text: string }, given: string[]): string[] {
  const have = new Set(given.map(baseName));
  return parseWhamMetadata(metadata.text, metadata.fileName).map((e) => baseName(e.path)).filter((n) => !have.has(n));
}

export function importedWhamResult(
  record: ImportedWhamResult['record'],
  metadata: { fileName: string; text: string },
  windows: { fileName: string; text: string }[],
  o: WhamImportOptions = {},
): ImportedWhamResult {
  const entries = parseWhamMetadata(metadata.text, metadata.fileName);
  if (entries.length < 2) throw new InputFileError(metadata.fileName, null, `an umbrella study needs at least 2 windows (found ${entries.length})`);
  const byName = new Map(windows.map((w) => [baseName(w.fileName), w]));
  const missing = entries.map((e) => baseName(e.path)).filter((n) => !byName.has(n));
  if (missing.length) {
    throw new ApiError('invalid-input', `${metadata.fileName} lists window files that were not dropped with it: ${missing.join(', ')}. Drop the metadata file together with all its window files.`, { missing });
  }
  if (new Set(entries.map((e) => e.temperature).filter((t) => t !== undefined)).size > 1) {
    throw new InputFileError(metadata.fileName, null, 'windows at different temperatures are not supported (one kT for all windows)');
  }
  const samples = entries.map((e) => {
    const w = byName.get(baseName(e.path))!;
    return parseTimeSeries(w.text, w.fileName);
  });
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of samples) for (const v of s) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const bins = o.bins ?? WHAM_IMPORT_DEFAULT_BINS;
  // Default range: the samples' own, widened by a millionth so the largest sample falls inside.
  const min = o.min ?? lo;
  const max = o.max ?? hi + 1e-6 * Math.max(1, Math.abs(hi - lo));
  if (!(max > min)) throw new ApiError('invalid-input', `The range must have max > min (got ${min}, ${max}).`);
  const kT = o.kT ?? 1;
  const periodic = !!o.periodic;
  const restraints = entries.map((e) => ({ centers: [e.center], springs: [e.spring], label: `${e.path} (${metadata.fileName}:${e.line})` }));
  const est = estimateUmbrella({ restraints, axes: [{ bins, min, max, periodic }], kT, estimator: 'wham' }, samples.map((s) => [s]));
  const r = est.wham1d!;
  return {
    kind: 'wham',
    record,
    fes: {
      axes: [{ name: 'x', min, max, bins, periodic }],
      centers: [Array.from(r.centers)],
      values: Array.from(r.pmf, (v) => (Number.isFinite(v) ? v : null)),
      energyUnit: kT === 1 ? 'kT' : "the springs' energy unit",
    },
    estimator: 'wham',
    kT,
    windows: entries.map((e, k) => ({ file: baseName(e.path), center: e.center, spring: e.spring, samples: samples[k].length })),
    windowFreeEnergies: Array.from(r.windowFreeEnergies),
    iterations: r.iterations,
    converged: r.converged,
    warnings: [...r.warnings],
  };
}
