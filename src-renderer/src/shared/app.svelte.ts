/**
 * Application state shared by the views (Svelte 5 runes in a module): the API client, app
 * info, the open project and its runs, live run progress from events, and user messages.
 */
import type { ApiEvent, AppInfo, ProjectSummary, RunRecord, StudySummary, SystemKindInfo, SystemRecord, TrainEpochPoint } from '../../../src-main/api/contract';
import { createClient, errorMessage, type ConnectionState, type LiftwellClient } from './api';

export type ViewId = 'projects' | 'system' | 'umbrella' | 'metad' | 'jobs' | 'fes' | 'learned-cvs' | 'molecules' | 'molecular' | 'models' | 'ensemble' | 'studies' | 'imported';

export interface LiveProgress {
  fraction: number;
  phase: string;
  etaSeconds: number | null;
  walkerStepsPerSecond: number | null;
  at: number;
}

/** The latest running estimate of a run (metadynamics: its FES on the bias grid). */
export interface LivePreview {
  axes: number[][];
  fes: number[];
  hills: number;
  at: number;
}

/** Loss history of a training run (train/validation loss per epoch), as it arrives. */
export interface TrainCurve {
  modelId: string;
  backend: string;
  epochs: number;
  bestEpoch: number;
  points: TrainEpochPoint[];
}

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success' | 'warn';
  text: string;
  /** A button in the toast (e.g. Undo after a delete); the toast closes when it is pressed. */
  action?: { label: string; run: () => void };
}

export interface LogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

let toastId = 1;

class AppState {
  client: LiftwellClient = createClient();
  connection = $state<ConnectionState>({ status: 'connecting', attempt: 0 });
  info = $state<AppInfo | null>(null);
  project = $state<ProjectSummary | null>(null);
  runs = $state<RunRecord[]>([]);
  progress = $state<Record<string, LiveProgress>>({});
  /** Running analyses ('fes:<runId>', 'regions:<runId>'), from 'analysis-progress' events. */
  analysisProgress = $state<Record<string, { fraction: number; phase: string; etaSeconds: number | null; at: number }>>({});
  view = $state<ViewId>('projects');
  fesRunId = $state<string | null>(null);
  metadRunId = $state<string | null>(null);
  /** Ensemble-sampling view: the run shown. */
  ensembleRunId = $state<string | null>(null);
  /** Molecules view: the selected molecule; molecular-run view: the run shown. */
  moleculeId = $state<string | null>(null);
  moleculeRunId = $state<string | null>(null);
  /** Imported-results view: the import shown (features/imports). */
  importId = $state<string | null>(null);
  previews = $state<Record<string, LivePreview>>({});
  /** Models view: the selected model; live loss curves of training runs by run id (from 'train-metrics'). */
  modelId = $state<string | null>(null);
  trainCurves = $state<Record<string, TrainCurve>>({});
  toasts = $state<Toast[]>([]);
  log = $state<LogLine[]>([]);
  /** The project's studies (<project>/studies/), refreshed on 'study-status' events; the Studies view's selection. */
  studies = $state<StudySummary[]>([]);
  studyId = $state<string | null>(null);
  /** Bumped on every 'study-status' event of a study: the Studies view reloads the one it shows. */
  studyEvents = $state<Record<string, number>>({});

  get api() {
    return this.client.api;
  }

  get systems(): SystemRecord[] {
    return this.project?.systems ?? [];
  }

  kindInfo(kind: string): SystemKindInfo | undefined {
    return this.info?.systems.find((s) => s.kind === kind);
  }

  constructor() {
    this.client.onConnection((s) => {
      const wasOpen = this.connection.status === 'open';
      this.connection = s;
      if (s.status === 'open' && !wasOpen) void this.onConnected();
    });
    this.client.onEvent((e) => this.onEvent(e));
  }

  private async onConnected() {
    try {
      if (!this.info) this.info = await this.api.getAppInfo({});
      // Events may have been missed while disconnected: reload what we show.
      if (this.project) await this.refreshRuns();
    } catch (e) {
      this.error(e);
    }
  }

