/**
 * The molecular part of a model folder written by `liftwell train --top ... --traj ...`:
 *
 *   liftwell-molecule.json   { format 'liftwell-molecular-model', version 1, topology file name,
 *                              reference structure (first training frame, nm), temperature,
 *                              constraints, integrator (the source runs' Langevin scheme; absent
 *                              when unknown), CVs, Z-matrix, target plan, training trajectories
 *                              (path, frames, SHA-256) }
 *   topology.prmtop          a copy of the topology, so the folder lifts on its own
 *
 * The generative model itself is the usual model-folder.ts trio. Written after it, atomically.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiError } from '../schema/errors';
import { atomicWrite } from './atomic';
import { LANGEVIN_SCHEMES, type LangevinScheme } from '../engine/molecules/dynamics/langevin';
import { validateInternalSpec, type InternalCoordinateSpec } from '../engine/generative/molecular-features';
import type { MolecularTargetPlan } from '../engine/generative/molecular-targets';

export const MOLECULE_SPEC_FILE = 'liftwell-molecule.json';
export const MOLECULE_TOPOLOGY_FILE = 'topology.prmtop';

export interface MolecularModelSpec {
  format: 'liftwell-molecular-model';
  version: 1;
  topology: string;
  reference: number[];
  temperature: number;
  constraints: 'hbonds' | 'none';
  /**
   * The Langevin scheme of the simulations the model learned from, which lifting relaxes with (as
   * the app's lift does with its source runs'). Absent in folders written before it was recorded
   * or when the trajectories' scheme is unknown: lifting then relaxes with BAOAB.
   */
  integrator?: LangevinScheme;
  cvs: { name: string; definition: string; periodic: boolean }[];
  zmatrix: InternalCoordinateSpec;
  targets: MolecularTargetPlan;
  trajectories: { path: string; frames: number; sha256: string }[];
  /** Interval of the first CV kept out of training (--hold-out), or absent. */
  holdOut?: [number, number];
}

export async function writeMolecularModelSpec(dir: string, spec: MolecularModelSpec, topologyText: string): Promise<void> {
  await atomicWrite(join(dir, MOLECULE_TOPOLOGY_FILE), topologyText);
  await atomicWrite(join(dir, MOLECULE_SPEC_FILE), JSON.stringify(spec) + '\n');
}

/** The molecular spec of a model folder, or null when the folder holds a plain (toy) model. */
export function readMolecularModelSpec(dir: string): { spec: MolecularModelSpec; topologyText: string } | null {
  const path = join(dir, MOLECULE_SPEC_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ApiError('bad-file', `${path}: cannot read (${(error as Error).message})`, { path });
  }
  let spec: MolecularModelSpec;
  try {
    spec = JSON.parse(text) as MolecularModelSpec;
  } catch (error) {
    throw new ApiError('bad-file', `${path}: not valid JSON (${(error as Error).message})`, { path });
  }
  if (spec?.format !== 'liftwell-molecular-model' || spec.version !== 1 || !Array.isArray(spec.cvs) || !spec.targets || !Array.isArray(spec.reference)) {
    throw new ApiError('bad-file', `${path}: not a Liftwell molecular model description (format liftwell-molecular-model, version 1)`, { path });
  }
  if (spec.integrator !== undefined && !LANGEVIN_SCHEMES.includes(spec.integrator)) {
    throw new ApiError('bad-file', `${path}: integrator must be ${LANGEVIN_SCHEMES.join(' or ')} (got ${JSON.stringify(spec.integrator)})`, { path });
  }
  try {
    validateInternalSpec(spec.zmatrix, path);
  } catch (error) {
    throw new ApiError('bad-file', (error as Error).message, { path });
  }
  const topPath = join(dir, spec.topology);
  let topologyText: string;
  try {
    topologyText = readFileSync(topPath, 'utf8');
  } catch (error) {
    throw new ApiError('bad-file', `${topPath}: cannot read the model's topology (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { path: topPath });
  }
  return { spec, topologyText };
}

/** The scheme lifting relaxes with: the recorded one, else BAOAB (what every run used before the choice existed). */
export function relaxationScheme(spec: Pick<MolecularModelSpec, 'integrator'>): LangevinScheme {
  return spec.integrator ?? 'baoab';
}

/**
 * The Langevin scheme of the molecular run a trajectory came from, read from the run.json beside
 * it (an app run's folder, or the --out folder of `liftwell metad --top`): the job's integrator,
 * 'baoab' for molecular runs made before the choice existed (as the run's own schema reads them).
 * null when there is no run.json there, or it is not a molecular run's.
 */
export function sourceRunScheme(trajectoryPath: string): LangevinScheme | null {
  let text: string;
  try {
    text = readFileSync(join(dirname(trajectoryPath), 'run.json'), 'utf8');
  } catch {
    return null;
  }
  let job: { kind?: unknown; integrator?: unknown } | undefined;
  try {
    job = (JSON.parse(text) as { job?: { kind?: unknown; integrator?: unknown } }).job;
  } catch {
    return null;
  }
  if (job?.kind !== 'molecular') return null;
  if (job.integrator === undefined) return 'baoab';
  return LANGEVIN_SCHEMES.find((s) => s === job.integrator) ?? null;
}
