/**
 * API calls. Imported results (docs/imports.md): a PLUMED HILLS file (+ COLVAR) or Grossfield WHAM
 * input (metadata + window files) dropped on the window, stored in the project and shown. index.ts joins them.
 */
import { z } from 'zod';
import { projectRef } from './common';
import { moleculeFile, type TrajectoryFrames } from '../../schema/molecules';
import { importedTextFile, type ImportRecord, type ImportedResult } from '../../schema/imports';
import { LIMITS } from '../../schema/limits';

const importName = z.string().trim().min(1).max(120);

export const importCalls = {
  importHills: { input: projectRef.extend({ name: importName, hills: importedTextFile, colvar: importedTextFile.optional() }) },
  importWham: {
    input: projectRef.extend({
      name: importName,
      metadata: importedTextFile,
      windows: z.array(importedTextFile).min(1).max(1000),
      bins: z.number().int().min(2).max(LIMITS.fesBins).optional(),
      kT: z.number().positive().finite().optional(),
    }),
  },
  getImportedResult: { input: projectRef.extend({ importId: z.string().min(1) }) },
  /** A DCD of a molecule of the project: atoms checked against its topology, copied into its folder. */
  importTrajectory: { input: projectRef.extend({ moleculeId: z.string().min(1), dcd: moleculeFile }) },
  getImportedTrajectoryFrames: { input: projectRef.extend({ importId: z.string().min(1), start: z.number().int().min(0), count: z.number().int().min(1).max(100_000) }) },
} as const;

export interface ImportCallOutputs {
  importHills: ImportRecord;
  importWham: ImportRecord;
  getImportedResult: ImportedResult;
  importTrajectory: ImportRecord;
  getImportedTrajectoryFrames: TrajectoryFrames;
}
