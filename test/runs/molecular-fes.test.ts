/** Histogram FES, basin free energies and Ramachandran labels of molecular runs (known answers). */
import { expect, test } from 'vitest';
import { fesBasins, histogramFes, labelRamachandran } from '../../src-main/runs/molecular/fes';

const rad = (d: number) => (d * Math.PI) / 180;

test('labels by nearest reference conformer within 45 degrees, wrapping on the torus', () => {
  expect(labelRamachandran(rad(-80), rad(70))).toBe('C7eq');
  expect(labelRamachandran(rad(-150), rad(160))).toBe('C5');
  expect(labelRamachandran(rad(179), rad(-179))).toBe('C5'); // 31 and 21 degrees across the wrap
  expect(labelRamachandran(rad(70), rad(-70))).toBe('C7ax');
  expect(labelRamachandran(rad(-65), rad(-40))).toBe('alphaR');
  expect(labelRamachandran(rad(0), rad(180))).toBeNull();
});

test('two-state histogram: basin free energy difference is -kT ln(N1/N2)', () => {
  // 300 samples near (-80, 70) degrees and 100 near (-150, 160): Delta F = kT ln 3 exactly,
  // since every sample of a cluster lands in that cluster's basin.
  const rows: number[] = [];
  for (let k = 0; k < 300; k++) rows.push(0, rad(-80 + (k % 5)), rad(70 + (k % 3)), 0);
  for (let k = 0; k < 100; k++) rows.push(0, rad(-150 + (k % 4)), rad(160 - (k % 2)), 0);
  const kT = 2.5;
  const g = histogramFes(Float64Array.from(rows), 4, [1, 2], [true, true], kT);
  expect(g.axes.map((a) => a.length)).toEqual([60, 60]);
  const basins = fesBasins(g, ['phi', 'psi'], kT);
  expect(basins.length).toBe(2);
  const byLabel = Object.fromEntries(basins.map((b) => [b.label, b.freeEnergy]));
  expect(byLabel.C7eq).toBe(0);
  // Floating-point sums of exp only: 1e-12 kJ/mol.
  expect(byLabel.C5).toBeCloseTo(kT * Math.log(3), 12);
  // Names other than phi/psi get no labels.
  expect(fesBasins(g, ['a', 'b'], kT).every((b) => b.label === undefined)).toBe(true);
});
