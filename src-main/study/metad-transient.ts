/**
 * Is a round of metadynamics runs past its transient? The final-bias FES of a well-tempered
 * run swings for a while (the start basin fills first and looks too deep, then the others catch
 * up and overshoot; ~1-2 ns for alanine dipeptide, docs/coupling-alanine.md), and replicas started
 * alike swing together, so the standard error over replicas does not show it. The check: rebuild
 * each run's FES from its HILLS at half its length and at its end (same grid, same basin code),
 * take the basin differences at both times paired within runs, and warn where a difference moved
 * by more than DRIFT_WARN_KT over the second half. A run that moved less can still be biased (the
 * check is necessary, not sufficient); one that moved more is certainly not converged.
 */
import { fesFromHills } from '../analysis/imports/hills-fes';
import type { HillsData } from '../engine/io/plumed';
import { fesBasins } from '../runs/molecular/fes';
import type { RunBasin } from './basins';
import { allBasinDifferences, meanAndSem, pairedDifferences } from './basin-differences';

/** A basin difference that moved by more than this (in kT) over the second half is flagged: half a kT is about the accuracy asked of a basin free energy. */
export const DRIFT_WARN_KT = 0.5;

/** The hills deposited up to time tMax (HILLS rows are in time order). */
export function hillsUpTo(h: HillsData, tMax: number): HillsData {
  const d = h.cvNames.length;
  let n = 0;
  while (n < h.time.length && h.time[n] <= tMax) n++;
  return { ...h, time: h.time.subarray(0, n), centers: h.centers.subarray(0, n * d), sigmas: h.sigmas.subarray(0, n * d), heights: h.heights.subarray(0, n), biasFactor: h.biasFactor.subarray(0, n) };
}

/** Labelled basins of the FES that the hills up to tMax give (kJ/mol; kT in kJ/mol). */
export function basinsAt(h: HillsData, tMax: number, kT: number): RunBasin[] {
  const upTo = hillsUpTo(h, tMax);
  if (!upTo.heights.length) return [];
  const f = fesFromHills(upTo, 'kJ/mol');
  const grid = { axes: f.centers.map((c) => Float64Array.from(c)), fes: Float64Array.from(f.values, (v) => v ?? NaN), periodic: f.axes.map((a) => a.periodic) };
  return fesBasins(grid, h.cvNames, kT).map((b) => ({ ...(b.label ? { label: b.label } : {}), freeEnergy: b.freeEnergy }));
}

export interface BasinDrift {
  name: string;
  reference: string;
  /** Paired over the runs with both basins at both times: F(name) - F(reference) at half the run, at its end, and the mean change (kJ/mol). */
  halfway: number | null;
  end: number | null;
  drift: number | null;
  driftSem: number | null;
  n: number;
  /** Runs that had both basins at the end but not yet at half length (the basin was not visited yet: the transient itself). */
  newSinceHalfway: number;
}

/**
 * Per basin pair (name above reference at the end, so each pair once): the paired differences at
 * half length and at the end of each run, from the runs' hills. Runs without both basins at both
 * times are skipped for that pair.
 */
export function basinDrifts(runs: readonly HillsData[], kT: number): BasinDrift[] {
  const half: RunBasin[][] = [];
  const end: RunBasin[][] = [];
  for (const h of runs) {
    const tEnd = h.time.length ? h.time[h.time.length - 1] : 0;
    half.push(basinsAt(h, tEnd / 2, kT));
    end.push(basinsAt(h, tEnd, kT));
  }
  const out: BasinDrift[] = [];
  for (const pair of allBasinDifferences(end)) {
    if (!(pair.deltaF > 0)) continue;
    const changes: number[] = [];
    const halves: number[] = [];
    const ends: number[] = [];
    let newSinceHalfway = 0;
    runs.forEach((_, r) => {
      const a = pairedDifferences([half[r]], pair.name, pair.reference);
      const b = pairedDifferences([end[r]], pair.name, pair.reference);
      if (a.length && b.length) {
        halves.push(a[0]);
        ends.push(b[0]);
        changes.push(b[0] - a[0]);
      } else if (b.length) newSinceHalfway++;
    });
    const some = changes.length > 0;
    out.push({
      name: pair.name, reference: pair.reference, halfway: some ? meanAndSem(halves).mean : null, end: some ? meanAndSem(ends).mean : null,
      drift: some ? meanAndSem(changes).mean : null, driftSem: some ? meanAndSem(changes).sem : null, n: changes.length, newSinceHalfway,
    });
  }
  return out;
}

/** Warnings for the drifts larger than DRIFT_WARN_KT (kT in kJ/mol). */
export function driftWarnings(drifts: readonly BasinDrift[], kT: number, what: string): string[] {
  const out: string[] = [];
  const tail = 'the metadynamics runs are still in their transient; the error bar from the runs does not include it (longer runs needed)';
  for (const d of drifts) {
    if (d.drift !== null && d.halfway !== null && d.end !== null && Math.abs(d.drift) > DRIFT_WARN_KT * kT) {
      out.push(`${what}: ${d.name} - ${d.reference} moved from ${d.halfway.toFixed(2)} to ${d.end.toFixed(2)} kJ/mol over the second half of the runs (${d.n} runs): ${tail}`);
    }
    if (d.newSinceHalfway > 0) out.push(`${what}: ${d.name} - ${d.reference}: ${d.newSinceHalfway} run(s) had not found both basins at half length: ${tail}`);
  }
  return out;
}
