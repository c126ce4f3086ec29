/**
 * SHAKE and RATTLE on hand-built clusters of every size bonds to hydrogen make (a lone C-H, an
 * NH2, a CH3 and an NH4): lone constraints are solved in one step, clusters of three by Newton's
 * method, the others by Gauss-Seidel sweeps (constraints.ts). Whatever the method, the answer is
 * pinned down by what SHAKE means: every bond at its length, each hydrogen moved along its own
 * reference bond vector, and no net momentum (the moves are equal and opposite constraint forces).
 */
import { describe, expect, it } from 'vitest';
import { BondConstraints } from '../../../src-main/engine/molecules/dynamics/constraints';
import { BOLTZMANN_KJ_PER_MOL_K } from '../../../src-main/engine/molecules/dynamics/langevin';
import { Rng } from '../../../src-main/engine/random';

const H = 1.008;
/** Tetrahedral directions (unit vectors), turned off the axes (no two coordinates equal by symmetry). */
const TETRA = [[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]].map((u) => turn(u.map((c) => c / Math.sqrt(3))));

/** A fixed rotation: about z by 0.7 rad, then about x by 0.4 rad. */
function turn([x, y, z]: number[]): number[] {
  const [c, s, c2, s2] = [Math.cos(0.7), Math.sin(0.7), Math.cos(0.4), Math.sin(0.4)];
  const [x1, y1] = [c * x - s * y, s * x + c * y];
  return [x1, c2 * y1 - s2 * z, s2 * y1 + c2 * z];
}

/** Heavy atoms with nH hydrogens each, far apart: [heavy mass, bond length, hydrogens]. */
const GROUPS: [number, number, number][] = [[12.011, 0.109, 1], [14.007, 0.101, 2], [12.011, 0.109, 3], [14.007, 0.101, 4]];

function system(groups = GROUPS) {
  const masses: number[] = [];
  const positions: number[] = [];
  const pairs: number[] = [];
  const lengths: number[] = [];
  groups.forEach(([mass, d, nH], g) => {
    const heavy = masses.length;
    masses.push(mass);
    positions.push(0.5 * g, 0, 0);
    for (let h = 0; h < nH; h++) {
      pairs.push(heavy, masses.length);
      lengths.push(d);
      masses.push(H);
      positions.push(0.5 * g + d * TETRA[h][0], d * TETRA[h][1], d * TETRA[h][2]);
    }
  });
  const m = Float64Array.from(masses);
  return { masses: m, ref: Float64Array.from(positions), pairs: Int32Array.from(pairs), lengths: Float64Array.from(lengths), constraints: new BondConstraints(Int32Array.from(pairs), Float64Array.from(lengths), m) };
}

/** Thermal velocities at 300 K (nm/ps), seeded. */
function thermal(masses: Float64Array, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed, 0);
  const kT = BOLTZMANN_KJ_PER_MOL_K * 300;
  return Float64Array.from({ length: 3 * masses.length }, (_, k) => scale * Math.sqrt(kT / masses[Math.floor(k / 3)]) * rng.normal());
}

/** The positions after a drift of dt with thermal velocities made tangent to the bonds (RATTLE), as in dynamics. */
function drifted(s: ReturnType<typeof system>, seed: number, scale = 1, dt = 0.002): Float64Array {
  const v = thermal(s.masses, seed, scale);
  s.constraints.projectVelocities(s.ref, v);
  return s.ref.map((x, k) => x + dt * v[k]);
}

const sub = (x: Float64Array, a: number, b: number) => [0, 1, 2].map((c) => x[3 * a + c] - x[3 * b + c]);
const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
const norm = (u: number[]) => Math.sqrt(dot(u, u));
const cross = (u: number[], v: number[]) => [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];

/** Checks what defines the SHAKE answer; returns the largest relative bond-length error. */
function expectShakeSolution(s: ReturnType<typeof system>, before: Float64Array, after: Float64Array): number {
  let worst = 0;
  for (let c = 0; c < s.lengths.length; c++) {
    const [heavy, h] = [s.pairs[2 * c], s.pairs[2 * c + 1]];
    worst = Math.max(worst, Math.abs(norm(sub(after, heavy, h)) / s.lengths[c] - 1));
    // The hydrogen moved along its reference bond only (a constraint force along s).
    const move = [0, 1, 2].map((k) => after[3 * h + k] - before[3 * h + k]);
    const bond = sub(s.ref, heavy, h);
    // Rounding: positions of up to ~2 nm hold ~4e-16 nm.
    expect(norm(cross(move, bond))).toBeLessThanOrEqual(1e-12 * norm(move) * norm(bond) + 1e-15 * norm(bond));
  }
  // No net momentum: sum m (after - before) = 0 up to rounding of the moves.
  for (let k = 0; k < 3; k++) {
    let p = 0;
    let scale = 0;
    for (let a = 0; a < s.masses.length; a++) {
      p += s.masses[a] * (after[3 * a + k] - before[3 * a + k]);
      scale += s.masses[a] * Math.abs(after[3 * a + k] - before[3 * a + k]);
    }
    expect(Math.abs(p)).toBeLessThanOrEqual(1e-12 * scale + 1e-14);
  }
  return worst;
}

