/**
 * Conditional score-based model on the VP-SDE (Song et al. 2021):
 *   dx = -1/2 beta(t) x dt + sqrt(beta(t)) dW,  beta(t) = beta_min + t (beta_max - beta_min), t in [0, 1],
 *   x_t | x_0 ~ N(sqrt(abar) x_0, (1 - abar) I),  abar(t) = exp(-(beta_min t + (beta_max - beta_min) t^2 / 2)).
 * The network eps(x_t, t, cond) predicts the noise; the score is -eps / sigma(t), sigma = sqrt(1 - abar).
 * Training: denoising score matching with epsilon prediction, E |eps(x_t, t, c) - eps|^2 with
 * t = t_eps + (1 - t_eps) u^p, u ~ U(0, 1) (p = timePower; uniform t when p = 1). The forward noising is done in plain JS (cheap, B x D) so the tensor graph is
 * only the network and the loss. Time enters through fixed Fourier features sin/cos(2 pi f_k t).
 * Sampling: reverse SDE by Euler-Maruyama, or the probability-flow ODE by Heun's method, from
 * t = 1 (x ~ N(0, I)) down to t_eps, then one Tweedie denoising step x_0 = (x - sigma eps) / sqrt(abar).
 */
import type { Rng } from '../random';
import type { Adam } from './adam';
import { mlpForward, type Mlp, type MlpSpec } from './mlp';
import { tf, type Tensor2D } from './tf';

export interface ScoreHyper {
  betaMin: number;
  betaMax: number;
  /** Smallest diffusion time used in training and where sampling stops. */
  tEpsilon: number;
  /** Fourier feature frequencies f_k (cycles per unit time). */
  fourierFrequencies: number[];
  /**
   * Density of diffusion times: training draws t = t_eps + (1 - t_eps) u^p (u uniform), and the
   * sampler's grid is t_i = t_eps + (1 - t_eps) (1 - i/N)^p. p > 1 spends more of both on small
   * noise, where the shapes of narrow modes are decided. Absent (models saved before it): 1.
   */
  timePower?: number;
}

export const DEFAULT_SCORE_HYPER: ScoreHyper = {
  betaMin: 0.1,
  betaMax: 20,
  tEpsilon: 1e-3,
  fourierFrequencies: [0.25, 0.5, 1, 2, 4, 8, 16, 32],
  // p = 1.75 with three layers, learning rate 2e-3, final weights, 12,000 steps (trainer.ts): the
  // two-mode weights within 0.016-0.027 (uniform t, two layers: 0.06) and W1 2.4-3.0x the
  // 4,000-draw floor (16-19x), fast/slow still within 0.05 s.d. and the GUI journey's model good
  // (docs/generative-defaults.md, "third look"). Saved options keep their own value (older ones
  // without it: 1).
  timePower: 1.75,
};

/** Diffusion time at fraction `u` in [0, 1] of the (training or sampling) time axis. */
export function diffusionTime(u: number, h: ScoreHyper): number {
  const p = h.timePower ?? 1;
  return h.tEpsilon + (1 - h.tEpsilon) * (p === 1 ? u : u ** p);
}

export type ScoreSampler = 'sde' | 'ode';
export interface ScoreSampleOptions {
  method: ScoreSampler;
  /** Integration steps from t = 1 to t_eps (each ODE step costs two network calls). */
  steps: number;
}
export const DEFAULT_SCORE_SAMPLING: ScoreSampleOptions = { method: 'sde', steps: 500 };

export function scoreNetSpec(xDim: number, condDim: number, hyper: ScoreHyper, hidden: number[]): MlpSpec {
  return { inputs: [xDim, condDim, 2 * hyper.fourierFrequencies.length], hidden, output: xDim };
}

export function beta(t: number, h: ScoreHyper): number {
  return h.betaMin + t * (h.betaMax - h.betaMin);
}

export function logAlphaBar(t: number, h: ScoreHyper): number {
  return -(h.betaMin * t + 0.5 * (h.betaMax - h.betaMin) * t * t);
}

/** Writes the 2F Fourier features of t at out[offset..]. */
export function timeFeatures(t: number, freqs: readonly number[], out: Float32Array, offset: number): void {
  const f = freqs.length;
  for (let k = 0; k < f; k++) {
    const a = 2 * Math.PI * freqs[k] * t;
    out[offset + k] = Math.sin(a);
    out[offset + f + k] = Math.cos(a);
  }
}

/** Time t_i of sampling step i of `steps` and its length dt = t_i - t_(i+1) (uniform grid: the historical formula, bit for bit). */
function samplingStep(i: number, steps: number, h: ScoreHyper): { t: number; dt: number } {
  if ((h.timePower ?? 1) === 1) {
    const dt = (1 - h.tEpsilon) / steps;
    return { t: 1 - i * dt, dt };
  }
  const t = diffusionTime(1 - i / steps, h);
  return { t, dt: t - diffusionTime(1 - (i + 1) / steps, h) };
}

/** Noised inputs, targets and time features of one minibatch (all plain arrays). */
function noiseBatch(x0: Float32Array, n: number, dim: number, h: ScoreHyper, rng: Rng) {
  const f2 = 2 * h.fourierFrequencies.length;
  const xt = new Float32Array(n * dim);
  const eps = new Float32Array(n * dim);
  const emb = new Float32Array(n * f2);
  // Stratified times (one uniform offset, n evenly spaced strata; Kingma et al. 2021's low-discrepancy
  // sampler): every minibatch covers all noise levels, which lowers the variance of the gradient.
  const u0 = rng.uniform();
  for (let i = 0; i < n; i++) {
    const t = diffusionTime((u0 + i / n) % 1, h);
    const ab = Math.exp(logAlphaBar(t, h));
    const a = Math.sqrt(ab);
    const s = Math.sqrt(1 - ab);
    for (let j = 0; j < dim; j++) {
      const e = rng.normal();
      eps[i * dim + j] = e;
      xt[i * dim + j] = a * x0[i * dim + j] + s * e;
    }
    timeFeatures(t, h.fourierFrequencies, emb, i * f2);
  }
  return { xt, eps, emb };
}

