// The regions table (RegionEditor): Clear all asks before removing and can be undone; new
// regions are named R1, R2, ... so they never read as the basin labels A, B (issue 12).
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import RegionEditor from '../../src-renderer/src/features/regions/RegionEditor.svelte';
import { RegionSet } from '../../src-renderer/src/features/regions/regionsStore.svelte';
import type { RegionAxis } from '../../src-renderer/src/features/regions/regions';

const X: RegionAxis = { name: 'x', min: -2, max: 2, periodic: false };

function setup() {
  const set = new RegionSet(`test-${Math.random()}`);
  set.set([
    { name: 'R1', kind: 'interval', min: -1.5, max: -0.3 },
    { name: 'R2', kind: 'interval', min: 0.3, max: 1.5 },
  ]);
  render(RegionEditor, { set, axes: [X], compute: async () => { throw new Error('not called'); }, testid: 'rg' });
  return set;
}

describe('RegionEditor', () => {
  it('Clear all asks first; Keep keeps the regions', async () => {
    const set = setup();
    await fireEvent.click(screen.getByTestId('rg-clear'));
    expect(set.regions.length).toBe(2);
    await fireEvent.click(screen.getByTestId('rg-clear-keep'));
    expect(set.regions.length).toBe(2);
  });

  it('Remove clears them and Undo brings them back', async () => {
    const set = setup();
    await fireEvent.click(screen.getByTestId('rg-clear'));
    await fireEvent.click(screen.getByTestId('rg-clear-confirm'));
    expect(set.regions.length).toBe(0);
    await fireEvent.click(screen.getByTestId('rg-undo'));
    expect(set.regions.map((r) => r.name)).toEqual(['R1', 'R2']);
  });

  it('shows a metadynamics ΔF in the app unit (kT by default), not "energy"', async () => {
    const set = setup();
    set.result = {
      runId: 'r', source: 'metad-grid', dims: 1, cvNames: ['x'], axes: [{ min: -2, max: 2, periodic: false }],
      kT: 5, energyUnit: 'energy',
      regions: [
        { name: 'R1', probability: 0.7, freeEnergy: 0, freeEnergyFromLowest: 0, error: null, samples: null, bins: 10 },
        { name: 'R2', probability: 0.3, freeEnergy: 5, freeEnergyFromLowest: 5, error: 0.5, samples: null, bins: 10 },
      ],
      differences: [{ from: 'R1', to: 'R2', deltaF: 5, error: 0.5 }],
      errorMethod: 'none', warnings: [],
    };
    set.resultFor = JSON.stringify(set.regions);
    await Promise.resolve();
    expect(screen.getByRole('columnheader', { name: 'ΔF (kT)' })).toBeTruthy();
    expect(screen.getAllByTestId('rg-df')[1].textContent).toBe('1'); // 5 energy units / kT 5
  });

  it('suggests the next free R-name for a new region', () => {
    setup();
    expect((screen.getByTestId('rg-new-name') as HTMLInputElement).placeholder).toBe('R3');
  });
});
