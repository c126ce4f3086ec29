/**
 * The app's study service (api/studies.ts): runs study files saved inside the open project with
 * the same pipeline as `liftwell run` (pipeline.ts, in-project mode), in the background, and
 * reports each stage's state on the API's event stream ('study-status'). Registered on the
 * AppContext by the server and Electron transports (registerStudyServiceOn).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppContext } from '../api/handlers';
import type { StudyService } from '../api/studies';
import type { ApiEvent, StudyCheck, StudyConfigurations, StudyDetail, StudyStageName, StudyStageView, StudySummary } from '../api/contract';
import { ApiError } from '../api/contract';
import { APP_VERSION } from '../api/handlers';
import { createSystem } from '../engine/systems';
import { callApi } from './api-client';
import { assemble, runStudy, StudyCancelledError, type StudyRunOptions } from './pipeline';
import { readSamplingFrames, type SamplingStageValue } from './sampling-runs';
import { parseAnyStudy, samplingRange, StudyFileError, type AnyStudy, type Study } from './schema';
import { runMoleculeStudy } from './molecule-pipeline';
import { firstMemberOf, moleculeConfigurations, moleculeDetail, moleculePendingStages, StageGroups } from './molecule-service';
import type { MoleculeStudyReport } from './report-molecule';
import type { MoleculeStudy } from './schema-molecule';
import { checkStudyObject } from './check';
import type { StudyReport } from './report';
import {
  listStudyIds, newStudyId, pendingStages, readLastRun, reportHtmlPath, reportJsonPath, studyDir, studyFilePath, studyUpdated, writeLastRun, writeStudyFile, type LastRun,
} from './project-studies';

interface ActiveStudy {
  projectPath: string;
  studyId: string;
  cancelled: boolean;
  activeRun: string | null;
  /** Every run the study started (a molecular study runs its replicas in parallel): Cancel stops them all. */
  runs: Set<string>;
  record: LastRun;
  done: Promise<void>;
}

/** Progress events of one study at most this often (stage changes always go out). */
const PROGRESS_EVENT_MS = 250;

export function registerStudyServiceOn(context: AppContext): StudyService {
  return context.registerStudyService((emit) => createStudyService(context, emit));
}