  private onEvent(e: ApiEvent) {
    if (e.type === 'log') {
      this.log = [...this.log.slice(-199), { at: new Date().toISOString(), level: e.level, message: e.message }];
      if (e.level === 'error') this.toast('error', e.message);
      return;
    }
    if (e.type === 'open-project') {
      void this.openFromDesktop(e.projectPath);
      return;
    }
    if (!this.project || e.projectPath !== this.project.path) return;
    if (e.type === 'run-progress') {
      this.progress[e.runId] = {
        fraction: e.fraction,
        phase: e.phase,
        etaSeconds: e.etaSeconds,
        walkerStepsPerSecond: e.walkerStepsPerSecond,
        at: Date.now(),
      };
      const run = this.runs.find((r) => r.id === e.runId);
      if (run) {
        run.progress = e.fraction;
        if (run.status === 'queued') run.status = 'running';
      }
    } else if (e.type === 'analysis-progress') {
      this.analysisProgress[`${e.analysis}:${e.runId}`] = { fraction: e.fraction, phase: e.phase, etaSeconds: e.etaSeconds, at: Date.now() };
    } else if (e.type === 'train-metrics') {
      const prev = this.trainCurves[e.runId];
      const points = (prev?.points ?? []).filter((p) => p.epoch < e.point.epoch);
      this.trainCurves[e.runId] = { modelId: e.modelId, backend: e.backend, epochs: e.epochs, bestEpoch: e.bestEpoch, points: [...points, e.point] };
    } else if (e.type === 'study-status') {
      this.studyEvents[e.studyId] = (this.studyEvents[e.studyId] ?? 0) + 1;
      void this.refreshStudies();
    } else if (e.type === 'run-preview') {
      this.previews[e.runId] = { axes: e.axes, fes: e.fes, hills: e.hills, at: Date.now() };
    } else if (e.type === 'run-status') {
      const prev = this.runs.find((r) => r.id === e.run.id);
      this.upsertRun(e.run);
      if (prev && prev.status !== e.run.status) {
        if (e.run.status === 'completed') this.toast('success', `Run "${e.run.name}" completed.`);
        else if (e.run.status === 'failed') this.toast('error', `Run "${e.run.name}" failed: ${e.run.error ?? 'unknown error'}`);
        else if (e.run.status === 'interrupted') this.toast('warn', `Run "${e.run.name}" was interrupted; it can be resumed.`);
      }
    }
  }

  /** A project opened from the OS (Electron: command line, file association, File > Open). */
  private async openFromDesktop(projectPath: string) {
    try {
      const p = await this.api.openProject({ projectPath });
      this.setProject(p);
      this.toast('success', `Opened project "${p.name}".`);
      this.view = p.systems.length ? (p.runs.length ? 'jobs' : 'umbrella') : 'system';
    } catch (e) {
      this.error(e, `Could not open ${projectPath}`);
    }
  }

  upsertRun(run: RunRecord) {
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = run;
    else this.runs = [run, ...this.runs];
    if (this.project) {
      const j = this.project.runs.findIndex((r) => r.id === run.id);
      if (j >= 0) this.project.runs[j] = run;
      else this.project.runs = [run, ...this.project.runs];
    }
  }

  setProject(p: ProjectSummary) {
    this.project = p;
    this.runs = [...p.runs].sort((a, b) => b.created.localeCompare(a.created));
    this.progress = {};
    this.previews = {};
    this.trainCurves = {};
    this.modelId = null;
    this.fesRunId = null;
    this.metadRunId = null;
    this.ensembleRunId = null;
    this.moleculeId = null;
    this.moleculeRunId = null;
    this.importId = null;
    this.studies = [];
    this.studyId = null;
    void this.refreshStudies();
  }

  private studiesLoading: Promise<void> | null = null;
  /** Reloads the studies list (one request at a time; a change during one triggers another). */
  async refreshStudies(): Promise<void> {
    if (!this.project) return;
    const path = this.project.path;
    while (this.studiesLoading) await this.studiesLoading;
    this.studiesLoading = this.api.listStudies({ projectPath: path }).then(
      (list) => {
        if (this.project?.path === path) this.studies = list;
      },
      () => undefined, // a transport without studies (or a closed project) shows none
    );
    await this.studiesLoading;
    this.studiesLoading = null;
  }

  async refreshRuns() {
    if (!this.project) return;
    const runs = await this.api.listRuns({ projectPath: this.project.path });
    this.runs = [...runs].sort((a, b) => b.created.localeCompare(a.created));
  }

  toast(kind: Toast['kind'], text: string, ms = kind === 'error' ? 12000 : kind === 'warn' ? 8000 : 3500, action?: Toast['action']): number {
    const id = toastId++;
    this.toasts = [...this.toasts, { id, kind, text, ...(action ? { action } : {}) }];
    if (ms > 0) setTimeout(() => this.dismiss(id), ms);
    return id;
  }

  error(e: unknown, context?: string) {
    const msg = errorMessage(e);
    this.toast('error', context ? `${context}: ${msg}` : msg);
  }

  dismiss(id: number) {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
}

export const app = new AppState();
