/**
 * Conditional Wasserstein GAN with a one-sided gradient penalty (WGAN-LP, Petzka et al. 2018,
 * a variant of WGAN-GP, Gulrajani et al. 2017):
 *   critic D(x, c) minimises  E D(G(z, c), c) - E D(x, c) + lambda E max(0, |grad_xhat D(xhat, c)| - 1)^2,
 *   xhat = a x + (1 - a) G(z, c), a ~ U(0, 1) per row;  generator G(z, c) minimises -E D(G(z, c), c).
 * Why one-sided: the two-sided penalty (|grad| - 1)^2 also pushes a critic whose slope is still
 * small towards slope 1 in whatever direction it starts; on standardised low-dimensional data,
 * where the Wasserstein term is small at the start, that locked critics into the wrong sign
 * (E D(real) < E D(fake)) in our runs. Penalising only slopes above 1 keeps the Lipschitz
 * constraint without that pull.
 * Conditions of fake rows are the minibatch's real conditions, so both see the data's condition
 * marginal.
 * Packing (PacGAN, Lin et al. 2018): with pack m > 1 the critic judges m rows at once, (x_1, c_1,
 * ..., x_m, c_m) -> D, real packs against fake packs with the same conditions. A critic that sees
 * m draws can tell a generator that puts too much mass in one mode from the data much more easily
 * than one that sees single rows, which is the cheap, documented fix for dropped or mis-weighted
 * modes. The generator is unchanged (it still makes single rows), so packing changes training
 * only and saved models do not record it as a format change.
 * The penalty's inner gradient dD/dxhat is an explicit backward pass (mlpInputGradient),
 * not a nested tf.grad, whose second derivatives are wrong in tfjs 4.22 (see mlp.ts).
 */
import type { Rng } from '../random';
import type { Adam } from './adam';
import { mlpForward, mlpInputGradient, type Mlp, type MlpSpec } from './mlp';
import { tf, type Tensor2D } from './tf';

export interface GanHyper {
  /** Dimension of the generator's Gaussian input z. */
  latentDim: number;
  /** Critic updates per generator update. */
  criticSteps: number;
  /** lambda of the gradient penalty. */
  gradientPenalty: number;
  /** Rows the critic judges together (PacGAN); absent in models and checkpoints saved before it existed = 1. */
  pack?: number;
  /**
   * The critic's learning rate over the generator's (TTUR, Heusel et al. 2017: a faster critic
   * keeps up with the generator with fewer critic steps); absent in older models = 1.
   */
  criticLrFactor?: number;
  /**
   * Adam's beta1 (first-moment decay) for both networks; absent in models and checkpoints saved
   * before it existed = 0.5 (the WGAN-GP paper's). 0 (no momentum, as SAGAN and BigGAN train) lets
   * each step follow the critic's current slope instead of a stale one, which the adversarial game
   * needs; measured on the two-mode law (docs/generative-defaults.md, "Adam's momentum").
   */
  adamBeta1?: number;
}

export function defaultGanHyper(xEncodedDim: number): GanHyper {
  // criticSteps 2 with a faster critic (TTUR) instead of 5 at the generator's rate: more generator
  // steps for the same critic work; the critic at 4x the learning rate (2x before; 1x was worse).
  // Penalty weight 1 (10 before: a critic allowed slopes above 1 where the data need them sees the
  // tails and the small mode better; 0.1 was no better on the two-mode law and left a short
  // training's s.d. 15-20% small) and, for one encoded target column, a 2-dimensional z (4 before;
  // several columns keep 2 per column). With the trainer's learning rate 3e-3: W1 on the two-mode
  // law 6.2-9.4x -> 5.0-6.2x the floor over 3 seeds at the same cost. Measured on both laws
  // (docs/generative-defaults.md, "W1 of the GAN"). Adam without momentum (beta1 0, 0.5 before):
  // worst W1 5.0-6.2x -> 4.5-4.9x the floor over the same seeds, at the same cost ("Adam's momentum").
  return { latentDim: Math.max(2, 2 * xEncodedDim), criticSteps: 2, gradientPenalty: 1, pack: 1, criticLrFactor: 4, adamBeta1: 0 };
}

/** The critic's pack size (1 for hyper-parameters saved before packing existed). */
export function packOf(h: GanHyper): number {
  return h.pack ?? 1;
}

/** The critic's learning-rate factor (1 for hyper-parameters saved before TTUR existed). */
export function criticLrFactorOf(h: GanHyper): number {
  return h.criticLrFactor ?? 1;
}

/** Adam's beta1 of both networks (0.5 for hyper-parameters saved before it was an option). */
export function adamBeta1Of(h: GanHyper): number {
  return h.adamBeta1 ?? 0.5;
}

export function generatorSpec(xDim: number, condDim: number, h: GanHyper, hidden: number[]): MlpSpec {
  return { inputs: [h.latentDim, condDim], hidden, output: xDim };
}

export function criticSpec(xDim: number, condDim: number, hidden: number[], pack = 1): MlpSpec {
  return { inputs: [xDim * pack, condDim * pack], hidden, output: 1 };
}

/** Rows that fill whole packs: n rounded up to a multiple of pack (see wrapRows). */
function packedRows(n: number, pack: number): number {
  return Math.ceil(n / pack) * pack;
}

/** The first `rows` rows of `values` (dim columns), wrapped around from the start to fill `total` rows. */
function wrapRows(values: Float32Array, dim: number, rows: number, total: number): Float32Array {
  if (total === rows) return values.length === rows * dim ? values : values.subarray(0, rows * dim);
  const out = new Float32Array(total * dim);
  for (let i = 0; i < total; i++) out.set(values.subarray((i % rows) * dim, (i % rows) * dim + dim), i * dim);
  return out;
}

