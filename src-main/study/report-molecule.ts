/** The shape of DIR/report.json of a molecular study (reportVersion 1, kind 'molecule'; docs/study.md). */
import type { BasinEstimate } from './basins';
import type { BasinDifference } from './basin-differences';
import type { BasinDrift } from './metad-transient';
import type { StudyReport } from './report';

export interface LiftedCondition {
  cond: number[];
  /** Written only when a structure is left (n > 0). */
  pdb: string;
  /** Structures kept; `requested` less `excluded` (absurd geometry or a diverged relaxation, engine/molecules/structure-screen.ts). */
  n: number;
  requested: number;
  excluded: number;
  /** 'poor' when any lifted structure was absurd (with advice), else 'ok' (no structure screened out; not a full consistency check). */
  verdict: 'ok' | 'poor';
  advice: string | null;
  /** Largest |CV(x) - CV*| over the kept structures and CVs (after relaxation when relaxed), rad / nm; null when none is kept. */
  restrictionError: number | null;
  imposition: string[];
  energyMedian: number | null;
  /** The structures the seeded runs start from (atoms x 3, nm): up to runsPerCondition of them, fewer when structures were excluded. */
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
  /**
   * Every labelled basin against every other (F(name) - F(reference), kJ/mol), paired within each
   * run (basin-differences.ts): per round, and over the runs of all rounds together. Optional:
   * reports written before it lack it.
   */
  basinDifferences?: {
    rounds: { round: number; seeded: boolean; differences: BasinDifference[]; drift?: BasinDrift[] }[];
    allRounds: BasinDifference[];
    /** Metadynamics rounds whose basin differences still moved over the second half of the runs (metad-transient.ts). */
    warnings?: string[];
  };
  lift: LiftedCondition[] | null;
  rounds: { round: number; steps: number; wallSeconds: number; newCentres: number[][]; fesUncertainty: number | null; seeded: boolean }[];
  /** As a toy study's, with every run of a round listed. */
  provenance: Omit<StudyReport['provenance'], 'runs'> & { runs: { sampling: string[]; model: string | null; seeded: string[] } };
}
