/** `liftwell lift`: generate N configurations at a condition value from a saved model. */
import { resolve } from 'node:path';
import { encodeNpy } from '../../engine/io/npy';
// tfjs (backend, model folder) loads in runLift, after --help.
import { atomicWrite } from '../../store/atomic';
import { LIMITS } from '../../schema/limits';
import { checkAtMost, checkMemory, float64Bytes } from '../../api/limit-checks';
import { CliUsageError, integerOption, numberListOption, parseCommandArgs, requireString } from '../args';
import { printJson, toRows } from '../output';
import { liftConsistency } from './lift-check';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const liftHelp = `liftwell lift --model DIR --cond=V1[,V2...] --n N [--seed S] (--out Y.npy | --json)

Generates N samples of x at one condition value with a model saved by liftwell train.
  --model DIR        model folder
  --cond=V1,V2       the condition (one value per condition column; use '=' for negatives)
  --n N              number of samples
  --seed S           non-negative integer; same seed, model and backend -> same samples (default 0)
  --method sde|ode   score model sampler: reverse SDE (Euler-Maruyama, default) or
                     probability-flow ODE (Heun)
  --steps K          score model integration steps (default 500)
  --backend NAME     auto | node-gpu | node | wasm | cpu (default: env LIFTWELL_TF_BACKEND, else auto)
  --out Y.npy        write the samples as an N x D float64 .npy file
  --json             print { samples (N x D), n, dim, cond, warnings, backend, kind, consistency }
  --reference-x Y.npy --reference-cond X.npy
                     simulated frames (e.g. the training data) to judge the samples against:
                     the frames nearest the condition, moved to it along a local linear fit,
                     mean / s.d. / W1 with split-half noise floors, and a verdict
                     (good / marginal / poor) with advice in words (in --json: consistency)
A condition outside the range the model was trained on is allowed, with a warning on stderr.
Molecular models (liftwell train --top ...) write structures: liftwell lift --model DIR --help.`;

export async function runLift(argv: string[]): Promise<number> {
  const modelAt = argv.findIndex((a) => a === '--model' || a.startsWith('--model='));
  const modelDir = modelAt < 0 ? undefined : argv[modelAt].startsWith('--model=') ? argv[modelAt].slice(8) : argv[modelAt + 1];
  // A molecular model folder (liftwell-molecule.json, store/molecular-model.ts): its own command,
  // loaded only when used.
  if (modelDir && existsSync(join(resolve(modelDir), 'liftwell-molecule.json'))) return (await import('./lift-molecular')).runLiftMolecular(argv);
  const { values } = parseCommandArgs(argv, {
    model: { type: 'string' },
    cond: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    method: { type: 'string' },
    steps: { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
    'reference-x': { type: 'string' },
    'reference-cond': { type: 'string' },
  });
  if (values.help) {
    console.log(liftHelp);
    return 0;
  }
  const dir = resolve(requireString(values, 'model'));
  const cond = numberListOption(values, 'cond');
  if (!cond) throw new CliUsageError('--cond=V1[,V2...] is required');
  const n = integerOption(values, 'n', undefined, 1);
  checkAtMost(n, LIMITS.liftSamples, '--n', 'the number of samples');
  const seed = integerOption(values, 'seed', 0, 0);
  const method = (values.method as string | undefined) ?? 'sde';
  if (method !== 'sde' && method !== 'ode') throw new CliUsageError(`--method must be sde or ode (got ${method})`);
  const steps = values.steps === undefined ? undefined : integerOption(values, 'steps', undefined, 1);
  if (!values.out && !values.json) throw new CliUsageError('give --out Y.npy or --json (or both)');
  const refX = values['reference-x'] as string | undefined;
  const refCond = values['reference-cond'] as string | undefined;
  if ((refX === undefined) !== (refCond === undefined)) throw new CliUsageError('give both --reference-x and --reference-cond (paired rows), or neither');

  const [{ initTensorflowBackend }, { loadModelFolder }] = await Promise.all([import('../../store/tf-backend'), import('../../store/model-folder')]);
  const choice = await initTensorflowBackend(values.backend as string | undefined);
  const model = await loadModelFolder(dir);
  try {
    // Samples, the sampler's working copies and the JSON rows: a few float64 per value.
    checkMemory(float64Bytes(n * model.spec.xDim * 4), '--n', `${n} samples`);
    const result = model.lift(cond, n, { seed, method, steps });
    for (const warning of result.warnings) console.error(`liftwell lift: warning: ${warning}`);
    if (values.out) await atomicWrite(resolve(String(values.out)), encodeNpy(result.samples, [result.n, result.dim]));
    const t = model.spec.training;
    const consistency =
      refX && refCond
        ? liftConsistency(result.samples, result.dim, cond, { x: resolve(refX), cond: resolve(refCond) }, { epochs: t.epochsRun, bestEpoch: t.weightsFromEpoch, stoppedEarly: t.stoppedEarly, hidden: [...model.spec.hidden] }, seed)
        : null;
    if (consistency && !values.json) {
      console.error(`liftwell lift: consistency ${consistency.verdict ?? 'not judged'} (${consistency.note})`);
      for (const a of consistency.advice) console.error(`liftwell lift: advice: ${a}`);
    }
    if (values.json) {
      printJson({ samples: toRows(result.samples, result.dim), n: result.n, dim: result.dim, cond, warnings: result.warnings, backend: choice.backend, kind: model.spec.kind, consistency });
    }
  } finally {
    model.dispose();
  }
  return 0;
}
