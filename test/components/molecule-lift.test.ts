// The molecular lift panel takes (phi, psi) in degrees and now reports angles back in degrees
// too: restriction errors and the other torsions used to come out in radians (issue 12).
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ModelRecord, MoleculeLiftOutput } from '../../src-main/api/contract';
import MoleculeLiftPanel from '../../src-renderer/src/features/models/molecular/MoleculeLiftPanel.svelte';
import { app } from '../../src-renderer/src/shared/app.svelte';
import { prefs } from '../../src-renderer/src/shared/prefs.svelte';
import { openInApp } from './fixtures';

const model = {
  id: 'm1',
  name: 'ala2',
  molecule: {
    moleculeId: 'mol1', moleculeName: 'alanine dipeptide', atoms: 22, temperature: 300, features: 'internal', modelled: 40, frozen: 12,
    cvs: [{ name: 'phi', definition: 'dihedral(5,7,9,15)', periodic: true }, { name: 'psi', definition: 'dihedral(7,9,15,17)', periodic: true }],
  },
} as unknown as ModelRecord;

const out: MoleculeLiftOutput = {
  modelId: 'm1', condNames: ['phi', 'psi'], cond: [-1, 2], n: 1, requested: 1, excluded: [], atoms: 22, positions: '',
  energies: { generated: [1], relaxed: null },
  restrictionErrors: { generated: [[Math.PI / 180 * 2, Math.PI / 180 * 4]], relaxed: null }, // 2° and 4°
  relax: null,
  imposition: ['exact', 'exact'],
  simulation: { halfWidth: 0.15, frames: 10, energies: [1] },
  torsions: [{ name: 'omega', generated: { mean: Math.PI, sd: Math.PI / 18 }, simulation: null }], // 180° ± 10°
  warnings: [], backend: 'cpu', seconds: 0.1, tensors: 0,
};

describe('MoleculeLiftPanel', () => {
  it('shows angular restriction errors and torsions in degrees', async () => {
    openInApp();
    const api = app.api as unknown as Record<string, unknown>;
    api.getMolecule = vi.fn(() => new Promise(() => {}));
    api.liftMolecule = vi.fn(async () => out);
    render(MoleculeLiftPanel, { model });
    await fireEvent.click(screen.getByTestId('mlift-run'));
    await vi.waitFor(() => expect(screen.getByTestId('mlift-restriction')).toBeTruthy());
    const table = screen.getByTestId('mlift-restriction').textContent ?? '';
    expect(table).toContain('2.000 °');
    expect(table).toContain('4.000 °');
    expect(document.body.textContent).toContain('180° ± 10°');
    expect(document.body.textContent).toMatch(/within ±8\.594°/);
  });

  // Energies arrive in kJ/mol at the training temperature (300 K): R T = 2.494339 kJ/mol is 1 kT
  // and 0.596161 kcal/mol. The panel used to show kJ/mol whatever the header's unit said.
  it('shows lifted energies in the header unit at the training temperature', async () => {
    openInApp();
    const api = app.api as unknown as Record<string, unknown>;
    api.getMolecule = vi.fn(() => new Promise(() => {}));
    api.liftMolecule = vi.fn(async () => ({ ...out, energies: { generated: [2.494339], relaxed: null }, simulation: { ...out.simulation, energies: [2 * 2.494339] } }));
    prefs.setEnergy('kT');
    render(MoleculeLiftPanel, { model });
    await fireEvent.click(screen.getByTestId('mlift-run'));
    await vi.waitFor(() => expect(screen.getByTestId('mlift-energy-medians')).toBeTruthy());
    const medians = () => screen.getByTestId('mlift-energy-medians').textContent ?? '';
    expect(medians()).toContain('generated (median 1.000');
    expect(medians()).toContain('simulated (median 2.000');
    expect(document.body.textContent).toContain('Potential energy (kT)');
    prefs.setEnergy('kcal/mol');
    await vi.waitFor(() => expect(medians()).toContain('generated (median 0.596'));
    expect(document.body.textContent).toContain('Potential energy (kcal/mol)');
    prefs.setEnergy('kT');
  });

  // A weak model: every lifted structure absurd. The panel says so instead of an empty viewer and tables.
  it('says so when every lifted structure was excluded as absurd', async () => {
    openInApp();
    const api = app.api as unknown as Record<string, unknown>;
    api.getMolecule = vi.fn(() => new Promise(() => {}));
    const warning = '2 of 2 lifted structure(s) excluded as absurd (2 a bond far from equilibrium; ...): no structure is left';
    api.liftMolecule = vi.fn(async () => ({
      ...out, n: 0, requested: 2, positions: '', energies: { generated: [], relaxed: null }, restrictionErrors: { generated: [], relaxed: null },
      excluded: [0, 1].map((index) => ({ index, stage: 'generated', reason: 'bond 5-7 is 0.300 nm' })), warnings: [warning],
    }));
    render(MoleculeLiftPanel, { model });
    await fireEvent.click(screen.getByTestId('mlift-run'));
    await vi.waitFor(() => expect(screen.getByTestId('mlift-none')).toBeTruthy());
    expect(screen.getByTestId('mlift-none').textContent).toContain('all 2 lifted structures were absurd');
    expect(document.body.textContent).toContain(warning);
    expect(screen.queryByTestId('mlift-restriction')).toBeNull();
  });
});