describe('SHAKE', () => {
  it('holds every bond of every cluster size after a thermal 2 fs drift, moves only along the reference bonds, no net momentum', () => {
    const s = system();
    for (let seed = 1; seed <= 20; seed++) {
      const before = drifted(s, seed);
      const after = before.slice();
      const looks = s.constraints.shakePositions(s.ref, after);
      // |r^2 - d^2| <= 2e-10 d^2 is |r - d| <= ~1e-10 d.
      expect(expectShakeSolution(s, before, after)).toBeLessThan(1.0000001e-10);
      // Newton's quadratic convergence on the CH3: ~1e-3, 1e-6, 1e-12, i.e. three looks at the
      // residuals; the sweeps of the NH4 and NH2 take more, but a handful.
      expect(looks).toBeGreaterThanOrEqual(2);
      expect(looks).toBeLessThan(12);
    }
  });

  it('solves a CH3 by Newton in three looks at the residuals (quadratic convergence: ~1e-3, 1e-6, 1e-12)', () => {
    const s = system([[12.011, 0.109, 3]]);
    const looks: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const before = drifted(s, seed);
      const after = before.slice();
      looks.push(s.constraints.shakePositions(s.ref, after));
      expect(expectShakeSolution(s, before, after)).toBeLessThan(1.0000001e-10);
    }
    // Measured: 3 for all 40. A rare fast drift (violation ~1e-2) needs a fourth: 1e-2, 2.5e-5,
    // ~1.6e-10 is at the tolerance. A Jacobian 10% off still converges, but linearly: mean 3.9.
    expect(Math.max(...looks)).toBeLessThanOrEqual(4);
    expect(looks.reduce((a, b) => a + b) / looks.length).toBeLessThan(3.3);
  });

  it('converges for a drift of 10 thermal velocities (bonds turned by ~15 degrees in one step)', () => {
    const s = system();
    const before = drifted(s, 3, 10);
    const after = before.slice();
    s.constraints.shakePositions(s.ref, after);
    expect(expectShakeSolution(s, before, after)).toBeLessThan(1.0000001e-10);
  });

  it('names the problem when a bond turned by more than 90 degrees', () => {
    const s = system();
    const x = s.ref.slice();
    // The CH3's first hydrogen (atom 5 after C-H, NH2: 0 1 | 2 3 4 | 5 6 7 8) flipped through its
    // carbon, and stretched so that the constraint needs solving.
    const carbon = 5;
    for (let k = 0; k < 3; k++) x[3 * (carbon + 1) + k] = s.ref[3 * carbon + k] - 1.05 * (s.ref[3 * (carbon + 1) + k] - s.ref[3 * carbon + k]);
    expect(() => s.constraints.shakePositions(s.ref, x)).toThrow(/rotated by more than 90 degrees.*reduce dt/);
  });
});

describe('RATTLE', () => {
  it('removes every velocity along a constrained bond, with constraint forces only (no net momentum, each hydrogen along its bond)', () => {
    const s = system();
    for (let seed = 1; seed <= 10; seed++) {
      const before = thermal(s.masses, seed);
      const v = before.slice();
      s.constraints.projectVelocities(s.ref, v);
      for (let c = 0; c < s.lengths.length; c++) {
        const [heavy, h] = [s.pairs[2 * c], s.pairs[2 * c + 1]];
        const bond = sub(s.ref, heavy, h);
        const relative = sub(v, heavy, h);
        // Against the thermal relative speed (~1.6 nm/ps): what is left is rounding.
        expect(Math.abs(dot(bond, relative))).toBeLessThan(1e-14 * norm(bond));
        const change = [0, 1, 2].map((k) => v[3 * h + k] - before[3 * h + k]);
        expect(norm(cross(change, bond))).toBeLessThanOrEqual(1e-12 * norm(change) * norm(bond) + 1e-15 * norm(bond));
      }
      for (let k = 0; k < 3; k++) {
        let p = 0;
        for (let a = 0; a < s.masses.length; a++) p += s.masses[a] * (v[3 * a + k] - before[3 * a + k]);
        expect(Math.abs(p)).toBeLessThan(1e-13);
      }
    }
  });
});
