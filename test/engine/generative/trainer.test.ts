/** Training process properties: determinism, resumability, steady tensor count, save/load, bad input. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Trainer, tf, type TrainOptionsInput } from '../../../src-main/engine/generative';
import { EngineInputError } from '../../../src-main/engine/errors';
import { loadCheckpoint, loadModelFolder, saveCheckpoint, saveModelFolder } from '../../../src-main/store/model-folder';
import { fastSlowWindows, useBackend } from './helpers';

const data = fastSlowWindows(400, 2, [-1, 0, 1], 0.15, 1, 0.3);
const training = { x: data.y, xDim: 1, cond: data.x, condDim: 1 };
const small = (model: 'score' | 'gan'): TrainOptionsInput => ({ model, seed: 9, epochs: 3, batchSize: 64, hidden: [16, 16], backend: 'wasm' });

async function trainToModel(options: TrainOptionsInput) {
  const trainer = Trainer.create(training, options);
  await trainer.run();
  const model = trainer.toModel();
  trainer.dispose();
  return model;
}

describe('generative training process (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it.each(['score', 'gan'] as const)('%s: same seed -> identical samples; another seed -> different', async (kind) => {
    const a = await trainToModel(small(kind));
    const b = await trainToModel(small(kind));
    const c = await trainToModel({ ...small(kind), seed: 10 });
    const sa = a.lift([0.3], 50, { seed: 4, steps: 20 }).samples;
    expect(b.lift([0.3], 50, { seed: 4, steps: 20 }).samples).toEqual(sa);
    expect(c.lift([0.3], 50, { seed: 4, steps: 20 }).samples).not.toEqual(sa);
    expect(a.lift([0.3], 50, { seed: 5, steps: 20 }).samples).not.toEqual(sa);
    [a, b, c].forEach((m) => m.dispose());
  });

  it.each(['score', 'gan'] as const)('%s: tf.memory().numTensors is steady across training steps and lifting', async (kind) => {
    const baseline = tf.memory().numTensors;
    const trainer = Trainer.create(training, { ...small(kind), epochs: 4 });
    trainer.step();
    const model0 = trainer.toModel();
    model0.lift([0], 10, { steps: 5 });
    model0.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 12; i++) trainer.step(); // crosses epoch ends (validation, best weights)
    expect(tf.memory().numTensors).toBe(before);
    const model = trainer.toModel();
    const withModel = tf.memory().numTensors;
    for (const method of ['sde', 'ode'] as const) model.lift([0.5], 30, { steps: 5, method, chunk: 7 });
    expect(tf.memory().numTensors).toBe(withModel);
    model.dispose();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(baseline); // everything the trainer and model made is freed
  });

  it.each(['score', 'gan'] as const)('%s: checkpoint at any step + restore continues exactly', async (kind) => {
    const straight = Trainer.create(training, { ...small(kind), epochs: 2 });
    await straight.run();
    const reference = straight.toModel();
    straight.dispose();

    const first = Trainer.create(training, { ...small(kind), epochs: 2 });
    for (let i = 0; i < 9; i++) first.step(); // 7 steps per epoch (360 train rows / 64): mid-epoch 2
    const dir = mkdtempSync(join(tmpdir(), 'liftwell-ckpt-'));
    await saveCheckpoint(dir, first.getCheckpoint());
    first.dispose();
    const checkpoint = (await loadCheckpoint(dir))!;
    const resumed = Trainer.restore(training, checkpoint);
    await resumed.run();
    const model = resumed.toModel();
    expect(model.spec.training.history).toEqual(reference.spec.training.history);
    expect(model.lift([0.1], 40, { seed: 3, steps: 10 }).samples).toEqual(reference.lift([0.1], 40, { seed: 3, steps: 10 }).samples);
    resumed.dispose();
    model.dispose();
    reference.dispose();
    // Another data set cannot resume this checkpoint.
    const other = { ...training, x: training.x.map((v) => v + 1) };
    expect(() => Trainer.restore(other, checkpoint)).toThrow(/differ/);
  });

  it('save -> load gives identical samples; damaged, foreign and newer folders are refused', async () => {
    const model = await trainToModel(small('score'));
    const dir = join(mkdtempSync(join(tmpdir(), 'liftwell-model-')), 'm');
    await saveModelFolder(dir, model, 'Liftwell test');
    const loaded = await loadModelFolder(dir);
    expect(loaded.spec).toEqual(model.spec);
    expect(loaded.lift([-0.4], 64, { seed: 2, steps: 25 }).samples).toEqual(model.lift([-0.4], 64, { seed: 2, steps: 25 }).samples);
    expect(loaded.spec.training.backend).toBe('wasm');
    loaded.dispose();
    model.dispose();

    const specPath = join(dir, 'liftwell-model.json');
    const spec = JSON.parse(readFileSync(specPath, 'utf8'));
    writeFileSync(specPath, JSON.stringify({ ...spec, formatVersion: 99 }));
    await expect(loadModelFolder(dir)).rejects.toThrow(/newer Liftwell/);
    writeFileSync(specPath, JSON.stringify({ ...spec, format: 'something-else' }));
    await expect(loadModelFolder(dir)).rejects.toThrow(/not a Liftwell generative model/);
    writeFileSync(specPath, JSON.stringify(spec));
    const weights = readFileSync(join(dir, 'weights.bin'));
    weights[5] ^= 0xff;
    writeFileSync(join(dir, 'weights.bin'), weights);
    await expect(loadModelFolder(dir)).rejects.toThrow(/damaged/);
    await expect(loadModelFolder(tmpdir())).rejects.toThrow(/not a Liftwell model folder/);
  });

  it('rejects bad data and options with messages that name the problem', () => {
    expect(() => Trainer.create({ ...training, cond: training.cond.slice(1) }, small('score'))).toThrow(/rows must be paired/);
    const withNaN = training.x.slice();
    withNaN[17] = NaN;
    expect(() => Trainer.create({ ...training, x: withNaN }, small('score'))).toThrow(/x row 17, column 0 is NaN/);
    expect(() => Trainer.create(training, { ...small('score'), hidden: [0] })).toThrow(EngineInputError);
    expect(() => Trainer.create(training, { ...small('score'), periodicCond: [1] })).toThrow(/periodic column 1 does not exist/);
  });

  it('warns outside the trained condition range and refuses malformed conditions', async () => {
    const model = await trainToModel(small('gan'));
    expect(model.lift([5], 3).warnings[0]).toMatch(/outside the trained range/);
    expect(model.lift([0], 3).warnings).toEqual([]);
    expect(() => model.lift([0, 1], 3)).toThrow(/needs 1 value/);
    expect(() => model.lift([NaN], 3)).toThrow(/finite/);
    model.dispose();
  });
});
