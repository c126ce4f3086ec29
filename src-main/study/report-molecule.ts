/** The shape of DIR/report.json of a molecular study (reportVersion 1, kind 'molecule'; docs/study.md). */
import type { BasinEstimate } from './basins';

export interface LiftedCondition {
  cond: number[];
  pdb: string;
  n: number;
  /** Largest |CV(x) - CV*| over the structures and CVs (after relaxation when relaxed), rad / nm. */
  restrictionError: number;
  imposition: string[];
  energyMedian: number;
  /** The structures the seeded runs start from (atoms x 3, nm), runsPerCondition of them. */
  starts: number[][];
  warnings: string[];
}

export interface MoleculeStudyReport {
  reportVersion: 1;
  kind: 'molecule';
  name: string;
  system: { molecule: string };
  temperature: number;
  /** kJ/mol at the temperature (F values are kJ/mol; divide by kT for units of kT). */
  kT: number;
  projectPath: string;
  fes: { cv: string[]; axes: number[][]; F: (number | null)[]; dF: (number | null)[] | null; unit: 'kJ/mol'; source: string; replicas: number } | null;
  basins: BasinEstimate[];
  basinRounds: { round: number; seeded: boolean; runIds: string[]; basins: BasinEstimate[] }[];
  lift: LiftedCondition[] | null;
  rounds: { round: number; steps: number; wallSeconds: number; newCentres: number[][]; fesUncertainty: number | null; seeded: boolean }[];
  provenance: {
    version: string;
    backend: string | null;
    seeds: Record<string, number>;
    studyHash: string;
    stages: Record<string, { seconds: number; cached: boolean }>;
    runs: { sampling: string[]; model: string | null; seeded: string[] };
    modelId: string | null;
    wallSeconds: number;
    created: string;
  };
}