function dsmLoss(net: Mlp, xt: Float32Array, c: Float32Array, emb: Float32Array, eps: Float32Array, n: number): tf.Scalar {
  const dim = net.spec.output;
  const pred = mlpForward(net, [tf.tensor2d(xt, [n, dim]), tf.tensor2d(c, [n, net.spec.inputs[1]]), tf.tensor2d(emb, [n, net.spec.inputs[2]])]);
  return tf.mean(tf.squaredDifference(pred, tf.tensor2d(eps, [n, dim])));
}

/**
 * One Adam step on a minibatch (x0 encoded, c encoded); returns the minibatch loss as a scalar
 * tensor the caller reads (sync or async, readback.ts) and disposes.
 */
export function scoreTrainStep(net: Mlp, adam: Adam, x0: Float32Array, c: Float32Array, n: number, h: ScoreHyper, rng: Rng, learningRate: number): tf.Scalar {
  const { xt, eps, emb } = noiseBatch(x0, n, net.spec.output, h, rng);
  const vars = net.params.map((p) => p.variable);
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => dsmLoss(net, xt, c, emb, eps, n), vars);
    adam.apply(vars.map((v) => grads[v.name]), learningRate);
    return value;
  });
}

/**
 * DSM loss without an update, as a scalar tensor (caller reads and disposes); `rng` should restart
 * at the same state for comparable numbers.
 */
export function scoreEvaluate(net: Mlp, x0: Float32Array, c: Float32Array, n: number, h: ScoreHyper, rng: Rng): tf.Scalar {
  const { xt, eps, emb } = noiseBatch(x0, n, net.spec.output, h, rng);
  return tf.tidy(() => dsmLoss(net, xt, c, emb, eps, n));
}

/**
 * n samples (encoded features) at one encoded condition (1 x condDim). Tensors live only inside
 * each step's tidy; the state between steps is one kept tensor.
 */
export function sampleScore(net: Mlp, h: ScoreHyper, cond: Float32Array, n: number, rng: Rng, opts: ScoreSampleOptions): Float32Array {
  const dim = net.spec.output;
  const f2 = 2 * h.fourierFrequencies.length;
  const start = new Float32Array(n * dim);
  for (let i = 0; i < start.length; i++) start[i] = rng.normal();
  const c = tf.tensor2d(cond, [1, cond.length]);
  // Fresh arrays per tensor: some backends keep a reference to the array a tensor was made from.
  const epsAt = (x: Tensor2D, t: number): Tensor2D => {
    const emb = new Float32Array(f2);
    timeFeatures(t, h.fourierFrequencies, emb, 0);
    return mlpForward(net, [x, c, tf.tensor2d(emb, [1, f2])]);
  };
  let x: Tensor2D = tf.tensor2d(start, [n, dim]);
  const steps = opts.steps;
  /** Drift of the PF-ODE in forward time: -1/2 beta (x - eps / sigma). */
  const odeDrift = (xx: Tensor2D, t: number): Tensor2D => {
    const sigma = Math.sqrt(1 - Math.exp(logAlphaBar(t, h)));
    return tf.mul(tf.sub(xx, tf.div(epsAt(xx, t), sigma)), -0.5 * beta(t, h));
  };
  for (let i = 0; i < steps; i++) {
    const { t, dt } = samplingStep(i, steps, h);
    let next: Tensor2D;
    if (opts.method === 'sde') {
      const z = new Float32Array(n * dim);
      for (let k = 0; k < z.length; k++) z[k] = rng.normal();
      const b = beta(t, h);
      const sigma = Math.sqrt(1 - Math.exp(logAlphaBar(t, h)));
      next = tf.tidy(() => {
        // Reverse-time Euler-Maruyama: x += dt beta (x/2 + score) + sqrt(beta dt) z, score = -eps/sigma.
        const drift = tf.sub(tf.mul(x, 0.5), tf.div(epsAt(x, t), sigma));
        return tf.add(tf.add(x, tf.mul(drift, b * dt)), tf.mul(tf.tensor2d(z, [n, dim]), Math.sqrt(b * dt)));
      });
    } else {
      next = tf.tidy(() => {
        // Heun (trapezoidal predictor-corrector) on the PF-ODE, integrating backwards in time.
        const k1 = odeDrift(x, t);
        const predicted = tf.sub(x, tf.mul(k1, dt)) as Tensor2D;
        const k2 = odeDrift(predicted, t - dt);
        return tf.sub(x, tf.mul(tf.add(k1, k2), dt / 2));
      });
    }
    x.dispose();
    x = next;
  }
  const tEnd = h.tEpsilon;
  const abEnd = Math.exp(logAlphaBar(tEnd, h));
  const denoised = tf.tidy(() => tf.div(tf.sub(x, tf.mul(epsAt(x, tEnd), Math.sqrt(1 - abEnd))), Math.sqrt(abEnd)));
  const out = denoised.dataSync() as Float32Array;
  denoised.dispose();
  x.dispose();
  c.dispose();
  return out;
}
