/**
 * The WGAN critic's penalty needs d/dW of a function of dD/dx. tfjs 4.22's nested tf.grad gets
 * this wrong for weights feeding a sigmoid (shown below), so mlpInputGradient writes the input
 * gradient out; both it and the resulting weight gradients are checked by central differences.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src-main/engine/generative/tf';
import { Rng } from '../../../src-main/engine/random';
import { createMlp, disposeMlp, mlpForward, mlpInputGradient } from '../../../src-main/engine/generative/mlp';
import { useBackend } from './helpers';

describe.each(['cpu', 'wasm'])('gradient penalty on %s', (backend) => {
  beforeAll(async () => {
    expect(await useBackend(backend)).toBe(backend);
  });

  it('mlpInputGradient equals tf.grad and its weight gradients equal finite differences', () => {
    const rng = new Rng(5, 0);
    const D = createMlp({ inputs: [2, 1], hidden: [8, 6], output: 1 }, 'critic', rng);
    const n = 5;
    const xs = tf.tensor2d(Array.from({ length: 2 * n }, () => rng.normal()), [n, 2]);
    const cs = tf.tensor2d(Array.from({ length: n }, () => rng.normal()), [n, 1]);
    const manual = tf.tidy(() => mlpInputGradient(D, [xs, cs], 0).dataSync().slice());
    const auto = tf.tidy(() => tf.grad((x) => tf.sum(mlpForward(D, [x as tf.Tensor2D, cs])))(xs).dataSync().slice());
    // First derivatives by two routes in float32: agree to rounding.
    for (let i = 0; i < manual.length; i++) expect(manual[i]).toBeCloseTo(auto[i], 5);

    const penalty = () => {
      const g = mlpInputGradient(D, [xs, cs], 0);
      return tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(g), 1)), 1))) as tf.Scalar;
    };
    const vars = D.params.filter((p) => !p.name.endsWith('bout')).map((p) => p.variable); // bout does not enter dD/dx
    const analytic = tf.tidy(() => {
      const { grads } = tf.variableGrads(penalty, vars);
      return vars.map((v) => grads[v.name].dataSync().slice());
    });
    let worst = 0;
    vars.forEach((v, k) => {
      const base = v.dataSync().slice();
      for (let i = 0; i < Math.min(6, base.length); i++) {
        const h = 1e-2;
        const at = (delta: number) => {
          const p = base.slice();
          p[i] += delta;
          tf.tidy(() => v.assign(tf.tensor(p, v.shape)));
          return tf.tidy(() => penalty().dataSync()[0]);
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
        worst = Math.max(worst, Math.abs(fd - analytic[k][i]));
      }
    });
    // Central differences with h = 1e-2 on O(1) smooth functions in float32: truncation ~h^2 = 1e-4,
    // rounding ~1e-7/h = 1e-5. The nested-tf.grad bug this replaces was off by ~0.1-0.2.
    expect(worst).toBeLessThan(2e-3);
    xs.dispose();
    cs.dispose();
    disposeMlp(D);
  });
});
