/**
 * Where should the next round of generation-assisted sampling put its windows?
 * (docs/generation-assisted.md). A pure function of what the last round measured, so each rule
 * can be tested on constructed inputs. Rules, in priority order; every chosen centre says which
 * rule chose it:
 *  1. trapped-window:   a window whose fast variable did not mix (trapping.ts) is sampled again
 *                       at the same centre, started from lifted configurations; its trapped data
 *                       is dropped from the fold (it was not at equilibrium in its ensemble).
 *  2. unexplored:       a stretch of the CV range farther than 2 sigma from every centre
 *                       (sigma = sqrt(kT / spring), a window's width) gets a centre in its middle.
 *  3. weak-overlap:     adjacent windows whose histogram overlap is below the threshold (WHAM
 *                       cannot tie their free energies together) get a centre between them.
 *  4. poor-consistency: a condition where the consistency report found the model poor gets a
 *                       window, so the next model trains on data there.
 *  5. fes-uncertainty:  bins whose FES error exceeds the target, largest first, get a window.
 * A candidate closer than sigma / 2 to a centre already chosen this round is skipped (rules 2-4
 * also skip candidates that close to an existing centre: more of the same window adds nothing
 * those rules ask for); at most `maxNew` centres per round.
 */

export type CentreReason = 'trapped-window' | 'unexplored' | 'weak-overlap' | 'poor-consistency' | 'fes-uncertainty';

export interface RoundMeasurements {
  range: [number, number];
  /** Centres of the windows folded so far. */
  centres: number[];
  spring: number;
  kT: number;
  /** The folded FES: bin centres and errors (kT); null errors are skipped. */
  fes: { centers: number[]; dF: (number | null)[] | null };
  /** Overlap of each pair of adjacent windows (sorted by centre): pairs[i] is between sorted centres i and i + 1. */
  adjacentOverlap: number[];
  /** Per-condition consistency verdicts of the model; absent: not judged. */
  consistency?: { cond: number; poor: boolean }[];
  /** Centres of windows diagnosed as trapped (trapping.ts). */
  trapped?: number[];
  /**
   * CV values sampled by a first round without windows (metadynamics or MD: the centres of the
   * bins that hold frames). The unexplored rule measures gaps from these as well as from the
   * window centres; the other rules still look at windows only.
   */
  visited?: number[];
}

export interface SelectionOptions {
  maxNew: number;
  /** FES error (kT) above which a bin asks for more sampling. */
  targetUncertainty: number;
  /** Adjacent overlap below which a window goes between (default 0.03, as WHAM warns). */
  minOverlap?: number;
}

export interface ChosenCentre {
  centre: number;
  reason: CentreReason;
  /** The number that triggered the rule (distance to the nearest centre, overlap, FES error in kT; 0 for a verdict). */
  measure: number;
}

export function windowWidth(spring: number, kT: number): number {
  return Math.sqrt(kT / spring);
}

export function chooseNextCentres(m: RoundMeasurements, opts: SelectionOptions): ChosenCentre[] {
  const sigma = windowWidth(m.spring, m.kT);
  const minSpacing = sigma / 2;
  const chosen: ChosenCentre[] = [];
  const sorted = [...m.centres].sort((a, b) => a - b);
  const near = (x: number, list: readonly number[]) => list.some((c) => Math.abs(c - x) < minSpacing);
  const add = (c: ChosenCentre, avoidExisting: boolean) => {
    if (chosen.length >= opts.maxNew) return;
    if (c.centre < m.range[0] - 1e-12 || c.centre > m.range[1] + 1e-12) return;
    if (near(c.centre, chosen.map((x) => x.centre))) return;
    if (avoidExisting && near(c.centre, sorted)) return;
    chosen.push(c);
  };

  for (const t of m.trapped ?? []) add({ centre: t, reason: 'trapped-window', measure: 0 }, false);

  // Stretches farther than 2 sigma from every centre, widest first: between two centres the
  // farthest point is their midpoint; at a range end it is the end itself.
  const gaps: { centre: number; distance: number }[] = [];
  const sampled = m.visited ? [...sorted, ...m.visited].sort((a, b) => a - b) : sorted;
  if (!sampled.length) gaps.push({ centre: (m.range[0] + m.range[1]) / 2, distance: Infinity });
  else {
    if (sampled[0] - m.range[0] > 2 * sigma) gaps.push({ centre: (m.range[0] + sampled[0]) / 2, distance: sampled[0] - m.range[0] });
    for (let i = 0; i + 1 < sampled.length; i++) {
      const half = (sampled[i + 1] - sampled[i]) / 2;
      if (half > 2 * sigma) gaps.push({ centre: sampled[i] + half, distance: half });
    }
    const last = sampled[sampled.length - 1];
    if (m.range[1] - last > 2 * sigma) gaps.push({ centre: (last + m.range[1]) / 2, distance: m.range[1] - last });
  }
  gaps.sort((a, b) => b.distance - a.distance).forEach((g) => add({ centre: g.centre, reason: 'unexplored', measure: g.distance }, true));

  const minOverlap = opts.minOverlap ?? 0.03;
  m.adjacentOverlap
    .map((o, i) => ({ o, mid: (sorted[i] + sorted[i + 1]) / 2 }))
    .filter((p) => p.o < minOverlap)
    .sort((a, b) => a.o - b.o)
    .forEach((p) => add({ centre: p.mid, reason: 'weak-overlap', measure: p.o }, true));

  for (const c of m.consistency ?? []) if (c.poor) add({ centre: c.cond, reason: 'poor-consistency', measure: 0 }, true);

  const dF = m.fes.dF;
  if (dF) {
    m.fes.centers
      .map((x, i) => ({ x, e: dF[i] }))
      .filter((b): b is { x: number; e: number } => b.e !== null && Number.isFinite(b.e) && b.e > opts.targetUncertainty)
      .sort((a, b) => b.e - a.e)
      .forEach((b) => add({ centre: b.x, reason: 'fes-uncertainty', measure: b.e }, false));
  }
  return chosen;
}

/** Largest finite FES error (kT), or null when there are none. */
export function largestError(dF: readonly (number | null)[] | null): number | null {
  const v = (dF ?? []).filter((e): e is number => e !== null && Number.isFinite(e));
  return v.length ? Math.max(...v) : null;
}

export type StopReason = 'target-uncertainty' | 'round-budget' | 'nothing-to-add';

/**
 * Whether to stop before round `nextRound` (1-based): the target reached (and no window
 * trapped, since a trapped window's FES error bar is honest about its noise but not its bias),
 * the round budget spent, or no rule asked for a window.
 */
export function stopReason(nextRound: number, maxRounds: number, fesUncertainty: number | null, target: number | null, trappedCount: number, chosen: number): StopReason | null {
  if (target !== null && fesUncertainty !== null && fesUncertainty <= target && trappedCount === 0) return 'target-uncertainty';
  if (nextRound > maxRounds) return 'round-budget';
  if (chosen === 0) return 'nothing-to-add';
  return null;
}
