// FES <-> structure linking panel (issue 12, 3D parts): a region drawn on a free-energy figure lists
// exactly the frames whose CV rows lie in it (constructed data, known answer), "Play only these"
// makes them the playlist, ticked frames become the selection drawn on the figure.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import FrameLinkPanel from '../../src-renderer/src/features/viewer/FrameLinkPanel.svelte';
import type { Region, RegionAxis } from '../../src-renderer/src/features/regions/regions';

const psiAxis: RegionAxis[] = [{ name: 'psi', min: -180, max: 180, periodic: true, factor: Math.PI / 180, unit: '°' }];
// 10 CV rows for 20 frames (every other frame has a row): row r is frame 2r.
const psi = [-170, -100, -20, 10, 60, 100, 150, 175, -179, 30];
const points = psi.map((v) => [v]);
const base = {
  axes: psiAxis,
  points,
  rowToFrame: (r: number) => 2 * r,
  frameToRow: (f: number) => Math.min(points.length - 1, Math.round(f / 2)),
  times: psi.map((_, r) => r * 0.5),
  frameCount: 20,
};

describe('FrameLinkPanel', () => {
  it('without regions it says how to draw one', () => {
    render(FrameLinkPanel, { ...base, regions: [], testid: 'fl' });
    expect(screen.getByTestId('fl').textContent).toMatch(/Drag a box/);
  });

  it('lists the frames of the newest region; a wrapping interval takes both sides of ±180°', async () => {
    const regions: Region[] = [
      { name: 'A', kind: 'interval', min: 0, max: 100 },
      { name: 'B', kind: 'interval', min: 160, max: -160 },
    ];
    render(FrameLinkPanel, { ...base, regions, testid: 'fl' });
    const count = screen.getByTestId('fl-count');
    // B wraps: psi 175 (row 7 -> frame 14), -179 (row 8 -> frame 16), -170 (row 0 -> frame 0).
    expect(JSON.parse(count.dataset.frames!)).toEqual([0, 14, 16]);
    expect(count.textContent).toBe('3 of 20 frames');
    await fireEvent.change(screen.getByTestId('fl-region'), { target: { value: 'A' } });
    await tick();
    // A: psi 10, 60, 100, 30 -> rows 3, 4, 5, 9 -> frames 6, 8, 10, 18.
    expect(JSON.parse(screen.getByTestId('fl-count').dataset.frames!)).toEqual([6, 8, 10, 18]);
    const items = screen.getByTestId('fl-list').querySelectorAll('li');
    expect([...items].map((li) => li.dataset.frame)).toEqual(['6', '8', '10', '18']);
    expect(items[0].textContent).toContain('psi 10.0°');
    expect(items[0].textContent).toContain('1.5 ps');
  });

  it('ticking frames selects them; Play only these toggles the playlist', async () => {
    const regions: Region[] = [{ name: 'A', kind: 'interval', min: 0, max: 100 }];
    render(FrameLinkPanel, { ...base, regions, testid: 'fl' });
    const marks = screen.getAllByTestId('fl-mark');
    await fireEvent.click(marks[2]);
    await fireEvent.click(marks[0]);
    await tick();
    expect(JSON.parse(screen.getByTestId('fl-selected').dataset.selected!)).toEqual([6, 10]);
    const play = screen.getByTestId('fl-play');
    expect(play.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(play);
    await tick();
    expect(play.getAttribute('aria-pressed')).toBe('true');
    expect(play.textContent).toBe('Play all frames');
    await fireEvent.click(screen.getByTestId('fl-clear'));
    await tick();
    expect(JSON.parse(screen.getByTestId('fl-selected').dataset.selected!)).toEqual([]);
  });
});
