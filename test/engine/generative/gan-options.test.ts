/**
 * The GAN's training options: packing (PacGAN: the critic judges `pack` rows at once), the
 * critic's learning-rate factor (TTUR) and Adam's beta1. Shapes, minibatches that are not whole
 * packs, bad values, and checkpoints written before the options existed (they resume with pack 1,
 * factor 1 and beta1 0.5, whatever the defaults are now).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GenerativeModel, Trainer, resolveTrainOptions, type TrainOptionsInput } from '../../../src-main/engine/generative';
import { fastSlowWindows, useBackend } from './helpers';

// 400 rows, 360 for training: with batch 64 the last minibatch of an epoch has 40 rows, which is
// not a multiple of pack 3 (the step wraps rows around to fill the last pack).
const data = fastSlowWindows(400, 2, [-1, 0, 1], 0.15, 1, 0.3);
const training = { x: data.y, xDim: 1, cond: data.x, condDim: 1 };
const small = (gan: TrainOptionsInput['gan']): TrainOptionsInput => ({ model: 'gan', seed: 9, epochs: 2, batchSize: 64, hidden: [16, 16], backend: 'wasm', gan });

describe('GAN critic options (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('pack 3: the critic reads 3 (x, c) rows at once; partial packs train to finite, seeded losses', async () => {
    const run = async () => {
      const trainer = Trainer.create(training, small({ pack: 3, criticLrFactor: 2 }));
      // Layer 0 of the critic is split by input group: the x columns and the c columns of 3 rows.
      const shapeOf = (name: string) => trainer.getCheckpoint().arrays.find((a) => a.name === `param:${name}`)?.shape;
      expect(shapeOf('critic/in0')).toEqual([3, 16]);
      expect(shapeOf('critic/in1')).toEqual([3, 16]);
      expect(shapeOf('generator/in1')).toEqual([1, 16]); // the generator still makes single rows
      await trainer.run();
      const history = trainer.lossHistory.map((h) => h.trainLoss);
      trainer.dispose();
      return history;
    };
    const a = await run();
    expect(a).toHaveLength(2);
    a.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(await run()).toEqual(a);
  });

  it('refuses a pack below 1, a critic learning-rate factor <= 0 and a beta1 outside [0, 1), naming them', () => {
    expect(() => resolveTrainOptions({ model: 'gan', gan: { pack: 0 } })).toThrow(/critic pack size/);
    expect(() => resolveTrainOptions({ model: 'gan', gan: { pack: 1.5 } })).toThrow(/critic pack size/);
    expect(() => resolveTrainOptions({ model: 'gan', gan: { criticLrFactor: 0 } })).toThrow(/critic learning-rate factor/);
    expect(() => resolveTrainOptions({ model: 'gan', gan: { adamBeta1: 1 } })).toThrow(/Adam beta1/);
    expect(() => resolveTrainOptions({ model: 'gan', gan: { adamBeta1: -0.1 } })).toThrow(/Adam beta1/);
  });

  it('a checkpoint saved before packing, TTUR and beta1 existed resumes with pack 1, factor 1 and beta1 0.5', async () => {
    const explicit = { pack: 1, criticLrFactor: 1, adamBeta1: 0.5 };
    const straight = Trainer.create(training, small(explicit));
    await straight.run();
    const reference = straight.lossHistory.map((h) => ({ ...h }));
    straight.dispose();

    const first = Trainer.create(training, small(explicit));
    for (let i = 0; i < 9; i++) first.step(); // mid-epoch 2
    const checkpoint = first.getCheckpoint();
    first.dispose();
    // What an older Liftwell wrote: no pack, no criticLrFactor, no adamBeta1.
    const { pack: _pack, criticLrFactor: _factor, adamBeta1: _beta1, ...olderGan } = checkpoint.json.options.gan;
    const older = { ...checkpoint, json: { ...checkpoint.json, options: { ...checkpoint.json.options, gan: olderGan } } };
    const resumed = Trainer.restore(training, older);
    expect(resumed.options.gan.pack).toBe(1);
    expect(resumed.options.gan.criticLrFactor).toBe(1);
    expect(resumed.options.gan.adamBeta1).toBe(0.5);
    await resumed.run();
    expect(resumed.lossHistory).toEqual(reference);
    resumed.dispose();
  });

  it('a model and a checkpoint made with the defaults before z 2 and penalty 1 (z 4, penalty 10) load, lift and resume with theirs', async () => {
    const before = { latentDim: 4, gradientPenalty: 10 };
    const trainer = Trainer.create(training, small(before));
    for (let i = 0; i < 7; i++) trainer.step();
    const resumed = Trainer.restore(training, trainer.getCheckpoint());
    expect(resumed.options.gan.latentDim).toBe(4);
    expect(resumed.options.gan.gradientPenalty).toBe(10);
    await trainer.run();
    await resumed.run();
    expect(resumed.lossHistory).toEqual(trainer.lossHistory);
    const model = trainer.toModel();
    trainer.dispose();
    resumed.dispose();
    expect(model.spec.gan!.latentDim).toBe(4);
    const loaded = GenerativeModel.fromArtifacts(model.toArtifacts());
    expect(loaded.spec.gan!.latentDim).toBe(4);
    expect(Array.from(loaded.lift([0.5], 50, { seed: 2 }).samples)).toEqual(Array.from(model.lift([0.5], 50, { seed: 2 }).samples));
    model.dispose();
    loaded.dispose();
  });
});
