/**
 * Lifting a molecular model in the model thread (train-lift.ts dispatches here): generate internal
 * coordinates at a CV value, rebuild Cartesians by NeRF (exact inverse), optionally relax each
 * structure by L-BFGS under a harmonic restraint (k/2)(CV - target)^2 on every CV (the force field
 * plus engine/molecules/umbrella-cv.ts's restraint through the CV gradients), and judge them:
 *  - restriction error |CV(structure) - target| (minimum image on periodic CVs) before and after;
 *  - force-field energies of generated / relaxed structures vs the training frames whose CVs lie
 *    within halfWidth of the target (the same conditional ensemble, simulated);
 *  - circular mean / s.d. of every other torsion, generated vs simulated (cheap conditional stats).
 * Structures are superposed on the molecule's reference structure (Kabsch, heavy atoms) for display.
 */
import { tf, type GenerativeModel } from '../engine/generative';
import { fromInternal, internalDim, torsionIndices, validateInternalSpec, type InternalCoordinateSpec } from '../engine/generative/molecular-features';
import { AmberForceField } from '../engine/molecules/forcefield/amber-forcefield';
import { periodicDifference, type AtomicCv } from '../engine/molecules/cv/atomic';
import { AtomicCvUmbrella, RestrainedForceProvider } from '../engine/molecules/umbrella-cv';
import { minimizeEnergy } from '../engine/molecules/minimize';
import { Aligner } from '../engine/molecules/align';
import { dihedralCv } from '../engine/molecules/cv/geometry';
import { loadMoleculeSync } from '../store/molecules';
import { ApiError, type MoleculeLiftOutput } from '../api/contract';
import type { TrainJob } from '../store/project';
import { TrainingDataError } from './train-data';
import { cvsOf, loadMolecularTrainingFrames, type MolecularFrames } from './train-molecular-data';
import type { ModelRef } from './train-lift';

export interface MoleculeLiftCall {
  kind: 'lift-molecule';
  model: ModelRef;
  projectPath: string;
  job: TrainJob;
  cond: number[];
  n: number;
  seed: number;
  relax?: { steps: number; k: number };
  halfWidth?: number;
}

export type MoleculeLiftComputed = Omit<MoleculeLiftOutput, 'modelId' | 'positions'> & { positions: Float32Array };

/** Default CV window for simulated frames: 0.15 rad (~9 deg) holds enough frames of a short run. */
const DEFAULT_HALF_WIDTH = 0.15;
/** Simulated energies: at most this many frames (thinned evenly) so a dense window stays cheap. */
const MAX_SIM_FRAMES = 400;

/** Training frames of one job, kept while the same job is asked about again (the UI lifts repeatedly). */
let framesCache: { key: string; frames: MolecularFrames } | null = null;
function framesOf(projectPath: string, job: TrainJob): MolecularFrames {
  const key = `${projectPath}\n${job.modelId}`;
  if (framesCache?.key === key) return framesCache.frames;
  try {
    const frames = loadMolecularTrainingFrames(projectPath, job);
    framesCache = { key, frames };
    return frames;
  } catch (error) {
    if (error instanceof TrainingDataError) throw new ApiError('bad-file', error.message, { path: error.path });
    throw error;
  }
}

function circularStats(values: ArrayLike<number>): { mean: number; sd: number } {
  let c = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    c += Math.cos(values[i]);
    s += Math.sin(values[i]);
  }
  const n = Math.max(1, values.length);
  const r = Math.min(1, Math.hypot(c, s) / n);
  return { mean: Math.atan2(s, c), sd: Math.sqrt(-2 * Math.log(Math.max(r, 1e-300))) };
}

