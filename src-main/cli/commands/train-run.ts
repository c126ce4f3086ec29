/**
 * The CLI side of a training run: progress once per epoch on stderr (with ETA), Ctrl-C cancels
 * (nothing written), then the model folder is saved. Shared by the toy and molecular forms of
 * `liftwell train`.
 */
import type { Trainer, TrainProgress, ModelSpec } from '../../engine/generative';
import { saveModelFolder } from '../../store/model-folder';

declare const __LIFTWELL_VERSION__: string | undefined;

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toPrecision(5));

/** Trains, saves into `out`; null when cancelled (the trainer is disposed either way). */
export async function trainAndSave(trainer: Trainer, out: string): Promise<{ result: TrainProgress; seconds: number; spec: ModelSpec } | null> {
  const abort = { aborted: false };
  const onSigint = () => {
    abort.aborted = true;
  };
  process.once('SIGINT', onSigint);
  const began = performance.now();
  let result: TrainProgress & { cancelled: boolean };
  try {
    result = await trainer.run({
      signal: abort,
      yieldToHost: () => new Promise((r) => setImmediate(r)),
      yieldEverySteps: 20,
      onProgress: (p) => {
        const elapsed = (performance.now() - began) / 1000;
        const eta = p.step > 0 ? (elapsed * (p.totalSteps - p.step)) / p.step : 0;
        process.stderr.write(`epoch ${p.epoch}/${p.epochs}  train ${fmt(p.trainLoss)}  validation ${fmt(p.validationLoss)}  ${elapsed.toFixed(1)} s, ETA ${eta.toFixed(1)} s\n`);
      },
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = (performance.now() - began) / 1000;
  if (result.cancelled) {
    trainer.dispose();
    console.error('liftwell train: cancelled; no model written');
    return null;
  }
  const trained = trainer.toModel();
  trainer.dispose();
  const version = typeof __LIFTWELL_VERSION__ === 'string' ? __LIFTWELL_VERSION__ : 'dev';
  try {
    await saveModelFolder(out, trained, `Liftwell ${version}`);
  } finally {
    trained.dispose();
  }
  return { result, seconds, spec: trained.spec };
}
