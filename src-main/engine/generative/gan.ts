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
 * marginal. The penalty's inner gradient dD/dxhat is an explicit backward pass (mlpInputGradient),
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
}

export function defaultGanHyper(xEncodedDim: number): GanHyper {
  return { latentDim: Math.max(4, 2 * xEncodedDim), criticSteps: 5, gradientPenalty: 10 };
}

export function generatorSpec(xDim: number, condDim: number, h: GanHyper, hidden: number[]): MlpSpec {
  return { inputs: [h.latentDim, condDim], hidden, output: xDim };
}

export function criticSpec(xDim: number, condDim: number, hidden: number[]): MlpSpec {
  return { inputs: [xDim, condDim], hidden, output: 1 };
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
export function ganCriticStep(G: Mlp, D: Mlp, adam: Adam, x: Float32Array, c: Float32Array, n: number, h: GanHyper, rng: Rng, learningRate: number): [tf.Scalar, tf.Scalar] {
  const dim = G.spec.output;
  const cDim = G.spec.inputs[1];
  const z = normals(rng, n * h.latentDim);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform();
  const vars = D.params.map((p) => p.variable);
  return tf.tidy(() => {
    const cT = tf.tensor2d(c, [n, cDim]);
    const real = tf.tensor2d(x, [n, dim]);
    const fake = mlpForward(G, [tf.tensor2d(z, [n, h.latentDim]), cT]); // constant for the critic
    const aT = tf.tensor2d(a, [n, 1]);
    const xhat = tf.add(tf.mul(real, aT), tf.mul(fake, tf.sub(1, aT))) as Tensor2D;
    let means: [tf.Scalar, tf.Scalar] | null = null;
    const { grads } = tf.variableGrads(() => {
      const dReal = tf.mean(mlpForward(D, [real, cT])) as tf.Scalar;
      const dFake = tf.mean(mlpForward(D, [fake, cT])) as tf.Scalar;
      const gradX = mlpInputGradient(D, [xhat, cT], 0);
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
export function ganGeneratorStep(G: Mlp, D: Mlp, adam: Adam, c: Float32Array, n: number, h: GanHyper, rng: Rng, learningRate: number): void {
  const cDim = G.spec.inputs[1];
  const z = normals(rng, n * h.latentDim);
  const vars = G.params.map((p) => p.variable);
  tf.tidy(() => {
    const cT = tf.tensor2d(c, [n, cDim]);
    const zT = tf.tensor2d(z, [n, h.latentDim]);
    const { grads } = tf.variableGrads(() => tf.neg(tf.mean(mlpForward(D, [mlpForward(G, [zT, cT]), cT]))) as tf.Scalar, vars);
    adam.apply(vars.map((v) => grads[v.name]), learningRate);
  });
}

/** Wasserstein estimate E D(real) - E D(fake) on held-out rows (no update), as a scalar tensor the caller reads and disposes. */
export function ganEvaluate(G: Mlp, D: Mlp, x: Float32Array, c: Float32Array, n: number, h: GanHyper, rng: Rng): tf.Scalar {
  const z = normals(rng, n * h.latentDim);
  return tf.tidy(() => {
    const cT = tf.tensor2d(c, [n, G.spec.inputs[1]]);
    const fake = mlpForward(G, [tf.tensor2d(z, [n, h.latentDim]), cT]);
    return tf.sub(tf.mean(mlpForward(D, [tf.tensor2d(x, [n, G.spec.output]), cT])), tf.mean(mlpForward(D, [fake, cT])));
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
