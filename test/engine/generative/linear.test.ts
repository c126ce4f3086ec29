/**
 * mlp.ts `linear`: x W with a hand-written gradient (plain products with explicit transposes,
 * because wasm's transposed MatMul is ~7x slower). Its value and both gradients must equal
 * tfjs's own matMul and its gradient (same float32 arithmetic up to summation order).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { linear } from '../../../src-main/engine/generative/mlp';
import { tf } from '../../../src-main/engine/generative/tf';
import { useBackend } from './helpers';

describe('linear (custom gradient) equals matMul and its gradient', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  it('value, dL/dx and dL/dW for a loss that weights every output differently', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([37, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([5, 7], 0, 1, 'float32', 2) as tf.Tensor2D;
      const weights = tf.randomNormal([37, 7], 0, 1, 'float32', 3);
      const loss = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.square(f(a as tf.Tensor2D, b as tf.Tensor2D)), weights)) as tf.Scalar;
      const mine = tf.grads(loss(linear))([x, w]);
      const ref = tf.grads(loss((a, b) => tf.matMul(a, b)))([x, w]);
      const close = (a: tf.Tensor, b: tf.Tensor) => {
        const d = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
        const scale = tf.max(tf.abs(b)).dataSync()[0];
        // float32 sums of 5-37 terms in another order: relative differences ~1e-6.
        expect(d).toBeLessThan(1e-5 * scale);
      };
      close(linear(x, w), tf.matMul(x, w));
      close(mine[0], ref[0]);
      close(mine[1], ref[1]);
    });
  });
});
