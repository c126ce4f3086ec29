/**
 * Is an umbrella window trapped behind a barrier orthogonal to the CV? (docs/generation-assisted.md)
 *
 * The bias only acts on the CV, so a fast variable with two modes separated by a high barrier can
 * stay in the mode its walker started in for the whole window. Such a window is not at equilibrium
 * in its own biased ensemble: folding it into WHAM is not legal (SCIENCE.md section 9), and a model
 * trained on it learns the wrong mode weights. We diagnose it per window from a user observable
 * (e.g. "y - 0.5*x") and a split value between the modes:
 * - mode switches: crossings of the split with hysteresis (the observable must travel from below
 *   split - h to above split + h, or back), counted per walker and summed;
 * - the statistical inefficiency g of the observable (pymbar's estimator): a walker stuck in one
 *   mode shows only its fast in-mode fluctuations, so g alone cannot tell; hence the switch count
 *   is the rule and g is reported beside it.
 * A window is trapped when its walkers switch fewer than `minSwitches` times in total.
 */
import { statisticalInefficiency } from '../engine/estimators/autocorr';

export interface ModeSpec {
  /** Split value of the observable between the two modes. */
  split: number;
  /** Half-width of the dead band around the split (a crossing must clear it on both sides). */
  hysteresis: number;
}

/** Transitions of `series` between the two modes (below split - h, above split + h). */
export function modeSwitches(series: ArrayLike<number>, spec: ModeSpec): number {
  const lo = spec.split - spec.hysteresis;
  const hi = spec.split + spec.hysteresis;
  let state = 0; // -1 lower mode, +1 upper mode, 0 not yet in either
  let switches = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i];
    const now = v < lo ? -1 : v > hi ? 1 : 0;
    if (now !== 0 && now !== state) {
      if (state !== 0) switches++;
      state = now;
    }
  }
  return switches;
}

export interface WindowTrapping {
  centre: number;
  /** Mode switches summed over the window's walkers. */
  switches: number;
  /** Fraction of frames in the upper mode (above the split). */
  upperFraction: number;
  /** Statistical inefficiency of the observable, averaged over walkers (frames). */
  inefficiency: number | null;
  trapped: boolean;
}

/**
 * Diagnoses every window from its walkers' observable series (`series[k]` = window k's walkers).
 * `minSwitches`: fewest total switches for a window to count as mixing.
 */
export function diagnoseWindows(centres: readonly number[], series: readonly (readonly Float64Array[])[], spec: ModeSpec, minSwitches: number): WindowTrapping[] {
  return centres.map((centre, k) => {
    let switches = 0;
    let upper = 0;
    let frames = 0;
    const gs: number[] = [];
    for (const s of series[k]) {
      switches += modeSwitches(s, spec);
      for (let i = 0; i < s.length; i++) if (s[i] > spec.split) upper++;
      frames += s.length;
      if (s.length >= 2) {
        try {
          gs.push(statisticalInefficiency(s));
        } catch {
          // A constant series (no fluctuation at all) has no inefficiency; the switch count still judges it.
        }
      }
    }
    return {
      centre, switches, upperFraction: frames ? upper / frames : 0,
      inefficiency: gs.length ? gs.reduce((a, b) => a + b, 0) / gs.length : null,
      trapped: switches < minSwitches,
    };
  });
}

/**
 * The condition interval to leave out of training: the trapped windows' centres widened by one
 * window width sigma = sqrt(kT / spring) on each side (their frames reach about that far), or
 * null when no window is trapped. One interval (the training API holds out one): trapped windows
 * that are not contiguous are covered by their hull, which also drops the mixing windows between
 * them; the report lists which windows were trapped so a user sees it.
 */
export function trappedInterval(windows: readonly WindowTrapping[], sigma: number): [number, number] | null {
  const trapped = windows.filter((w) => w.trapped).map((w) => w.centre);
  if (!trapped.length) return null;
  return [Math.min(...trapped) - sigma, Math.max(...trapped) + sigma];
}
