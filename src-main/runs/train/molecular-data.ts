/**
 * Training data from completed 'molecular' runs (plain MD, metadynamics, umbrella windows) of one
 * molecule: x = the internal coordinates (engine/generative/molecular-features.ts) of every saved
 * DCD frame, cond = the runs' CVs recomputed from the same frames (so condition and structure are
 * exactly paired, whatever kind of run wrote them). No reweighting: every bias of these runs (metad
 * hills, umbrella springs) depends on the CVs only, and the CVs are the condition, so
 * p_bias(x | CV) = p(x | CV) (SCIENCE.md section 2). Frames of all runs are pooled in run order
 * (umbrella runs: window order). Synchronous: the worker, the API and the model thread call it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { buildZMatrix, internalDim, toInternal, torsionIndices, validateInternalSpec, type InternalCoordinateSpec } from '../../engine/generative/molecular-features';
import { inHoldOut, planMolecularTargets, targetsOf, type MolecularTargetPlan } from '../../engine/generative/molecular-targets';
import { parseAtomicCv, parseCvDefinition } from '../../engine/molecules/cv';
import { parseDcd } from '../../engine/molecules/formats/dcd';
import { BOLTZMANN_KJ_PER_MOL_K } from '../../engine/molecules/dynamics/langevin';
import type { AtomicCv } from '../../engine/molecules/cv/atomic';
import { loadMoleculeSync, projectFilePath, type ParsedMolecule } from '../../store/molecules';
import type { MolecularModelInfo } from '../../schema';
import type { MolecularRunFile, MolecularTrainPlan, TrainJob } from '../run-file';
import { molecularTrajectories } from '../molecular/walker-files';
import { TrainingDataError, type TrainingFrames } from './training-frames';


export interface MolecularFrames extends TrainingFrames {
  /**
   * Every frame read, training rows and held-out rows alike (the simulated reference of lifting
   * at any CV value): allRows x atoms x 3, nm, with their CVs in allCond (allRows x CVs).
   */
  positions: Float64Array;
  allCond: Float64Array;
  allRows: number;
  atoms: number;
}

const rel = (projectPath: string, path: string) => path.slice(projectPath.length + 1);

/** DCD files of a completed molecular run (umbrella runs: one per window; metadynamics walkers: one per walker). */
export function runTrajectories(projectPath: string, file: MolecularRunFile): string[] {
  return molecularTrajectories(projectPath, file.run.id, file.job);
}

