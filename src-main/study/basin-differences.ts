/**
 * Basin free-energy differences paired within each run: for every run that found both basins,
 * d_r = F_r(name) - F_r(reference); the estimate is the mean of d_r, its error the standard error
 * over those runs (sd / sqrt(n), n - 1 in the sd; null for one run).
 *
 * Why paired: each run's basin energies are relative to that run's *lowest* basin (fes.ts), and
 * which basin is lowest changes from run to run when two basins are close (C7eq and C5 of alanine
 * dipeptide differ by ~0.3 kJ/mol), so differences of the per-basin means (basins.ts) carry that
 * switching as extra scatter and a small offset. The difference within one run does not depend on
 * the zero, and the runs are independent, so the standard error of the d_r is the right error bar.
 */
import type { RunBasin } from './basins';

export interface BasinDifference {
  /** The basin whose free energy is reported... */
  name: string;
  /** ...relative to this one (kJ/mol). */
  reference: string;
  deltaF: number;
  dF: number | null;
  /** Runs that found both basins. */
  n: number;
}

/** F(name) - F(reference) per run that found both (unlabelled basins and other runs ignored). */
export function pairedDifferences(runs: readonly (readonly RunBasin[])[], name: string, reference: string): number[] {
  const out: number[] = [];
  for (const basins of runs) {
    const a = basins.find((b) => b.label === name);
    const b = basins.find((x) => x.label === reference);
    if (a && b && Number.isFinite(a.freeEnergy) && Number.isFinite(b.freeEnergy)) out.push(a.freeEnergy - b.freeEnergy);
  }
  return out;
}

export function meanAndSem(values: readonly number[]): { mean: number; sem: number | null } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sem = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) / n) : null;
  return { mean, sem };
}

/**
 * Every labelled basin other than `reference` against `reference`, paired within runs; basins no
 * run found together with the reference are left out. Sorted by deltaF.
 */
export function basinDifferences(runs: readonly (readonly RunBasin[])[], reference: string): BasinDifference[] {
  const names = new Set<string>();
  for (const basins of runs) for (const b of basins) if (b.label && b.label !== reference) names.add(b.label);
  const out: BasinDifference[] = [];
  for (const name of names) {
    const d = pairedDifferences(runs, name, reference);
    if (!d.length) continue;
    const { mean, sem } = meanAndSem(d);
    out.push({ name, reference, deltaF: mean, dF: sem, n: d.length });
  }
  return out.sort((a, b) => a.deltaF - b.deltaF);
}

/** Every ordered pair of labelled basins (each against each), paired within runs; by reference, then deltaF. */
export function allBasinDifferences(runs: readonly (readonly RunBasin[])[]): BasinDifference[] {
  const labels = new Set<string>();
  for (const basins of runs) for (const b of basins) if (b.label) labels.add(b.label);
  return [...labels].sort().flatMap((reference) => basinDifferences(runs, reference));
}
