/**
 * `liftwell metad --top F.prmtop --crd F.inpcrd ...`: well-tempered metadynamics of a molecule,
 * the app's molecular run (run kind 'molecular', one or more walkers sharing the bias) started
 * through the same API handlers, job worker and helper threads. metad.ts dispatches here when
 * --top is given, as `liftwell train` does for molecules.
 *
 * The run is made in a scratch project inside --out (its own user-data folder, so the app's
 * recent projects are left alone); when it completes, its files (DCD per walker, HILLS, COLVAR,
 * cv/energies/fes .npy, bias state, result.json, run.json) move up into --out and the scratch
 * project is removed. Ctrl-C cancels the run and removes the scratch project.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ApiEvent, MolecularRunParams, RunRecord } from '../../api/contract';
import { molecularRunParams } from '../../api/contract';
import { createAppContext } from '../../api/handlers';
import { checkWithSchema } from '../../api/limit-checks';
import { callApi } from '../../study/api-client';
import { EngineInputError } from '../../engine/errors';
import { parseAtomicCv } from '../../engine/molecules/cv';
import { MAX_DT_WITHOUT_CONSTRAINTS } from '../../runs/molecular/plan';
import { runDir } from '../../store/project';
import { parseMoleculeFiles } from '../../store/molecules';
import { thisLiftwellCommand, workerScriptUrl } from '../../runs/runtime/bundle-paths';
import { CliUsageError, integerOption, numberListOption, numberOption, parseCommandArgs, positiveOption, requireString, type ParsedValues } from '../args';
import { printJson } from '../output';
import { formatEta } from '../progress';
import { readOptionFile } from '../input-files';

/** The app's defaults (molecular run form): friction 1/ps, a frame every 100 steps. */
const DEFAULTS = { friction: 1, frameInterval: 100, seed: 0 };

export const metadMolecularHelp = `liftwell metad --top F.prmtop (--crd F.inpcrd | --pdb F.pdb) --cv "NAME=DEF" [--cv "NAME2=DEF2"]
               --sigma S[,S2] --height KJ --pace P --biasfactor G --temperature K --dt PS --steps N
               --out DIR [--walkers M] [--threads T] [--constraints none|hbonds] [--integrator baoab|middle] [--seed K]
               [--hills-out FILE] [--colvar-out FILE] [--json]

Well-tempered metadynamics of a molecule in vacuum (AMBER force field, Langevin dynamics), the
app's molecular run: the same run kind, worker threads and files. Every P steps each walker adds
a Gaussian hill of height W exp(-V(s)/(kT (G-1))) at its CV values; all walkers share one bias
(walker w: its own random stream, the same start). FES = -(G/(G-1)) V_bias on the bias grid.
  --top F.prmtop        AMBER topology/parameters
  --crd F.inpcrd        start coordinates (.inpcrd/.rst7/.crd); or --pdb F.pdb (or --coords FILE, as liftwell md)
  --cv "NAME=DEF"       a biased CV, as liftwell cv: dihedral(i,j,k,l) | angle(i,j,k) | distance(i,j) | ...
                        (atom numbers 1-based, as PLUMED); once or twice
  --sigma S[,S2]        hill width per CV (rad for angles and dihedrals, nm for distances)
  --height KJ           initial hill height, kJ/mol
  --pace P              steps between hills
  --biasfactor G        bias factor gamma > 1
  --temperature K       bath temperature
  --dt PS               time step in ps (at most ${MAX_DT_WITHOUT_CONSTRAINTS} without constraints; 0.002 with hbonds)
  --steps N             steps per walker
  --walkers M           walkers sharing the bias (default 1); they run in parallel on the cores
  --threads T           threads for the walkers (default: one per core; the files are the same for any T)
  --constraints MODE    none (default) or hbonds (SHAKE/RATTLE on bonds to hydrogen)
  --integrator NAME     middle (OpenMM's LangevinMiddle, one SHAKE per step; default with --constraints
                        hbonds) or baoab (default without constraints), as liftwell md
  --friction PER_PS     collision rate (default ${DEFAULTS.friction})
  --seed K              non-negative integer (default ${DEFAULTS.seed}); same seed, same files
  --minimize            L-BFGS minimisation of the start structure first
  --frame-interval N    steps between saved frames (DCD frame, COLVAR row; default ${DEFAULTS.frameInterval})
  --grid-bins N[,N2]    bias grid bins per CV (default: bin width sigma/2)
  --grid-range=MIN,MAX[,MIN2,MAX2]  grid range of non-periodic CVs (default angles 0..pi,
                        distances 0..3 nm; dihedrals are periodic on -pi..pi)
  --out DIR             writes walker-NNN.dcd per walker (trajectory.dcd with one walker), HILLS,
                        COLVAR (time [walker] cvs metad.bias), cv.npy, energies.npy, fes.npy,
                        bias-state.json, result.json and run.json (params and job); refuses a
                        folder that already holds a result.json
  --hills-out FILE      also copy HILLS there;  --colvar-out FILE  also copy COLVAR there
  --json                print one JSON object: out, files, cvNames, walkers, hills, frames, axes,
                        fes (1D: list; 2D: nested rows, fes[i][j] at axes[0][i], axes[1][j];
                        kJ/mol, min 0), basins, walkerSteps, seconds
Progress with ETA goes to stderr; Ctrl-C cancels the run (nothing is written to DIR).
The toy form (liftwell metad --system NAME ...) is described by liftwell metad --help.`;

