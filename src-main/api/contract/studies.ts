/**
 * API calls. Studies inside the open project (<project>/studies/<id>/: study.json, the stage
 * cache, report.json, report.html): the GUI's counterpart of `liftwell run STUDY.json`.
 *
 * The study pipeline is a transport (src-main/study drives the API through an in-process client),
 * so the api layer cannot import it: these calls are served by a StudyService that the server and
 * Electron transports register on their AppContext (api/studies.ts). The study file itself is
 * validated by the study module's own zod schema, so `study` is typed `unknown` here and its
 * problems come back field by field from `checkStudy`. index.ts joins the tables.
 */
import { z } from 'zod';
import { projectRef } from './common';

/** A study id is a folder name under <project>/studies/. */
export const studyIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'a study id is letters, digits, ".", "_" or "-" (at most 80)');
const studyRef = projectRef.extend({ studyId: studyIdSchema });

export const studyCalls = {
  /** The project's studies, newest first, with their stage states. */
  listStudies: { input: projectRef },
  /** One study: its study.json, stage states, FES and outputs once they exist. */
  getStudy: { input: studyRef },
  /** Validates a study.json object with the study schema; every problem names its key path. */
  checkStudy: { input: z.object({ study: z.unknown() }) },
  /** Writes <project>/studies/<id>/study.json (a new id from the name when studyId is left out). */
  saveStudy: { input: projectRef.extend({ studyId: studyIdSchema.optional(), study: z.unknown() }) },
  /** Runs the saved study in the background; resume reuses the stages whose inputs are unchanged. */
  startStudy: { input: studyRef.extend({ resume: z.boolean().default(false) }) },
  /** Stops a running study (the running umbrella or training run keeps its checkpoint). */
  cancelStudy: { input: studyRef },
  /** The study's self-contained report.html (for a tab or an in-app frame). */
  getStudyReportHtml: { input: studyRef },
  /** Simulated and lifted configurations at a CV value: the FES <-> configurations link. */
  studyConfigurations: {
    input: studyRef.extend({
      cv: z.number().refine(Number.isFinite, 'must be a finite number'),
      /** The second CV's value of a study along two CVs (molecular phi/psi), same units as the FES axes (rad for dihedrals). */
      cv2: z.number().refine(Number.isFinite, 'must be a finite number').optional(),
      /** At most this many configurations of each kind. */
      n: z.number().int().min(1).max(5000).default(400),
    }),
  },
} as const;

export type StudyStageName = 'learnedCv' | 'sampling' | 'estimate' | 'model' | 'seeding' | 'lift' | 'consistency' | 'closures' | 'meanForce' | 'dynamics';
export type StudyStageStatus = 'pending' | 'running' | 'cached' | 'done' | 'failed' | 'skipped';
export type StudyStatus = 'draft' | 'running' | 'done' | 'failed' | 'cancelled';

export interface StudyStageView {
  name: StudyStageName;
  status: StudyStageStatus;
  /** Wall seconds of the stage (of its original run when cached). */
  seconds: number | null;
  /** While running: 0..1 and the time left, when the stage reports them. */
  fraction: number | null;
  etaSeconds: number | null;
  /** The project run behind the stage (sampling, model, seeding), to open its result page. */
  runId: string | null;
}

export interface StudySummary {
  id: string;
  name: string;
  status: StudyStatus;
  stages: StudyStageView[];
  /** Why it failed, in words. */
  error: string | null;
  /** ISO time of the last change. */
  updated: string;
}

export interface StudyDetail extends StudySummary {
  /** study.json as saved (the form loads it). */
  study: unknown;
  /** Absolute paths, to show the user where the files are. */
  folder: string;
  hasReport: boolean;
  /** The study's FES (kT, min 0) with its error and the exact profile where the system has one. */
  fes: { cv: string; centers: number[]; F: (number | null)[]; dF: (number | null)[] | null; exact: { centers: number[]; F: number[] } | null } | null;
  runs: { sampling: string | null; model: string | null; seeded: string | null };
  modelId: string | null;
  /** Closures: name, CV centres, simulated mean +- sem, lifted means at the conditions. */
  closures: { name: string; centers: number[]; mean: (number | null)[]; sem: (number | null)[]; generated: { conditions: number[]; mean: number[]; sem: number[] } | null; exact: (number | null)[] | null }[];
  /** Effective dynamics read-outs. */
  dynamics: { grid: number[]; drift: (number | null)[]; diffusion: (number | null)[]; Feff: (number | null)[]; Fsampled: (number | null)[] } | null;
  consistencyVerdict: string | null;
  /** What the configuration view shows: molecules get a 3D viewer (hook for molecular studies). */
  configurationKind: 'coordinates' | 'molecule';
  /**
   * A molecular study's 2D FES (round 1, mean over replicas, kJ/mol): row-major, first CV slowest,
   * as getMolecularResult's; `periodic` per CV (dihedrals). Absent for toy studies.
   */
  fes2d?: { cvNames: string[]; axes: number[][]; F: (number | null)[]; dF: (number | null)[] | null; periodic: boolean[]; unit: 'kJ/mol' } | null;
}

export interface StudyCheck {
  ok: boolean;
  /** One entry per problem; `path` is the key path joined by "." ("sampling.spring"), "" for the top level. */
  problems: { path: string; message: string }[];
}

/** Configurations near a CV value: rows of the system's coordinates. */
export interface StudyConfigurations {
  cv: number;
  cvName: string;
  coordinateNames: string[];
  /** Simulated frames whose CV lies within `halfWidth` of the value (all windows, pooled). */
  simulated: number[][];
  halfWidth: number;
  /** Lifted at the nearest lift condition (null without a model). */
  lifted: { condition: number; rows: number[][] } | null;
  kind: 'coordinates' | 'molecule';
  /**
   * kind 'molecule': the structures themselves. `simulated` and `lifted.rows` then hold flat
   * positions (atoms x 3, nm); `point` is the clicked (phi, psi), `halfWidths` half an FES cell per
   * CV; `simulatedAt` the CV values of each simulated frame and its run; the lifted rows come from
   * the lift stage's condition nearest the point (`liftedAt`, with its periodic distance).
   */
  molecule?: {
    atoms: { name: string; element: string; residue: string; resid: number }[];
    bonds: [number, number][];
    cvs: string[];
    point: number[];
    halfWidths: number[];
    simulatedAt: { runId: string; frame: number; at: number[] }[];
    liftedAt: { condition: number[]; distance: number } | null;
    /** Set when the lift stage ran but excluded lifted structures as absurd (a poor model): how many, and advice. */
    liftPoor?: string;
  };
}

/** Output type of each call above. */
export interface StudyCallOutputs {
  listStudies: StudySummary[];
  getStudy: StudyDetail;
  checkStudy: StudyCheck;
  saveStudy: StudyDetail;
  startStudy: StudySummary;
  cancelStudy: StudySummary;
  getStudyReportHtml: { html: string };
  studyConfigurations: StudyConfigurations;
}
