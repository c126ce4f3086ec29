/**
 * The harmonic angle term's two paths (docs/md-speed.md): d = theta - theta0 from a polynomial
 * asin(sin d) for |sin d| < 0.3, acos/atan2 of theta elsewhere. Known answers: Math.asin, the
 * energy k (acos(u.v / |u||v|) - theta0)^2 summed in the test from the prmtop, and central finite
 * differences of that energy for the forces, on conformations whose angles fall in both paths.
 */
import { describe, expect, it } from 'vitest';
import { ASIN_SMALL_MAX2, AmberForceField, TERM_ANGLE, asinSmallTail } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { ala2Prmtop, fixtures, flat, readJson } from './helpers';
import { join } from 'node:path';

const prm = ala2Prmtop();
const ff = new AmberForceField(prm);
const ref = readJson<{ frames: { label: string; positions_nm: number[][] }[] }>(join(fixtures, 'ala2_amber99sb_energies.json'));
const minimized = flat(ref.frames.find((f) => f.label === 'minimized')!.positions_nm);

/** Sum of k (theta - theta0)^2 with theta by acos (well conditioned away from 0 and pi, as here). */
function angleEnergyByAcos(x: Float64Array): { energy: number; worstDeviation: number } {
  let energy = 0;
  let worstDeviation = 0;
  for (let g = 0; g < prm.angleK.length; g++) {
    const [i, j, k] = [prm.angleAtoms[3 * g], prm.angleAtoms[3 * g + 1], prm.angleAtoms[3 * g + 2]];
    const u = [0, 1, 2].map((c) => x[3 * i + c] - x[3 * j + c]);
    const v = [0, 1, 2].map((c) => x[3 * k + c] - x[3 * j + c]);
    const cos = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / Math.hypot(...u) / Math.hypot(...v);
    const d = Math.acos(cos) - prm.angleTheta0[g];
    worstDeviation = Math.max(worstDeviation, Math.abs(d));
    energy += prm.angleK[g] * d * d;
  }
  return { energy, worstDeviation };
}

/** The minimised structure with every coordinate moved by up to `amplitude` nm (fixed LCG). */
function distorted(amplitude: number, seed: number): Float64Array {
  let s = seed;
  return minimized.map((v) => {
    s = (s * 16807) % 2147483647;
    return v + amplitude * (2 * (s / 2147483647) - 1);
  });
}

describe('harmonic angles without acos', () => {
  it('asin(s) = s + s^3 tail(s^2) within 1 ulp of Math.asin for |s| <= 0.3', () => {
    let worst = 0;
    for (let k = -3000; k <= 3000; k++) {
      const s = (k / 3000) * Math.sqrt(ASIN_SMALL_MAX2);
      const ours = s + s * s * s * asinSmallTail(s * s);
      // Both are within half an ulp or so of the exact value; 1 ulp of |asin s| <= 0.305 is 5.6e-17.
      worst = Math.max(worst, Math.abs(ours - Math.asin(s)));
    }
    expect(worst).toBeLessThanOrEqual(5.6e-17);
  });

  it('energy and forces agree with acos and finite differences, angles near and far from theta0', () => {
    const forces = new Float64Array(minimized.length);
    // 0.004 nm keeps every angle within 17 degrees of theta0 (the polynomial path); 0.03 nm moves
    // some by more (the acos/atan2 path): the test checks that both paths occur.
    for (const [amplitude, seed] of [[0.004, 1], [0.004, 2], [0.03, 3], [0.03, 4]]) {
      const x = distorted(amplitude, seed);
      const e = ff.compute(x, forces, null, TERM_ANGLE);
      const byAcos = angleEnergyByAcos(x);
      if (amplitude > 0.01) expect(byAcos.worstDeviation).toBeGreaterThan(Math.asin(0.3));
      else expect(byAcos.worstDeviation).toBeLessThan(Math.asin(0.3));
      // acos of a rounded cosine: relative error ~1e-15 of theta for these well-conditioned angles.
      expect(Math.abs(e - byAcos.energy)).toBeLessThan(1e-11 * Math.max(1, byAcos.energy));
      // Central differences with h = 1e-6 nm: truncation ~h^2 E''' ~ 1e-7, rounding ~1e-16 E / h.
      const h = 1e-6;
      for (let k = 0; k < x.length; k++) {
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[k] += h;
        xm[k] -= h;
        const fd = -(ff.compute(xp, null, null, TERM_ANGLE) - ff.compute(xm, null, null, TERM_ANGLE)) / (2 * h);
        expect(Math.abs(forces[k] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});
