// The metadynamics result follows the header's energy unit (issue 12): read-outs, figures and
// CSVs were fixed to kT (hill heights in unlabelled "energy"). A toy run has no temperature, so
// the choices are kT or the potential's own units of V.
import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { MetadResult, MetadRunRecord } from '../../src-main/api/contract';
import MetadResultPanel from '../../src-renderer/src/features/metad/MetadResultPanel.svelte';
import { app } from '../../src-renderer/src/shared/app.svelte';
import { prefs } from '../../src-renderer/src/shared/prefs.svelte';
import { compareToExact, fesCsv, hillsCsv, inKT } from '../../src-renderer/src/features/metad/metad';
import { ktUnit, toySource } from '../../src-renderer/src/shared/units';
import { openInApp } from './fixtures';

// kT = 2 units of V. In kT: est [0, 1, 3], exact [0, 1, 2]; all three below the 4 kT cut, so
// shift = 1/3 and the residuals are -1/3, -1/3, 2/3: RMS = sqrt(6/27) = 0.471405 kT = 0.942809 V units.
const result: MetadResult = {
  runId: 'run-md', cvNames: ['x'], kT: 2, biasFactor: 4, axes: [[-1, 0, 1]], fes: [0, 2, 6], exact: [0, 2, 4],
  hills: 2, hillHeights: { time: [0, 1], height: [0.4, 0.2] }, reweighted: [],
  files: { hills: 'HILLS', colvar: 'COLVAR', fes: 'fes.npy' },
};
const run = { id: 'run-md', name: 'md', kind: 'metad', status: 'completed', params: { height: 0.4 } } as unknown as MetadRunRecord;

describe('MetadResultPanel energy units', () => {
  it('reports the RMS against the exact profile in kT or in units of V', async () => {
    openInApp();
    (app.api as unknown as Record<string, unknown>).getMetadResult = vi.fn(async () => result);
    prefs.setEnergy('kT');
    render(MetadResultPanel, { run });
    await vi.waitFor(() => expect(screen.getByTestId('md-rms')).toBeTruthy());
    const rms = () => screen.getByTestId('md-rms').textContent ?? '';
    expect(rms()).toMatch(/ kT$/);
    expect(parseFloat(rms())).toBeCloseTo(0.4714, 3);
    prefs.setEnergy('kcal/mol');
    await tick();
    expect(rms()).toMatch(/ V units$/);
    expect(parseFloat(rms())).toBeCloseTo(0.9428, 3);
    prefs.setEnergy('kT');
  });

  it('writes FES and hill-height CSVs in the unit shown', () => {
    const cmp = compareToExact(inKT(result.fes, 2), result.exact!.map((v) => v / 2), 4)!;
    const v = ktUnit(toySource(2), 'kJ/mol');
    const lines = fesCsv(result, cmp, v).trim().split('\n');
    expect(lines[0]).toContain('free energies in V units');
    expect(lines[2]).toBe('x,fes_V_units,exact_V_units,exact_shifted_V_units');
    expect(lines[5]).toBe('1,6,4,4.666666666666667');
    const hills = hillsCsv(result, ktUnit(toySource(2), 'kT')).trim().split('\n');
    expect(hills[1]).toBe('time,height_kT');
    expect(hills[2]).toBe('0,0.2');
  });
});
