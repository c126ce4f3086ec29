/**
 * Does the WebGPU backend compute correctly here? Small kernels on GPU-resident data (tfjs would
 * run them on the CPU when the inputs are CPU-resident and small, WEBGPU_CPU_FORWARD) read back
 * asynchronously (`await data()`, the only readback the page's training uses: Trainer.stepAsync
 * and friends) and compared with known answers: a sum, a matMul, and the gradient of a small silu
 * network (the training's kernels and their gradients). Wrong answers: the page refuses to train.
 *
 * Synchronous readback (dataSync, which tfjs-backend-webgpu does through an OffscreenCanvas copy)
 * is not used and not tested (see runSelfTest), so an adapter where only it is broken (SwiftShader
 * here) passes and trains; an adapter whose kernels are wrong fails.
 */
import { tf } from '../../../src-main/engine/generative';

export interface SelfTestResult {
  ok: boolean;
  /** Why unusable. */
  message?: string;
}

const EXPECT_SUM = 499_500; // sum_{i<1000} i, exact in float32

/** Async checks of the kernels; null when right, else what was wrong. */
async function checkKernels(): Promise<string | null> {
  const a = tf.tidy(() => tf.sum(tf.range(0, 1000)));
  const sum = (await a.data())[0];
  a.dispose();
  if (sum !== EXPECT_SUM) return `sum of 0..999 gave ${sum}, expected ${EXPECT_SUM}`;
  const m = tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).mean());
  const mean = (await m.data())[0];
  m.dispose();
  if (mean !== 64) return `64x64 matMul of ones gave mean ${mean}, expected 64`;
  // f(w) = mean_i silu((X w)_i), df/dw_j = mean_i silu'(z_i) X_ij, silu'(z) = s (1 + z (1 - s)).
  const rows = 5;
  const cols = 3;
  const X = Float32Array.from({ length: rows * cols }, (_, k) => Math.sin(1.3 * k + 0.2));
  const w = Float32Array.from([0.5, -1.2, 0.8]);
  const expected = [0, 0, 0];
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let j = 0; j < cols; j++) z += X[i * cols + j] * w[j];
    const s = 1 / (1 + Math.exp(-z));
    for (let j = 0; j < cols; j++) expected[j] += (s * (1 + z * (1 - s)) * X[i * cols + j]) / rows;
  }
  const g = tf.tidy(() => {
    const x = tf.tensor2d(X, [rows, cols]);
    return tf.grad((v: tf.Tensor) => {
      const z = tf.matMul(x, v as tf.Tensor2D);
      return tf.mean(tf.mul(z, tf.sigmoid(z)));
    })(tf.tensor2d(w, [cols, 1]));
  });
  const grad = Array.from(await g.data());
  g.dispose();
  // float32 with a handful of ops: relative errors ~1e-6; 1e-4 only rejects wrong kernels.
  const bad = expected.findIndex((e, j) => !(Math.abs(grad[j] - e) <= 1e-4 * Math.max(1, Math.abs(e))));
  if (bad >= 0) return `gradient of a silu layer gave [${grad.map((v) => v.toPrecision(6)).join(', ')}], expected [${expected.map((v) => v.toPrecision(6)).join(', ')}]`;
  return null;
}

/**
 * Only what training uses is tested: the page reads every value asynchronously (Trainer.stepAsync
 * and friends), so a broken synchronous readback does not matter. It is deliberately not probed:
 * on SwiftShader here a dataSync returns zeros and loses the GPU device, and re-creating the
 * backend afterwards fails too (navigator.gpu gives no working device any more in this page).
 */
export async function runSelfTest(): Promise<SelfTestResult> {
  const forward = tf.env().get('WEBGPU_CPU_FORWARD');
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  try {
    const wrong = await checkKernels();
    if (wrong) return { ok: false, message: `WebGPU kernels give wrong answers (asynchronous readback): ${wrong}` };
    return { ok: true };
  } catch (error) {
    return { ok: false, message: `self-test threw: ${errorText(error)}` };
  } finally {
    tf.env().set('WEBGPU_CPU_FORWARD', forward);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