/** The API's field names worded as this command's options. */
const PARAM_OPTIONS: Record<string, string> = {
  temperature: '--temperature',
  friction: '--friction',
  dt: '--dt',
  steps: '--steps',
  seed: '--seed',
  frameInterval: '--frame-interval',
  integrator: '--integrator',
  cvs: '--cv',
  'metad.sigma': '--sigma',
  'metad.height': '--height',
  'metad.pace': '--pace',
  'metad.biasFactor': '--biasfactor',
  'metad.gridBins': '--grid-bins',
  'metad.gridMin': '--grid-range',
  'metad.gridMax': '--grid-range',
  'metad.walkers': '--walkers',
};

/** The start coordinates: exactly one of --crd, --pdb, --coords. */
function coordinatesOption(values: ParsedValues): { file: string; option: string } {
  const given = (['crd', 'pdb', 'coords'] as const).filter((o) => values[o] !== undefined);
  if (given.length !== 1) throw new CliUsageError(given.length === 0 ? 'give the start coordinates: --crd F.inpcrd or --pdb F.pdb' : `give one of --crd, --pdb, --coords (got ${given.map((o) => `--${o}`).join(' and ')})`);
  return { file: resolve(String(values[given[0]])), option: given[0] };
}

/** Per-CV list option: exactly one value per --cv. */
function perCvList(values: ParsedValues, name: string, cvCount: number, perCv = 1): number[] | undefined {
  const list = numberListOption(values, name);
  if (list !== undefined && list.length !== perCv * cvCount) {
    throw new CliUsageError(`--${name} needs ${perCv * cvCount} value(s), ${perCv === 1 ? 'one' : perCv} per --cv (got ${list.length}); write --${name}=A,B for negative values`);
  }
  return list;
}

/** Validated options as the API's molecular-run params (plus what only the CLI needs). */
function paramsFromOptions(values: ParsedValues, nAtoms: number, reference: Float64Array): MolecularRunParams {
  const definitions = (values.cv as unknown as string[] | undefined) ?? [];
  if (definitions.length === 0) throw new CliUsageError('--cv "NAME=DEF" is required (once or twice): the biased CVs');
  if (definitions.length > 2) throw new CliUsageError(`--cv: metadynamics biases one or two CVs (got ${definitions.length})`);
  const names = definitions.map((definition) => {
    try {
      return parseAtomicCv(definition, { nAtoms, reference }).name;
    } catch (error) {
      if (error instanceof EngineInputError) throw new CliUsageError(`--cv "${definition}": ${error.message}`);
      throw error;
    }
  });
  if (names.length === 2 && names[0] === names[1]) throw new CliUsageError(`--cv: the two CVs need different names (both are "${names[0]}")`);
  const d = definitions.length;
  const sigma = perCvList(values, 'sigma', d);
  if (!sigma) throw new CliUsageError('--sigma is required (one width per --cv)');
  const range = perCvList(values, 'grid-range', d, 2);
  const bins = perCvList(values, 'grid-bins', d);
  const constraints = String(values.constraints ?? 'none');
  if (constraints !== 'none' && constraints !== 'hbonds') throw new CliUsageError(`--constraints must be none or hbonds (got ${constraints})`);
  const dt = positiveOption(values, 'dt');
  if (constraints === 'none' && dt > MAX_DT_WITHOUT_CONSTRAINTS) throw new CliUsageError(`--dt: ${dt} ps is too long without constraints (at most ${MAX_DT_WITHOUT_CONSTRAINTS} ps); use --constraints hbonds for 2 fs steps`);
  const friction = numberOption(values, 'friction', DEFAULTS.friction);
  if (!(friction >= 0)) throw new CliUsageError(`--friction must be >= 0 (got ${friction})`);
  const params = {
    temperature: positiveOption(values, 'temperature'),
    friction,
    dt,
    steps: integerOption(values, 'steps', undefined, 1),
    constraints,
    ...(values.integrator === undefined ? {} : { integrator: values.integrator }),
    minimize: values.minimize === true,
    seed: integerOption(values, 'seed', DEFAULTS.seed, 0),
    frameInterval: integerOption(values, 'frame-interval', DEFAULTS.frameInterval, 1),
    cvs: definitions,
    metad: {
      sigma,
      height: positiveOption(values, 'height'),
      pace: integerOption(values, 'pace', undefined, 1),
      biasFactor: numberOption(values, 'biasfactor'),
      walkers: integerOption(values, 'walkers', 1, 1),
      ...(bins ? { gridBins: bins } : {}),
      ...(range ? { gridMin: range.filter((_, i) => i % 2 === 0), gridMax: range.filter((_, i) => i % 2 === 1) } : {}),
    },
  };
  // The API's own schema and limits, worded with this command's options.
  return checkWithSchema(molecularRunParams, params, PARAM_OPTIONS);
}

