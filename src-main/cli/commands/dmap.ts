/** `liftwell dmap`: diffusion-map coordinates of an N x D float64 .npy. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeNpy, InputFileError } from '../../engine/io/npy';
import { diffusionMap, DEFAULT_MAX_LANDMARKS } from '../../engine/cv';
import { CliUsageError, integerOption, numberOption, parseCommandArgs, positiveOption, requireString } from '../args';
import { printJson, toRows } from '../output';

export const dmapHelp = `liftwell dmap --input X.npy [--components K] [--epsilon auto|VALUE] [--alpha 1] [--landmarks N]
              [--landmark-method farthest|random] [--t 1] [--seed S] [--solver auto|dense|lanczos] --json

Diffusion maps (Coifman-Lafon): kernel exp(-|xi-xj|^2/epsilon), alpha-normalisation,
row-normalised Markov matrix; coordinates are lambda_k^t psi_k, k = 1..K (psi_0 = 1 dropped).
  --input FILE        N x D array (.npy, float64/float32/int, C order); one row per point
  --components K      number of non-trivial coordinates (default 2)
  --epsilon auto|V    kernel scale; auto (default) = the maximum log-log slope of
                      sum_ij K_ij(epsilon) (on up to 1000 points), raised if needed so every
                      point keeps a neighbour within sqrt(epsilon)
  --alpha A           density normalisation in [0, 1] (default 1: removes the sampling density)
  --landmarks N       fit on N landmark points (default min(N, ${DEFAULT_MAX_LANDMARKS})); the other points
                      get coordinates by the Nystrom extension. Memory ~ 8 N^2 bytes.
  --landmark-method   farthest (default, even coverage) or random
  --t T               diffusion time (default 1)
  --seed S            seeds landmark choice, epsilon subsample and the eigen-solver start
  --solver            auto (default: dense up to 800 landmarks, Lanczos above), dense, lanczos
  --json              one JSON object: eigenvalues (lambda_1..lambda_K), coordinates (N x K),
                      epsilon, epsilonScan {grid, logSum, slope, maxSlopeEpsilon,
                      nearestNeighbourFloor}, landmarks, landmarkIndices, solver, seconds, warnings
Bad input (non-finite values, not 2-D, K too large) exits with code 2.`;

export async function runDmap(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    input: { type: 'string' },
    components: { type: 'string' },
    epsilon: { type: 'string' },
    alpha: { type: 'string' },
    landmarks: { type: 'string' },
    'landmark-method': { type: 'string' },
    t: { type: 'string' },
    seed: { type: 'string' },
    solver: { type: 'string' },
  });
  if (values.help) {
    console.log(dmapHelp);
    return 0;
  }
  const file = resolve(requireString(values, 'input'));
  const components = integerOption(values, 'components', 2, 1);
  const epsText = (values.epsilon as string | undefined) ?? 'auto';
  const epsilon = epsText === 'auto' ? 'auto' : positiveOption(values, 'epsilon');
  const alpha = numberOption(values, 'alpha', 1);
  if (!(alpha >= 0 && alpha <= 1)) throw new CliUsageError(`--alpha must be in [0, 1] (got ${alpha})`);
  const t = numberOption(values, 't', 1);
  if (!(t >= 0)) throw new CliUsageError(`--t must be >= 0 (got ${t})`);
  const seed = integerOption(values, 'seed', 0, 0);
  const method = (values['landmark-method'] as string | undefined) ?? 'farthest';
  if (method !== 'farthest' && method !== 'random') throw new CliUsageError(`--landmark-method must be farthest or random (got ${method})`);
  const solver = (values.solver as string | undefined) ?? 'auto';
  if (solver !== 'auto' && solver !== 'dense' && solver !== 'lanczos') throw new CliUsageError(`--solver must be auto, dense or lanczos (got ${solver})`);

  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new InputFileError(file, null, `cannot read: ${reason}`);
  }
  const { data, shape } = decodeNpy(bytes, file);
  if (shape.length !== 2) throw new InputFileError(file, null, `expected a 2-D array (N points x D coordinates), got shape (${shape.join(', ')})`);
  const [n, dim] = shape;
  if (n < 3 || dim < 1) throw new InputFileError(file, null, `need at least 3 points with at least 1 coordinate (got ${n} x ${dim})`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new InputFileError(file, null, `row ${Math.floor(i / dim)}, column ${i % dim} is not finite (${data[i]})`);
  }
  const landmarks = integerOption(values, 'landmarks', Math.min(n, DEFAULT_MAX_LANDMARKS), 3);
  if (landmarks > n) throw new CliUsageError(`--landmarks must be at most the number of points ${n} (got ${landmarks})`);
  if (components > landmarks - 2) throw new CliUsageError(`--components must be at most ${landmarks - 2} for ${landmarks} points (got ${components})`);

  const began = performance.now();
  const result = diffusionMap(data, n, dim, { components, epsilon, alpha, t, landmarks, landmarkMethod: method, seed, solver });
  const seconds = (performance.now() - began) / 1000;

  const warnings: string[] = [];
  if (result.eigenvalues[0] > 1 - 1e-8) {
    warnings.push(`lambda_1 = ${result.eigenvalues[0]} is 1 to 1e-8: the kernel graph is (nearly) disconnected at epsilon = ${result.epsilon}; try a larger --epsilon`);
  }
  const scan = result.epsilonScan;
  const out = {
    input: file,
    points: n,
    dimension: dim,
    components,
    eigenvalues: result.eigenvalues,
    coordinates: toRows(result.coordinates, components),
    epsilon: result.epsilon,
    epsilonScan: scan
      ? { grid: scan.grid, logSum: scan.logSum, slope: scan.slope, maxSlope: scan.maxSlope, maxSlopeEpsilon: scan.maxSlopeEpsilon, nearestNeighbourFloor: scan.nearestNeighbourFloor, pointsUsed: scan.pointsUsed }
      : null,
    alpha,
    t,
    landmarks,
    landmarkIndices: landmarks < n ? result.landmarkIndices : null,
    solver: result.solver,
    maxResidual: result.maxResidual,
    seconds,
    warnings,
  };
  if (values.json) printJson(out);
  else {
    console.log(`# diffusion map of ${n} x ${dim} points (${landmarks} landmarks), epsilon ${result.epsilon}, ${seconds.toFixed(3)} s`);
    console.log(`# eigenvalues ${Array.from(result.eigenvalues).join(' ')}`);
    for (const w of warnings) console.log(`# warning: ${w}`);
    for (const row of out.coordinates) console.log(row.join('\t'));
  }
  return 0;
}
