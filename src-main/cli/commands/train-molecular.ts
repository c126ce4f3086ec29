/**
 * `liftwell train --top F.prmtop --traj T.dcd [--traj ...] --cv "phi=dihedral(5,7,9,15)" ...`:
 * a model of p(structure | CVs) from trajectories. Condition = the CVs of every frame; target =
 * the rest of the structure in internal coordinates (engine/generative/molecular-targets.ts:
 * CV torsions excluded, constrained bonds frozen, torsions on a shared bond as offsets, every
 * torsion on the circle as (cos, sin)). train.ts dispatches here when --top is given.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { InputFileError } from '../../engine/io/npy';
import { Trainer, type ModelKind } from '../../engine/generative';
import { molecularTrainDefaults } from '../../engine/generative/defaults';
import { trainAndSave } from './train-run';
import { buildZMatrix, toInternal, torsionIndices } from '../../engine/generative/molecular-features';
import { inHoldOut, planMolecularTargets, targetsOf } from '../../engine/generative/molecular-targets';
import { parsePrmtop } from '../../engine/molecules/amber/prmtop';
import { parseDcd } from '../../engine/molecules/formats/dcd';
import { parseAtomicCv, parseCvDefinition } from '../../engine/molecules/cv';
import { initTensorflowBackend } from '../../store/tf-backend';
import { LANGEVIN_SCHEMES, type LangevinScheme } from '../../engine/molecules/dynamics/langevin';
import { sourceRunScheme, writeMolecularModelSpec, MOLECULE_TOPOLOGY_FILE } from '../../store/molecular-model';
import { CliUsageError, integerOption, numberListOption, numberOption, parseCommandArgs, positiveOption, requireString } from '../args';
import { printJson } from '../output';
import { readOptionFile } from '../input-files';

/**
 * Defaults measured on alanine dipeptide (docs/molecular-lifting.md): 3 x 256 with batches of 256
 * gives sane structures after ~100 steps and matched relaxed energies after ~1000; epochs default
 * to ~2000 optimiser steps (between 30 and 300 epochs) whatever the number of frames.
 */
const MOLECULAR_DEFAULTS = { hidden: [256, 256, 256], batch: 256, steps: 2000, minEpochs: 30, maxEpochs: 300 };
const defaultEpochs = (trainRows: number, batch: number) =>
  Math.min(MOLECULAR_DEFAULTS.maxEpochs, Math.max(MOLECULAR_DEFAULTS.minEpochs, Math.ceil(MOLECULAR_DEFAULTS.steps / Math.ceil(trainRows / batch))));

export const trainMolecularHelp = `liftwell train --top F.prmtop --traj T.dcd [--traj T2.dcd ...] --cv "NAME=DEF" [--cv ...]
               --model score|gan --out DIR [options] [--json]

Trains a model of p(structure | CVs) on the frames of molecular trajectories.
  --top F.prmtop       AMBER topology of the simulated molecule
  --traj T.dcd         trajectory (DCD, Angstrom); repeat for several runs at the same temperature.
                       Biased runs are fine when the bias depends on the CVs only.
  --cv DEF             condition CV, as liftwell cv: NAME=dihedral(i,j,k,l) | distance(i,j) | ...
                       (atom numbers 1-based); repeat for each CV
  --model score|gan    score: VP-SDE score model; gan: Wasserstein GAN
  --out DIR            model folder (the model, liftwell-molecule.json, a copy of the topology)
  --temperature K      temperature of the simulations (default 300); lifting relaxes at it
  --integrator NAME    baoab | middle: the simulations' Langevin scheme, which lifting relaxes
                       with (default: the job's integrator in the run.json beside the first
                       trajectory that has one, as liftwell metad --out and app runs write it;
                       else none is recorded and lifting relaxes with baoab)
  --discard F          fraction of each trajectory's first frames to drop (default 0)
  --hold-out=LO,HI     keep frames whose FIRST CV lies in [LO, HI] (radians for a dihedral,
                       minimum image) out of training, to judge lifting where no data was
  --epochs N           passes over the frames (default: ~${MOLECULAR_DEFAULTS.steps} optimiser steps,
                       ${MOLECULAR_DEFAULTS.minEpochs} to ${MOLECULAR_DEFAULTS.maxEpochs} epochs)
  --seed S             non-negative integer (default 0)
  --hidden 256,256,256 hidden layer widths (default ${MOLECULAR_DEFAULTS.hidden.join(',')})
  --batch B            minibatch size (default ${MOLECULAR_DEFAULTS.batch})
  --lr LR              Adam learning rate
  --patience P         early-stopping patience in epochs (0 = never)
  --backend NAME       auto | node-gpu | node | wasm | cpu
  --json               print a JSON summary on stdout
Targets: bonds, angles and torsions of a Z-matrix whose torsions include every dihedral CV; bonds
that never change (constrained X-H) are frozen. Progress goes to stderr once per epoch.`;

