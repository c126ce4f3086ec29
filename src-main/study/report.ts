/** The shape of DIR/report.json written by `liftwell run` (reportVersion 1; docs/study.md). */
import type { ClosureReport, EffectiveDynamicsReport, MeanForceReport } from './analysis';
import type { ChosenCentre, StopReason } from './next-centres';
import type { TrappingReport } from './rounds';

/** A study along a learned CV (study/learned-cv-study.ts). */
export interface LearnedCvSection {
  component: 1;
  /** How psi_1 was biased: umbrella windows or well-tempered metadynamics. */
  method: 'umbrella' | 'metad';
  /** |Spearman| of psi_1 with the hidden slow x over the map's frames (the map never sees x). */
  spearmanX: number;
  orientation: 1 | -1;
  eigenvalues: number[];
  epsilon: number;
  mapFrames: number;
  windowCenters: number[];
  spring: number;
  /** psi_1 s.d. of a window when F is flat, or the hill width (the scale restriction errors are judged on). */
  windowWidth: number;
  /** RMS of F(psi_1) (WHAM) against the exact level-set law, kT, offset removed, inside the windows. */
  fesRmsVsExact: number;
  lift: {
    conditions: number[]; n: number; epochs: number; bestEpoch: number;
    restriction: { median: number; max: number; rms: number; perCondition: { median: number; max: number }[] };
    restrictionPerWindowWidth: number; worstClosureError: number; verdict: string;
  } | null;
}

export interface StudyReport {
  reportVersion: 1;
  name: string;
  system: unknown;
  kT: number;
  projectPath: string;
  /** F and dF in units of kT (min 0); exact where the system has it. */
  fes: { cv: string; centers: number[]; F: (number | null)[]; dF: (number | null)[] | null; unit: 'kT'; estimator: string; exact: { centers: number[]; F: number[] } | null };
  closures: ClosureReport[];
  meanForce: MeanForceReport | null;
  effectiveDynamics: EffectiveDynamicsReport | null;
  consistency: {
    cv: string; conditions: number[]; restrictionError: number | null; restrictionNote: string;
    wasserstein: number | null; wassersteinVsExact: number | null; noiseFloor: number | null; verdict: string; verdictRule: string; advice: string[];
    perCondition: { cond: number; heldOut: boolean; w1: number | null; w1Exact: number | null; floor: number | null; verdict?: string | null }[];
  } | null;
  /** Adaptive rounds add why each centre was chosen (`reason` sums up `choices`), the runs and the windows dropped from the fold. */
  rounds: {
    round: number; steps: number; wallSeconds: number; newCentres: number[]; fesUncertainty: number | null; seeded: boolean;
    reason?: string; choices?: ChosenCentre[]; runId?: string; modelId?: string | null; dropped?: number[];
  }[];
  /** F per round (kT, min 0) and its RMS against the exact F (kT, offset removed). */
  fesRounds: { round: number; runId: string; centers: number[]; F: (number | null)[]; dF: (number | null)[] | null; rmsVsExact: number | null }[];
  /** Adaptive rounds (docs/generation-assisted.md): why they stopped, the trapping diagnosis, the last model. */
  adaptive?: { stopReason: StopReason; trapping: TrappingReport | null; modelId: string | null };
  /** Present for a study along a learned CV. */
  learnedCv?: LearnedCvSection;
  provenance: {
    version: string;
    backend: string | null;
    seeds: Record<string, number>;
    studyHash: string;
    stages: Record<string, { seconds: number; cached: boolean }>;
    runs: { sampling: string; model: string | null; seeded: string | null };
    modelId: string | null;
    wallSeconds: number;
    created: string;
  };
}
