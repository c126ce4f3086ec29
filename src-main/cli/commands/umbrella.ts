/**
 * `liftwell umbrella`: the GUI's umbrella study, run through the same API handlers (project on
 * disk, worker threads, checkpoints), printing the WHAM free-energy profile when done.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { ApiEvent, FesResult, ProjectSummary, RunRecord, UmbrellaParamsInput } from '../../api/contract';
import { dispatch, type Handlers } from '../../api/dispatch';
import { ApiError } from '../../api/contract';
import { CliUsageError, integerOption, numberListOption, parseCommandArgs, positiveOption, requireString } from '../args';
import { printJson } from '../output';
import { formatEta } from '../progress';
import { systemOptions, systemOptionsHelp, systemSpecFromOptions } from './sample';
import { thisLiftwellCommand, workerScriptUrl } from '../../runs/runtime/bundle-paths';
import { userDataDir } from '../../store/user-data';
import { executorOptions, executorOptionsHelp, executorSettingsFromOptions } from '../executor-options';
import { umbrellaParams } from '../../api/contract';
import { checkWithSchema } from '../../api/limit-checks';

/** The API's limits on an umbrella study, worded with this command's options. */
const UMBRELLA_OPTIONS: Record<string, string> = {
  'centers.count': '--windows',
  'centers.values': '--centers',
  centers: '--range',
  'centers.min': '--range',
  'centers.max': '--range',
  spring: '--spring',
  springs: '--spring',
  kT: '--kT',
  dt: '--dt',
  stepsPerWindow: '--steps',
  stride: '--stride',
  walkersPerWindow: '--walkers',
  equilibrationSteps: '--equilibration',
  seed: '--seed',
  cvIndex: '--cv',
};

function checkUmbrellaOptions(params: UmbrellaParamsInput): void {
  checkWithSchema(umbrellaParams, params, UMBRELLA_OPTIONS);
}

export const umbrellaHelp = `liftwell umbrella --project DIR.liftwell --system NAME [system options]
                  (--range=MIN,MAX --windows N | --centers=C1,C2,...) --spring K
                  [--cv x|y] [--kT 1] [--dt 1e-3] [--steps 100000] [--stride 10] [--walkers 4]
                  [--equilibration 1000] [--seed 1] [--bins 100] [--resume RUN_ID]
                  [--seed-run RUN_ID --seed-frames=I,J,...]
                  [--executor local|slurm [slurm options]] --json

Runs an umbrella-sampling study exactly as the app does: the project folder is created if it
does not exist (or opened), the system added, every window run in worker threads with
checkpoints (Ctrl-C cancels; --resume RUN_ID continues an interrupted run), and the WHAM
profile is printed (with --json: the same object as the app's free-energy view, including
the exact answer where the system has one). Progress goes to stderr.
--seed-run RUN_ID --seed-frames=I,J,...: the walkers start from those frames (saved
configurations; -1 = last) of an earlier run in the project, one per window and walker
(window-major), instead of the pulled start (docs/seeding.md).
${systemOptionsHelp}
${executorOptionsHelp}`;

async function call<T>(handlers: Handlers, method: string, params: unknown): Promise<T> {
  const reply = await dispatch(handlers, method, params);
  if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message, reply.error.details);
  return reply.result as T;
}

async function openOrCreateProject(handlers: Handlers, projectPath: string): Promise<ProjectSummary> {
  if (existsSync(projectPath)) return call<ProjectSummary>(handlers, 'openProject', { projectPath });
  const name = basename(projectPath).replace(/\.liftwell$/, '');
  // A path on the command line is explicit consent to create its parent folders.
  mkdirSync(dirname(projectPath), { recursive: true });
  try {
    return await call<ProjectSummary>(handlers, 'createProject', { parentDir: dirname(projectPath), name });
  } catch (error) {
    // Another liftwell created it a moment ago (projects appear complete, see createProjectFolder).
    if (error instanceof ApiError && error.code === 'conflict' && existsSync(projectPath)) {
      return call<ProjectSummary>(handlers, 'openProject', { projectPath });
    }
    throw error;
  }
}

