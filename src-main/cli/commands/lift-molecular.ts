/**
 * `liftwell lift --model DIR --cond=V1,V2 --n N [--relax-ps P] --out lifted.dcd|lifted.pdb`: structures
 * of a molecular model (one trained with `liftwell train --top ...`) at a CV value, exactly at it,
 * optionally relaxed by restrained Langevin dynamics at the training temperature. lift.ts
 * dispatches here when the model folder holds liftwell-molecule.json. When the training
 * trajectories are still where they were, the JSON also compares energies and heavy-atom torsions
 * with the simulated frames near the CV value.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePrmtop } from '../../engine/molecules/amber/prmtop';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../engine/molecules/dynamics/constraints';
import { parseAtomicCv } from '../../engine/molecules/cv';
import { periodicDifference, type AtomicCv } from '../../engine/molecules/cv/atomic';
import { encodeDcd, parseDcd } from '../../engine/molecules/formats/dcd';
import { formatPdb } from '../../engine/molecules/formats/pdb';
import { Aligner } from '../../engine/molecules/align';
import { DEFAULT_RELAX_PS, liftMolecularStructures } from '../../engine/generative/molecular-lift';
import { inHoldOut } from '../../engine/generative/molecular-targets';
import { circularStats, comparedTorsions, torsionSeries } from '../../engine/generative/torsion-stats';
import { initTensorflowBackend } from '../../store/tf-backend';
import { loadModelFolder } from '../../store/model-folder';
import { readMolecularModelSpec, relaxationScheme, type MolecularModelSpec } from '../../store/molecular-model';
import { atomicWrite } from '../../store/atomic';
import { CliUsageError, integerOption, numberListOption, numberOption, parseCommandArgs, requireString } from '../args';
import { printJson } from '../output';

export const liftMolecularHelp = `liftwell lift --model DIR --cond=V1,V2 --n N [--seed S] [--relax-ps P] --out lifted.dcd|lifted.pdb [--json]

Structures at one CV value from a molecular model (liftwell train --top ...).
  --model DIR        model folder
  --cond=V1,V2       one value per CV, in the CVs' units (dihedrals in RADIANS, distances nm)
  --n N              number of structures
  --seed S           non-negative integer (default 0): same seed, same structures
  --relax-ps P       restrained Langevin relaxation at the training temperature, P ps
                     (0 = none; default 0; ${DEFAULT_RELAX_PS} ps is the measured default length), with the
                     simulations' scheme (the folder's integrator; baoab when it records none)
  --out FILE         .dcd (Angstrom, all structures as frames) or .pdb (one MODEL each)
  --half-width W     simulated frames within W of the CV value are the reference (default 0.1)
  --backend NAME     auto | node-gpu | node | wasm | cpu
  --json             restrictionError {max, median} (rad / nm), energies {generated, relaxed}
                     (kJ/mol per structure), relax {ps, steps, dt, friction, spring, temperature,
                     integrator}, simulation and torsion comparisons, warnings
Dihedral CVs are imposed exactly (rotation about the central bond); other CVs are projected
onto the value and the residual is the restriction error.`;

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};
const quantile = (values: number[], q: number) => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Training frames whose every CV lies within halfWidth of cond (null: trajectories moved or changed). */
function simulatedNear(spec: MolecularModelSpec, cvs: readonly AtomicCv[], cond: readonly number[], halfWidth: number, nAtoms: number): { positions: Float64Array; frames: number[] } | null {
  const parts: Float64Array[] = [];
  for (const t of spec.trajectories) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(t.path);
    } catch {
      return null;
    }
    const dcd = parseDcd(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), t.path);
    parts.push(dcd.positions.subarray((dcd.nFrames - t.frames) * 3 * nAtoms));
  }
  const n3 = 3 * nAtoms;
  const total = parts.reduce((s, p) => s + p.length, 0);
  const positions = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    positions.set(p, at);
    at += p.length;
  }
  const frames: number[] = [];
  for (let f = 0; f < total / n3; f++) {
    const x = positions.subarray(f * n3, (f + 1) * n3);
    if (cvs.every((cv, c) => Math.abs(periodicDifference(cv.value(x) - cond[c], cv.periodic)) <= halfWidth)) frames.push(f);
  }
  return { positions, frames };
}

