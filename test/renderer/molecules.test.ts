// Pure helpers of the renderer's molecule views (src-renderer/src/features/molecules/molecules.ts and the grid
// conversion of fesGrid.ts): base64 <-> float32, periodic angles, CV definition checks,
// Ramachandran names across the periodic wrap, FES-grid minima, nearest frame to a FES click.
import { describe, expect, it } from 'vitest';
import {
  basinLabel,
  bytesToBase64,
  cvDefinitionError,
  decodeFloat32,
  evenlySpaced,
  nearestRow,
  periodicDeltaDegrees,
  rowToFrame,
  wrapDegrees,
} from '../../src-renderer/src/features/molecules/molecules';
import { fesGrid, gridMinima } from '../../src-renderer/src/features/molecules/fesGrid';

describe('base64 float32', () => {
  it('decodes what Node encodes (little-endian float32, as the server sends positions)', () => {
    const values = new Float32Array([0.1, -2.5, 3.14159, 1e-7, 123456.75]);
    const b64 = Buffer.from(values.buffer).toString('base64');
    // Exact: the same 4-byte patterns come back.
    expect(Array.from(decodeFloat32(b64))).toEqual(Array.from(values));
  });
  it('encodes bytes in chunks exactly like Buffer (files larger than one chunk)', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7919) % 256);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });
  it('refuses a byte count that is not whole float32 values', () => {
    expect(() => decodeFloat32(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/float32/);
  });
});

describe('periodic angles', () => {
  it('wraps to [-180, 180)', () => {
    expect(wrapDegrees(180)).toBe(-180);
    expect(wrapDegrees(-180)).toBe(-180);
    expect(wrapDegrees(190)).toBe(-170);
    expect(wrapDegrees(-190)).toBe(170);
    expect(wrapDegrees(720 + 45)).toBe(45);
  });
  it('takes the short way round', () => {
    expect(periodicDeltaDegrees(179, -179)).toBe(-2);
    expect(periodicDeltaDegrees(-179, 179)).toBe(2);
  });
});

describe('CV definitions', () => {
  it('accepts phi/psi of alanine dipeptide (1-based atoms)', () => {
    expect(cvDefinitionError('phi=dihedral(5,7,9,15)', 22)).toBeNull();
    expect(cvDefinitionError('d = distance(1, 22)', 22)).toBeNull();
  });
  it('names what is wrong', () => {
    expect(cvDefinitionError('phi=dihedral(5,7,9)', 22)).toMatch(/4 atoms/);
    expect(cvDefinitionError('phi=dihedral(5,7,9,23)', 22)).toMatch(/atom 23/);
    expect(cvDefinitionError('x=torsion(1,2,3,4)', 22)).toMatch(/unknown CV kind/);
    expect(cvDefinitionError('phi=dihedral(0,7,9,15)', 22)).toMatch(/1-based/);
    expect(cvDefinitionError('a=angle(1,1,2)', 22)).toMatch(/different/);
  });
});

describe('Ramachandran names', () => {
  it('names points near the conformers, across the periodic wrap', () => {
    expect(basinLabel(-80, 70)).toBe('C7eq');
    expect(basinLabel(70, -70)).toBe('C7ax');
    // (178, -178) is 27 deg from C5's phi and 22 deg from its psi the short way round.
    expect(basinLabel(178, -178)).toBe('C5');
    expect(basinLabel(0, 180)).toBeNull();
  });
});

/** A 36 x 36 grid (10-degree nodes from -180) of two periodic wells: 0 at C7eq, 3 kJ/mol at C7ax. */
function twoWells() {
  const axis = Array.from({ length: 36 }, (_, k) => ((-180 + 10 * k) * Math.PI) / 180);
  const fes: number[] = [];
  for (const x of axis)
    for (const y of axis) {
      const d = (a: number, b: number, c: number, e: number) =>
        (periodicDeltaDegrees((a * 180) / Math.PI, c) / 10) ** 2 + (periodicDeltaDegrees((b * 180) / Math.PI, e) / 10) ** 2;
      fes.push(Math.min(d(x, y, -80, 70), d(x, y, 70, -70) + 3) + 5);
    }
  return fesGrid([axis, axis], fes, [true, true], ['phi', 'psi'])!;
}

describe('FES grids', () => {
  it('converts radian axes to degrees and shifts the minimum to 0', () => {
    const g = twoWells();
    expect(g.nx).toBe(36);
    expect(g.x[0]).toBeCloseTo(-180, 10); // round-off of rad -> deg only
    expect(g.x[35]).toBeCloseTo(170, 10);
    expect(Math.min(...g.values)).toBe(0);
  });
  it('finds both wells at their nodes with their exact depths and names', () => {
    const minima = gridMinima(twoWells());
    expect(minima).toHaveLength(2);
    expect(minima[0].label).toBe('C7eq');
    expect(minima[0].at[0]).toBeCloseTo(-80, 10);
    expect(minima[0].at[1]).toBeCloseTo(70, 10);
    expect(minima[0].value).toBeCloseTo(0, 12);
    expect(minima[1].label).toBe('C7ax');
    expect(minima[1].value).toBeCloseTo(3, 12);
  });
  it('keeps empty (null) bins out of the minima and rejects inconsistent shapes', () => {
    const g = fesGrid([[0, 1, 2], [0, 1]], [null, 1, 2, 0.5, 3, null], [false, false], ['a', 'b'])!;
    expect(g.values[0]).toBe(Infinity);
    expect(g.values[3]).toBe(0);
    expect(fesGrid([[0, 1], [0, 1]], [1, 2, 3], [false, false], ['a', 'b'])).toBeNull();
  });
});

describe('FES click -> trajectory frame', () => {
  it('picks the nearest CV row the short way round', () => {
    const rows = [
      [170, 0],
      [-175, 0],
      [0, 0],
    ];
    // From 179: row 0 is 9 deg away, row 1 only 6 (across +-180).
    expect(nearestRow(rows, 179, 0, [true, true])).toBe(1);
    expect(nearestRow(rows, 5, 3, [true, true])).toBe(2);
  });
  it('maps CV rows to frames when they are sampled differently', () => {
    expect(rowToFrame(7, 10, 10)).toBe(7);
    expect(rowToFrame(9, 10, 4)).toBe(3);
    expect(rowToFrame(0, 10, 4)).toBe(0);
  });
  it('spreads superposed frames over the whole run', () => {
    expect(evenlySpaced(1000, 5)).toEqual([0, 250, 500, 749, 999]);
    expect(evenlySpaced(3, 10)).toEqual([0, 1, 2]);
  });
});