const FINAL_STATUSES = ['completed', 'failed', 'cancelled', 'interrupted'];

/**
 * The final record of a run this process started or resumed. The manager may have finished it
 * already (a resume with every window on disk completes at once), so its live promise is asked
 * first and the record on disk is the answer when there is none.
 */
async function finalRecord(handlers: Handlers, jobs: { whenDone(p: string, id: string): Promise<RunRecord> | null }, projectPath: string, run: RunRecord): Promise<RunRecord> {
  const live = jobs.whenDone(projectPath, run.id);
  if (live) return live;
  if (FINAL_STATUSES.includes(run.status)) return run;
  const runs = await call<RunRecord[]>(handlers, 'listRuns', { projectPath });
  return runs.find((r) => r.id === run.id) ?? run;
}


/** --seed-run RUN_ID --seed-frames=I,J,...: params.seeding from frames of an earlier run (docs/seeding.md). */
function seedingFromOptions(values: Record<string, unknown>): Pick<UmbrellaParamsInput, 'seeding'> {
  const runId = values['seed-run'];
  const frames = numberListOption(values, 'seed-frames');
  if (runId === undefined && frames === undefined) return {};
  if (typeof runId !== 'string' || !frames) throw new CliUsageError('give --seed-run RUN_ID together with --seed-frames=I,J,... (one frame per window and walker)');
  if (!frames.every(Number.isInteger)) throw new CliUsageError(`--seed-frames: frame indices are integers (got ${frames.join(',')})`);
  return { seeding: { source: 'frames', runId, frames } };
}