export async function runTrainMolecular(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    top: { type: 'string' },
    traj: { type: 'string', multiple: true },
    cv: { type: 'string', multiple: true },
    model: { type: 'string' },
    out: { type: 'string' },
    temperature: { type: 'string' },
    integrator: { type: 'string' },
    discard: { type: 'string' },
    'hold-out': { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    hidden: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    patience: { type: 'string' },
    backend: { type: 'string' },
  });
  if (values.help) {
    console.log(trainMolecularHelp);
    return 0;
  }
  const topFile = resolve(requireString(values, 'top'));
  const trajFiles = ((values.traj as unknown as string[] | undefined) ?? []).map((t) => resolve(t));
  const definitions = (values.cv as unknown as string[] | undefined) ?? [];
  if (trajFiles.length === 0) throw new CliUsageError('--traj T.dcd is required (repeat it for several trajectories)');
  if (definitions.length === 0) throw new CliUsageError('--cv "NAME=DEF" is required: the CVs are the condition');
  const model = requireString(values, 'model');
  if (model !== 'score' && model !== 'gan') throw new CliUsageError(`--model must be score or gan (got ${model})`);
  const out = resolve(requireString(values, 'out'));
  const temperature = positiveOption(values, 'temperature', 300);
  const integratorOption = values.integrator as string | undefined;
  if (integratorOption !== undefined && !(LANGEVIN_SCHEMES as readonly string[]).includes(integratorOption)) {
    throw new CliUsageError(`--integrator must be ${LANGEVIN_SCHEMES.join(' or ')} (got ${integratorOption})`);
  }
  const discard = numberOption(values, 'discard', 0);
  if (!(discard >= 0 && discard < 1)) throw new CliUsageError(`--discard must be in [0, 1) (got ${discard})`);
  const hidden = values.hidden === undefined ? MOLECULAR_DEFAULTS.hidden : String(values.hidden).split(',').map((h) => {
    const n = Number(h);
    if (!Number.isSafeInteger(n) || n < 1) throw new CliUsageError(`--hidden: "${h}" is not a layer width (integer >= 1)`);
    return n;
  });

  const topologyText = readOptionFile(topFile, 'top').toString('utf8');
  const prm = parsePrmtop(topologyText, topFile);
  const top = prm.topology;
  const parts: Float64Array[] = [];
  const trajectories: { path: string; frames: number; sha256: string }[] = [];
  for (const file of trajFiles) {
    if (!/\.dcd$/i.test(file)) throw new CliUsageError(`--traj ${file}: trajectories must be DCD files`);
    const bytes = readOptionFile(file, 'traj');
    const dcd = parseDcd(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
    if (dcd.nAtoms !== top.nAtoms) throw new InputFileError(file, null, `holds ${dcd.nAtoms} atoms; the topology ${topFile} has ${top.nAtoms}`);
    const skip = Math.floor(dcd.nFrames * discard);
    parts.push(dcd.positions.subarray(skip * 3 * top.nAtoms));
    trajectories.push({ path: file, frames: dcd.nFrames - skip, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  const integrator = (integratorOption as LangevinScheme | undefined) ?? sourceScheme(trajFiles);
  const n3 = 3 * top.nAtoms;
  const rows = parts.reduce((s, p) => s + p.length, 0) / n3;
  if (rows < 10) throw new CliUsageError(`the trajectories hold ${rows} frames (after --discard); at least 10 are needed`);
  const positions = new Float64Array(rows * n3);
  let at = 0;
  for (const p of parts) {
    positions.set(p, at);
    at += p.length;
  }
  const reference = positions.slice(0, n3);
  const context = { nAtoms: top.nAtoms, reference };
  const cvs = definitions.map((d) => parseAtomicCv(d, context));
  const names = cvs.map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new CliUsageError(`--cv: the name "${duplicate}" is used twice`);
  const dihedrals = definitions.map((d) => {
    const spec = parseCvDefinition(d, context).spec;
    return spec.kind === 'dihedral' ? [...spec.atoms] : [];
  });
  const zmatrix = buildZMatrix(top.nAtoms, top.bonds, top.atomNames, dihedrals);
  const internal = toInternal(zmatrix, positions);
  const plan = planMolecularTargets(zmatrix, top.bonds, internal, rows);
  const allTargets = targetsOf(zmatrix, plan, internal);
  const allCond = new Float64Array(rows * cvs.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cvs.length; c++) allCond[r * cvs.length + c] = cvs[c].value(positions.subarray(r * n3, (r + 1) * n3));
  const holdOut = numberListOption(values, 'hold-out', 2) as [number, number] | undefined;
  if (holdOut && !(holdOut[1] > holdOut[0])) throw new CliUsageError(`--hold-out: HI must exceed LO (got ${holdOut.join(', ')})`);
  const keep = Array.from({ length: rows }, (_, r) => r).filter((r) => !inHoldOut(allCond[r * cvs.length], holdOut, cvs[0].periodic !== null));
  if (holdOut && keep.length === rows) throw new CliUsageError(`--hold-out: no frame has ${cvs[0].name} in [${holdOut.join(', ')}]`);
  if (keep.length < 10) throw new CliUsageError(`only ${keep.length} frames are left for training after --hold-out; at least 10 are needed`);
  const f = plan.free.length;
  const cd = cvs.length;
  const x = new Float64Array(keep.length * f);
  const cond = new Float64Array(keep.length * cd);
  keep.forEach((r, k) => {
    x.set(allTargets.subarray(r * f, (r + 1) * f), k * f);
    cond.set(allCond.subarray(r * cd, (r + 1) * cd), k * cd);
  });
  const torsions = new Set(torsionIndices(zmatrix));
  const periodicX = plan.free.flatMap((j, k) => (torsions.has(j) ? [k] : []));
  const periodicCond = cvs.flatMap((c, i) => (c.periodic ? [i] : []));
  if (cvs.some((c) => c.periodic && (c.periodic.max - c.periodic.min - 2 * Math.PI) ** 2 > 1e-18)) throw new CliUsageError('--cv: periodic CVs must have period 2 pi (dihedrals)');

  const batch = integerOption(values, 'batch', MOLECULAR_DEFAULTS.batch, 1);
  const choice = await initTensorflowBackend(values.backend as string | undefined);
  const trainer = Trainer.create(
    { x, xDim: plan.free.length, cond, condDim: cvs.length },
    {
      model: model as ModelKind,
      seed: integerOption(values, 'seed', 0, 0),
      epochs: integerOption(values, 'epochs', defaultEpochs(Math.floor(keep.length * 0.9), batch), 1),
      batchSize: batch,
      // Molecules keep their measured score-model settings unless the user gives others.
      ...molecularTrainDefaults(model as ModelKind),
      ...(values.lr === undefined ? {} : { learningRate: positiveOption(values, 'lr') }),
      hidden,
      ...(values.patience === undefined ? {} : { patience: integerOption(values, 'patience', undefined, 0) }),
      periodicX,
      periodicCond,
      backend: choice.backend,
    },
  );
  const trainedRun = await trainAndSave(trainer, out);
  if (!trainedRun) return 1;
  const { result, seconds } = trainedRun;
  await writeMolecularModelSpec(
    out,
    {
      format: 'liftwell-molecular-model',
      version: 1,
      topology: MOLECULE_TOPOLOGY_FILE,
      reference: Array.from(reference),
      temperature,
      constraints: plan.frozen.length > 0 ? 'hbonds' : 'none',
      ...(integrator ? { integrator } : {}),
      cvs: cvs.map((c, i) => ({ name: c.name, definition: definitions[i], periodic: c.periodic !== null })),
      zmatrix,
      targets: plan,
      trajectories,
      ...(holdOut ? { holdOut } : {}),
    },
    topologyText,
  );
  const t = trainedRun.spec.training;
  const summary = {
    out, model, backend: choice.backend, integrator: integrator ?? null, frames: rows, heldOut: rows - keep.length, cvs: names, modelled: plan.free.length, frozen: plan.frozen.length, offsets: plan.offsets.length,
    rows: t.rows, epochsRun: t.epochsRun, steps: t.steps, stoppedEarly: t.stoppedEarly, weightsFromEpoch: t.weightsFromEpoch,
    trainLoss: result.trainLoss, validationLoss: result.validationLoss, bestValidationLoss: result.bestValidationLoss, seconds, history: t.history,
  };
  if (values.json) printJson(summary);
  else {
    console.log(`# ${model} model of ${plan.free.length} internal coordinates (${plan.frozen.length} frozen) given ${names.join(', ')}, ${rows} frames, ${choice.backend} backend`);
    console.log(`# ${t.epochsRun} epochs, ${t.steps} steps in ${seconds.toFixed(1)} s${t.stoppedEarly ? ' (stopped early)' : ''}; weights from epoch ${t.weightsFromEpoch}`);
    console.log(`saved ${out}`);
  }
  return 0;
}

/**
 * The source runs' Langevin scheme as the app's training plan takes it (the first run's): that of
 * the first trajectory with a molecular run.json beside it; a warning when others differ. null
 * when no trajectory says (simulated elsewhere, or the run.json was not kept).
 */
function sourceScheme(trajFiles: readonly string[]): LangevinScheme | null {
  const known = trajFiles.flatMap((file) => {
    const scheme = sourceRunScheme(file);
    return scheme ? [{ file, scheme }] : [];
  });
  if (known.length === 0) return null;
  const other = known.find((k) => k.scheme !== known[0].scheme);
  if (other) console.error(`liftwell train: warning: ${other.file} was simulated with ${other.scheme}, ${known[0].file} with ${known[0].scheme}; lifting relaxes with ${known[0].scheme} (give --integrator to choose)`);
  return known[0].scheme;
}
