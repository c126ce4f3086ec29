/**
 * The asynchronous readback path of the Trainer (stepAsync, getCheckpointAsync, toModelAsync,
 * GenerativeModel.toArtifactsAsync), used on backends without synchronous readback (WebGPU).
 * Known answer: the synchronous path on the same backend. Both run the same read plan and the
 * same kernels in the same order, so the results must be equal bit for bit (no tolerance).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Trainer, tf, type TrainerCheckpoint, type TrainOptionsInput } from '../../../src-main/engine/generative';
import { fastSlowWindows, useBackend } from './helpers';

const data = fastSlowWindows(300, 2, [-1, 0, 1], 0.15, 1, 0.3);
const training = { x: data.y, xDim: 1, cond: data.x, condDim: 1 };
// 270 training rows / batch 64 = 5 steps per epoch: 12 steps cross two epoch ends (validation,
// best weights); the GAN's generator steps every 5th step.
const small = (model: 'score' | 'gan', backend: string): TrainOptionsInput => ({ model, seed: 9, epochs: 3, batchSize: 64, hidden: [16, 16], backend });
const STEPS = 12;

/** Bit patterns of every checkpoint array (Float32 -> Uint32: NaN and -0 compare exactly). */
function bits(c: TrainerCheckpoint) {
  return c.arrays.map((a) => ({ name: a.name, shape: a.shape, bits: Array.from(new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length)) }));
}

afterEach(() => vi.restoreAllMocks());

describe.each(['cpu', 'wasm'])('asynchronous readback equals synchronous readback (%s)', (backend) => {
  it.each(['score', 'gan'] as const)('%s: step() vs stepAsync(): same progress, checkpoint and model, bit for bit', async (kind) => {
    expect(await useBackend(backend)).toBe(backend);
    const sync = Trainer.create(training, small(kind, backend));
    const async = Trainer.create(training, small(kind, backend));
    for (let i = 0; i < STEPS; i++) expect(await async.stepAsync()).toEqual(sync.step());
    expect(async.lossHistory.length).toBe(2);
    expect(async.lossHistory).toEqual(sync.lossHistory);

    const cs = sync.getCheckpoint();
    const ca = await async.getCheckpointAsync();
    expect(ca.json).toEqual(cs.json);
    expect(bits(ca)).toEqual(bits(cs));
    // Sync and async reads of the same trainer agree too.
    expect(bits(sync.getCheckpoint())).toEqual(bits(await sync.getCheckpointAsync()));

    const ms = sync.toModel();
    const ma = await async.toModelAsync();
    const as = ms.toArtifacts();
    const aa = await ma.toArtifactsAsync();
    expect(aa.spec).toEqual(as.spec);
    expect(aa.weightSpecs).toEqual(as.weightSpecs);
    expect(Buffer.from(aa.weightData).equals(Buffer.from(as.weightData))).toBe(true);
    expect(ma.lift([0.2], 20, { seed: 3, steps: 10 }).samples).toEqual(ms.lift([0.2], 20, { seed: 3, steps: 10 }).samples);
    [ms, ma].forEach((m) => m.dispose());
    sync.dispose();
    async.dispose();
  });
});

describe('asynchronous training (cpu)', () => {
  it.each(['score', 'gan'] as const)('%s: never calls dataSync; tf.memory().numTensors steady across stepAsync', async (kind) => {
    await useBackend('cpu');
    const baseline = tf.memory().numTensors;
    const trainer = Trainer.create(training, { ...small(kind, 'cpu'), epochs: 4 });
    // The path WebGPU uses must not depend on synchronous readback at all.
    const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync').mockImplementation(() => {
      throw new Error('synchronous readback unavailable');
    });
    await trainer.stepAsync();
    const before = tf.memory().numTensors;
    for (let i = 0; i < STEPS; i++) await trainer.stepAsync(); // crosses epoch ends
    expect(tf.memory().numTensors).toBe(before);
    await trainer.getCheckpointAsync();
    expect(tf.memory().numTensors).toBe(before);
    const model = await trainer.toModelAsync();
    await model.toArtifactsAsync();
    expect(dataSync).not.toHaveBeenCalled();
    // ...while the synchronous path does use it (so the spy above could fail).
    expect(() => trainer.step()).toThrow('synchronous readback unavailable');
    dataSync.mockRestore();
    model.dispose();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a checkpoint taken asynchronously resumes exactly (score)', async () => {
    await useBackend('cpu');
    const straight = Trainer.create(training, { ...small('score', 'cpu'), epochs: 2 });
    while (!straight.done) await straight.stepAsync();
    const first = Trainer.create(training, { ...small('score', 'cpu'), epochs: 2 });
    for (let i = 0; i < 7; i++) await first.stepAsync();
    const checkpoint = await first.getCheckpointAsync();
    first.dispose();
    const resumed = Trainer.restore(training, checkpoint);
    while (!resumed.done) await resumed.stepAsync();
    expect(bits(await resumed.getCheckpointAsync())).toEqual(bits(await straight.getCheckpointAsync()));
    expect(resumed.lossHistory).toEqual(straight.lossHistory);
    straight.dispose();
    resumed.dispose();
  });

  it('refuses a second call while an asynchronous one is in flight, and a disposed trainer', async () => {
    await useBackend('cpu');
    const trainer = Trainer.create(training, small('score', 'cpu'));
    const pending = trainer.stepAsync();
    expect(() => trainer.step()).toThrow(/busy/);
    expect(() => trainer.dispose()).toThrow(/busy/);
    const refused = trainer.getCheckpointAsync().then(() => 'accepted', (e: Error) => e.message);
    expect((await pending).step).toBe(1);
    expect(await refused).toMatch(/busy/);
    expect(trainer.step().step).toBe(2);
    trainer.dispose();
    await expect(trainer.stepAsync()).rejects.toThrow(/disposed/);
  });
});