export async function runUmbrella(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...systemOptions,
    project: { type: 'string' },
    cv: { type: 'string' },
    range: { type: 'string' },
    windows: { type: 'string' },
    centers: { type: 'string' },
    spring: { type: 'string' },
    kT: { type: 'string' },
    dt: { type: 'string' },
    steps: { type: 'string' },
    stride: { type: 'string' },
    walkers: { type: 'string' },
    equilibration: { type: 'string' },
    seed: { type: 'string' },
    bins: { type: 'string' },
    resume: { type: 'string' },
    'seed-run': { type: 'string' },
    'seed-frames': { type: 'string' },
    ...executorOptions,
  });
  if (values.help) {
    console.log(umbrellaHelp);
    return 0;
  }
  const projectArg = resolve(requireString(values, 'project'));
  const cvName = (values.cv as string | undefined) ?? 'x';
  if (cvName !== 'x' && cvName !== 'y') throw new CliUsageError(`--cv must be x or y (got ${cvName})`);
  const list = numberListOption(values, 'centers');
  const range = numberListOption(values, 'range', 2);
  if (!list && !range && values.resume === undefined) throw new CliUsageError('give --range=MIN,MAX with --windows N, or --centers=C1,C2,...');
  // Every option is checked before the project is created or a system added to it.
  const spec = values.resume === undefined ? systemSpecFromOptions(values) : null;
  const params: UmbrellaParamsInput | null =
    values.resume === undefined
      ? {
          cvIndex: cvName === 'x' ? 0 : 1,
          centers: list ? { mode: 'list', values: list } : { mode: 'range', min: range![0], max: range![1], count: integerOption(values, 'windows', undefined, 1) },
          spring: positiveOption(values, 'spring'),
          kT: positiveOption(values, 'kT', 1),
          dt: positiveOption(values, 'dt', 1e-3),
          stepsPerWindow: integerOption(values, 'steps', 100_000, 1),
          stride: integerOption(values, 'stride', 10, 1),
          walkersPerWindow: integerOption(values, 'walkers', 4, 1),
          equilibrationSteps: integerOption(values, 'equilibration', 1000, 0),
          seed: integerOption(values, 'seed', 1, 0),
          ...seedingFromOptions(values),
        }
      : null;
  if (params) checkUmbrellaOptions(params);
  const executor = executorSettingsFromOptions(values);
  const bins = values.bins === undefined ? undefined : integerOption(values, 'bins', undefined, 5);

  // The handlers (every run kind, the job manager) load once the options are checked: `--help`
  // and bad usage answer without them.
  const { createAppContext } = await import('../../api/handlers');
  const context = createAppContext({ userDataDir: userDataDir(), workerScript: workerScriptUrl(), transport: 'cli', liftwellCommand: thisLiftwellCommand(), analysesInThisThread: true });
  const { handlers } = context;
  // A new run's windows start on every pool thread: they load while this thread makes the
  // project and plans the run (a resume may have little left to do: threads start as needed).
  if (params && !executor) context.jobs.warmUp(context.jobs.size, 'umbrella');
  let runId: string | undefined;
  let projectPath = projectArg;
  const onSigint = () => {
    if (runId) void call(handlers, 'cancelRun', { projectPath, runId });
  };
  process.on('SIGINT', onSigint);
  try {
    const project = await openOrCreateProject(handlers, projectArg);
    projectPath = project.path;
    if (executor) await call(handlers, 'setExecutorSettings', { projectPath, settings: executor });
    // Progress of our run, subscribed before the run starts so that no event is missed.
    const unsubscribe = context.subscribe((event: ApiEvent) => {
      if (event.type === 'run-progress' && event.runId === runId) {
        const rate = event.walkerStepsPerSecond ? `${(event.walkerStepsPerSecond / 1e6).toFixed(2)} M walker-steps/s` : '';
        process.stderr.write(`\r${(event.fraction * 100).toFixed(1).padStart(5)}%  ETA ${formatEta(event.etaSeconds)}  ${rate}   `);
      }
    });
    let run: RunRecord;
    try {
      if (typeof values.resume === 'string') {
        const previous = (await call<RunRecord[]>(handlers, 'listRuns', { projectPath })).find((r) => r.id === values.resume);
        // Resuming a run that has completed (here or in an earlier resume) prints its result.
        run = previous?.status === 'completed' ? previous : await call<RunRecord>(handlers, 'resumeRun', { projectPath, runId: values.resume });
      } else {
        const system = await call<{ id: string }>(handlers, 'addSystem', { projectPath, name: spec!.kind, spec });
        run = await call<RunRecord>(handlers, 'startUmbrellaRun', { projectPath, systemId: system.id, name: `umbrella ${spec!.kind}`, params });
      }
      runId = run.id;
      console.error(`run ${run.id} in ${projectPath}`);
      run = await finalRecord(handlers, context.jobs, projectPath, run);
    } finally {
      unsubscribe();
    }
    const finished = run;
    process.stderr.write('\n');
    if (finished.status === 'interrupted' && finished.cluster?.scriptsOnly) {
      // --scripts-only: nothing computed here; the scripts wait for the cluster.
      console.error(finished.error ?? 'job scripts written');
      if (values.json) printJson({ projectPath, run: finished });
      return 0;
    }
    if (finished.status !== 'completed') {
      console.error(`run ${finished.id} ${finished.status}${finished.error ? `: ${finished.error}` : ''}`);
      if (finished.status === 'cancelled') console.error(`resume it with: liftwell umbrella --project ${projectPath} --resume ${finished.id}`);
      return 1;
    }
    const fes = await call<FesResult>(handlers, 'getFes', { projectPath, runId: finished.id, bins });
    for (const warning of fes.warnings) console.error(`warning: ${warning}`);
    if (values.json) printJson({ projectPath, run: finished, fes });
    else {
      console.log(`# run ${finished.id}: WHAM ${fes.iterations} iterations, converged=${fes.converged}`);
      console.log(`# ${fes.cvName}\tpmf${fes.exact ? '\texact' : ''}`);
      fes.centers.forEach((c, i) => console.log(`${c}\t${fes.pmf[i] ?? 'nan'}${fes.exact ? `\t${fes.exact.pmf[i]}` : ''}`));
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await context.shutdown();
  }
}
