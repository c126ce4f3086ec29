// The app's energy-unit choice (src-renderer/src/lib/units.ts). Exact arithmetic: 4.184 kJ per
// thermochemical kcal; kT 2.494339 kJ/mol at 300 K.
import { describe, expect, it } from 'vitest';
import { energyLabel, toEnergy } from '../../src-renderer/src/lib/units';

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
