/**
 * Lifting a molecular model in the model thread (runs/train/lift.ts dispatches here): the shared
 * engine/generative/molecular-lift.ts generates structures EXACTLY at the CV value (torsion CVs by
 * rotation about the central bond, others projected) and optionally relaxes them by restrained
 * Langevin dynamics at the training temperature; this file adds the project's side:
 *  - force-field energies vs the training frames whose CVs lie within halfWidth of the target
 *    (the same conditional ensemble, simulated);
 *  - circular mean / s.d. of every other torsion, lifted (relaxed when relaxed) vs simulated.
 * Structures are superposed on the molecule's reference structure (Kabsch, heavy atoms) for display.
 */
import { tf, type GenerativeModel } from '../../engine/generative';
import { validateInternalSpec, type InternalCoordinateSpec } from '../../engine/generative/molecular-features';
import { liftMolecularStructures } from '../../engine/generative/molecular-lift';
import { inHoldOut } from '../../engine/generative/molecular-targets';
import { circularStats, comparedTorsions, torsionSeries } from '../../engine/generative/torsion-stats';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../engine/molecules/dynamics/constraints';
import { periodicDifference, type AtomicCv } from '../../engine/molecules/cv/atomic';
import { Aligner } from '../../engine/molecules/align';
import { loadMoleculeSync } from '../../store/molecules';
import { ApiError, type MoleculeLiftOutput } from '../../schema';
import type { TrainJob } from '../run-file';
import { TrainingDataError } from './data';
import { cvsOf, loadMolecularTrainingFrames, targetPlanOf, type MolecularFrames } from './molecular-data';
import type { ModelRef } from './model-ref';
import { EngineInputError } from '../../engine/errors';

export interface MoleculeLiftCall {
  kind: 'lift-molecule';
  model: ModelRef;
  projectPath: string;
  job: TrainJob;
  cond: number[];
  n: number;
  seed: number;
  relax?: { ps: number; k?: number };
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
  const n3 = 3 * atoms;
  const targets = targetPlanOf(plan);
  let lifted;
  try {
    lifted = liftMolecularStructures(
      model,
      {
        zmatrix: zm, targets, cvs, bonds: molecule.prmtop.topology.bonds, forceField: ff, masses: molecule.prmtop.topology.masses,
        equilibriumBonds: { atoms: molecule.prmtop.bondAtoms, r0: molecule.prmtop.bondR0 },
        constraints: plan.frozen.length > 0 ? BondConstraints.hydrogenBonds(molecule.prmtop) : null, temperature: plan.temperature, scheme: plan.integrator,
      },
      { cond: call.cond, n: call.n, seed: call.seed, relax: call.relax ? { ps: call.relax.ps, ...(call.relax.k ? { spring: call.relax.k } : {}) } : null },
    );
  } catch (error) {
    if (error instanceof EngineInputError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
  const positions = lifted.positions;
  const n = lifted.positions.length / n3; // the structures kept: absurd ones are excluded
  const frame = (i: number) => positions.subarray(i * n3, (i + 1) * n3);

  // Simulated frames at the same CV value: every CV within halfWidth (minimum image).
  const halfWidth = call.halfWidth ?? DEFAULT_HALF_WIDTH;
  const frames = framesOf(call.projectPath, call.job);
  const cd = cvs.length;
  const near: number[] = [];
  // Every frame read, held-out ones included: they are simulation at that CV all the same.
  for (let r = 0; r < frames.allRows; r++) {
    let inside = true;
    for (let c = 0; c < cd && inside; c++) inside = Math.abs(periodicDifference(frames.allCond[r * cd + c] - call.cond[c], cvs[c].periodic)) <= halfWidth;
    if (inside) near.push(r);
  }
  const stride = Math.max(1, Math.ceil(near.length / MAX_SIM_FRAMES));
  const simFrames = near.filter((_, k) => k % stride === 0);
  const simEnergies = simFrames.map((r) => ff.compute(frames.positions.subarray(r * n3, (r + 1) * n3), null));

  // Other torsions: circular statistics, lifted (after relaxation when relaxed) vs simulated.
  const torsionStats = comparedTorsions(zm, targets.cvCoordinates, false).map((t) => {
    const gen = torsionSeries(positions, atoms, t.atoms);
    const sim = torsionSeries(frames.positions, atoms, t.atoms, simFrames);
    const stat = (v: number[]) => {
      const c = circularStats(v);
      return { mean: c.mean, sd: c.sd };
    };
    return { name: t.name, generated: stat(gen), simulation: sim.length >= 5 ? stat(sim) : null };
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

  const warnings = [...lifted.warnings];
  const holdOut = call.job.holdOut;
  if (holdOut && inHoldOut(call.cond[0], holdOut, cvs[0].periodic !== null)) {
    warnings.push(`${plan.cvs[0].name} = ${call.cond[0].toFixed(3)} lies in the held-out interval [${holdOut.join(', ')}]: no training frame there; the simulated reference is the held-out frames`);
  }
  if (simFrames.length < 5) warnings.push(`only ${simFrames.length} training frame(s) have every CV within ${halfWidth} of the target: the simulated energies are not a reliable comparison here`);
  const r = lifted.relaxed;
  return {
    condNames: plan.cvs.map((c) => c.name),
    cond: [...call.cond],
    n,
    requested: lifted.requested,
    excluded: lifted.excluded,
    atoms,
    positions: out,
    energies: { generated: lifted.generated.energies, relaxed: r?.energies ?? null },
    restrictionErrors: { generated: lifted.generated.restrictionErrors, relaxed: r?.restrictionErrors ?? null },
    relax: r && call.relax ? { ps: call.relax.ps, steps: r.steps, dt: r.dt, friction: r.friction, k: r.spring, temperature: plan.temperature, integrator: plan.integrator } : null,
    imposition: lifted.imposition,
    simulation: { halfWidth, frames: near.length, energies: simEnergies },
    torsions: torsionStats,
    warnings,
    backend,
    seconds: (performance.now() - began) / 1000,
    tensors: tf.memory().numTensors,
  };
}
