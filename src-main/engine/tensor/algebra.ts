/**
 * A tiny arithmetic interface so each system's force formula is written ONCE and evaluated two
 * ways: on plain numbers (float64, one point: checked against the hand-tuned CPU kernels in
 * engine/systems) and on tfjs tensors (float32, a whole walker column at once: the batched
 * tensor integrator). The formulas in ./forces.ts only use these operations.
 */
import { tf, type Tensor } from '../generative/tf';

export interface Algebra<T> {
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** a * k for a plain number k. */
  scale(a: T, k: number): T;
  /** a + k for a plain number k. */
  shift(a: T, k: number): T;
  exp(a: T): T;
  sin(a: T): T;
  cos(a: T): T;
  /** Nearest integer (ties may round either way: they have probability zero for walkers). */
  round(a: T): T;
  /** A value shaped like `like`, filled with k. */
  fill(like: T, k: number): T;
}

export const numberAlgebra: Algebra<number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  scale: (a, k) => a * k,
  shift: (a, k) => a + k,
  exp: Math.exp,
  sin: Math.sin,
  cos: Math.cos,
  round: Math.round,
  fill: (_like, k) => k,
};

/** Element-wise tensor algebra on the active tfjs backend; call inside tf.tidy. */
export const tensorAlgebra: Algebra<Tensor> = {
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  scale: (a, k) => tf.mul(a, k),
  shift: (a, k) => tf.add(a, k),
  exp: (a) => tf.exp(a),
  sin: (a) => tf.sin(a),
  cos: (a) => tf.cos(a),
  round: (a) => tf.round(a),
  fill: (like, k) => tf.fill(like.shape, k),
};
