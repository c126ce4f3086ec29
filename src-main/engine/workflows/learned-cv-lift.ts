/**
 * The generative half of the learned-CV loop (learned-cv-loop.ts): train p(q | psi_1) on the
 * observed coordinates of the windows along psi_1, lift at CV values (also between windows), and
 * check the lifted samples where a learned CV makes the checks meaningful:
 *  - restriction error: psi_1 of each lifted q (Nystrom extension) minus the requested value. For
 *    a coordinate CV this is 0 by construction; here the model has to put q on the right level
 *    set, so it can fail. It is judged against the spread of psi_1 that a window of the data has;
 *  - closures E[g | psi_1] of the lifted samples (hidden (x, y) recovered exactly from q), against
 *    the exact level-set law; the errors are the sampling errors of the draws only (the model's own
 *    error is what the comparison measures).
 */
import { Trainer, type TrainOptionsInput, type TrainProgress } from '../generative/trainer';
import { Embedded } from '../systems/embedded';
import { meanWithError } from './conditional';
import { levelSetLaw } from './level-set';
import type { LearnedCvLoopOptions, LearnedCvLoopResult } from './learned-cv-loop';

export interface LearnedCvLiftOptions {
  train: TrainOptionsInput;
  /** CV values to lift at. */
  conditions: number[];
  n: number;
  seed: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: { readonly aborted: boolean };
}

export interface LearnedCvLiftResult {
  epochs: number;
  bestEpoch: number;
  conditions: number[];
  restriction: { median: number; max: number; rms: number; perCondition: { median: number; max: number }[] };
  closures: { name: string; mean: number[]; sem: number[]; exact: (number | null)[]; chi2PerPoint: number }[];
  /** Lifted observed samples per condition (n x 3). */
  samples: Float64Array[];
}

export async function liftAlongLearnedCv(loop: LearnedCvLoopResult, o: LearnedCvLoopOptions, l: LearnedCvLiftOptions): Promise<LearnedCvLiftResult> {
  const system = new Embedded(o.spec);
  const rows = loop.frames.reduce((s, f) => s + f.psi.length, 0);
  const x = new Float64Array(rows * 3);
  const cond = new Float64Array(rows);
  const segments: number[] = [];
  let r = 0;
  for (const f of loop.frames) {
    x.set(f.q, 3 * r);
    cond.set(f.psi, r);
    segments.push(f.psi.length);
    r += f.psi.length;
  }
  const trainer = Trainer.create({ x, xDim: 3, cond, condDim: 1, segments }, l.train);
  let model;
  let progress: TrainProgress & { cancelled: boolean };
  try {
    progress = await trainer.run({ onProgress: l.onProgress, signal: l.signal });
    model = trainer.toModel({ cancelled: progress.cancelled });
  } finally {
    trainer.dispose();
  }
  try {
    const law = levelSetLaw(system, loop.cv, o.kT, l.conditions, o.observables.map((ob) => ob.g));
    const perCondition: { median: number; max: number }[] = [];
    const all: number[] = [];
    const samples: Float64Array[] = [];
    const stats = o.observables.map(() => ({ mean: [] as number[], sem: [] as number[] }));
    l.conditions.forEach((c, k) => {
      const lifted = model.lift([c], l.n, { seed: l.seed + k });
      samples.push(lifted.samples);
      const psi = loop.restrict(lifted.samples, lifted.n);
      const err = Array.from(psi, (v) => Math.abs(v - c)).sort((a, b) => a - b);
      all.push(...err);
      perCondition.push({ median: err[Math.floor(err.length / 2)], max: err[err.length - 1] });
      const xy = system.unobserve(lifted.samples, lifted.n);
      o.observables.forEach((ob, i) => {
        const m = meanWithError(Float64Array.from({ length: lifted.n }, (_, t) => ob.g(xy.subarray(2 * t, 2 * t + 2))));
        stats[i].mean.push(m.mean);
        stats[i].sem.push(m.sem);
      });
    });
    all.sort((a, b) => a - b);
    const closures = o.observables.map((ob, i) => {
      const exact = Array.from(law.conditional[i], (v) => (Number.isFinite(v) ? v : null));
      let s = 0;
      let m = 0;
      exact.forEach((e, k) => {
        if (e === null || !(stats[i].sem[k] > 0)) return;
        s += ((stats[i].mean[k] - e) / stats[i].sem[k]) ** 2;
        m++;
      });
      return { name: ob.name, mean: stats[i].mean, sem: stats[i].sem, exact, chi2PerPoint: m ? s / m : NaN };
    });
    return {
      epochs: progress.epoch,
      bestEpoch: progress.bestEpoch,
      conditions: l.conditions,
      restriction: { median: all[Math.floor(all.length / 2)], max: all[all.length - 1], rms: Math.sqrt(all.reduce((s, v) => s + v * v, 0) / all.length), perCondition },
      closures,
      samples,
    };
  } finally {
    model.dispose();
  }
}
