/**
 * The handlers behind every API call (see contract.ts), shared by Electron IPC, the browser-mode
 * WebSocket and the CLI. Inputs arrive already validated by dispatch(); handlers add the checks
 * that need state (does the system exist, is the CV index valid for it, is the run finished).
 *
 * File access: only project folders created or opened in this session, or listed in recent.json,
 * can be used by calls other than createProject/openProject. Run and system ids are restricted to
 * plain characters, so no call can reach outside a project folder.
 */
import { mkdir } from 'node:fs/promises';
import { hostname, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import packageJson from '../../package.json';
import {
  ApiError,
  type ApiEvent,
  type AppInfo,
  type EnsembleRunRecord,
  type MetadRunRecord,
  type ProjectSummary,
  type RunRecord,
  type SystemKindInfo,
  type SystemRecord,
  type UmbrellaRunRecord,
} from './contract';
import type { Handlers } from './dispatch';
import { estimateCost } from './cost';
import { withSeedFrames } from './seeding';
import { createMoleculeHandlers } from './molecules';
import { createModelHandlers } from './models';
import { createComputeHandlers } from './compute';
import { ComputeBroker } from '../runs/runtime/compute-broker';
import { createLearnedCvHandlers } from './learned-cvs';
import { createTrashHandlers } from './trash';
import { createSettingsHandlers } from './settings';
import { createImportHandlers, createTrajectoryImportHandlers } from './imports';
import { repairTrash } from '../store/trash';
import { previewPotential } from './system-preview';
import { createBackendProbe } from './backend-probe';
import { projectWriteProblem } from '../store/write-access';
import { allSystemCatalog, createSystem, defaultSystemSpec, validateSystemSpec } from '../engine/systems';
import { JobManager, defaultWorkerCount } from '../runs/runtime/manager';
import { slurmExecutorFactory } from '../runs/runtime/slurm';
import { readExecutorSettings, writeExecutorSettings } from '../store/executor-settings';
import { runKinds } from '../runs/registry';
import { runResults } from '../analysis/run-results';
import { runAnalysis, type AnalysisPlace } from '../analysis/run-analysis';
import { ioError } from '../store/atomic';
import {
  checkId,
  createProjectFolder,
  newId,
  normaliseProjectPath,
  nowIso,
  readProjectFile,
  RUN_SCHEMA_VERSION,
  runFilePath,
  runOwnerLockPath,
  systemRecord,
  updateProjectFile,
  withProjectLock,
  writeFesFile,
  writeRunFile,
  type ProjectFile,
} from '../store/project';
import { readAllRuns, readRunFile, type EnsembleRunFile, type MetadRunFile, type RunFile, type UmbrellaRunFile } from '../runs/run-file';
import { RecentProjects } from '../store/recent';
import { studyHandlers, type StudyService, type StudyServiceFactory } from './studies';
import { describeOwner, isLockHandle, lockHolder, tryLock, type LockHandle } from '../store/lock-file';

/** Held by the app (Electron or browser mode) that has a project open; see claimProject. */
export const appLockPath = (projectPath: string) => join(projectPath, 'app.lock');

/** Calls that change a project: refused where the project is open read-only. */
const CHANGING_CALLS = [
  'addSystem', 'startUmbrellaRun', 'cancelRun', 'resumeRun', 'startMetadRun', 'startEnsembleRun',
  'addExampleMolecule', 'importMolecule', 'startMolecularRun', 'startTraining', 'setExecutorSettings',
  'deleteToTrash', 'restoreFromTrash', 'emptyTrash', 'saveStudy', 'startStudy', 'cancelStudy',
  'importHills', 'importWham', 'importTrajectory',
] as const;

export const APP_VERSION: string = (packageJson as { version: string }).version;

export interface AppContextOptions {
  userDataDir: string;
  workerScript: URL | string;
  transport: AppInfo['transport'];
  /** Worker pool size; default one per core (runs/runtime/manager.ts defaultWorkerCount). */
  workers?: number;
  /** Checkpoint interval of each window task; default 30 000 ms. */
  checkpointIntervalMs?: number;
  /** Minimum time between progress events of one run; default 250 ms. */
  progressEmitMs?: number;
  /** Threads one task may use in all (multiple-walker metadynamics; `liftwell metad --threads`); default one per core. */
  taskThreads?: number;
  /**
   * Analyses (free energies, regions, learned CVs) in the calling thread instead of a fresh
   * analysis thread each: for one-shot CLI commands, which wait for the answer anyway. Default
   * false (the app's main process keeps answering calls meanwhile).
   */
  analysesInThisThread?: boolean;
  /** WebGPU compute pages silent this long lose their task (default 30 s; env LIFTWELL_COMPUTE_TIMEOUT_MS). */
  computeProviderTimeoutMs?: number;
  /** Suggested parent folder for new projects; default ~/Liftwell. Created on first use. */
  defaultProjectsDir?: string;
  /**
   * How a cluster node starts this Liftwell (a shell command line) when a project's executor
   * settings do not say; default `liftwell` (the CLI on the node's PATH).
   */
  liftwellCommand?: string;
}

export interface AppContext {
  handlers: Handlers;
  subscribe(cb: (e: ApiEvent) => void): () => void;
  shutdown(): Promise<void>;
  /** The job manager (exposed for tests and the CLI). */
  jobs: JobManager;
  /** Serves the studies calls (api/studies.ts); the server and Electron transports register one. */
  registerStudyService(make: StudyServiceFactory): StudyService;
}

function provenance(): RunRecord['provenance'] {
  return { appVersion: APP_VERSION, host: hostname(), platform: `${process.platform}-${process.arch}`, node: process.version };
}

/** The fields every new run starts with: a fresh id, queued, no progress, this app's provenance. */
export function newRunFields(name: string) {
  return { id: newId('run'), name: name.trim(), status: 'queued' as const, created: nowIso(), progress: 0, provenance: provenance() };
}

/** The engine's catalogue (every kind the engine accepts) in the contract's shape. */
export function systemKinds(): SystemKindInfo[] {
  return allSystemCatalog.map((info) => {
    const system = createSystem(defaultSystemSpec(info.kind));
    const observed = (system as { observedNames?: readonly string[] }).observedNames;
    const extra = 'extraDefaults' in info ? info.extraDefaults : undefined;
    return {
      kind: info.kind,
      label: info.label,
      description: `${info.description} ${info.formula}`,
      coordinateNames: [...system.coordinateNames],
      parameters: info.params.map((p) =>
        p.type === 'choice'
          ? { name: p.name, label: p.label, description: p.description, type: 'choice' as const, default: p.default, choices: p.choices.map((c) => c.value) }
          : p.type === 'text'
            ? { name: p.name, label: p.label, description: p.description, type: 'text' as const, default: p.default, maxLength: p.maxLength }
            : { name: p.name, label: p.label, description: p.description, type: 'number' as const, default: p.default, min: p.min, exclusiveMin: p.exclusiveMin, max: p.max },
      ),
      domain: system.domain.map(([lo, hi]) => [lo, hi] as [number, number]),
      // engine/estimators/exact.ts integrates 1D and 2D systems only.
      hasExactProfile: system.dim <= 2,
      ...(extra ? { extraDefaults: structuredClone(extra) } : {}),
      ...(observed ? { observedNames: [...observed] } : {}),
    };
  });
}

export function createAppContext(opts: AppContextOptions): AppContext {
  const listeners = new Set<(e: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const cb of listeners) {
      try {
        cb(event);
      } catch {
        /* a listener's failure must not stop the others */
      }
    }
  };
  const jobs = new JobManager({
    workerScript: opts.workerScript,
    workers: opts.workers ?? defaultWorkerCount(),
    checkpointIntervalMs: opts.checkpointIntervalMs,
    progressEmitMs: opts.progressEmitMs,
    taskThreads: opts.taskThreads,
    emit,
    remote: slurmExecutorFactory({ defaultLiftwellCommand: opts.liftwellCommand ?? 'liftwell' }),
  });
  const analyses: AnalysisPlace = { workerScript: opts.workerScript, inThisThread: opts.analysesInThisThread === true };
  const recent = new RecentProjects(resolve(opts.userDataDir));
  const compute = new ComputeBroker({ isRunActive: (p, id) => jobs.isActive(p, id), providerTimeoutMs: opts.computeProviderTimeoutMs });
  const backendProbe = createBackendProbe();
  const defaultProjectsDir = resolve(opts.defaultProjectsDir ?? join(homedir(), 'Liftwell'));
  /** Projects created or opened in this session. */
  const sessionProjects = new Set<string>();
  /** app.lock of the projects this app holds (apps only; CLIs share projects, see claimProject). */
  const appLocks = new Map<string, LockHandle>();
  const isApp = opts.transport !== 'cli';
  const appLockHeartbeat = setInterval(() => appLocks.forEach((lock) => lock.refresh()), 60_000);
  appLockHeartbeat.unref();

  /**
   * One app at a time edits a project: an app takes the project's app.lock when it opens it; a
   * second app, or a CLI, while that lock is live, gets the project read-only (the reason is
   * returned, and changing calls are refused with it). CLIs take no app lock, so several CLIs
   * work on one project together (project.json updates are serialised by project.lock).
   */
  function claimProject(path: string): string | undefined {
    if (appLocks.has(path)) return undefined;
    const lockPath = appLockPath(path);
    const got = isApp ? tryLock(lockPath, `Liftwell app (${opts.transport})`) : lockHolder(lockPath);
    if (got === null) return undefined;
    if (isLockHandle(got)) {
      appLocks.set(path, got);
      return undefined;
    }
    // One process is one app: contexts sharing a process (tests) share its lock.
    if (got.pid === process.pid && got.host === hostname()) return undefined;
    return `This project is open in another Liftwell app (${describeOwner(got)}), so it is read-only here; close it there to make changes here.`;
  }

  /** Why changes to the project are refused here: no write permission, or another app has it; undefined when they are not. */
  async function readOnlyReason(path: string): Promise<string | undefined> {
    return (await projectWriteProblem(path)) ?? claimProject(path);
  }

  async function requireProject(path: string): Promise<string> {
    const p = normaliseProjectPath(path);
    if (sessionProjects.has(p)) return p;
    if ((await recent.paths()).includes(p)) return p;
    throw new ApiError('not-found', `projectPath: ${p} is not an open project; open it first.`, { path: p });
  }

  /** Runs of the project; runs that say queued/running but are not running here become 'interrupted'. */
  async function loadRuns(projectPath: string, project: ProjectFile): Promise<RunRecord[]> {
    const { runs, problems } = await readAllRuns(projectPath, project);
    for (const message of problems) emit({ type: 'log', level: 'warn', message });
    const out: RunRecord[] = [];
    for (const file of runs) {
      const live = jobs.activeRecord(projectPath, file.run.id);
      if (live) {
        out.push(live);
        continue;
      }
      if (file.run.status === 'running' || file.run.status === 'queued') {
        const updated = await markInterrupted(projectPath, file.run.id);
        out.push(updated ?? file.run);
        continue;
      }
      out.push(file.run);
    }
    return out;
  }

  async function markInterrupted(projectPath: string, runId: string): Promise<RunRecord | null> {
    return withProjectLock(runFilePath(projectPath, runId), async () => {
      if (jobs.isActive(projectPath, runId)) return null;
      const file = await readRunFile(projectPath, runId);
      // Computed by another process (another app, a CLI): its status is true as written.
      if (lockHolder(runOwnerLockPath(projectPath, runId))) return file.run;
      if (file.run.status !== 'running' && file.run.status !== 'queued') return file.run;
      file.run.status = 'interrupted';
      await writeRunFile(projectPath, file);
      emit({ type: 'run-status', projectPath, run: file.run });
      return file.run;
    });
  }

  async function summary(projectPath: string, project: ProjectFile): Promise<ProjectSummary> {
    return {
      path: projectPath,
      name: project.name,
      created: project.created,
      modified: project.modified,
      systems: project.systems,
      molecules: project.molecules ?? [],
      imports: project.imports ?? [],
      runs: await loadRuns(projectPath, project),
    };
  }

  async function getRunFile(projectPath: string, runId: string): Promise<RunFile> {
    checkId(runId, 'runId');
    const project = await readProjectFile(projectPath);
    if (!project.runs.some((r) => r.id === runId)) {
      throw new ApiError('not-found', `runId: there is no run ${runId} in ${projectPath}.`);
    }
    return readRunFile(projectPath, runId);
  }

  /** Results are read from finished runs only; says what the run is doing instead. */
  function requireCompleted(projectPath: string, file: RunFile, needs: string): void {
    if (!jobs.isActive(projectPath, file.run.id) && file.run.status === 'completed') return;
    const status = jobs.activeRecord(projectPath, file.run.id)?.status ?? file.run.status;
    throw new ApiError('conflict', `The run "${file.run.name}" is ${status}; ${needs}.`);
  }

  /** A run another process computes (runs/<id>/owner.lock) is theirs to cancel or resume. */
  function requireNotOwnedElsewhere(projectPath: string, file: RunFile): void {
    const owner = lockHolder(runOwnerLockPath(projectPath, file.run.id));
    if (owner) throw new ApiError('conflict', `The run "${file.run.name}" is being computed by ${describeOwner(owner)}; follow or cancel it there.`, { owner });
  }

  async function findSystem(projectPath: string, systemId: string): Promise<SystemRecord> {
    checkId(systemId, 'systemId');
    const project = await readProjectFile(projectPath);
    const system = project.systems.find((s) => s.id === systemId);
    if (!system) throw new ApiError('not-found', `systemId: there is no system ${systemId} in this project.`);
    return system;
  }

  /** Writes run.json (the job description is on disk before anything runs), indexes the run, starts it. */
  async function createAndStartRun(projectPath: string, file: RunFile): Promise<RunRecord> {
    await writeRunFile(projectPath, file);
    await updateProjectFile(projectPath, (p) => {
      p.runs.push({ id: file.run.id, name: file.run.name, created: file.run.created });
    });
    return startJob(projectPath, file);
  }

  async function startJob(projectPath: string, file: RunFile): Promise<RunRecord> {
    try {
      return await jobs.start(projectPath, file);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError('conflict', `The run ${file.run.id} could not be started: ${(error as Error).message}`);
    }
  }

  let studyService: StudyService | null = null;

  const handlers: Handlers = {
    ...studyHandlers(() => studyService),

    async getAppInfo(): Promise<AppInfo> {
      return { version: APP_VERSION, transport: opts.transport, workers: jobs.size, defaultProjectsDir, systems: systemKinds() };
    },

    async listRecentProjects() {
      return recent.list();
    },

    async createProject({ parentDir, name }) {
      const parent = normaliseProjectPath(parentDir);
      if (parent === defaultProjectsDir) {
        try {
          await mkdir(parent, { recursive: true });
        } catch (error) {
          throw ioError(error, parent, 'create');
        }
      }
      const { path, data } = await createProjectFolder(parent, name);
      sessionProjects.add(path);
      claimProject(path);
      await recent.touch(path, data.name);
      return summary(path, data);
    },

    async openProject({ projectPath }) {
      const path = normaliseProjectPath(projectPath);
      const project = await readProjectFile(path);
      sessionProjects.add(path);
      const readOnly = await readOnlyReason(path);
      await recent.touch(path, project.name);
      if (!readOnly) {
        // A delete or restore cut short by a crash is finished now (store/trash.ts).
        const repaired = await repairTrash(path);
        for (const message of repaired) emit({ type: 'log', level: 'warn', message });
        if (repaired.length) return summary(path, await readProjectFile(path));
      }
      return { ...(await summary(path, project)), ...(readOnly ? { readOnly } : {}) };
    },

    async addSystem({ projectPath, name, spec }) {
      const path = await requireProject(projectPath);
      const problems = validateSystemSpec(spec);
      if (problems.length) throw new ApiError('invalid-input', problems.map((p) => `spec.${p}`).join('; '));
      const record = systemRecord(name, spec);
      await updateProjectFile(path, (p) => {
        p.systems.push(record);
      });
      return record;
    },

    async estimateUmbrellaCost({ params }) {
      return estimateCost(params, jobs.size);
    },

    async startUmbrellaRun({ projectPath, systemId, name, params: given }) {
      const path = await requireProject(projectPath);
      const system = await findSystem(path, systemId);
      const params = await withSeedFrames(path, given, getRunFile);
      const job = await runKinds.umbrella.plan(system.spec, params);
      const run: UmbrellaRunRecord = {
        ...newRunFields(name),
        kind: 'umbrella',
        systemId,
        system: system.spec,
        params,
        windowCenters: job.windows.map((w) => w.centers[0]),
      };
      return createAndStartRun(path, { schemaVersion: RUN_SCHEMA_VERSION, run, job });
    },

    async listRuns({ projectPath }) {
      const path = await requireProject(projectPath);
      return loadRuns(path, await readProjectFile(path));
    },

    async getExecutorSettings({ projectPath }) {
      return readExecutorSettings(await requireProject(projectPath));
    },

    async setExecutorSettings({ projectPath, settings }) {
      const path = await requireProject(projectPath);
      await writeExecutorSettings(path, settings);
      return readExecutorSettings(path);
    },

    async cancelRun({ projectPath, runId }) {
      const path = await requireProject(projectPath);
      const file = await getRunFile(path, runId);
      const cancelled = await jobs.cancel(path, runId);
      if (cancelled) return cancelled;
      requireNotOwnedElsewhere(path, file);
      return withProjectLock(runFilePath(path, runId), async () => {
        const current = await readRunFile(path, runId);
        const status = current.run.status;
        if (status === 'completed' || status === 'failed' || status === 'cancelled') {
          throw new ApiError('conflict', `The run "${file.run.name}" is already ${status}; there is nothing to cancel.`);
        }
        current.run.status = 'cancelled';
        current.run.finished = nowIso();
        await writeRunFile(path, current);
        emit({ type: 'run-status', projectPath: path, run: current.run });
        return current.run;
      });
    },

    async resumeRun({ projectPath, runId }) {
      const path = await requireProject(projectPath);
      let file = await getRunFile(path, runId);
      if (jobs.isActive(path, runId)) {
        throw new ApiError('conflict', `The run "${file.run.name}" is already ${file.run.status === 'queued' ? 'queued' : 'running'}.`);
      }
      requireNotOwnedElsewhere(path, file);
      if (file.run.status === 'running' || file.run.status === 'queued') {
        await markInterrupted(path, runId);
        file = await readRunFile(path, runId);
      }
      if (file.run.status === 'completed') {
        throw new ApiError('conflict', `The run "${file.run.name}" is already completed.`);
      }
      return startJob(path, file);
    },

    async getFes({ projectPath, runId, ...options }) {
      const path = await requireProject(projectPath);
      const file = await getRunFile(path, runId);
      requireCompleted(path, file, 'the free energy needs a completed run');
      if (file.job.kind !== 'umbrella') throw new ApiError('invalid-input', `The run "${file.run.name}" is a ${file.job.kind} run, not an umbrella run; its free energy is shown with the run itself (Metadynamics, Ensemble sampling or Molecular runs view).`);
      // MBAR and bootstraps can take seconds: computed off the main thread.
      const fes = await runResults.umbrella(path, file as UmbrellaRunFile, {
        analyses,
        options,
        onProgress: (p) => emit({ type: 'analysis-progress', projectPath: path, runId, analysis: 'fes', ...p }),
      });
      // A folder this process cannot write still shows its results: the estimate, without its copy on disk.
      if (!(await projectWriteProblem(path))) await writeFesFile(path, runId, fes);
      return fes;
    },

    async startMetadRun({ projectPath, systemId, name, params: given }) {
      const path = await requireProject(projectPath);
      const system = await findSystem(path, systemId);
      const params = await withSeedFrames(path, given, getRunFile);
      const job = await runKinds.metad.plan(system.spec, params);
      const run: MetadRunRecord = {
        ...newRunFields(name),
        kind: 'metad',
        systemId,
        system: system.spec,
        params,
      };
      return createAndStartRun(path, { schemaVersion: RUN_SCHEMA_VERSION, run, job });
    },

    async getMetadResult({ projectPath, runId }) {
      const path = await requireProject(projectPath);
      const file = await getRunFile(path, runId);
      if (file.job.kind !== 'metad') throw new ApiError('invalid-input', `The run "${file.run.name}" is not a metadynamics run.`);
      requireCompleted(path, file, 'its result needs a completed run (the Metadynamics view shows the running estimate meanwhile)');
      return runResults.metad(path, file as MetadRunFile);
    },

    async startEnsembleRun({ projectPath, systemId, name, params: given }) {
      const path = await requireProject(projectPath);
      const system = await findSystem(path, systemId);
      const params = await withSeedFrames(path, given, getRunFile);
      const job = await runKinds.ensemble.plan(system.spec, params);
      const run: EnsembleRunRecord = {
        ...newRunFields(name),
        kind: 'ensemble',
        systemId,
        system: system.spec,
        params,
      };
      return createAndStartRun(path, { schemaVersion: RUN_SCHEMA_VERSION, run, job });
    },

    async getEnsembleResult({ projectPath, runId }) {
      const path = await requireProject(projectPath);
      const file = await getRunFile(path, runId);
      if (file.job.kind !== 'ensemble') throw new ApiError('invalid-input', `The run "${file.run.name}" is not an ensemble run.`);
      requireCompleted(path, file, 'its result needs a completed run');
      return runResults.ensemble(path, file as EnsembleRunFile);
    },

    async regionFreeEnergies({ projectPath, runId, regions, ...options }) {
      const path = await requireProject(projectPath);
      const file = await getRunFile(path, runId);
      if (file.job.kind === 'molecular') {
        // The molecular FES is a small grid: integrated here, after getMolecularResult has made it.
        // Imported here: the regions code (with MBAR, WHAM and the bootstraps) is not loaded by
        // every process that makes an app context (CLI start-up, docs/cli-fixed-overhead.md).
        const { molecularRegions } = await import('../analysis/regions');
        return molecularRegions(await handlers.getMolecularResult({ projectPath: path, runId }), regions);
      }
      requireCompleted(path, file, 'region free energies need a completed run');
      if (file.job.kind !== 'umbrella' && file.job.kind !== 'metad') {
        throw new ApiError('invalid-input', `The run "${file.run.name}" is a ${file.job.kind} run; regions need an umbrella, metadynamics or molecular run.`);
      }
      // MBAR, bootstraps and COLVAR block analyses: off the main thread.
      return runAnalysis(analyses, { kind: 'regions', projectPath: path, file: file as UmbrellaRunFile | MetadRunFile, regions, options }, (p) =>
        emit({ type: 'analysis-progress', projectPath: path, runId, analysis: 'regions', ...p }),
      );
    },

    ...createMoleculeHandlers({ requireProject, getRunFile, createAndStartRun, requireCompleted, newRunFields }),
    ...createModelHandlers({ requireProject, getRunFile, createAndStartRun, newRunFields, jobs, workerScript: opts.workerScript, compute }),
    ...createComputeHandlers(compute),
    ...createLearnedCvHandlers({ requireProject, getRunFile, requireCompleted, analyses }),
    ...createTrashHandlers({ requireProject, jobs, studyRunning: (projectPath, studyId) => studyService?.isRunning(projectPath, studyId) ?? false }),
    ...createSettingsHandlers(resolve(opts.userDataDir)),
    ...createImportHandlers({ requireProject }),
    ...createTrajectoryImportHandlers({ requireProject }),
    async previewPotential(input) {
      return previewPotential(input);
    },
    async getComputeBackend({ refresh }) {
      return backendProbe.probe(refresh);
    },
  };

  // Changing calls check, each time, that no other app holds the project (it may have closed since).
  for (const name of CHANGING_CALLS) {
    const handler = handlers[name] as (input: { projectPath: string }) => Promise<unknown>;
    (handlers as Record<string, unknown>)[name] = async (input: { projectPath: string }) => {
      const readOnly = await readOnlyReason(normaliseProjectPath(input.projectPath));
      if (readOnly) throw new ApiError('conflict', `Read-only project: ${readOnly}`);
      return handler(input);
    };
  }

  return {
    handlers,
    jobs,
    registerStudyService(make) {
      studyService = make(emit);
      return studyService;
    },
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async shutdown() {
      await studyService?.shutdown();
      compute.close();
      await jobs.shutdown();
      clearInterval(appLockHeartbeat);
      appLocks.forEach((lock) => lock.release());
      appLocks.clear();
    },
  };
}
