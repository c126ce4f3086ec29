/** `liftwell train`: fit a conditional generative model p(x | cond) to paired .npy arrays and save it. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeNpy, InputFileError } from '../../engine/io/npy';
// tfjs (via engine/generative, the backend and the model folder) loads in runTrain, after --help.
import type { ModelKind } from '../../engine/generative';
import { LIMITS } from '../../schema/limits';
import { checkAtMost, checkMemory, float64Bytes } from '../../api/limit-checks';
import { CliUsageError, integerOption, parseCommandArgs, positiveOption, requireString } from '../args';
import { printJson } from '../output';


export const trainHelp = `liftwell train --x X.npy --cond C.npy --model score|gan --out DIR [options] [--json]

Trains a model of p(x | cond) on paired rows (row i of X with row i of C) and saves it in DIR.
  --x X.npy            N x D array (or length-N vector) of configurations/features to generate
  --cond C.npy         N x K array (or vector) of condition (CV) values, rows paired with X
  --model score|gan    score: VP-SDE score model, denoising score matching (default choice);
                       gan: Wasserstein GAN with one-sided gradient penalty
  --out DIR            model folder to write (model.json, weights.bin, liftwell-model.json)
  --epochs N           passes over the training rows (default: from the data size, about
                       12000 optimiser steps score, 5000 critic steps gan, 20 to 2000 epochs)
  --seed S             non-negative integer; same seed + backend -> same model (default 0)
  --hidden 128,128     hidden layer widths (default 128,128,128 score, 64,64 gan)
  --batch B            minibatch size (default 256)
  --lr LR              Adam learning rate (default 2e-3 score, 3e-3 gan generator, critic 4x), cosine-decayed to 10%
  --validation F       held-out fraction for validation/early stopping (default 0.1): whole
                       contiguous blocks of the rows (in file order), never single shuffled rows
  --patience P         stop after P epochs without a better validation loss (default 0 = never;
                       a score model then keeps its last averaged weights; with P > 0 the best
                       validation epoch's)
  --periodic-x i,j     columns of X that are angles (encoded as cos/sin)
  --periodic-cond i    columns of C that are angles
  --period P           period of every periodic column (default 2*pi, i.e. radians)
  --backend NAME       auto | node-gpu | node | wasm | cpu (default: env LIFTWELL_TF_BACKEND, else auto)
  --json               print a JSON summary (history, losses, backend) on stdout
Progress goes to stderr once per epoch. Bad input (row counts differ, NaN) exits with code 2.
Molecules: liftwell train --top F.prmtop --traj T.dcd --cv "phi=dihedral(5,7,9,15)" ... (liftwell train --top - --help).`;

/** Reads an .npy file as rows x columns (a 1-D array is one column). */
export function readMatrix(file: string, option: string): { data: Float64Array; rows: number; cols: number } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(file, null, `cannot read (--${option}): ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
  const { data, shape } = decodeNpy(bytes, file);
  if (shape.length === 1) return { data, rows: shape[0], cols: 1 };
  if (shape.length === 2) return { data, rows: shape[0], cols: shape[1] };
  throw new InputFileError(file, null, `--${option} must be a 1-D or 2-D array (shape is (${shape.join(', ')}))`);
}

function indexList(values: Record<string, unknown>, name: string): number[] {
  const v = values[name];
  if (v === undefined) return [];
  return String(v)
    .split(',')
    .map((part) => {
      const n = Number(part);
      if (part.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new CliUsageError(`--${name}: "${part}" is not a column index`);
      return n;
    });
}


export async function runTrain(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--top' || a.startsWith('--top='))) return (await import('./train-molecular')).runTrainMolecular(argv);
  const { values } = parseCommandArgs(argv, {
    x: { type: 'string' },
    cond: { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    hidden: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    validation: { type: 'string' },
    patience: { type: 'string' },
    'periodic-x': { type: 'string' },
    'periodic-cond': { type: 'string' },
    period: { type: 'string' },
    backend: { type: 'string' },
  });
  if (values.help) {
    console.log(trainHelp);
    return 0;
  }
  const xFile = resolve(requireString(values, 'x'));
  const condFile = resolve(requireString(values, 'cond'));
  const out = resolve(requireString(values, 'out'));
  const model = requireString(values, 'model');
  if (model !== 'score' && model !== 'gan') throw new CliUsageError(`--model must be score or gan (got ${model})`);
  const hidden = values.hidden === undefined ? undefined : String(values.hidden).split(',').map((h) => {
    const n = Number(h);
    if (!Number.isSafeInteger(n) || n < 1) throw new CliUsageError(`--hidden: "${h}" is not a layer width (integer >= 1)`);
    checkAtMost(n, LIMITS.hiddenWidth, '--hidden', 'a hidden-layer width');
    return n;
  });
  if (hidden) checkAtMost(hidden.length, LIMITS.hiddenLayers, '--hidden', 'the number of hidden layers');
  if (values.epochs !== undefined) checkAtMost(integerOption(values, 'epochs', undefined, 1), LIMITS.epochs, '--epochs', 'the number of epochs');
  if (values.batch !== undefined) checkAtMost(integerOption(values, 'batch', undefined, 1), LIMITS.batchSize, '--batch', 'the batch size');
  const validation = values.validation === undefined ? undefined : Number(values.validation);
  if (validation !== undefined && !(validation >= 0 && validation < 1)) throw new CliUsageError(`--validation must be in [0, 1) (got ${String(values.validation)})`);

  const x = readMatrix(xFile, 'x');
  const cond = readMatrix(condFile, 'cond');
  if (x.rows !== cond.rows) {
    throw new InputFileError(condFile, null, `has ${cond.rows} rows but ${xFile} has ${x.rows}: rows of --x and --cond must be paired`);
  }
  const [{ Trainer }, { initTensorflowBackend }, { trainAndSave }] = await Promise.all([import('../../engine/generative'), import('../../store/tf-backend'), import('./train-run')]);
  const choice = await initTensorflowBackend(values.backend as string | undefined);
  const trainer = Trainer.create(
    { x: x.data, xDim: x.cols, cond: cond.data, condDim: cond.cols },
    {
      model: model as ModelKind,
      seed: integerOption(values, 'seed', 0, 0),
      epochs: values.epochs === undefined ? undefined : integerOption(values, 'epochs', undefined, 1),
      batchSize: values.batch === undefined ? undefined : integerOption(values, 'batch', undefined, 1),
      learningRate: values.lr === undefined ? undefined : positiveOption(values, 'lr'),
      hidden,
      validationFraction: validation,
      patience: values.patience === undefined ? undefined : integerOption(values, 'patience', undefined, 0),
      periodicX: indexList(values, 'periodic-x'),
      periodicCond: indexList(values, 'periodic-cond'),
      period: values.period === undefined ? undefined : positiveOption(values, 'period'),
      backend: choice.backend,
    },
  );
  const trainedRun = await trainAndSave(trainer, out);
  if (!trainedRun) return 1; // cancelled: nothing written
  const { result, seconds } = trainedRun;
  const t = trainedRun.spec.training;
  const summary = {
    out,
    model,
    backend: choice.backend,
    backendsSkipped: choice.skipped,
    rows: t.rows,
    epochsRun: t.epochsRun,
    steps: t.steps,
    stoppedEarly: t.stoppedEarly,
    weightsFromEpoch: t.weightsFromEpoch,
    warnings: t.warnings ?? [],
    trainLoss: result.trainLoss,
    validationLoss: result.validationLoss,
    bestValidationLoss: result.bestValidationLoss,
    seconds,
    stepsPerSecond: t.steps / seconds,
    history: t.history,
  };
  if (values.json) printJson(summary);
  else {
    console.log(`# ${model} model trained on ${t.rows.train} rows (${t.rows.validation} validation) with the ${choice.backend} backend`);
    console.log(`# ${t.epochsRun} epochs, ${t.steps} steps in ${seconds.toFixed(1)} s${t.stoppedEarly ? ' (stopped early)' : ''}; weights from epoch ${t.weightsFromEpoch}`);
    for (const w of t.warnings ?? []) console.log(`# warning: ${w}`);
    console.log(`saved ${out}`);
  }
  return 0;
}
