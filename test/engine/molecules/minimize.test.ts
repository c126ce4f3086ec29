/**
 * L-BFGS minimiser: a closed-form quadratic, and alanine dipeptide from the PDB start reaching
 * the local minimum OpenMM's LocalEnergyMinimizer found from the same start.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { minimizeEnergy } from '../../../src-main/engine/molecules/minimize';
import { AmberForceField } from '../../../src-main/engine/molecules/forcefield/amber-forcefield';
import { ala2Prmtop, fixtures, flat, readJson } from './helpers';

describe('L-BFGS minimisation', () => {
  it('an anisotropic quadratic: exact minimum', () => {
    // E = sum_k c_k (x_k - k/10)^2 with stiffnesses over 4 decades; minimum at x_k = k/10, E = 0.
    const n = 30;
    const c = Float64Array.from({ length: n }, (_, k) => 10 ** (k % 5) * 0.1);
    const fn = {
      compute(x: Float64Array, f: Float64Array | null) {
        let e = 0;
        for (let k = 0; k < n; k++) {
          const d = x[k] - k / 10;
          e += c[k] * d * d;
          if (f) f[k] = -2 * c[k] * d;
        }
        return e;
      },
    };
    const x = new Float64Array(n).fill(1);
    const r = minimizeEnergy(fn, x, { tolerance: 1e-8, maxDisplacement: 10 });
    expect(r.converged).toBe(true);
    x.forEach((v, k) => expect(Math.abs(v - k / 10)).toBeLessThan(1e-8 / (2 * c[k]) + 1e-12));
  });

  it('alanine dipeptide: a stationary point below the start, the minimum OpenMM finds', () => {
    const ref = readJson<{ frames: { label: string; positions_nm: number[][]; potential_energy: number }[] }>(join(fixtures, 'ala2_amber99sb_energies.json'));
    const start = ref.frames.find((f) => f.label === 'pdb_start')!;
    const openmm = ref.frames.find((f) => f.label === 'minimized')!;
    const ff = new AmberForceField(ala2Prmtop());
    const x = flat(start.positions_nm);
    const r = minimizeEnergy(ff, x, { tolerance: 1e-3 });
    expect(r.converged).toBe(true);
    const forces = new Float64Array(x.length);
    const e = ff.compute(x, forces);
    expect(e).toBe(r.energy);
    expect(Math.max(...forces.map(Math.abs))).toBeLessThanOrEqual(1e-3);
    expect(e).toBeLessThan(r.initialEnergy - 30);
    // OpenMM stopped at max force 0.1 kJ/mol/nm, i.e. at most ~F^2/(2 k_soft) ~ 1e-3 kJ/mol above the
    // true minimum for the softest modes (~5 kJ/mol/nm^2): same basin <=> energies within 0.01.
    expect(e).toBeLessThanOrEqual(openmm.potential_energy + 1e-6);
    expect(Math.abs(e - openmm.potential_energy)).toBeLessThan(0.01);
  });
});
