/**
 * Results made elsewhere and imported into a project (docs/imports.md): a PLUMED HILLS file (with
 * an optional COLVAR) as an external metadynamics result, or Grossfield WHAM input (metadata and
 * its window files) as an external umbrella study. Stored in imports/<id>/ and listed in
 * project.json's optional `imports` (absent in older projects).
 */
import { z } from 'zod';

/** Largest text file an import call accepts (characters). */
export const IMPORT_FILE_LIMIT_CHARS = 32 * 1024 * 1024;

/** One dropped text file: its name as the user had it and its text. */
export const importedTextFile = z.object({
  fileName: z.string().trim().min(1).max(200),
  text: z.string().max(IMPORT_FILE_LIMIT_CHARS, 'file is larger than 32 MiB'),
});
export type ImportedTextFile = z.infer<typeof importedTextFile>;

export const importRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** 'trajectory': a DCD of a molecule, stored in that molecule's folder systems/<moleculeId>/. */
  kind: z.enum(['hills', 'wham', 'trajectory']),
  created: z.string(),
  /** The copied files in imports/<id>/, in the order they were given (HILLS first; metadata first). */
  files: z.array(z.string()),
  /** WHAM: the histogram bins and kT the profile was computed with (defaults when absent). */
  options: z.object({ bins: z.number().int().optional(), kT: z.number().optional() }).optional(),
  /** Trajectory: its molecule, and the frames and atoms checked against the topology on import. */
  moleculeId: z.string().optional(),
  frames: z.number().int().optional(),
  atoms: z.number().int().optional(),
});
export type ImportRecord = z.infer<typeof importRecordSchema>;

/** A free-energy surface on a grid: 1D (values[i]) or 2D (values[i * ny + j], first axis slowest). */
export interface ImportedFes {
  axes: { name: string; min: number; max: number; bins: number; periodic: boolean }[];
  /** Bin centres per axis. */
  centers: number[][];
  /** Free energy, 0 at the lowest grid point; null = no data (empty WHAM bin). */
  values: (number | null)[];
  /** The energy unit, in words (the unit of the imported file). */
  energyUnit: string;
}

export interface ImportedHillsResult {
  kind: 'hills';
  record: ImportRecord;
  fes: ImportedFes;
  hills: number;
  /** Well-tempered bias factor of the last hill (1 = plain metadynamics). */
  biasFactor: number;
  /** The COLVAR's columns (time first), when one was imported with the hills. */
  colvar: { fileName: string; fields: string[]; columns: number[][] } | null;
}

export interface ImportedWhamResult {
  kind: 'wham';
  record: ImportRecord;
  fes: ImportedFes;
  estimator: 'wham';
  kT: number;
  windows: { file: string; center: number; spring: number; samples: number }[];
  windowFreeEnergies: number[];
  iterations: number;
  converged: boolean;
  warnings: string[];
}

export type ImportedResult = ImportedHillsResult | ImportedWhamResult;