export async function computeMoleculeLift(call: MoleculeLiftCall, modelFor: (ref: ModelRef) => Promise<{ model: GenerativeModel; backend: string }>): Promise<MoleculeLiftComputed> {
  const plan = call.job.molecular;
  if (!plan) throw new ApiError('invalid-input', `The model "${call.job.modelName}" was not trained on molecular runs; use lift.`);
  const { model, backend } = await modelFor(call.model);
  const began = performance.now();
  const zm: InternalCoordinateSpec = validateInternalSpec(plan.zmatrix, `${call.model.folder}: features`);
  const molecule = loadMoleculeSync(call.projectPath, plan.topologyFile, plan.coordinatesFile);
  const atoms = molecule.prmtop.topology.nAtoms;
  const cvs: AtomicCv[] = cvsOf(plan, molecule);
  if (call.cond.length !== cvs.length) throw new ApiError('invalid-input', `cond: the model is conditioned on ${cvs.length} CV(s) (${plan.cvs.map((c) => c.name).join(', ')}); got ${call.cond.length} value(s).`);
  const ff = new AmberForceField(molecule.prmtop);
  const n = call.n;
  const d = internalDim(zm);
  const n3 = 3 * atoms;

  let result;
  try {
    result = model.lift(call.cond, n, { seed: call.seed });
  } catch (error) {
    if (error instanceof Error && error.name === 'EngineInputError') throw new ApiError('invalid-input', error.message);
    throw error;
  }
  const internal = new Float64Array(n * d);
  const f = plan.free.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) internal[i * d + plan.free[j]] = result.samples[i * f + j];
    for (const z of plan.frozen) internal[i * d + z.index] = z.value;
  }
  const positions = fromInternal(zm, internal);

  const restriction = (x: Float64Array) => cvs.map((cv, c) => Math.abs(periodicDifference(cv.value(x) - call.cond[c], cv.periodic)));
  const frame = (i: number) => positions.subarray(i * n3, (i + 1) * n3);
  const generatedEnergies: number[] = [];
  const generatedErrors: number[][] = [];
  for (let i = 0; i < n; i++) {
    generatedEnergies.push(ff.compute(frame(i), null));
    generatedErrors.push(restriction(frame(i)));
  }

  let relaxedEnergies: number[] | null = null;
  let relaxedErrors: number[][] | null = null;
  let iterations = 0;
  if (call.relax) {
    relaxedEnergies = [];
    relaxedErrors = [];
    const umbrella = new AtomicCvUmbrella({ cvs, centers: call.cond, springs: cvs.map(() => call.relax!.k) });
    const provider = new RestrainedForceProvider(ff, umbrella);
    for (let i = 0; i < n; i++) {
      const x = frame(i);
      // Tolerance 1 kJ/mol/nm: far below thermal forces (~1e3); the step budget is the real limit.
      const r = minimizeEnergy(provider, x, { maxIterations: call.relax.steps, tolerance: 1 });
      iterations += r.iterations;
      relaxedEnergies.push(ff.compute(x, null));
      relaxedErrors.push(restriction(x));
    }
  }

  // Simulated frames at the same CV value: every CV within halfWidth (minimum image).
  const halfWidth = call.halfWidth ?? DEFAULT_HALF_WIDTH;
  const frames = framesOf(call.projectPath, call.job);
  const cd = cvs.length;
  const near: number[] = [];
  for (let r = 0; r < frames.rows; r++) {
    let inside = true;
    for (let c = 0; c < cd && inside; c++) inside = Math.abs(periodicDifference(frames.cond[r * cd + c] - call.cond[c], cvs[c].periodic)) <= halfWidth;
    if (inside) near.push(r);
  }
  const stride = Math.max(1, Math.ceil(near.length / MAX_SIM_FRAMES));
  const simFrames = near.filter((_, k) => k % stride === 0);
  const simEnergies = simFrames.map((r) => ff.compute(frames.positions.subarray(r * n3, (r + 1) * n3), null));

  // Other torsions: circular statistics, generated (after relaxation when relaxed) vs simulated.
  const cvTorsions = new Set(zm.dihedralCoordinates);
  const torsions = torsionIndices(zm).filter((j) => !cvTorsions.has(j));
  const rowOf = (j: number) => zm.rows[(j + 4) / 3]; // row r >= 3 holds coordinates 3r-6..3r-4
  const torsionStats = torsions.map((j) => {
    const row = rowOf(j);
    const value = (x: Float64Array) => dihedralCv(x, row.atom, row.bond, row.angle, row.torsion);
    const gen = Array.from({ length: n }, (_, i) => value(frame(i)));
    const sim = simFrames.map((r) => value(frames.positions.subarray(r * n3, (r + 1) * n3)));
    return { name: zm.names[j], generated: circularStats(gen), simulation: sim.length >= 5 ? circularStats(sim) : null };
  });

  // Superpose on the reference structure (heavy atoms) so the viewer shows them overlaid.
  const heavy: number[] = [];
  molecule.prmtop.topology.atomicNumbers.forEach((z, i) => {
    if (z !== 1) heavy.push(i);
  });
  const aligner = new Aligner(molecule.positions, { atoms: heavy });
  const out = new Float32Array(n * n3);
  for (let i = 0; i < n; i++) {
    const x = frame(i);
    aligner.superpose(x);
    for (let k = 0; k < n3; k++) out[i * n3 + k] = x[k];
  }

  const warnings = [...result.warnings];
  if (simFrames.length < 5) warnings.push(`only ${simFrames.length} training frame(s) have every CV within ${halfWidth} of the target: the simulated energies are not a reliable comparison here`);
  return {
    condNames: plan.cvs.map((c) => c.name),
    cond: [...call.cond],
    n,
    atoms,
    positions: out,
    energies: { generated: generatedEnergies, relaxed: relaxedEnergies },
    restrictionErrors: { generated: generatedErrors, relaxed: relaxedErrors },
    relax: call.relax ? { ...call.relax, meanIterations: iterations / n } : null,
    simulation: { halfWidth, frames: near.length, energies: simEnergies },
    torsions: torsionStats,
    warnings,
    backend,
    seconds: (performance.now() - began) / 1000,
    tensors: tf.memory().numTensors,
  };
}
