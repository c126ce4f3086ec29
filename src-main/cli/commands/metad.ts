/** `liftwell metad`: well-tempered metadynamics of a built-in system, final FES grid as JSON. */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createSystem } from '../../engine/systems';
import { OverdampedSimulation } from '../../engine/integrators/overdamped';
import { BaoabSimulation } from '../../engine/integrators/baoab';
import { WellTemperedMetad, type Hill, type MetadCv } from '../../engine/bias/metad';
import { ColvarRecorder } from '../../engine/bias/metad-colvar';
import { hillsToData, loadHills } from '../../engine/bias/metad-io';
import { InputFileError } from '../../engine/io/errors';
import { formatHills, formatPlumedTable, parseHills } from '../../engine/io/plumed';
import { LIMITS } from '../../schema/limits';
import { checkAtMost, checkMemory, float64Bytes } from '../../api/limit-checks';
import { CliUsageError, integerOption, numberListOption, parseCommandArgs, positiveOption, type ParsedValues } from '../args';
import { printJson } from '../output';
import { systemOptions, systemOptionsHelp, systemSpecFromOptions } from './sample';

export const metadHelp = `liftwell metad --system NAME --cv x[,y] --sigma S[,S2] --height W --pace P --biasfactor G
               --kT KT --dt DT --steps N [--walkers M] [--seed K] [grid options] [--integrator overdamped|baoab]
               [--hills-out FILE] [--colvar-out FILE] --json

Well-tempered metadynamics (Barducci, Bussi & Parrinello 2008) on one or two coordinates.
Every P steps each walker adds a Gaussian hill of height W exp(-V(s)/(kT (G-1))) and width
S per CV at its CV value s; all walkers share one bias. The bias and its derivatives live on
a grid (cubic Hermite interpolation); FES = -(G/(G-1)) V_bias, min 0.
  --cv x[,y]            CV coordinates by name (x, or x,y)
  --sigma S[,S2]        hill width per CV
  --height W            initial hill height (energy units)
  --pace P              steps between hills
  --biasfactor G        bias factor gamma > 1
  --kT KT               thermal energy (default 1)
  --dt DT               time step
  --steps N             steps per walker
  --walkers M           walkers sharing the bias (default 1), each its own random stream
  --seed K              non-negative integer; same seed, same numbers
  --start=X[,Y]         start of every walker (default: the system's first minimum region)
  --integrator NAME     overdamped (Euler-Maruyama, default) or baoab (underdamped Langevin)
  --friction F          BAOAB friction (1/time, default 10)
  --mass M              BAOAB mass of every coordinate (default 1)
Grid:
  --grid-bins N[,N2]    bins per CV (default: bin width sigma/2)
  --grid-range=MIN,MAX[,MIN2,MAX2]  grid range per CV (default: the system's domain padded by 10%)
  --grid-outside MODE   error (default: stop with a message) or flat (constant bias outside)
Files (PLUMED format, '#! FIELDS' header):
  --hills-in FILE       start from the hills of a HILLS file (same CVs)
  --hills-out FILE      write the hills: time cv.. sigma_cv.. height biasf (height rescaled
                        by G/(G-1) as PLUMED does)
  --colvar-out FILE     write frames: time walker x [y] metad.bias metad.rct (every --colvar-stride
                        steps, default the pace), for reweighting (c(t) or last bias)
  --json                print one JSON object: cvNames, axes (grid points per CV), fes (1D: list;
                        2D: nested rows, fes[i][j] at axes[0][i], axes[1][j]), hills, walkerSteps,
                        seconds
${systemOptionsHelp}
Molecules: liftwell metad --top F.prmtop --crd F.inpcrd --cv "phi=dihedral(5,7,9,15)" ... --out DIR
(the app's molecular metadynamics, walkers included; liftwell metad --top - --help).`;

const defaultStarts: Record<string, number[]> = {
  'double-well': [-1],
  'muller-brown': [-0.558, 1.442],
  'fast-slow': [-1, 0],
};

function listOption(values: ParsedValues, name: string, count: number): number[] | undefined {
  const list = numberListOption(values, name);
  if (list === undefined) return undefined;
  if (list.length !== count) throw new CliUsageError(`--${name} needs ${count} value(s), one per CV (got ${list.length}); write --${name}=A,B for negative values`);
  return list;
}

