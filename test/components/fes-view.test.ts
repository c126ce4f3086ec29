// The Free energy view offers only umbrella runs, and points every other completed run to the
// view that shows its result (a metadynamics run used to fail there with an internal message
// and leave the previous run's plots on screen; issue 12).
import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { FesResult, RunRecord } from '../../src-main/api/contract';
import { prefs } from '../../src-renderer/src/shared/prefs.svelte';
import { shownEnergy, toySource } from '../../src-renderer/src/shared/units';
import { fesInUnit } from '../../src-renderer/src/features/fes/fesUnits';
import { basinsCsv, pmfCsv } from '../../src-renderer/src/features/fes/fes';
import FesView from '../../src-renderer/src/features/fes/FesView.svelte';
import { app } from '../../src-renderer/src/shared/app.svelte';
import { openInApp, projectWith, umbrellaRun } from './fixtures';

const metadRun = { id: 'run-md', name: 'md-1', kind: 'metad', status: 'completed', created: '2026-01-01T00:00:00.000Z', progress: 1 } as unknown as RunRecord;

describe('FesView', () => {
  it('does not offer a metadynamics run and links to its result instead', async () => {
    openInApp(projectWith([metadRun]));
    app.view = 'fes';
    render(FesView);
    expect(screen.queryByTestId('fes-run')).toBeNull();
    expect(screen.getByText(/No completed umbrella runs yet/)).toBeTruthy();
    const link = screen.getByTestId('result-link');
    expect(link.textContent).toMatch(/Metadynamics/);
    await fireEvent.click(link);
    expect(app.view).toBe('metad');
    expect(app.metadRunId).toBe('run-md');
  });
});

// A toy run at kT = 0.5: the API's energies are in the units of V, so ΔF = 1.5 V units is 3 kT.
// The view used to print the raw 1.5 under "ΔF / kT" (and name CSV columns _kT) whatever kT was.
const fesAtHalfKT = {
  runId: 'run-u1', dims: 1, estimator: 'wham', cvName: 'x', kT: 0.5,
  centers: [-1, 0, 1], pmf: [0, 1, 0.5], windowCenters: [-1, 0, 1], windowFreeEnergies: [0, 0.8, 0.4],
  histograms: [[5, 1, 0], [1, 5, 1], [0, 1, 5]], overlap: [[1, 0.2, 0], [0.2, 1, 0.2], [0, 0.2, 1]],
  iterations: 10, converged: true, tolerance: 1e-7, warnings: [],
  basins: [{ id: 0, minimum: [-1], freeEnergy: 0, error: null }, { id: 1, minimum: [1], freeEnergy: 1.5, error: 0.25 }],
  basinLabels: [0, 0, 1],
} as unknown as FesResult;

// jsdom has no 2D canvas; Plot's colour-ramp legend (window histograms) paints one.
HTMLCanvasElement.prototype.getContext = (() => ({ fillRect() {}, fillStyle: '' })) as never;
HTMLCanvasElement.prototype.toDataURL = () => '';

describe('FesView energy units', () => {
  it('shows basin free energies in kT of the run, or in the units of V', async () => {
    openInApp(projectWith([umbrellaRun()]));
    const api = app.api as unknown as Record<string, unknown>;
    api.getFes = vi.fn(async () => fesAtHalfKT);
    prefs.setEnergy('kT');
    app.fesRunId = 'run-u1';
    app.view = 'fes';
    render(FesView);
    await vi.waitFor(() => expect(screen.getAllByTestId('basin-df')).toHaveLength(2));
    expect(screen.getAllByTestId('basin-df')[1].textContent).toBe('3');
    expect(screen.getByTestId('basins-table').textContent).toContain('ΔF (kT)');
    expect(screen.getByTestId('fes-unit').textContent).toBe('kT');

    // kJ/mol has no meaning without a temperature: a toy system is then shown in its own units.
    prefs.setEnergy('kJ/mol');
    await tick();
    expect(screen.getAllByTestId('basin-df')[1].textContent).toBe('1.5');
    expect(screen.getByTestId('basins-table').textContent).toContain('ΔF (V units)');
    prefs.setEnergy('kT');
  });

  it('exports CSV columns named after the unit shown', () => {
    const u = shownEnergy(toySource(0.5), 'kT');
    const csv = basinsCsv(fesInUnit(fesAtHalfKT, u), u.column);
    expect(csv.split('\n')[0]).toBe('basin,min_x,free_energy_kT,error_kT,exact_kT');
    expect(csv.split('\n')[2]).toBe('B,1,3,0.5,');
    const pmf = pmfCsv(fesInUnit(fesAtHalfKT, shownEnergy(toySource(0.5), 'kcal/mol')), null, 'V_units');
    expect(pmf.split('\n')[0]).toBe('bin_centre,pmf_V_units,exact_V_units,samples');
    expect(pmf.split('\n')[2]).toBe('0,1,,7');
  });
});