function readDcd(path: string): ReturnType<typeof parseDcd> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new TrainingDataError(path, `${path}: cannot read the trajectory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return parseDcd(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  } catch (error) {
    throw new TrainingDataError(path, (error as Error).message);
  }
}

export function cvsOf(plan: Pick<MolecularTrainPlan, 'cvs'>, molecule: ParsedMolecule): AtomicCv[] {
  const nAtoms = molecule.prmtop.topology.nAtoms;
  return plan.cvs.map((c) => parseAtomicCv(c.definition, { nAtoms, reference: molecule.positions }));
}

/**
 * Checks the source runs (one molecule, same CVs and temperature; the caller checks status) and
 * plans the features: a Z-matrix whose torsions include every dihedral CV, with constrained bonds
 * frozen. Errors are plain messages for the API to wrap.
 */
export function planMolecularTraining(projectPath: string, files: MolecularRunFile[], discardFraction: number, holdOut: [number, number] | null = null): { plan: MolecularTrainPlan; frames: MolecularFrames } {
  const first = files[0];
  for (const f of files.slice(1)) {
    if (f.job.moleculeId !== first.job.moleculeId) throw new Error(`"${f.run.name}" simulates ${f.run.moleculeName}, "${first.run.name}" ${first.run.moleculeName}; one molecule per model.`);
    if (f.job.cvs.map((c) => c.definition).join(';') !== first.job.cvs.map((c) => c.definition).join(';')) {
      throw new Error(`"${f.run.name}" defines the CVs ${f.job.cvs.map((c) => c.definition).join(', ')} but "${first.run.name}" ${first.job.cvs.map((c) => c.definition).join(', ')}; the condition must be the same CVs.`);
    }
    if (f.job.temperature !== first.job.temperature) throw new Error(`"${f.run.name}" ran at ${f.job.temperature} K but "${first.run.name}" at ${first.job.temperature} K; p(x | CV) depends on the temperature.`);
  }
  if (first.job.cvs.length === 0) throw new Error(`"${first.run.name}" has no CVs: the model needs them as its condition.`);
  const molecule = loadMoleculeSync(projectPath, first.job.topologyFile, first.job.coordinatesFile);
  const top = molecule.prmtop.topology;
  const dihedrals = first.job.cvs.map((c) => {
    const spec = parseCvDefinition(c.definition, { nAtoms: top.nAtoms, reference: molecule.positions }).spec;
    return spec.kind === 'dihedral' ? [...spec.atoms] : [];
  });
  const zmatrix = buildZMatrix(top.nAtoms, top.bonds, top.atomNames, dihedrals);
  const trajectories: MolecularTrainPlan['trajectories'] = [];
  for (const f of files) {
    for (const path of runTrajectories(projectPath, f)) {
      if (!existsSync(path)) throw new TrainingDataError(path, `${path}: run "${f.run.name}" has no trajectory file (was it saved with frames?).`);
      trajectories.push({ runId: f.run.id, file: rel(projectPath, path), frames: readDcd(path).nFrames });
    }
  }
  const draft: MolecularTrainPlan = {
    moleculeId: first.job.moleculeId,
    moleculeName: first.run.moleculeName,
    topologyFile: first.job.topologyFile,
    coordinatesFile: first.job.coordinatesFile,
    temperature: first.job.temperature,
    integrator: first.job.integrator,
    cvs: first.job.cvs.map((c) => ({ ...c })),
    trajectories,
    zmatrix,
    free: Array.from({ length: internalDim(zmatrix) }, (_, i) => i),
    frozen: [],
  };
  const all = readMolecularFrames(projectPath, draft, discardFraction, molecule);
  // Condition = the CVs (imposed exactly, not generated); constrained bonds frozen; torsions on a
  // shared bond as offsets (engine/generative/molecular-targets.ts says why).
  const { free, frozen, cvCoordinates, offsets } = planMolecularTargets(zmatrix, top.bonds, all.internal, all.rows);
  const plan = { ...draft, free, frozen, cvCoordinates, offsets };
  return { plan, frames: framesOf(plan, all, holdOut) };
}

interface RawFrames { positions: Float64Array; internal: Float64Array; cond: Float64Array; rows: number; atoms: number }

function readMolecularFrames(projectPath: string, plan: MolecularTrainPlan, discardFraction: number, molecule?: ParsedMolecule): RawFrames {
  const mol = molecule ?? loadMoleculeSync(projectPath, plan.topologyFile, plan.coordinatesFile);
  const atoms = mol.prmtop.topology.nAtoms;
  const zmatrix = validateInternalSpec(plan.zmatrix, 'model features');
  const cvs = cvsOf(plan, mol);
  const parts: Float64Array[] = [];
  for (const t of plan.trajectories) {
    const path = projectFilePath(projectPath, t.file);
    const dcd = readDcd(path);
    if (dcd.nAtoms !== atoms) throw new TrainingDataError(path, `${path} holds ${dcd.nAtoms} atoms; the molecule ${plan.moleculeName} has ${atoms}.`);
    if (dcd.nFrames < t.frames) throw new TrainingDataError(path, `${path} now holds ${dcd.nFrames} frames; the model was planned with ${t.frames}.`);
    const skip = Math.floor(t.frames * discardFraction);
    parts.push(dcd.positions.subarray(skip * 3 * atoms, t.frames * 3 * atoms));
  }
  const rows = parts.reduce((s, p) => s + p.length, 0) / (3 * atoms);
  const positions = new Float64Array(rows * 3 * atoms);
  let at = 0;
  for (const p of parts) {
    positions.set(p, at);
    at += p.length;
  }
  const cond = new Float64Array(rows * cvs.length);
  for (let r = 0; r < rows; r++) {
    const x = positions.subarray(r * 3 * atoms, (r + 1) * 3 * atoms);
    for (let c = 0; c < cvs.length; c++) cond[r * cvs.length + c] = cvs[c].value(x);
  }
  return { positions, internal: toInternal(zmatrix, positions), cond, rows, atoms };
}

/** The target plan of a stored job (older plans: no offsets, CVs generated). */
export function targetPlanOf(plan: MolecularTrainPlan): MolecularTargetPlan {
  const spec = plan.zmatrix as InternalCoordinateSpec;
  return { free: plan.free, frozen: plan.frozen, cvCoordinates: plan.cvCoordinates ?? [...spec.dihedralCoordinates], offsets: plan.offsets ?? [] };
}

/**
 * Training rows and, when the job holds out an interval [lo, hi] of the FIRST CV (minimum image on
 * a periodic CV: cv wrapped into [lo, lo + 2 pi) first), the held-out rows.
 */
function framesOf(plan: MolecularTrainPlan, raw: RawFrames, holdOut: [number, number] | null = null): MolecularFrames {
  const all = targetsOf(plan.zmatrix as InternalCoordinateSpec, targetPlanOf(plan), raw.internal);
  const cd = plan.cvs.length;
  const f = plan.free.length;
  const periodic = plan.cvs[0]?.periodic ?? false;
  const held = (v: number) => inHoldOut(v, holdOut, periodic);
  const keep: number[] = [];
  const out: number[] = [];
  for (let r = 0; r < raw.rows; r++) (held(raw.cond[r * cd]) ? out : keep).push(r);
  const pick = (rows: number[], data: Float64Array, width: number) => {
    const res = new Float64Array(rows.length * width);
    rows.forEach((r, k) => res.set(data.subarray(r * width, (r + 1) * width), k * width));
    return res;
  };
  return {
    cond: pick(keep, raw.cond, cd),
    target: pick(keep, all, f),
    rows: keep.length,
    heldOutCond: pick(out, raw.cond, cd),
    heldOutTarget: pick(out, all, f),
    heldOutRows: out.length,
    allCond: raw.cond,
    allRows: raw.rows,
    positions: raw.positions,
    atoms: raw.atoms,
  };
}

/** The training rows of a molecular 'train' job (same rows as at planning). */
export function loadMolecularTrainingFrames(projectPath: string, job: Pick<TrainJob, 'molecular' | 'discardFraction' | 'holdOut'>): MolecularFrames {
  const plan = job.molecular!;
  return framesOf(plan, readMolecularFrames(projectPath, plan, job.discardFraction), job.holdOut);
}

/** Engine options for a molecular job: torsions and periodic CVs go through (cos, sin). */
export function molecularTrainOptions(plan: MolecularTrainPlan): { periodicX: number[]; periodicCond: number[] } {
  const torsions = new Set(torsionIndices(plan.zmatrix as InternalCoordinateSpec));
  const periodicX: number[] = [];
  plan.free.forEach((j, k) => {
    if (torsions.has(j)) periodicX.push(k);
  });
  const periodicCond: number[] = [];
  plan.cvs.forEach((c, i) => {
    if (c.periodic) periodicCond.push(i);
  });
  return { periodicX, periodicCond };
}

export function molecularModelInfo(plan: MolecularTrainPlan): MolecularModelInfo {
  return {
    moleculeId: plan.moleculeId,
    moleculeName: plan.moleculeName,
    atoms: (plan.zmatrix as InternalCoordinateSpec).nAtoms,
    temperature: plan.temperature,
    cvs: plan.cvs.map((c) => ({ ...c })),
    features: 'internal',
    modelled: plan.free.length,
    frozen: plan.frozen.length,
  };
}

export const molecularKT = (plan: Pick<MolecularTrainPlan, 'temperature'>) => BOLTZMANN_KJ_PER_MOL_K * plan.temperature;

/** Names of the modelled coordinates (the model's targets). */
export function molecularTargetNames(plan: MolecularTrainPlan): string[] {
  const names = (plan.zmatrix as InternalCoordinateSpec).names;
  return plan.free.map((j) => names[j]);
}