function hillsText(metad: WellTemperedMetad, cvNames: string[], hills: Hill[], withHeader: boolean): string {
  const text = formatHills(hillsToData(metad, cvNames, hills));
  return withHeader ? text : text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l + '\n').join('');
}

export async function runMetad(argv: string[]): Promise<number> {
  // Molecules (an AMBER topology) are the app's molecular run kind; the rest of this file is the toy form.
  if (argv.some((a) => a === '--top' || a.startsWith('--top='))) return (await import('./metad-molecular')).runMetadMolecular(argv);
  const { values } = parseCommandArgs(argv, {
    ...systemOptions,
    cv: { type: 'string' },
    sigma: { type: 'string' },
    height: { type: 'string' },
    pace: { type: 'string' },
    biasfactor: { type: 'string' },
    kT: { type: 'string' },
    dt: { type: 'string' },
    steps: { type: 'string' },
    walkers: { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
    integrator: { type: 'string' },
    friction: { type: 'string' },
    mass: { type: 'string' },
    'grid-bins': { type: 'string' },
    'grid-range': { type: 'string' },
    'grid-outside': { type: 'string' },
    'hills-in': { type: 'string' },
    'hills-out': { type: 'string' },
    'colvar-out': { type: 'string' },
    'colvar-stride': { type: 'string' },
  });
  if (values.help) {
    console.log(metadHelp);
    return 0;
  }
  const spec = systemSpecFromOptions(values);
  const system = createSystem(spec);
  const cvNames = String(values.cv ?? 'x').split(',');
  if (cvNames.length > 2) throw new CliUsageError(`--cv takes one or two coordinates (got ${cvNames.length})`);
  const cvs: MetadCv[] = cvNames.map((name) => {
    const index = system.coordinateNames.indexOf(name);
    if (index < 0) throw new CliUsageError(`--cv: "${name}" is not a coordinate of ${spec.kind} (${system.coordinateNames.join(', ')})`);
    return { index };
  });
  if (cvs.length === 2 && cvs[0].index === cvs[1].index) throw new CliUsageError('--cv: the two CVs must differ');
  const d = cvs.length;
  const sigma = listOption(values, 'sigma', d);
  if (!sigma) throw new CliUsageError('--sigma is required');
  sigma.forEach((s) => {
    if (!(s > 0)) throw new CliUsageError(`--sigma must be > 0 (got ${s})`);
  });
  const height = positiveOption(values, 'height');
  const pace = integerOption(values, 'pace', undefined, 1);
  const biasFactor = positiveOption(values, 'biasfactor');
  if (!(biasFactor > 1)) throw new CliUsageError(`--biasfactor must be greater than 1 (got ${biasFactor})`);
  const kT = positiveOption(values, 'kT', 1);
  const dt = positiveOption(values, 'dt');
  const steps = integerOption(values, 'steps', undefined, 0);
  const walkers = integerOption(values, 'walkers', 1, 1);
  const seed = integerOption(values, 'seed', 0, 0);
  checkAtMost(walkers, LIMITS.metadWalkers, '--walkers', 'the number of walkers');
  checkAtMost(steps, LIMITS.metadSteps, '--steps', 'the number of steps');
  const start = numberListOption(values, 'start', system.dim) ?? defaultStarts[spec.kind];
  const integrator = String(values.integrator ?? 'overdamped');
  if (integrator !== 'overdamped' && integrator !== 'baoab') throw new CliUsageError(`--integrator must be overdamped or baoab (got ${integrator})`);
  const outside = String(values['grid-outside'] ?? 'error');
  if (outside !== 'error' && outside !== 'flat') throw new CliUsageError(`--grid-outside must be error or flat (got ${outside})`);
  const bins = listOption(values, 'grid-bins', d);
  bins?.forEach((b) => {
    if (!Number.isInteger(b) || b < 2) throw new CliUsageError(`--grid-bins must be integers >= 2 (got ${b})`);
    checkAtMost(b, LIMITS.metadGridBins, '--grid-bins', 'the grid bins per CV');
  });
  const range = numberListOption(values, 'grid-range');
  if (range !== undefined && range.length !== 2 * d) throw new CliUsageError(`--grid-range needs ${2 * d} numbers (MIN,MAX per CV; got ${range.length})`);
  const min = cvs.map((cv, i) => {
    if (range) return range[2 * i];
    const [lo, hi] = system.domain[cv.index];
    return lo - 0.1 * (hi - lo);
  });
  const max = cvs.map((cv, i) => {
    if (range) return range[2 * i + 1];
    const [lo, hi] = system.domain[cv.index];
    return hi + 0.1 * (hi - lo);
  });
  min.forEach((lo, i) => {
    if (!(max[i] > lo)) throw new CliUsageError(`--grid-range: MAX must be greater than MIN for CV ${cvNames[i]} (got ${lo},${max[i]})`);
  });
  const colvarStride = integerOption(values, 'colvar-stride', pace, 1);

  const metad = new WellTemperedMetad({ cvs, sigma, height, pace, biasFactor, kT, grid: { min, max, bins }, outside, timeStep: dt });
  const hillsIn = values['hills-in'] as string | undefined;
  if (hillsIn) {
    let text: string;
    try {
      text = readFileSync(hillsIn, 'utf8');
    } catch (error) {
      throw new InputFileError(hillsIn, null, `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
    }
    loadHills(metad, parseHills(text, hillsIn), hillsIn);
  }
  const loadedHills = metad.hillCount;

  const positions = new Float64Array(walkers * system.dim);
  for (let w = 0; w < walkers; w++) positions.set(start, w * system.dim);
  const common = { system, kT, dt, positions, seed, streamBase: 0, generalBias: metad };
  const simulation =
    integrator === 'baoab'
      ? new BaoabSimulation({ ...common, friction: positiveOption(values, 'friction', 10), mass: positiveOption(values, 'mass', 1) })
      : new OverdampedSimulation(common);

  // Files are streamed block by block so that long runs keep memory flat.
  const hillsOut = values['hills-out'] as string | undefined;
  const colvarOut = values['colvar-out'] as string | undefined;
  const pendingHills: Hill[] = [];
  if (hillsOut) {
    writeFileSync(hillsOut, hillsText(metad, cvNames, metad.hills(), true));
    metad.onHill = (hill) => pendingHills.push(hill);
  }
  const recorder = colvarOut ? new ColvarRecorder(colvarStride, metad, system.coordinateNames, dt) : null;
  if (recorder) {
    simulation.reporters.push(recorder); // before the hills: a row holds the bias its frame felt
    writeFileSync(colvarOut!, `#! FIELDS ${recorder.fields.join(' ')}\n`);
  }
  simulation.reporters.push(metad.reporter());
  const flush = (): void => {
    if (hillsOut && pendingHills.length) {
      appendFileSync(hillsOut, hillsText(metad, cvNames, pendingHills, false));
      pendingHills.length = 0;
    }
    if (recorder && colvarOut && recorder.rows) {
      const text = formatPlumedTable(recorder.fields, recorder.take());
      appendFileSync(colvarOut, text.slice(text.indexOf('\n') + 1));
    }
  };

  const block = Math.max(pace, colvarStride) * 1000;
  const began = performance.now();
  for (let done = 0; done < steps; ) {
    const n = Math.min(block, steps - done);
    simulation.run(n);
    done += n;
    flush();
  }
  const seconds = (performance.now() - began) / 1000;

  const { axes, fes } = metad.freeEnergy();
  const n1 = axes.length === 2 ? axes[1].length : 0;
  const grid = axes.length === 1 ? fes : Array.from({ length: axes[0].length }, (_, i) => fes.subarray(i * n1, (i + 1) * n1));
  const result = {
    system: spec,
    integrator,
    cvNames,
    kT,
    biasFactor,
    axes,
    fes: grid,
    hills: metad.hillCount - loadedHills,
    hillsLoaded: loadedHills,
    walkerSteps: walkers * steps,
    seconds,
    walkerStepsPerSecond: seconds > 0 ? (walkers * steps) / seconds : null,
  };
  if (values.json) printJson(result);
  else {
    console.log(`# metad ${spec.kind} on ${cvNames.join(',')}: ${result.hills} hills, ${walkers} walkers x ${steps} steps in ${seconds.toFixed(3)} s`);
    console.log(`# ${cvNames.join('\t')}\tfes`);
    if (axes.length === 1) axes[0].forEach((x, i) => console.log(`${x}\t${fes[i]}`));
    else axes[0].forEach((x, i) => axes[1].forEach((y, j) => console.log(`${x}\t${y}\t${fes[i * n1 + j]}`)));
  }
  return 0;
}
