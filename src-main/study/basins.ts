/**
 * Basin free energies of a study round from independent runs: the app labels the basins of each
 * run's FES (runs/molecular/fes.ts: watershed basins, alanine-dipeptide conformer names from the
 * Ramachandran reference points); basins are matched across runs by label, F is the mean over
 * the runs that found the basin, dF its standard error (sd / sqrt(n), n - 1 in the sd), null when
 * one run found it. Unlabelled basins cannot be matched and are left out.
 */
export interface RunBasin {
  label?: string;
  freeEnergy: number;
}

export interface BasinEstimate {
  name: string;
  /** kJ/mol, each run's basins relative to its lowest basin. */
  F: number;
  dF: number | null;
  /** Runs that found the basin. */
  n: number;
}

export function basinsOverRuns(runs: readonly (readonly RunBasin[])[]): BasinEstimate[] {
  const byName = new Map<string, number[]>();
  for (const basins of runs) {
    for (const b of basins) {
      if (!b.label) continue;
      const list = byName.get(b.label) ?? [];
      list.push(b.freeEnergy);
      byName.set(b.label, list);
    }
  }
  return [...byName.entries()]
    .map(([name, values]) => {
      const n = values.length;
      const mean = values.reduce((a, v) => a + v, 0) / n;
      const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : null;
      return { name, F: mean, dF: sd === null ? null : sd / Math.sqrt(n), n };
    })
    .sort((a, b) => a.F - b.F);
}
