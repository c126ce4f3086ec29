/**
 * Advice in words for a consistency report that is not good: what to change (train longer,
 * more data near the conditions that fail, a larger network), read from which conditions fail
 * and how training went. Pure; shared by the report thread and the CLI.
 */
import type { ConsistencyVerdict } from '../../schema';

export interface AdviceRow {
  cond: number;
  verdict: ConsistencyVerdict | null;
  /** Simulated frames in the reference bin (0 when none). */
  frames: number;
  heldOut: boolean;
  /** The static comparison was fine but the bursts showed a transient. */
  transientOnly: boolean;
}

export interface TrainingSummary {
  epochs: number;
  /** Epoch (1-based) whose weights the model keeps: the best validation loss. */
  bestEpoch: number;
  stoppedEarly: boolean;
  hidden: number[] | null;
}

/** Frames below which a condition's reference (and the training data there) is thin. */
export const FEW_FRAMES = 200;

export const VERDICT_RULE =
  'Per condition: the worst ratio of a distance (mean, s.d., W1 against the exact law where there is one, else against the simulated reference) to its split-half noise floor, good <= 3, marginal <= 5, poor above; a distance within the practical tolerance (mean 0.05 s.d., s.d. 10%, W1 0.08 s.d.) counts as good. Lift-evolve-restrict transients: |difference| / error over the burst, good <= 4.5, marginal <= 6.5. Overall: poor if any condition is poor, marginal if two or more are marginal, else good.';

export function consistencyAdvice(overall: ConsistencyVerdict | null, rows: readonly AdviceRow[], training: TrainingSummary | null): string[] {
  if (overall === 'good') return [];
  if (overall === null) return ['No condition could be judged: there is no exact law and too few simulated frames near the conditions; simulate there (more windows or walkers) and compute the report again.'];
  const bad = rows.filter((r) => r.verdict === 'poor' || r.verdict === 'marginal');
  const fmt = (rs: readonly AdviceRow[]) => rs.map((r) => r.cond.toFixed(3)).join(', ');
  const advice: string[] = [];
  const lastIsBest = training !== null && training.bestEpoch >= training.epochs;
  if (training === null || lastIsBest || training.epochs < 20) {
    advice.push(
      training === null
        ? 'Train longer (more epochs): an undertrained model gives flat conditional means and wrong spreads.'
        : lastIsBest
          ? `Train longer: the best validation loss came at the last epoch (${training.epochs}), so the model was still improving when training stopped.`
          : `Train longer: ${training.epochs} epochs is few for this model.`,
    );
  }
  const thin = bad.filter((r) => r.frames < FEW_FRAMES || r.heldOut);
  if (thin.length > 0) {
    advice.push(`More data near ${fmt(thin)}: the simulation has few frames there (${thin.map((r) => r.frames).join(', ')} in the reference bin)${thin.some((r) => r.heldOut) ? ' or they were held out of training' : ''}; add umbrella windows or walkers there and retrain.`);
  }
  const plentiful = bad.filter((r) => r.frames >= FEW_FRAMES && !r.heldOut);
  if (plentiful.length > 0 && (training === null || !lastIsBest)) {
    const size = training?.hidden ? ` (now ${training.hidden.join(' x ')})` : '';
    advice.push(`A larger network${size}: the model misses the law at ${fmt(plentiful)} where the data are plentiful${training && !lastIsBest ? `, and training had converged (best epoch ${training.bestEpoch} of ${training.epochs})` : ''}.`);
  }
  if (bad.length > 0 && bad.every((r) => r.transientOnly)) {
    advice.push('The lifted fast variables relax during the unbiased bursts although their static statistics pass: look at the evolve plot; more data near these conditions or a longer training usually removes the transient.');
  }
  return advice;
}