/** [n, dim] rows -> [n / pack, pack * dim] packs (row-major: consecutive rows form one pack). */
function packRows(t: Tensor2D, pack: number): Tensor2D {
  return pack === 1 ? t : (tf.reshape(t, [t.shape[0] / pack, t.shape[1] * pack]) as Tensor2D);
}

function normals(rng: Rng, count: number): Float32Array {
  const z = new Float32Array(count);
  for (let i = 0; i < count; i++) z[i] = rng.normal();
  return z;
}

/**
 * One critic update. Returns [E D(real), E D(fake)] on the minibatch as scalar tensors (the caller
 * reads them, sync or async, and disposes them); the Wasserstein estimate is their difference,
 * taken in JS (float64) on the two float32 values.
 */
export function ganCriticStep(G: Mlp, D: Mlp, adam: Adam, x: Float32Array, c: Float32Array, rows: number, h: GanHyper, rng: Rng, learningRate: number): [tf.Scalar, tf.Scalar] {
  const dim = G.spec.output;
  const cDim = G.spec.inputs[1];
  const pack = packOf(h);
  const n = packedRows(rows, pack);
  const packs = n / pack;
  const z = normals(rng, n * h.latentDim);
  // One interpolation weight per pack: the penalty's xhat is a point between a real and a fake pack.
  const a = new Float32Array(packs);
  for (let i = 0; i < packs; i++) a[i] = rng.uniform();
  const vars = D.params.map((p) => p.variable);
  return tf.tidy(() => {
    const cT = tf.tensor2d(wrapRows(c, cDim, rows, n), [n, cDim]);
    const cPacked = packRows(cT, pack);
    const real = packRows(tf.tensor2d(wrapRows(x, dim, rows, n), [n, dim]), pack);
    const fake = packRows(mlpForward(G, [tf.tensor2d(z, [n, h.latentDim]), cT]), pack); // constant for the critic
    const aT = tf.tensor2d(a, [packs, 1]);
    const xhat = tf.add(tf.mul(real, aT), tf.mul(fake, tf.sub(1, aT))) as Tensor2D;
    let means: [tf.Scalar, tf.Scalar] | null = null;
    const { grads } = tf.variableGrads(() => {
      const dReal = tf.mean(mlpForward(D, [real, cPacked])) as tf.Scalar;
      const dFake = tf.mean(mlpForward(D, [fake, cPacked])) as tf.Scalar;
      const gradX = mlpInputGradient(D, [xhat, cPacked], 0);
      const norm = tf.sqrt(tf.add(tf.sum(tf.square(gradX), 1), 1e-12));
      const penalty = tf.mean(tf.square(tf.relu(tf.sub(norm, 1))));
      // Kept out of every tidy scope (variableGrads runs this in one); returned below.
      means = [tf.keep(dReal), tf.keep(dFake)];
      return tf.add(tf.sub(dFake, dReal), tf.mul(penalty, h.gradientPenalty)) as tf.Scalar;
    }, vars);
    adam.apply(vars.map((v) => grads[v.name]), learningRate);
    return means!;
  });
}

/** One generator update (minimising -E D(G(z, c), c)); the trainer does not read its loss. */
export function ganGeneratorStep(G: Mlp, D: Mlp, adam: Adam, c: Float32Array, rows: number, h: GanHyper, rng: Rng, learningRate: number): void {
  const cDim = G.spec.inputs[1];
  const pack = packOf(h);
  const n = packedRows(rows, pack);
  const z = normals(rng, n * h.latentDim);
  const vars = G.params.map((p) => p.variable);
  tf.tidy(() => {
    const cT = tf.tensor2d(wrapRows(c, cDim, rows, n), [n, cDim]);
    const zT = tf.tensor2d(z, [n, h.latentDim]);
    const { grads } = tf.variableGrads(() => tf.neg(tf.mean(mlpForward(D, [packRows(mlpForward(G, [zT, cT]), pack), packRows(cT, pack)]))) as tf.Scalar, vars);
    adam.apply(vars.map((v) => grads[v.name]), learningRate);
  });
}

/** Wasserstein estimate E D(real) - E D(fake) on held-out rows (no update), as a scalar tensor the caller reads and disposes. */
export function ganEvaluate(G: Mlp, D: Mlp, x: Float32Array, c: Float32Array, rows: number, h: GanHyper, rng: Rng): tf.Scalar {
  const pack = packOf(h);
  const n = packedRows(rows, pack);
  const cDim = G.spec.inputs[1];
  const z = normals(rng, n * h.latentDim);
  return tf.tidy(() => {
    const cT = tf.tensor2d(wrapRows(c, cDim, rows, n), [n, cDim]);
    const cPacked = packRows(cT, pack);
    const fake = packRows(mlpForward(G, [tf.tensor2d(z, [n, h.latentDim]), cT]), pack);
    const real = packRows(tf.tensor2d(wrapRows(x, G.spec.output, rows, n), [n, G.spec.output]), pack);
    return tf.sub(tf.mean(mlpForward(D, [real, cPacked])), tf.mean(mlpForward(D, [fake, cPacked])));
  });
}

/** n generated rows (encoded features) at one encoded condition. */
export function sampleGan(G: Mlp, h: GanHyper, cond: Float32Array, n: number, rng: Rng): Float32Array {
  const z = normals(rng, n * h.latentDim);
  const y = tf.tidy(() => mlpForward(G, [tf.tensor2d(z, [n, h.latentDim]), tf.tensor2d(cond, [1, cond.length])]));
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}
