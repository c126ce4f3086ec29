/**
 * Writes an alanine dipeptide trajectory (AMBER ff99SB, vacuum, 300 K) as DCD: L-BFGS minimisation
 * of resources/molecules/alanine-dipeptide, then BAOAB Langevin (friction 1/ps, 2 fs, bonds to H
 * constrained) with a frame every `--every` steps. Used to make test/fixtures/molecules/ala2-300K.dcd
 * (see its README for the exact command) and the lifting measurements of docs/molecular-lifting.md.
 *
 *   npx tsx scripts/molecules/ala2-trajectory.ts --steps 50000 --every 50 --seed 1 --out ala2.dcd
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parsePrmtop } from '../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../src-main/engine/molecules/amber/inpcrd';
import { AmberForceField } from '../../src-main/engine/molecules/forcefield/amber-forcefield';
import { LangevinDynamics } from '../../src-main/engine/molecules/dynamics/langevin';
import { BondConstraints } from '../../src-main/engine/molecules/dynamics/constraints';
import { minimizeEnergy } from '../../src-main/engine/molecules/minimize';
import { encodeDcd } from '../../src-main/engine/molecules/formats/dcd';

const { values } = parseArgs({ options: { steps: { type: 'string' }, every: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, equilibrate: { type: 'string' } } });
const dir = new URL('../../resources/molecules/alanine-dipeptide/', import.meta.url);
const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', dir), 'utf8'));
const positions = parseInpcrd(readFileSync(new URL('ala2.inpcrd', dir), 'utf8')).positions;
const ff = new AmberForceField(prm);
minimizeEnergy(ff, positions, { tolerance: 1, maxIterations: 5000 });
const steps = Number(values.steps ?? 50000);
const every = Number(values.every ?? 50);
const md = new LangevinDynamics({ forceField: ff, masses: prm.topology.masses, positions, temperature: 300, friction: 1, dt: 0.002, seed: Number(values.seed ?? 1), constraints: BondConstraints.hydrogenBonds(prm) });
md.run(Number(values.equilibrate ?? 5000));
const n = prm.topology.nAtoms;
const frames = new Float64Array((steps / every) * 3 * n);
const began = performance.now();
for (let f = 0; f < steps / every; f++) {
  md.run(every);
  frames.set(md.positions, f * 3 * n);
}
console.error(`${steps} steps in ${((performance.now() - began) / 1000).toFixed(1)} s`);
writeFileSync(values.out ?? 'ala2.dcd', encodeDcd({ nAtoms: n, nFrames: steps / every, positions: frames, cells: null }, { timestepPs: 0.002, nsavc: every, titles: ['Liftwell scripts/molecules/ala2-trajectory.ts', `ala2 ff99SB vacuum 300 K, friction 1/ps, 2 fs, hbonds, seed ${values.seed ?? 1}`] }));
