/**
 * The atomic-CV metadynamics adapter: forces equal minus the numerical gradient of
 * V_ff(x) + V_bias(s(x)) on alanine dipeptide with phi/psi hills, hills land at s(x) with
 * well-tempered heights, and periodic dihedral axes wrap across -pi/pi.
 */
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { parsePrmtop } from '../../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../../src-main/engine/molecules/amber/inpcrd';
import { AmberForceField } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { parseAtomicCv } from '../../../src-main/engine/molecules/cv';
import { AtomicCvMetad, BiasedForceProvider } from '../../../src-main/engine/molecules/metad-cv';

const dir = new URL('../../../resources/molecules/alanine-dipeptide/', import.meta.url);
const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', dir), 'utf8'), 'ala2.prmtop');
const start = parseInpcrd(readFileSync(new URL('ala2.inpcrd', dir), 'utf8'), 'ala2.inpcrd').positions;
const n = prm.topology.nAtoms;
const phi = parseAtomicCv('phi=dihedral(5,7,9,15)', { nAtoms: n });
const psi = parseAtomicCv('psi=dihedral(7,9,15,17)', { nAtoms: n });

function makeBias(): AtomicCvMetad {
  return new AtomicCvMetad({
    cvs: [phi, psi], sigma: [0.35, 0.35], height: 5, pace: 1, biasFactor: 6, kT: 2.494,
    grid: { min: [], max: [], bins: [72, 72] }, timeStep: 0.002,
  });
}

/** A deterministic perturbation of the start structure (so phi/psi move off +-pi). */
function displaced(seed: number, amplitude: number): Float64Array {
  const x = start.slice();
  let s = seed;
  for (let k = 0; k < x.length; k++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[k] += amplitude * (s / 2147483648 - 0.5);
  }
  return x;
}

test('forces are minus the numerical gradient of V_ff + V_bias(s(x))', () => {
  const bias = makeBias();
  const provider = new BiasedForceProvider(new AmberForceField(prm), bias);
  const forces = new Float64Array(3 * n);
  // Hills at a few nearby structures, so the bias has slope where we differentiate.
  for (let k = 0; k < 6; k++) {
    bias.depositAtStep = k + 1;
    provider.compute(displaced(k + 1, 0.06), forces);
  }
  expect(bias.metad.hillCount).toBe(6);
  const x = displaced(99, 0.04);
  const e0 = provider.compute(x, forces);
  expect(bias.bias).toBeGreaterThan(1); // the point sits under the hills
  const ffForces = new Float64Array(3 * n);
  new AmberForceField(prm).compute(x, ffForces);
  let biasForceMax = 0;
  for (let k = 0; k < forces.length; k++) biasForceMax = Math.max(biasForceMax, Math.abs(forces[k] - ffForces[k]));
  expect(biasForceMax).toBeGreaterThan(5); // the bias contributes a real force (kJ/mol/nm)
  // Central differences with h = 1e-6 nm: truncation ~h^2 * f''' (< 1e-6 here) and round-off
  // ~1e-16 * |E| / h ~ 1e-8; the Hermite bias is C1 with a second-derivative jump at grid nodes,
  // which adds at most h * jump ~ 1e-6 * 1e3. 2e-4 kJ/mol/nm is well above all of these and far
  // below any error in the chain rule (a wrong sign or a missing ds/dx is > 1 kJ/mol/nm here).
  const h = 1e-6;
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
  expect(worst).toBeLessThan(2e-4);
  expect(provider.compute(x, null)).toBe(e0);
});

test('a hill is deposited at s(x) with the well-tempered height, and dihedral axes wrap', () => {
  const bias = makeBias();
  const provider = new BiasedForceProvider(new AmberForceField(prm), bias);
  const x = displaced(5, 0.05);
  const s = [phi.value(x), psi.value(x)];
  provider.compute(x, null);
  expect(bias.bias).toBe(0);
  bias.depositAtStep = 10;
  provider.compute(x, null);
  // The grid interpolates the Gaussian's peak to O(h^4) of the height (h = sigma/4.2 here): 1e-3 kJ/mol.
  expect(bias.bias).toBeCloseTo(5, 3);
  // Second hill at the same point: height 5 exp(-V / (kT (gamma - 1))).
  const v1 = bias.bias;
  bias.depositAtStep = 20;
  provider.compute(x, null);
  expect(bias.bias - v1).toBeCloseTo(5 * Math.exp(-v1 / (2.494 * 5)), 3);
  expect(Array.from(bias.s)).toEqual(s);

  // Periodicity: a hill at phi = pi - 0.05 is felt at phi = -pi + 0.05 as at pi - 0.15 (distance 0.1).
  const b2 = makeBias();
  b2.metad.addHill(0, [Math.PI - 0.05, 0], [0.35, 0.35], 1);
  const across = b2.metad.biasAtCv(-Math.PI + 0.05, 0);
  const same = b2.metad.biasAtCv(Math.PI - 0.15, 0);
  // Both read the grid at different offsets from its nodes: each within the O(h^4) interpolation
  // error (~1e-5 of the height) of the Gaussian; without wrapping `across` would be ~0.
  expect(across).toBeCloseTo(Math.exp(-0.5 * (0.1 / 0.35) ** 2), 4);
  expect(across).toBeCloseTo(same, 4);
});
