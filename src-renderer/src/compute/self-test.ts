/**
 * Does the WebGPU backend compute correctly here? Runs small kernels on GPU-resident data (tfjs
 * would run them on the CPU when the inputs are CPU-resident and small, WEBGPU_CPU_FORWARD), reads
 * the result asynchronously and then synchronously (dataSync: the engine's Trainer reads its loss
 * that way; tfjs-backend-webgpu does it through an OffscreenCanvas copy) and compares both with
 * the known answer. Run last: a failed synchronous read can destroy the GPU device.
 */
import { tf } from '../../../src-main/engine/generative';

export async function runSelfTest(): Promise<{ ok: boolean; message?: string }> {
  const forward = tf.env().get('WEBGPU_CPU_FORWARD');
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  try {
    // sum_{i<1000} i = 499500 exactly in float32; matMul of ones(64x64) gives 64 everywhere.
    const expectSum = 499_500;
    const a = tf.tidy(() => tf.sum(tf.range(0, 1000)));
    const asyncSum = (await a.data())[0];
    a.dispose();
    if (asyncSum !== expectSum) return { ok: false, message: `asynchronous readback gave sum ${asyncSum}, expected ${expectSum}` };
    const m = tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).mean());
    const asyncMean = (await m.data())[0];
    m.dispose();
    if (asyncMean !== 64) return { ok: false, message: `asynchronous matMul readback gave ${asyncMean}, expected 64` };
    const b = tf.tidy(() => tf.sum(tf.range(0, 1000)));
    const syncSum = b.dataSync()[0];
    b.dispose();
    if (syncSum !== expectSum) {
      return { ok: false, message: `kernels are correct (async readback) but synchronous readback (dataSync through an OffscreenCanvas) gave ${syncSum}, expected ${expectSum}; the engine's Trainer needs it` };
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, message: `self-test threw: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    tf.env().set('WEBGPU_CPU_FORWARD', forward);
  }
}