export async function runLiftMolecular(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    model: { type: 'string' },
    cond: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    'relax-ps': { type: 'string' },
    'half-width': { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) {
    console.log(liftMolecularHelp);
    return 0;
  }
  const dir = resolve(requireString(values, 'model'));
  const folder = readMolecularModelSpec(dir);
  if (!folder) throw new CliUsageError(`--model ${dir}: not a molecular model (no liftwell-molecule.json)`);
  const { spec, topologyText } = folder;
  const cond = numberListOption(values, 'cond', spec.cvs.length);
  if (!cond) throw new CliUsageError(`--cond=V1,V2 is required: one value per CV (${spec.cvs.map((c) => c.name).join(', ')}), radians for dihedrals`);
  const n = integerOption(values, 'n', undefined, 1);
  const seed = integerOption(values, 'seed', 0, 0);
  const relaxPs = numberOption(values, 'relax-ps', 0);
  if (!(relaxPs >= 0 && relaxPs <= 1000)) throw new CliUsageError(`--relax-ps must be between 0 and 1000 ps (got ${relaxPs})`);
  const halfWidth = numberOption(values, 'half-width', 0.1);
  if (!(halfWidth > 0)) throw new CliUsageError(`--half-width must be > 0 (got ${halfWidth})`);
  const out = values.out === undefined ? null : resolve(String(values.out));
  if (out && !/\.(dcd|pdb)$/i.test(out)) throw new CliUsageError(`--out ${out}: write .dcd or .pdb`);
  if (!out && !values.json) throw new CliUsageError('give --out lifted.dcd|lifted.pdb or --json (or both)');

  const prm = parsePrmtop(topologyText, `${dir}/${spec.topology}`);
  const top = prm.topology;
  const reference = Float64Array.from(spec.reference);
  const cvs = spec.cvs.map((c) => parseAtomicCv(c.definition, { nAtoms: top.nAtoms, reference }));
  const ff = new AmberForceField(prm);
  const scheme = relaxationScheme(spec);
  const choice = await initTensorflowBackend(values.backend as string | undefined);
  const model = await loadModelFolder(dir);
  const began = performance.now();
  let result;
  try {
    result = liftMolecularStructures(
      model,
      { zmatrix: spec.zmatrix, targets: spec.targets, cvs, bonds: top.bonds, forceField: ff, masses: top.masses, equilibriumBonds: { atoms: prm.bondAtoms, r0: prm.bondR0 }, constraints: spec.constraints === 'hbonds' ? BondConstraints.hydrogenBonds(prm) : null, temperature: spec.temperature, scheme },
      { cond, n, seed, relax: relaxPs > 0 ? { ps: relaxPs } : null },
    );
  } finally {
    model.dispose();
  }
  if (inHoldOut(cond[0], spec.holdOut, cvs[0].periodic !== null)) result.warnings.push(`${cvs[0].name} = ${cond[0]} lies in the held-out interval [${spec.holdOut!.join(', ')}]: no training frame there`);
  for (const w of result.warnings) console.error(`liftwell lift: warning: ${w}`);
  const n3 = 3 * top.nAtoms;
  const kept = result.positions.length / n3; // absurd structures are excluded (warned above)
  const heavy: number[] = [];
  top.atomicNumbers.forEach((z, i) => {
    if (z !== 1) heavy.push(i);
  });
  if (out && kept === 0) console.error(`liftwell lift: no structure to write: all ${n} lifted structures were excluded as absurd; ${out} was not written`);
  if (out && kept > 0) {
    const aligned = result.positions.slice();
    const aligner = new Aligner(reference, { atoms: heavy });
    for (let i = 0; i < kept; i++) aligner.superpose(aligned.subarray(i * n3, (i + 1) * n3));
    const frames = { nAtoms: top.nAtoms, nFrames: kept, positions: aligned, cells: null };
    const title = `liftwell lift at ${spec.cvs.map((c, k) => `${c.name}=${cond[k]}`).join(', ')} (rad / nm), seed ${seed}`;
    if (/\.dcd$/i.test(out)) await atomicWrite(out, encodeDcd(frames, { titles: [title] }));
    else {
      await atomicWrite(out, formatPdb(
        {
          atomNames: top.atomNames, elements: top.elements,
          residueNames: Array.from(top.residueOfAtom, (r) => top.residueNames[r]),
          residueNumbers: Int32Array.from(top.residueOfAtom, (r) => r + 1),
          chainIds: new Array<string>(top.nAtoms).fill('A'),
        },
        frames,
        { title },
      ));
    }
  }
  const finalErrors = (result.relaxed ?? result.generated).restrictionErrors.flat();
  const sim = values.json ? simulatedNear(spec, cvs, cond, halfWidth, top.nAtoms) : null;
  const simEnergies = sim ? sim.frames.map((f) => ff.compute(sim.positions.subarray(f * n3, (f + 1) * n3), null)) : null;
  const summary = (e: number[] | null) => (e ? { median: median(e), p99: quantile(e, 0.99), max: e.length ? Math.max(...e) : null } : null);
  const torsions = comparedTorsions(spec.zmatrix, spec.targets.cvCoordinates, true, top.atomicNumbers).map((t) => {
    const generated = circularStats(torsionSeries(result.generated.positions, top.nAtoms, t.atoms));
    const relaxed = result.relaxed ? circularStats(torsionSeries(result.positions, top.nAtoms, t.atoms)) : null;
    const simulation = sim && sim.frames.length >= 5 ? circularStats(torsionSeries(sim.positions, top.nAtoms, t.atoms, sim.frames)) : null;
    return { name: t.name, generated, relaxed, simulation };
  });
  if (values.json) {
    printJson({
      model: dir,
      cvs: spec.cvs.map((c) => c.name),
      cond,
      units: 'rad for dihedrals and angles, nm for distances; energies kJ/mol',
      n: kept,
      requested: n,
      excluded: result.excluded,
      seed,
      imposition: result.imposition,
      restrictionError: finalErrors.length ? { max: Math.max(...finalErrors), median: median(finalErrors) } : null,
      energies: { generated: result.generated.energies, relaxed: result.relaxed?.energies ?? null },
      energySummary: { generated: summary(result.generated.energies), relaxed: summary(result.relaxed?.energies ?? null), simulation: summary(simEnergies) },
      relax: result.relaxed ? { ps: relaxPs, steps: result.relaxed.steps, dt: result.relaxed.dt, friction: result.relaxed.friction, spring: result.relaxed.spring, temperature: spec.temperature, integrator: scheme } : null,
      simulation: sim ? { halfWidth, frames: sim.frames.length } : null,
      torsions,
      warnings: result.warnings,
      backend: choice.backend,
      seconds: (performance.now() - began) / 1000,
      out,
    });
  } else if (out && kept > 0) console.log(`wrote ${kept} structures to ${out}${kept < n ? ` (${n - kept} of ${n} excluded as absurd)` : ''}`);
  return kept > 0 ? 0 : 1;
}
