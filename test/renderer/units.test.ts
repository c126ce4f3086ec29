// The app's energy-unit choice (src-renderer/src/shared/units.ts). Exact arithmetic: 4.184 kJ per
// thermochemical kcal; kT 2.494339 kJ/mol at 300 K.
import { describe, expect, it } from 'vitest';
import { energyLabel, moleculeSource, shownEnergy, toEnergy, toySource } from '../../src-renderer/src/shared/units';

const mol = { unit: 'kJ/mol' as const, kT: 2.494339 };
const toy = { unit: 'energy' as const, kT: 5 };

describe('energy units', () => {
  it('converts molecular kJ/mol to kT, kJ/mol and kcal/mol', () => {
    expect(toEnergy(2.494339, mol, 'kT')).toBeCloseTo(1, 12);
    expect(toEnergy(4.184, mol, 'kcal/mol')).toBeCloseTo(1, 12);
    expect(toEnergy(4.184, mol, 'kJ/mol')).toBe(4.184);
    expect(energyLabel(mol, 'kcal/mol')).toBe('kcal/mol');
  });

  it('shows a toy system in kT or in the units of its potential', () => {
    expect(toEnergy(10, toy, 'kT')).toBe(2);
    expect(toEnergy(10, toy, 'kcal/mol')).toBe(10);
    expect(energyLabel(toy, 'kJ/mol')).toBe('V units');
    expect(toEnergy(null, toy, 'kT')).toBeNull();
  });
});

describe('energy units from a run', () => {
  // Hand-computed: R T = 0.00831446261815324 kJ/(mol K) x 300 K = 2.494338785 kJ/mol;
  // / 4.184 kJ/kcal = 0.596161277 kcal/mol. toBeCloseTo(., 6) checks to 5e-7, the digits given.
  it('1 kT at 300 K is 2.494339 kJ/mol and 0.596161 kcal/mol', () => {
    const src = moleculeSource(300);
    expect(src.kT).toBeCloseTo(2.494339, 6);
    expect(shownEnergy(src, 'kJ/mol').of(src.kT)).toBeCloseTo(2.494339, 6);
    expect(shownEnergy(src, 'kcal/mol').of(src.kT)).toBeCloseTo(0.596161, 6);
    expect(shownEnergy(src, 'kT').of(src.kT)).toBeCloseTo(1, 12);
    // 10 kJ/mol at 310 K: 10 / (0.00831446 x 310 = 2.577483) = 3.879753 kT.
    expect(shownEnergy(moleculeSource(310), 'kT').of(10)).toBeCloseTo(3.879753, 5);
  });

  it('a toy run with kT = 0.5 doubles in kT and keeps its own units otherwise', () => {
    const src = toySource(0.5);
    expect(shownEnergy(src, 'kT').of(1.5)).toBe(3);
    const kj = shownEnergy(src, 'kJ/mol');
    expect(kj.of(1.5)).toBe(1.5);
    expect(kj.label).toBe('V units');
    expect(kj.column).toBe('V_units');
    expect(shownEnergy(src, 'kT').of(null)).toBeNull();
  });

  it('names CSV columns after the unit', () => {
    expect(shownEnergy(moleculeSource(300), 'kJ/mol').column).toBe('kJ_per_mol');
    expect(shownEnergy(moleculeSource(300), 'kcal/mol').column).toBe('kcal_per_mol');
    expect(shownEnergy(toySource(1), 'kT').column).toBe('kT');
  });
});