/** The FES grid as the toy form prints it: 1D a list, 2D nested rows (first CV slowest). */
function fesRows(axes: number[][], fes: (number | null)[]): (number | null)[] | (number | null)[][] {
  if (axes.length === 1) return fes;
  const n1 = axes[1].length;
  return Array.from({ length: axes[0].length }, (_, i) => fes.slice(i * n1, (i + 1) * n1));
}

export async function runMetadMolecular(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    top: { type: 'string' },
    crd: { type: 'string' },
    pdb: { type: 'string' },
    coords: { type: 'string' },
    cv: { type: 'string', multiple: true },
    sigma: { type: 'string' },
    height: { type: 'string' },
    pace: { type: 'string' },
    biasfactor: { type: 'string' },
    temperature: { type: 'string' },
    dt: { type: 'string' },
    steps: { type: 'string' },
    walkers: { type: 'string' },
    threads: { type: 'string' },
    constraints: { type: 'string' },
    integrator: { type: 'string' },
    friction: { type: 'string' },
    seed: { type: 'string' },
    minimize: { type: 'boolean' },
    'frame-interval': { type: 'string' },
    'grid-bins': { type: 'string' },
    'grid-range': { type: 'string' },
    out: { type: 'string' },
    'hills-out': { type: 'string' },
    'colvar-out': { type: 'string' },
  });
  if (values.help) {
    console.log(metadMolecularHelp);
    return 0;
  }
  // Every option and file is checked before anything is created.
  const topFile = resolve(requireString(values, 'top'));
  const coordinates = coordinatesOption(values);
  const out = resolve(requireString(values, 'out'));
  const threads = values.threads === undefined ? undefined : integerOption(values, 'threads', undefined, 1);
  const topology = readOptionFile(topFile, 'top');
  const coordinateBytes = readOptionFile(coordinates.file, coordinates.option);
  const molecule = parseMoleculeFiles(topology, topFile, coordinateBytes, coordinates.file);
  const params = paramsFromOptions(values, molecule.prmtop.topology.nAtoms, molecule.positions);
  if (existsSync(join(out, 'result.json'))) throw new CliUsageError(`--out ${out} already holds a run (result.json); choose another folder or empty it`);

  const outExisted = existsSync(out);
  mkdirSync(out, { recursive: true });
  const scratch = join(out, `.liftwell-metad-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  const context = createAppContext({
    userDataDir: join(scratch, 'user-data'),
    workerScript: workerScriptUrl(),
    transport: 'cli',
    liftwellCommand: thisLiftwellCommand(),
    ...(threads === undefined ? {} : { taskThreads: threads }),
  });
  // The run is one task: its thread loads while this thread makes the project and plans the run.
  context.jobs.warmUp(1, 'molecular');
  let projectPath = '';
  let runId: string | undefined;
  let interrupted = false;
  const cancel = () => {
    if (runId) void callApi(context, 'cancelRun', { projectPath, runId }).catch(() => undefined);
  };
  // Ctrl-C before the run has started cancels it as soon as it has an id.
  const onSigint = () => {
    interrupted = true;
    cancel();
  };
  process.on('SIGINT', onSigint);
  let stopped = false;
  const stop = async () => {
    if (!stopped) await context.shutdown();
    stopped = true;
  };
  const began = performance.now();
  try {
    projectPath = (await callApi(context, 'createProject', { parentDir: scratch, name: 'metad' })).path;
    const record = await callApi(context, 'importMolecule', {
      projectPath,
      name: basename(topFile).replace(/\.[^.]+$/, ''),
      topology: { fileName: basename(topFile), base64: Buffer.from(topology).toString('base64') },
      coordinates: { fileName: basename(coordinates.file), base64: Buffer.from(coordinateBytes).toString('base64') },
    });
    const unsubscribe = context.subscribe((event: ApiEvent) => {
      if (event.type === 'run-progress' && event.runId === runId) {
        const rate = event.walkerStepsPerSecond ? `${Math.round(event.walkerStepsPerSecond)} walker-steps/s` : '';
        process.stderr.write(`\r${(event.fraction * 100).toFixed(1).padStart(5)}%  ETA ${formatEta(event.etaSeconds)}  ${rate}   `);
      }
    });
    let run: RunRecord;
    try {
      run = await callApi(context, 'startMolecularRun', { projectPath, moleculeId: record.id, name: `metad ${params.cvs.join(' ')}`, params });
      runId = run.id;
      if (interrupted) cancel();
      const live = context.jobs.whenDone(projectPath, run.id);
      const id = run.id;
      run = live ? await live : ((await callApi(context, 'listRuns', { projectPath })).find((r) => r.id === id) ?? run);
    } finally {
      unsubscribe();
      process.stderr.write('\n');
    }
    if (run.status !== 'completed') {
      console.error(`run ${run.status}${run.error ? `: ${run.error}` : ''}; nothing was written to ${out}`);
      return 1;
    }
    const result = await callApi(context, 'getMolecularResult', { projectPath, runId: run.id });
    await stop();
    const files = moveRunFiles(runDir(projectPath, run.id), out);
    const hillsOut = values['hills-out'] as string | undefined;
    const colvarOut = values['colvar-out'] as string | undefined;
    if (hillsOut) copyFileSync(join(out, 'HILLS'), resolve(hillsOut));
    if (colvarOut) copyFileSync(join(out, 'COLVAR'), resolve(colvarOut));
    const seconds = (performance.now() - began) / 1000;
    const walkers = params.metad!.walkers ?? 1;
    const fes = result.fes!;
    const summary = {
      out,
      files,
      cvNames: fes.cvNames,
      temperature: params.temperature,
      biasFactor: params.metad!.biasFactor,
      walkers,
      hills: result.hills,
      frames: result.times.length,
      axes: fes.axes,
      fes: fesRows(fes.axes, fes.fes),
      basins: result.basins ?? [],
      walkerSteps: walkers * params.steps,
      seconds,
      walkerStepsPerSecond: seconds > 0 ? (walkers * params.steps) / seconds : null,
      units: { energy: 'kJ/mol', temperature: 'K', time: 'ps' },
    };
    if (values.json) printJson(summary);
    else {
      console.log(`# metad of ${basename(topFile)} on ${fes.cvNames.join(',')}: ${result.hills} hills, ${walkers} walker(s) x ${params.steps} steps in ${seconds.toFixed(2)} s; files in ${out}`);
      console.log(`# ${fes.cvNames.join('\t')}\tfes_kJ_per_mol`);
      if (fes.axes.length === 1) fes.axes[0].forEach((x, i) => console.log(`${x}\t${fes.fes[i]}`));
      else {
        const n1 = fes.axes[1].length;
        fes.axes[0].forEach((x, i) => fes.axes[1].forEach((y, j) => console.log(`${x}\t${y}\t${fes.fes[i * n1 + j]}`)));
      }
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await stop();
    rmSync(scratch, { recursive: true, force: true });
    // A failed or cancelled run leaves no empty folder behind that it made.
    if (!outExisted && readdirSync(out).length === 0) rmSync(out, { recursive: true, force: true });
  }
}

/** Moves a finished run's files (not its locks) from the scratch project up into `out`; returns their names. */
function moveRunFiles(from: string, out: string): string[] {
  const names = readdirSync(from, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.lock'))
    .map((e) => e.name)
    .sort();
  for (const name of names) renameSync(join(from, name), join(out, name));
  return names;
}
