/**
 * Umbrella restraints on atomic CVs: W = sum 0.5 k d^2 with d the minimum-image difference on
 * dihedrals; forces equal minus the numerical gradient of V_ff + W on alanine dipeptide (phi/psi
 * and a distance), and across the +-pi wrap of a dihedral.
 */
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { parsePrmtop } from '../../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../../src-main/engine/molecules/amber/inpcrd';
import { AmberForceField } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { parseAtomicCv, type AtomicCv } from '../../../src-main/engine/molecules/cv';
import type { ForceProvider } from '../../../src-main/engine/molecules/dynamics/langevin';
import { AtomicCvUmbrella, RestrainedForceProvider } from '../../../src-main/engine/molecules/umbrella-cv';

const dir = new URL('../../../resources/molecules/alanine-dipeptide/', import.meta.url);
const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', dir), 'utf8'), 'ala2.prmtop');
const start = parseInpcrd(readFileSync(new URL('ala2.inpcrd', dir), 'utf8'), 'ala2.inpcrd').positions;
const n = prm.topology.nAtoms;
const phi = parseAtomicCv('phi=dihedral(5,7,9,15)', { nAtoms: n });
const psi = parseAtomicCv('psi=dihedral(7,9,15,17)', { nAtoms: n });
const dist = parseAtomicCv('d=distance(5,17)', { nAtoms: n });

function displaced(seed: number, amplitude: number): Float64Array {
  const x = start.slice();
  let s = seed;
  for (let k = 0; k < x.length; k++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[k] += amplitude * (s / 2147483648 - 0.5);
  }
  return x;
}

/** max_k |F_k + dE/dx_k| by central differences. */
function worstForceError(provider: ForceProvider, x: Float64Array, h: number): { worst: number; forces: Float64Array } {
  const forces = new Float64Array(x.length);
  provider.compute(x, forces);
  const xp = x.slice();
  let worst = 0;
  for (let k = 0; k < x.length; k++) {
    xp[k] = x[k] + h;
    const ep = provider.compute(xp, null);
    xp[k] = x[k] - h;
    const em = provider.compute(xp, null);
    xp[k] = x[k];
    worst = Math.max(worst, Math.abs(forces[k] + (ep - em) / (2 * h)));
  }
  return { worst, forces };
}

test('restraint energy is 0.5 k d^2 and forces are minus the numerical gradient of V_ff + W', () => {
  const x = displaced(3, 0.04);
  const s = [phi.value(x), psi.value(x), dist.value(x)];
  // Centres 0.6 rad / 0.1 nm away, strong springs: the restraint force is hundreds of kJ/mol/nm.
  const centers = [s[0] + 0.6, s[1] - 0.6, s[2] + 0.1];
  const springs = [800, 500, 20000];
  const umbrella = new AtomicCvUmbrella({ cvs: [phi, psi, dist], centers, springs });
  const provider = new RestrainedForceProvider(new AmberForceField(prm), umbrella);
  const e = provider.compute(x, null);
  const wrap = (d: number) => d - 2 * Math.PI * Math.round(d / (2 * Math.PI));
  const expected = 0.5 * 800 * wrap(s[0] - centers[0]) ** 2 + 0.5 * 500 * wrap(s[1] - centers[1]) ** 2 + 0.5 * 20000 * 0.01;
  // Same arithmetic up to rounding of the wrapped differences: 1e-9 relative.
  expect(umbrella.bias).toBeCloseTo(expected, 9);
  expect(e).toBe(provider.forceFieldEnergy + umbrella.bias);

  // Central differences, h = 1e-6 nm: truncation ~h^2 f''' and round-off ~1e-16 |E| / h ~ 1e-8;
  // the restraint is smooth away from d = +-pi. 2e-4 kJ/mol/nm (as for the metad adapter) is far
  // below a chain-rule error (a wrong sign here is > 100 kJ/mol/nm).
  const { worst, forces } = worstForceError(provider, x, 1e-6);
  expect(worst).toBeLessThan(2e-4);
  const ff = new Float64Array(3 * n);
  new AmberForceField(prm).compute(x, ff);
  let restraintForce = 0;
  for (let k = 0; k < ff.length; k++) restraintForce = Math.max(restraintForce, Math.abs(forces[k] - ff[k]));
  expect(restraintForce).toBeGreaterThan(100);
});

/** Four atoms with dihedral `angle` (rad) about the z axis, bonds 0.15 nm. */
function dihedralAt(angle: number): Float64Array {
  return Float64Array.from([
    0.15, 0, -0.1,
    0, 0, 0,
    0, 0, 0.15,
    0.15 * Math.cos(angle), 0.15 * Math.sin(angle), 0.25,
  ]);
}
const zeroField: ForceProvider = {
  nAtoms: 4,
  compute(_x, forces) {
    forces?.fill(0);
    return 0;
  },
};

test('across the +-pi wrap the restraint pulls the short way round, forces still match', () => {
  const cv: AtomicCv = parseAtomicCv('t=dihedral(1,2,3,4)', { nAtoms: 4 });
  const deg = Math.PI / 180;
  // Sample at +179 deg, centre at -179 deg: the minimum-image deviation is -2 deg, not +358 deg.
  const x = dihedralAt(179 * deg);
  expect(Math.abs(Math.abs(cv.value(x)) - 179 * deg)).toBeLessThan(1e-12);
  const s = cv.value(x);
  const center = -Math.sign(s) * 179 * deg;
  const k = 1000;
  const umbrella = new AtomicCvUmbrella({ cvs: [cv], centers: [center], springs: [k] });
  const provider = new RestrainedForceProvider(zeroField, umbrella);
  provider.compute(x, null);
  expect(Math.abs(umbrella.deviation(0))).toBeCloseTo(2 * deg, 12);
  expect(umbrella.bias).toBeCloseTo(0.5 * k * (2 * deg) ** 2, 10);
  const { worst, forces } = worstForceError(provider, x, 1e-7);
  // |F| ~ k d / (0.15 nm) ~ 230 kJ/mol/nm; central differences with h = 1e-7 nm on a C-infinity
  // function of ~1 kJ/mol: truncation ~h^2 |W'''| < 1e-8, round-off ~1e-16 / h ~ 1e-9. The wrong
  // (long-way) deviation would give forces 179x larger in the opposite direction.
  expect(worst).toBeLessThan(1e-5);
  expect(Math.max(...Array.from(forces, Math.abs))).toBeGreaterThan(50);
  // The force rotates the last atom towards the centre: one small step lowers W.
  const step = x.slice();
  for (let i = 0; i < step.length; i++) step[i] += 1e-5 * forces[i];
  expect(provider.compute(step, null)).toBeLessThan(0.5 * k * (2 * deg) ** 2);

  // With the scale at 0 (start of the ramp) there is no restraint at all.
  umbrella.scale = 0;
  const f0 = new Float64Array(12);
  expect(provider.compute(x, f0)).toBe(0);
  expect(Array.from(f0).every((v) => v === 0)).toBe(true);
});

test('bad restraint input is refused with a message naming the problem', () => {
  expect(() => new AtomicCvUmbrella({ cvs: [phi], centers: [0, 1], springs: [1] })).toThrow(/one centre per CV/);
  expect(() => new AtomicCvUmbrella({ cvs: [phi], centers: [0], springs: [-1] })).toThrow(/spring of CV phi/);
  expect(() => new AtomicCvUmbrella({ cvs: [], centers: [], springs: [] })).toThrow(/at least one CV/);
});