export function createStudyService(context: AppContext, emit: (event: ApiEvent) => void): StudyService {
  const active = new Map<string, ActiveStudy>();
  const keyOf = (projectPath: string, studyId: string) => `${projectPath}\n${studyId}`;

  /** The project must be one this app opened (file access only through opened projects). */
  async function requireOpenProject(projectPath: string): Promise<string> {
    const path = resolve(projectPath);
    await callApi(context, 'getExecutorSettings', { projectPath: path }); // refuses a project that is not open, by name
    return path;
  }

  function readStudyText(dir: string, studyId: string): string {
    const file = studyFilePath(dir);
    if (!existsSync(file)) throw new ApiError('not-found', `studyId: there is no study ${studyId} in this project.`);
    return readFileSync(file, 'utf8');
  }

  /**
   * study.json parsed, or null (with the raw object) when it no longer validates. `study` is the
   * toy study (null for a molecular one), `molecule` the molecular study (schema-molecule.ts).
   */
  function loadStudy(dir: string, studyId: string): { raw: unknown; study: Study | null; molecule: MoleculeStudy | null; problem: string | null } {
    const text = readStudyText(dir, studyId);
    let raw: unknown = null;
    try {
      raw = JSON.parse(text);
      const any = parseAnyStudy(text, studyFilePath(dir));
      return { raw, study: any.kind === 'toy' ? any.study : null, molecule: any.kind === 'molecule' ? any.study : null, problem: null };
    } catch (error) {
      return { raw, study: null, molecule: null, problem: (error as Error).message };
    }
  }

  const isMolecular = (raw: unknown) => !!raw && typeof raw === 'object' && !!(raw as { system?: { molecule?: unknown } }).system?.molecule;
  const pendingOf = (raw: unknown, study: Study | null, molecule: MoleculeStudy | null) => (isMolecular(raw) ? moleculePendingStages(molecule) : pendingStages(study));

  function readReport(dir: string): StudyReport | null {
    try {
      return JSON.parse(readFileSync(reportJsonPath(dir), 'utf8')) as StudyReport;
    } catch {
      return null;
    }
  }

  /** The value a finished stage stored in stages/<stage>.json (run ids of sampling/model). */
  function stageValue<T>(dir: string, stage: StudyStageName): T | null {
    try {
      return JSON.parse(readFileSync(join(dir, 'stages', `${stage}.json`), 'utf8')) as T;
    } catch {
      return null;
    }
  }

  function summaryOf(projectPath: string, studyId: string): StudySummary {
    const dir = studyDir(projectPath, studyId);
    const { raw, study, molecule, problem } = loadStudy(dir, studyId);
    const name = study?.name ?? molecule?.name ?? ((raw as { name?: unknown } | null)?.name as string | undefined) ?? studyId;
    const running = active.get(keyOf(projectPath, studyId));
    if (running) return { id: studyId, name, ...running.record };
    const last = readLastRun(dir);
    if (!last) return { id: studyId, name, status: 'draft', stages: pendingOf(raw, study, molecule), error: problem, updated: studyUpdated(dir) };
    // A run that was going when the app stopped: its unfinished stages are pending (Resume continues them).
    const stages = last.stages.map((s) => (s.status === 'running' ? { ...s, status: 'pending' as const, fraction: null, etaSeconds: null } : s));
    const status = last.status === 'running' ? 'cancelled' : last.status;
    return { id: studyId, name, status, stages, error: last.error ?? problem, updated: last.updated };
  }

  function detailOf(projectPath: string, studyId: string): StudyDetail {
    const dir = studyDir(projectPath, studyId);
    const summary = summaryOf(projectPath, studyId);
    const { raw, study, molecule } = loadStudy(dir, studyId);
    if (isMolecular(raw)) {
      const report = summary.status === 'running' ? null : (readReport(dir) as unknown as MoleculeStudyReport | null);
      return { ...summary, study: raw, folder: dir, hasReport: report !== null && existsSync(reportHtmlPath(dir)), ...moleculeDetail(dir, molecule, report) };
    }
    const report = summary.status === 'running' ? null : readReport(dir);
    const sampling = stageValue<{ runId: string }>(dir, 'sampling');
    const model = stageValue<{ runId: string; modelId: string }>(dir, 'model');
    const seeded = stageValue<{ runId: string }>(dir, 'seeding');
    const ed = report?.effectiveDynamics ?? null;
    return {
      ...summary,
      study: raw,
      folder: dir,
      hasReport: report !== null && existsSync(reportHtmlPath(dir)),
      fes: report ? { cv: report.fes.cv, centers: report.fes.centers, F: report.fes.F, dF: report.fes.dF, exact: report.fes.exact } : null,
      runs: { sampling: sampling?.runId ?? null, model: model?.runId ?? null, seeded: seeded?.runId ?? null },
      modelId: model?.modelId ?? null,
      closures: (report?.closures ?? []).map((c) => ({
        name: c.name, centers: c.simulated.centers, mean: c.simulated.mean, sem: c.simulated.sem, exact: c.simulated.exact,
        generated: c.generated ? { conditions: c.generated.conditions, mean: c.generated.mean, sem: c.generated.sem } : null,
      })),
      dynamics: ed ? { grid: ed.grid, drift: ed.drift, diffusion: ed.diffusion, Feff: ed.Feff, Fsampled: ed.Fsampled } : null,
      consistencyVerdict: report?.consistency?.verdict ?? null,
      configurationKind: 'coordinates',
    };
  }

  function check(raw: unknown): StudyCheck {
    return checkStudyObject(raw);
  }

  async function run(projectPath: string, studyId: string, resume: boolean): Promise<StudySummary> {
    const key = keyOf(projectPath, studyId);
    if (active.has(key)) throw new ApiError('conflict', `The study ${studyId} is already running.`);
    const dir = studyDir(projectPath, studyId);
    const text = readStudyText(dir, studyId);
    let parsed: AnyStudy;
    try {
      parsed = parseAnyStudy(text, `studies/${studyId}/study.json`);
    } catch (error) {
      if (error instanceof StudyFileError) throw new ApiError('invalid-input', error.message);
      throw error;
    }
    if (!resume) {
      // Run afresh: forget the stage cache and the old report (the old runs stay in the project).
      for (const f of ['study-state.json', 'stages', 'report.json', 'report.html']) rmSync(join(dir, f), { recursive: true, force: true });
    }
    const record: LastRun = {
      status: 'running', error: null, updated: new Date().toISOString(),
      stages: parsed.kind === 'molecule' ? moleculePendingStages(parsed.study) : pendingStages(parsed.study),
    };
    const entry: ActiveStudy = { projectPath, studyId, cancelled: false, activeRun: null, runs: new Set(), record, done: Promise.resolve() };
    active.set(key, entry);
    let lastProgressEvent = 0;
    const startedAt = new Map<string, number>();
    const changed = (persist: boolean) => {
      record.updated = new Date().toISOString();
      if (persist) writeLastRun(dir, record);
      emit({ type: 'study-status', projectPath, studyId });
    };
    const stageView = (name: string): StudyStageView | undefined => record.stages.find((s) => s.name === name);
    changed(true);

    const options: StudyRunOptions = {
      outDir: dir,
      projectPath,
      resume: true,
      context,
      appVersion: APP_VERSION,
      log: () => undefined,
      isCancelled: () => entry.cancelled,
      onActiveRun: (runId) => {
        entry.activeRun = runId;
        if (runId) entry.runs.add(runId);
        const running = record.stages.find((s) => s.status === 'running');
        if (running && runId) running.runId = runId;
        // Cancelled while the run was being created: stop it as soon as it exists.
        if (runId && entry.cancelled) void callApi(context, 'cancelRun', { projectPath, runId }).catch(() => undefined);
      },
      onStage: (name, status, seconds) => {
        const s = stageView(name);
        if (!s) return;
        s.status = status;
        s.seconds = seconds;
        s.fraction = status === 'running' ? 0 : null;
        s.etaSeconds = null;
        if (status !== 'running') s.runId ??= stageValue<{ runId?: string }>(dir, s.name)?.runId ?? null;
        changed(true);
      },
      progress: (name, fraction, eta) => {
        const s = stageView(name);
        if (!s) return;
        // The learned-CV study reports progress only (no stage start): its first report starts it.
        if (s.status === 'pending') startedAt.set(name, Date.now());
        if (s.status === 'pending') s.status = 'running';
        if (s.status !== 'running') return;
        s.fraction = fraction;
        s.etaSeconds = eta;
        const now = Date.now();
        if (now - lastProgressEvent < PROGRESS_EVENT_MS) return;
        lastProgressEvent = now;
        changed(false);
      },
    };
    entry.done = (parsed.kind === 'molecule' ? runMoleculeStudy(parsed.study, text, groupedStages(options, dir, stageView)) : runStudy(parsed.study, text, options)).then(
      () => {
        record.status = 'done';
        for (const s of record.stages) {
          if (s.status !== 'running') continue;
          Object.assign(s, { status: 'done', fraction: null, etaSeconds: null, seconds: (Date.now() - (startedAt.get(s.name) ?? Date.now())) / 1000 });
        }
      },
      (error: unknown) => {
        const cancelled = error instanceof StudyCancelledError || entry.cancelled;
        record.status = cancelled ? 'cancelled' : 'failed';
        record.error = cancelled ? 'Cancelled; Resume continues from the finished stages (runs resume from their checkpoints).' : (error as Error).message;
        for (const s of record.stages) if (s.status === 'running') Object.assign(s, { status: cancelled ? 'pending' : 'failed', fraction: null, etaSeconds: null });
      },
    ).finally(() => {
      active.delete(key);
      changed(true);
    });
    return summaryOf(projectPath, studyId);
  }

  /**
   * A molecular study's cache stages (one per replica and seeded run) reported as the pipeline's
   * stages (molecule-service.ts), each with the run behind its first member.
   */
  function groupedStages(options: StudyRunOptions, dir: string, stageView: (name: string) => StudyStageView | undefined): StudyRunOptions {
    const groups = new StageGroups();
    return {
      ...options,
      onStage: (name, status, seconds) => {
        const g = groups.stage(name, status, seconds);
        if (!g) return;
        options.onStage?.(g.group, g.status, g.seconds);
        // The stage opens its first member's run (replica 1, seeded run 1.1), whichever finished first.
        const runId = stageValue<{ runId?: string }>(dir, firstMemberOf(g.group) as StudyStageName)?.runId;
        const view = stageView(g.group);
        if (view && runId) view.runId = runId;
      },
      progress: (name, fraction, eta) => {
        const g = groups.progress(name, fraction, eta);
        if (g) options.progress?.(g.group, g.fraction, g.eta);
      },
    };
  }

  async function configurations(projectPath: string, studyId: string, cv: number, cv2: number | undefined, n: number): Promise<StudyConfigurations> {
    const dir = studyDir(projectPath, studyId);
    const { study, molecule } = loadStudy(dir, studyId);
    if (molecule) return moleculeConfigurations(context, projectPath, dir, molecule, cv2 === undefined ? [cv] : [cv, cv2], n);
    if (!study) throw new ApiError('invalid-input', `studies/${studyId}/study.json does not validate; fix it in the form first.`);
    if (!study.sampling) throw new ApiError('invalid-input', `The study ${studyId} samples along a learned CV: configurations at a CV value are shown for studies along a coordinate.`);
    const sampling = stageValue<SamplingStageValue>(dir, 'sampling');
    if (!sampling) throw new ApiError('not-found', `The study ${studyId} has no finished sampling stage yet: run it first.`);
    const system = createSystem(study.system);
    const cvIndex = system.coordinateNames.indexOf(study.cvs[0]);
    const dim = system.dim;
    const range = samplingRange(study.sampling);
    // Half an FES bin: the frames that fall in the clicked bin of the plotted profile.
    const halfWidth = (range[1] - range[0]) / study.estimate.bins / 2;
    const near: number[][] = [];
    for (const rows of readSamplingFrames(projectPath, sampling, system.coordinateNames)) {
      for (let i = 0; i + dim <= rows.length; i += dim) if (Math.abs(rows[i + cvIndex] - cv) <= halfWidth) near.push(Array.from(rows.subarray(i, i + dim)));
    }
    // Evenly spaced over the pooled frames (deterministic: the same click shows the same points).
    const step = Math.max(1, near.length / n);
    const simulated = near.length <= n ? near : Array.from({ length: n }, (_, k) => near[Math.floor(k * step)]);
    const model = stageValue<{ modelId: string }>(dir, 'model');
    let lifted: StudyConfigurations['lifted'] = null;
    if (model && dim > 1) {
      const out = await callApi(context, 'lift', { projectPath, modelId: model.modelId, cond: [cv], n, seed: study.seed + 7 });
      const rows = assemble(system, cvIndex, out)[0];
      lifted = { condition: cv, rows: Array.from({ length: out.n }, (_, i) => Array.from(rows.subarray(i * dim, (i + 1) * dim))) };
    }
    return { cv, cvName: study.cvs[0], coordinateNames: [...system.coordinateNames], simulated, halfWidth, lifted, kind: 'coordinates' };
  }

  return {
    async listStudies({ projectPath }) {
      const path = await requireOpenProject(projectPath);
      return listStudyIds(path).map((id) => summaryOf(path, id)).sort((a, b) => b.updated.localeCompare(a.updated));
    },
    async getStudy({ projectPath, studyId }) {
      return detailOf(await requireOpenProject(projectPath), studyId);
    },
    async checkStudy({ study }) {
      return check(study);
    },
    async saveStudy({ projectPath, studyId, study }) {
      const path = await requireOpenProject(projectPath);
      const result = check(study);
      if (!result.ok) throw new ApiError('invalid-input', `study.json: ${result.problems.map((p) => `${p.path || '(top level)'}: ${p.message}`).join('; ')}`, result.problems);
      const id = studyId ?? newStudyId(path, String((study as { name: string }).name));
      if (active.has(keyOf(path, id))) throw new ApiError('conflict', `The study ${id} is running; cancel it before changing its file.`);
      writeStudyFile(studyDir(path, id), study);
      emit({ type: 'study-status', projectPath: path, studyId: id });
      return detailOf(path, id);
    },
    async startStudy({ projectPath, studyId, resume }) {
      return run(await requireOpenProject(projectPath), studyId, resume);
    },
    async cancelStudy({ projectPath, studyId }) {
      const path = await requireOpenProject(projectPath);
      const entry = active.get(keyOf(path, studyId));
      if (!entry) throw new ApiError('conflict', `The study ${studyId} is not running.`);
      entry.cancelled = true;
      for (const runId of new Set([...entry.runs, ...(entry.activeRun ? [entry.activeRun] : [])])) {
        await callApi(context, 'cancelRun', { projectPath: path, runId }).catch(() => undefined); // a finished run refuses: nothing to stop
      }
      return summaryOf(path, studyId);
    },
    async getStudyReportHtml({ projectPath, studyId }) {
      const path = await requireOpenProject(projectPath);
      const file = reportHtmlPath(studyDir(path, studyId));
      if (!existsSync(file)) throw new ApiError('not-found', `The study ${studyId} has no report yet: run it to the end first.`);
      return { html: readFileSync(file, 'utf8') };
    },
    async studyConfigurations({ projectPath, studyId, cv, cv2, n }) {
      return configurations(await requireOpenProject(projectPath), studyId, cv, cv2, n);
    },
    isRunning(projectPath, studyId) {
      return active.has(keyOf(resolve(projectPath), studyId));
    },
    async shutdown() {
      for (const entry of active.values()) {
        entry.cancelled = true;
        if (entry.activeRun) await callApi(context, 'cancelRun', { projectPath: entry.projectPath, runId: entry.activeRun }).catch(() => undefined);
      }
      await Promise.all([...active.values()].map((e) => e.done.catch(() => undefined)));
    },
  };
}
