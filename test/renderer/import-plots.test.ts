// Imported results' figures (features/imports/importPlots.ts): the points and cells drawn and the CSV
// exported keep empty WHAM bins empty (not 0) and put the energy unit in the header.
import { describe, expect, it } from 'vitest';
import { fesCsv, profilePoints, surfaceCells } from '../../src-renderer/src/features/imports/importPlots';
import type { ImportedFes } from '../../src-main/api/contract';

const fes1: ImportedFes = { axes: [{ name: 'x', min: 0, max: 3, bins: 3, periodic: false }], centers: [[0.5, 1.5, 2.5]], values: [1, null, 0], energyUnit: 'kT' };
const fes2: ImportedFes = {
  axes: [{ name: 'phi', min: -1, max: 1, bins: 2, periodic: true }, { name: 'psi', min: -1, max: 1, bins: 3, periodic: true }],
  centers: [[-0.5, 0.5], [-0.5, 0, 0.5]],
  values: [0, 1, 2, 3, 4, null],
  energyUnit: 'kJ/mol',
};

describe('imported FES figures', () => {
  it('a profile leaves empty bins out', () => {
    expect(profilePoints(fes1)).toEqual([{ x: 0.5, y: 1 }, { x: 2.5, y: 0 }]);
  });
  it('a surface reads values[i * ny + j] at (x_i, y_j)', () => {
    expect(surfaceCells(fes2).map((c) => [c.x, c.y, c.v])).toEqual([[-0.5, -0.5, 0], [-0.5, 0, 1], [-0.5, 0.5, 2], [0.5, -0.5, 3], [0.5, 0, 4]]);
  });
  it('the CSV names the unit and writes an empty bin as an empty field', () => {
    expect(fesCsv(fes1, 'kT')).toBe('x,F (kT)\n0.5,1\n1.5,\n2.5,0\n');
    expect(fesCsv(fes2, 'kJ/mol').split('\n').slice(0, 2)).toEqual(['phi,psi,F (kJ/mol)', '-0.5,-0.5,0']);
    expect(fesCsv(fes2, 'kJ/mol').trim().split('\n').at(-1)).toBe('0.5,0.5,');
  });
});
