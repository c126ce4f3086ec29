/**
 * Measures what the default length of the restrained Langevin relaxation of lifted structures
 * (engine/generative/molecular-lift.ts) rests on, for alanine dipeptide at 300 K:
 *  1. the integrated autocorrelation time tau = (g - 1) / 2 * (sampling interval) of the
 *     force-field energy in the restrained ensemble at (phi, psi), from a long restrained run;
 *  2. the decay of the mean energy of lifted structures (model DIR) along the relaxation,
 *     against that ensemble's mean: the time after which the excess is below 1 kJ/mol.
 *
 *   npx tsx scripts/molecules/relax-decorrelation.ts --model DIR --phi -1.4 --psi 1.2 --friction 5
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parsePrmtop } from '../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../src-main/engine/molecules/amber/inpcrd';
import { AmberForceField } from '../../src-main/engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../src-main/engine/molecules/dynamics/constraints';
import { parseAtomicCv } from '../../src-main/engine/molecules/cv';
import { relaxWithRestrainedLangevin } from '../../src-main/engine/molecules/restrained-langevin';
import { statisticalInefficiency } from '../../src-main/engine/estimators/autocorr';
import { buildZMatrix, fromInternal, toInternal } from '../../src-main/engine/generative/molecular-features';
import { imposeTorsions, torsionRotors } from '../../src-main/engine/generative/impose-torsions';
import { liftMolecularStructures } from '../../src-main/engine/generative/molecular-lift';
import { loadModelFolder } from '../../src-main/store/model-folder';
import { readMolecularModelSpec } from '../../src-main/store/molecular-model';
import { initTensorflowBackend } from '../../src-main/store/tf-backend';

const { values } = parseArgs({ options: { model: { type: 'string' }, phi: { type: 'string' }, psi: { type: 'string' }, friction: { type: 'string' }, n: { type: 'string' } } });
const dir = new URL('../../resources/molecules/alanine-dipeptide/', import.meta.url);
const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', dir), 'utf8'));
const x0 = parseInpcrd(readFileSync(new URL('ala2.inpcrd', dir), 'utf8')).positions;
const ff = new AmberForceField(prm);
const cvs = ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'].map((d) => parseAtomicCv(d, { nAtoms: 22, reference: x0 }));
const target = [Number(values.phi ?? -1.4), Number(values.psi ?? 1.2)];
const friction = Number(values.friction ?? 5);
const dt = 0.002;
const base = { forceField: ff, masses: prm.topology.masses, constraints: BondConstraints.hydrogenBonds(prm), cvs, targets: target, spring: 5000, temperature: 300, friction, dt };

// 1. Equilibrium: 20 ps in, then 400 ps with the energy every step.
// Start at the target: rotate about N-CA and CA-C in internal coordinates (impose-torsions.ts).
const zm = buildZMatrix(22, prm.topology.bonds, prm.topology.atomNames, [[4, 6, 8, 14], [6, 8, 14, 16]]);
const internal = toInternal(zm, x0);
imposeTorsions(internal, 60, torsionRotors(zm, prm.topology.bonds), target);
const x = fromInternal(zm, internal);
relaxWithRestrainedLangevin(x, { ...base, steps: 10_000, seed: 1 });
const { trace } = relaxWithRestrainedLangevin(x, { ...base, steps: 200_000, seed: 2, traceEvery: 1 });
const mean = trace.reduce((s, v) => s + v, 0) / trace.length;
const g = statisticalInefficiency(trace);
console.log(`friction ${friction}/ps at (${target}): restrained equilibrium energy mean ${mean.toFixed(2)} kJ/mol, g ${g.toFixed(1)} steps -> tau_int ${(((g - 1) / 2) * dt).toFixed(3)} ps`);

// 2. Relaxation of lifted structures: the mean energy along the run.
if (values.model) {
  await initTensorflowBackend();
  const folder = readMolecularModelSpec(values.model)!;
  const model = await loadModelFolder(values.model);
  const n = Number(values.n ?? 40);
  const lifted = liftMolecularStructures(model, { zmatrix: folder.spec.zmatrix, targets: folder.spec.targets, cvs, bonds: prm.topology.bonds, forceField: ff, masses: prm.topology.masses, constraints: base.constraints, temperature: 300 }, { cond: target, n, seed: 7, relax: null });
  const every = 5;
  const steps = 2500;
  const sum = new Float64Array(steps / every);
  for (let i = 0; i < n; i++) {
    const y = lifted.positions.slice(i * 66, (i + 1) * 66);
    const r = relaxWithRestrainedLangevin(y, { ...base, steps, seed: 3, stream: i, traceEvery: every });
    r.trace.forEach((e, k) => (sum[k] += e / n));
  }
  const gen = lifted.generated.energies.reduce((s, v) => s + v, 0) / n;
  console.log(`lifted mean energy ${gen.toFixed(1)} kJ/mol at t = 0`);
  for (const t of [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5]) {
    const k = Math.round(t / (every * dt)) - 1;
    if (k < sum.length) console.log(`  t = ${t} ps: mean ${sum[k].toFixed(1)} kJ/mol (excess ${(sum[k] - mean).toFixed(1)})`);
  }
  model.dispose();
}
