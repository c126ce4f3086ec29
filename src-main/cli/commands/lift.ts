/** `liftwell lift`: generate N configurations at a condition value from a saved model. */
import { resolve } from 'node:path';
import { encodeNpy } from '../../engine/io/npy';
import { initTensorflowBackend } from '../../store/tf-backend';
import { loadModelFolder } from '../../store/model-folder';
import { atomicWrite } from '../../store/atomic';
import { LIMITS } from '../../api/limits';
import { checkAtMost, checkMemory, float64Bytes } from '../../api/limit-checks';
import { CliUsageError, integerOption, numberListOption, parseCommandArgs, requireString } from '../args';
import { printJson, toRows } from '../output';

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
  --json             print { samples (N x D), n, dim, cond, warnings, backend, kind }
A condition outside the range the model was trained on is allowed, with a warning on stderr.`;

export async function runLift(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    model: { type: 'string' },
    cond: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    method: { type: 'string' },
    steps: { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
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

  const choice = await initTensorflowBackend(values.backend as string | undefined);
  const model = await loadModelFolder(dir);
  try {
    // Samples, the sampler's working copies and the JSON rows: a few float64 per value.
    checkMemory(float64Bytes(n * model.spec.xDim * 4), '--n', `${n} samples`);
    const result = model.lift(cond, n, { seed, method, steps });
    for (const warning of result.warnings) console.error(`liftwell lift: warning: ${warning}`);
    if (values.out) await atomicWrite(resolve(String(values.out)), encodeNpy(result.samples, [result.n, result.dim]));
    if (values.json) {
      printJson({ samples: toRows(result.samples, result.dim), n: result.n, dim: result.dim, cond, warnings: result.warnings, backend: choice.backend, kind: model.spec.kind });
    }
  } finally {
    model.dispose();
  }
  return 0;
}
