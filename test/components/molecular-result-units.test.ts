// The molecular run result follows the header's energy unit (issue 12): basin free energies,
// the surface's legend and its CSV were fixed to kJ/mol. Energies arrive in kJ/mol at the run's
// temperature, so 1 kT at 300 K = R T = 2.494339 kJ/mol = 0.596161 kcal/mol.
import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { MolecularResult, MolecularRunRecord } from '../../src-renderer/src/features/molecules/moleculesApi';
import MolecularRunResult from '../../src-renderer/src/features/molecules/MolecularRunResult.svelte';
import { app } from '../../src-renderer/src/shared/app.svelte';
import { prefs } from '../../src-renderer/src/shared/prefs.svelte';
import { fesCsv, fesGrid } from '../../src-renderer/src/features/molecules/fesGrid';
import { moleculeSource, shownEnergy } from '../../src-renderer/src/shared/units';
import { openInApp } from './fixtures';

// jsdom has no 2D canvas; Plot's raster (the surface heatmap) and ramp legend paint one.
HTMLCanvasElement.prototype.getContext = (() => ({
  fillRect() {},
  putImageData() {},
  drawImage() {},
  createImageData: (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4), width: w, height: h }),
  fillStyle: '',
})) as never;
HTMLCanvasElement.prototype.toDataURL = () => '';

const KT300 = 2.494338785; // kJ/mol, R x 300 K
const axis = [-Math.PI, -Math.PI / 3, Math.PI / 3];
const result = {
  runId: 'run-m1', cvNames: ['phi', 'psi'], cvPeriodic: [true, true], times: [], cvValues: [], energies: [],
  fes: { cvNames: ['phi', 'psi'], axes: [axis, axis], fes: [0, 1, 2, 3, 4, 5, 6, 7, 2 * KT300], source: 'metad' },
  basins: [
    { id: 0, label: 'C7eq', minimum: [-Math.PI, -Math.PI], freeEnergy: 0 },
    { id: 1, label: 'C7ax', minimum: [Math.PI / 3, Math.PI / 3], freeEnergy: KT300, error: KT300 / 10 },
  ],
  frames: 0, temperature: 300,
  files: { trajectory: 't.dcd', colvar: 'COLVAR', cv: 'cv.npy', energies: 'e.csv' },
} as unknown as MolecularResult;
const run = { id: 'run-m1', name: 'ala', kind: 'molecular', status: 'completed' } as unknown as MolecularRunRecord;

describe('MolecularRunResult energy units', () => {
  it('shows basin ΔF in kT, kJ/mol or kcal/mol at the run temperature', async () => {
    openInApp();
    (app.api as unknown as Record<string, unknown>).getMolecularResult = vi.fn(async () => result);
    prefs.setEnergy('kT');
    render(MolecularRunResult, { run, loaded: { view: { atoms: [], bonds: [] } } as never });
    await vi.waitFor(() => expect(screen.getAllByTestId('molrun-basin-df')).toHaveLength(2));
    const cells = () => screen.getAllByTestId('molrun-basin-df').map((c) => c.textContent);
    expect(cells()).toEqual(['0.00', '1.00 ± 0.10']);
    expect(screen.getByTestId('molrun-basins').textContent).toContain('ΔF (kT)');

    prefs.setEnergy('kcal/mol');
    await tick();
    expect(cells()).toEqual(['0.00', '0.60 ± 0.06']); // 0.596161 kcal/mol
    expect(screen.getByTestId('molrun-basins').textContent).toContain('ΔF (kcal/mol)');

    prefs.setEnergy('kJ/mol');
    await tick();
    expect(cells()).toEqual(['0.00', '2.49 ± 0.25']);
    prefs.setEnergy('kT');
  });

  it('exports the surface in the unit shown, named in the header', () => {
    const g = fesGrid(result.fes!.axes, result.fes!.fes, [true, true], ['phi', 'psi'], shownEnergy(moleculeSource(300), 'kcal/mol'))!;
    const lines = fesCsv(g).trim().split('\n');
    expect(lines[0]).toBe('phi,psi,free_energy_kcal_per_mol');
    // Last node: 2 kT at 300 K = 4.988678 kJ/mol = 1.192323 kcal/mol.
    expect(Number(lines[9].split(',')[2])).toBeCloseTo(1.192323, 5);
    expect(g.unit).toBe('kcal/mol');
  });
});
