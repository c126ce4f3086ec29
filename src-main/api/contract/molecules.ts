/**
 * API calls. Molecules: adding or importing a molecule, molecular runs and their results and frames.
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';
import { projectRef, runRef } from './common';
import { MOLECULE_EXAMPLES, moleculeFile, type MolecularResult, type MoleculeRecord, type MoleculeView, type TrajectoryFrames, molecularRunParams } from '../../schema/molecules';
import type { RunRecord } from '../../schema/records';

export const moleculeCalls = {
  addExampleMolecule: { input: projectRef.extend({ example: z.enum(MOLECULE_EXAMPLES) }) },
  importMolecule: { input: projectRef.extend({ name: z.string().trim().min(1).max(120), topology: moleculeFile, coordinates: moleculeFile }) },
  getMolecule: { input: projectRef.extend({ moleculeId: z.string().min(1) }) },
  startMolecularRun: {
    input: projectRef.extend({ moleculeId: z.string().min(1), name: z.string().trim().min(1).max(120), params: molecularRunParams }),
  },
  getMolecularResult: { input: runRef },
} as const;

/** Kept apart from moleculeCalls only to keep the key order of `calls` (the order seeded fuzz runs draw calls in). */
export const trajectoryCalls = {
  getTrajectoryFrames: { input: runRef.extend({ start: z.number().int().min(0), count: z.number().int().min(1).max(100_000) }) },
} as const;

/** Output type of each call above. */
export interface MoleculeCallOutputs {
  addExampleMolecule: MoleculeRecord;
  importMolecule: MoleculeRecord;
  getMolecule: MoleculeView;
  startMolecularRun: RunRecord;
  getMolecularResult: MolecularResult;
  getTrajectoryFrames: TrajectoryFrames;
}
