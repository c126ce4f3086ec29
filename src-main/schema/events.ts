/**
 * The one typed event stream (run progress and status, previews, analysis progress, training
 * metrics, log lines): emitted by runs/runtime and the handlers, pushed by every transport.
 * Part of the shared vocabulary (schema/): api/contract re-exports it.
 */
import type { RunRecord } from './records';
import type { TrainEpochPoint } from './models';

export type ApiEvent =
  | {
      type: 'run-progress';
      projectPath: string;
      runId: string;
      /** 0..1 */
      fraction: number;
      phase: string;
      /** null until a rate is known */
      etaSeconds: number | null;
      walkerStepsPerSecond: number | null;
    }
  | { type: 'run-status'; projectPath: string; run: RunRecord }
  /** Live estimate while a run computes (metadynamics: the running FES on its grid). */
  | { type: 'run-preview'; projectPath: string; runId: string; axes: number[][]; fes: number[]; hills: number }
  /** An analysis of a run (free energy, regions) that takes a while: phase, fraction and time left (measured here, refined as it runs). */
  | { type: 'analysis-progress'; projectPath: string; runId: string; analysis: 'fes' | 'regions'; fraction: number; phase: string; etaSeconds: number | null }
  /** A training run finished an epoch (live loss curves). */
  | { type: 'train-metrics'; projectPath: string; runId: string; modelId: string; backend: string; point: TrainEpochPoint; epochs: number; bestEpoch: number }
  /** A study in the project changed state (a stage started, progressed, finished; the study ended). */
  | { type: 'study-status'; projectPath: string; studyId: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** Desktop app only: the user opened a project from the OS (argv, file association, menu). */
  | { type: 'open-project'; projectPath: string };
