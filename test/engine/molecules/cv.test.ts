/**
 * Atomic CVs: values against MDTraj on a DCD (scripts/reference/mdtraj_formats.py), analytic
 * gradients against central finite differences, the definition parser and its messages.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDcd, framePositions } from '../../../src-main/engine/molecules/formats';
import {
  angleCv, createAtomicCv, dihedralCv, distanceCv, parseAtomicCv, parseCvDefinition, periodicDifference, type AtomicCv,
} from '../../../src-main/engine/molecules/cv';
import { Rng } from '../../../src-main/engine/random';

const dir = join(import.meta.dirname, '../../fixtures/molecules/formats');
const ref = JSON.parse(readFileSync(join(dir, 'ala2_mdtraj_reference.json'), 'utf8'));
const dcd = parseDcd(new Uint8Array(readFileSync(join(dir, 'ala2_mdtraj.dcd'))), 'ala2_mdtraj.dcd');

/** Angle difference wrapped to (-pi, pi]: phi = pi and phi = -pi are the same angle. */
const wrapped = (a: number, b: number) => Math.abs(periodicDifference(a - b, { min: -Math.PI, max: Math.PI }));

describe('atomic CVs agree with MDTraj on the DCD frames', () => {
  // MDTraj computes in float32 (relative rounding 6e-8 on coordinates ~1 nm and on its
  // intermediate products); for bond lengths ~0.1-0.5 nm that gives errors ~1e-6 rad and
  // ~1e-7 nm. We compute in double from the same float32 coordinates, so 1e-5 rad / 1e-6 nm
  // bound MDTraj's own rounding with a 10x margin while catching any convention error (sign,
  // atom order, degrees), which would show up as >= 1e-2.
  it('phi and psi (IUPAC sign, range (-pi, pi])', () => {
    expect(ref.phi_atoms).toEqual([[4, 6, 8, 14]]);
    expect(ref.psi_atoms).toEqual([[6, 8, 14, 16]]);
    let worst = 0;
    for (let f = 0; f < dcd.nFrames; f++) {
      const x = framePositions(dcd, f);
      const phi = dihedralCv(x, 4, 6, 8, 14);
      const psi = dihedralCv(x, 6, 8, 14, 16);
      expect(phi).toBeGreaterThan(-Math.PI);
      expect(phi).toBeLessThanOrEqual(Math.PI);
      worst = Math.max(worst, wrapped(phi, ref.phi[f][0]), wrapped(psi, ref.psi[f][0]));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('distances, angles and other dihedrals', () => {
    for (let f = 0; f < dcd.nFrames; f++) {
      const x = framePositions(dcd, f);
      (ref.distance_pairs as number[][]).forEach(([i, j], k) => expect(Math.abs(distanceCv(x, i, j) - ref.distances[f][k])).toBeLessThan(1e-6));
      (ref.angle_triples as number[][]).forEach(([i, j, l], k) => expect(Math.abs(angleCv(x, i, j, l) - ref.angles[f][k])).toBeLessThan(1e-5));
      (ref.dihedral_quads as number[][]).forEach(([i, j, k2, l], k) => expect(wrapped(dihedralCv(x, i, j, k2, l), ref.dihedrals[f][k])).toBeLessThan(1e-5));
    }
  });

  it('the grid frames span all four quadrants (the test sees both signs of phi and psi)', () => {
    const phis = (ref.phi as number[][]).map((r) => r[0]);
    const psis = (ref.psi as number[][]).map((r) => r[0]);
    expect(Math.min(...phis)).toBeLessThan(-1);
    expect(Math.max(...phis)).toBeGreaterThan(1);
    expect(Math.min(...psis)).toBeLessThan(-1);
    expect(Math.max(...psis)).toBeGreaterThan(1);
  });
});

/**
 * Central differences with h = 1e-5 nm: truncation error h^2 f'''/6 with f''' ~ 1/r^3 ~ 1e3 nm^-3
 * for r ~ 0.1 nm is ~2e-8; rounding eps*|f|/h ~ 3e-11. Gradients here are O(1-10) per nm, so 1e-6
 * absolute is 100x above both errors and far below any wrong term (which would be O(1)).
 */
function checkGradient(cv: AtomicCv, x: Float64Array, tol = 1e-6): void {
  const grad = new Float64Array(x.length);
  const v = cv.valueAndGradient(x, grad, 1);
  expect(v).toBeCloseTo(cv.value(x), 14);
  const h = 1e-5;
  const y = Float64Array.from(x);
  for (let k = 0; k < x.length; k++) {
    y[k] = x[k] + h;
    const plus = cv.value(y);
    y[k] = x[k] - h;
    const minus = cv.value(y);
    y[k] = x[k];
    const numeric = cv.periodic ? periodicDifference(plus - minus, cv.periodic) / (2 * h) : (plus - minus) / (2 * h);
    expect(Math.abs(grad[k] - numeric), `coordinate ${k}: analytic ${grad[k]} numeric ${numeric}`).toBeLessThan(tol);
  }
}

describe('analytic gradients equal central finite differences', () => {
  const rng = new Rng(7);
  const frames = [0, 1, 5, 22, 27, 29];
  const specs = [
    { kind: 'distance', atoms: [4, 16] },
    { kind: 'angle', atoms: [4, 6, 8] },
    { kind: 'dihedral', atoms: [4, 6, 8, 14] },
    { kind: 'dihedral', atoms: [6, 8, 14, 16] },
    { kind: 'dihedral', atoms: [10, 8, 14, 15] },
  ] as const;
  for (const spec of specs) {
    it(`${spec.kind}(${spec.atoms.join(',')})`, () => {
      const cv = createAtomicCv('c', spec as never, 22);
      for (const f of frames) {
        // Perturb so no geometry is special (frame 0 is planar with phi = psi = pi exactly).
        const x = Float64Array.from(framePositions(dcd, f), (v) => v + 0.01 * rng.normal());
        checkGradient(cv, x);
      }
    });
  }

  it('dihedral gradient is finite and correct at phi = +-pi and near 0', () => {
    const cv = createAtomicCv('phi', { kind: 'dihedral', atoms: [0, 1, 2, 3] }, 4);
    for (const phi of [Math.PI - 1e-3, -Math.PI + 1e-3, 1e-3, -1e-3, 0.5]) {
      const x = Float64Array.of(0.1 * Math.cos(phi), 0.1 * Math.sin(phi), 0, 0, 0, 0, 0, 0, 0.15, 0.1, 0, 0.15);
      // j at the origin, k on +z, l along +x, i at angle phi in the xy plane. Looking along j->k
      // (towards +z) the turn from j-i to k-l is clockwise for phi < 0, so IUPAC gives -phi.
      expect(wrapped(cv.value(x), -phi)).toBeLessThan(1e-12);
      checkGradient(cv, x);
    }
  });

  it('RMSD and linear combinations (with periodic terms)', () => {
    const reference = Array.from(framePositions(dcd, 1).subarray(0, 10 * 3));
    const rmsd = createAtomicCv('r', { kind: 'rmsd', atoms: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], reference }, 22);
    const combo = createAtomicCv('s', {
      kind: 'combination', terms: [
        { coefficient: 0.7, cv: { kind: 'dihedral', atoms: [4, 6, 8, 14] } },
        { coefficient: -1.3, cv: { kind: 'distance', atoms: [0, 21] } },
        { coefficient: 2, cv: { kind: 'rmsd', atoms: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], reference } },
      ],
    }, 22);
    expect(combo.units).toBe('mixed');
    expect(combo.periodic).toBeNull();
    for (const f of [3, 12, 25]) {
      const x = Float64Array.from(framePositions(dcd, f), (v) => v + 0.01 * rng.normal());
      checkGradient(rmsd, x);
      checkGradient(combo, x);
    }
  });

  it('valueAndGradient adds scale * gradient to what is already there', () => {
    const cv = createAtomicCv('d', { kind: 'distance', atoms: [0, 1] }, 2);
    const grad = Float64Array.of(1, 1, 1, 1, 1, 1);
    cv.valueAndGradient(Float64Array.of(0, 0, 0, 0.3, 0.4, 0), grad, 2);
    expect(Array.from(grad)).toEqual([1 - 1.2, 1 - 1.6, 1, 1 + 1.2, 1 + 1.6, 1].map((v) => expect.closeTo(v, 14)));
  });
});

describe('CV definition strings (1-based atoms)', () => {
  it('parses the kinds and converts to 0-based', () => {
    expect(parseCvDefinition('phi=dihedral(5,7,9,15)', { nAtoms: 22 })).toEqual({ name: 'phi', spec: { kind: 'dihedral', atoms: [4, 6, 8, 14] } });
    expect(parseCvDefinition('psi = torsion( 7, 9,15,17 )', { nAtoms: 22 }).spec).toEqual({ kind: 'dihedral', atoms: [6, 8, 14, 16] });
    expect(parseCvDefinition('d=distance(1,22)', { nAtoms: 22 }).spec).toEqual({ kind: 'distance', atoms: [0, 21] });
    expect(parseCvDefinition('a=angle(5,7,9)', { nAtoms: 22 }).spec).toEqual({ kind: 'angle', atoms: [4, 6, 8] });
    const combo = parseCvDefinition('s=0.5*distance(1,2)-distance(3,4)+2e-1*angle(1,2,3)', { nAtoms: 22 }).spec;
    expect(combo).toEqual({ kind: 'combination', terms: [
      { coefficient: 0.5, cv: { kind: 'distance', atoms: [0, 1] } },
      { coefficient: -1, cv: { kind: 'distance', atoms: [2, 3] } },
      { coefficient: 0.2, cv: { kind: 'angle', atoms: [0, 1, 2] } },
    ] });
    const reference = Float64Array.from({ length: 66 }, (_, k) => k);
    const r = parseCvDefinition('r=rmsd(1-3,5)', { nAtoms: 22, reference }).spec;
    expect(r).toEqual({ kind: 'rmsd', atoms: [0, 1, 2, 4], reference: [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14] });
  });

  it('carries periodicity and units', () => {
    const phi = parseAtomicCv('phi=dihedral(5,7,9,15)', { nAtoms: 22 });
    expect(phi.periodic).toEqual({ min: -Math.PI, max: Math.PI });
    expect(phi.units).toBe('rad');
    expect(Array.from(phi.atoms)).toEqual([4, 6, 8, 14]);
    const d = parseAtomicCv('d=distance(1,2)', { nAtoms: 22 });
    expect([d.periodic, d.units]).toEqual([null, 'nm']);
  });

  it('explains what is wrong', () => {
    const err = (text: string, nAtoms = 22) => {
      try {
        parseCvDefinition(text, { nAtoms });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('phi=dihedral(5,7,9,23)')).toBe('cv "phi=dihedral(5,7,9,23)": atom 23 does not exist (molecule has 22 atoms)');
    expect(err('phi=dihedral(0,7,9,15)')).toContain('atom 0 does not exist (molecule has 22 atoms)');
    expect(err('phi=dihedral(5,7,9)')).toContain('dihedral needs 4 atoms, got 3');
    expect(err('phi=dihedral(5,7,7,9)')).toContain('atoms must be distinct');
    expect(err('dihedral(5,7,9,15)')).toContain('expected NAME=KIND(ATOMS)');
    expect(err('x=foo(1,2)')).toContain('unknown CV kind "foo"');
    expect(err('x=distance(1,b)')).toContain('"b" is not an atom number');
    expect(err('x=rmsd(1-5)')).toContain('rmsd needs a reference structure');
    expect(err('x=distance(1,2) distance(3,4)')).toContain("expected '+' or '-'");
    expect(err('1x=distance(1,2)')).toContain('is not a valid name');
  });
});

describe('periodicDifference', () => {
  it('wraps into [-period/2, period/2)', () => {
    const p = { min: -Math.PI, max: Math.PI };
    expect(periodicDifference(2 * Math.PI - 0.1, p)).toBeCloseTo(-0.1, 14);
    expect(periodicDifference(-2 * Math.PI + 0.1, p)).toBeCloseTo(0.1, 14);
    expect(periodicDifference(0.3, null)).toBe(0.3);
  });
});
