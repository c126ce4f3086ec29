/**
 * Reweighting of metadynamics frames to an unbiased free-energy profile along any coordinate.
 *
 * Frames sampled under a time-dependent well-tempered bias V(s, t) get log-weights (in units
 * of 1, i.e. ln w):
 *  - Tiwary-Parrinello (J. Phys. Chem. B 119, 736, 2015): ln w_i = (V(s_i, t_i) - c(t_i)) / kT,
 *    with V(s_i, t_i) the bias the frame felt and c(t) the reweighting factor (see
 *    WellTemperedMetad.rct()); valid once the bias is quasi-stationary, with no other assumption.
 *  - last bias (Branduardi, Bussi & Parrinello, JCTC 8, 2247, 2012): ln w_i = V_final(s_i) / kT,
 *    the final bias evaluated at every frame; treats the run as if sampled under the final bias,
 *    which is accurate when early frames (bias still growing) are discarded.
 * The weighted histogram along the coordinate of interest gives F(z) = -kT ln p(z) (min 0).
 */
import { EngineInputError } from '../errors';

/** ln w_i = (bias_i - rct_i) / kT. */
export function ctLogWeights(bias: Float64Array, rct: Float64Array, kT: number): Float64Array {
  if (bias.length !== rct.length) throw new EngineInputError(`bias and rct need the same length (got ${bias.length}, ${rct.length})`);
  if (!(kT > 0)) throw new EngineInputError('kT must be > 0');
  return Float64Array.from(bias, (b, i) => (b - rct[i]) / kT);
}

/** ln w_i = finalBias_i / kT. */
export function lastBiasLogWeights(finalBias: Float64Array, kT: number): Float64Array {
  if (!(kT > 0)) throw new EngineInputError('kT must be > 0');
  return Float64Array.from(finalBias, (b) => b / kT);
}

export interface ReweightOptions {
  bins: number;
  min: number;
  max: number;
  kT: number;
  /** Wrap values into [min, max) (period max - min). */
  periodic?: boolean;
}

export interface ReweightResult {
  edges: Float64Array;
  centers: Float64Array;
  /** -kT ln p, min 0, NaN in bins without frames. */
  fes: Float64Array;
  /** Normalised weighted probability per bin. */
  probability: Float64Array;
  /** Kish effective sample size (sum w)^2 / sum w^2 of the frames in range. */
  effectiveSampleSize: number;
  framesOutsideRange: number;
}

/** Weighted histogram FES of `values` (one per frame) with log-weights. */
export function reweightedProfile(values: Float64Array, logWeights: Float64Array, opts: ReweightOptions): ReweightResult {
  const { bins, min, max, kT } = opts;
  if (values.length !== logWeights.length) throw new EngineInputError(`values and weights need the same length (got ${values.length}, ${logWeights.length})`);
  if (values.length === 0) throw new EngineInputError('no frames to reweight');
  if (!Number.isSafeInteger(bins) || bins < 1) throw new EngineInputError(`bins must be a positive integer (got ${String(bins)})`);
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) throw new EngineInputError(`range needs finite min < max (got ${min}, ${max})`);
  if (!(kT > 0)) throw new EngineInputError('kT must be > 0');
  let shift = -Infinity;
  for (let i = 0; i < logWeights.length; i++) {
    if (!Number.isFinite(logWeights[i])) throw new EngineInputError(`log-weight of frame ${i} is not finite`);
    if (logWeights[i] > shift) shift = logWeights[i];
  }
  const width = (max - min) / bins;
  const period = max - min;
  const hist = new Float64Array(bins);
  let sw = 0;
  let sw2 = 0;
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    let x = values[i];
    if (opts.periodic) x -= period * Math.floor((x - min) / period);
    else if (!(x >= min && x <= max)) {
      outside++;
      continue;
    }
    const b = Math.min(bins - 1, Math.floor((x - min) / width));
    const w = Math.exp(logWeights[i] - shift); // shifted: no overflow, largest weight 1
    hist[b] += w;
    sw += w;
    sw2 += w * w;
  }
  if (sw === 0) throw new EngineInputError('no frame falls inside the histogram range');
  const probability = Float64Array.from(hist, (h) => h / sw);
  const fes = Float64Array.from(probability, (p) => (p > 0 ? -kT * Math.log(p / width) : NaN));
  let fmin = Infinity;
  for (const f of fes) if (f < fmin) fmin = f;
  for (let b = 0; b < bins; b++) fes[b] -= fmin;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  const centers = Float64Array.from({ length: bins }, (_, i) => min + (i + 0.5) * width);
  return { edges, centers, fes, probability, effectiveSampleSize: (sw * sw) / sw2, framesOutsideRange: outside };
}
