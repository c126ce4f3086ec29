/** Watershed basins on known grids: 1D/2D, periodic neighbours, persistence merging, rim minima. */
import { describe, expect, it } from 'vitest';
import { findBasins } from '../../src-main/engine/estimators/basins';
import { regionFreeEnergies } from '../../src-main/engine/estimators/bootstrap';

describe('findBasins', () => {
  it('splits a 1D double well at the barrier and gives -kT ln of basin probability ratios', () => {
    const n = 81;
    const x = Float64Array.from({ length: n }, (_, i) => -2 + (4 * i) / (n - 1));
    const F = x.map((v) => (v * v - 1) ** 2 + 0.3 * v); // tilted: right well higher
    const { labels, basins } = findBasins({ values: F, nx: n, ny: 1 });
    expect(basins).toHaveLength(2);
    expect(x[basins[0].minimumBin]).toBeLessThan(0);
    // Every bin left of the barrier maximum belongs to basin 0, right of it to basin 1.
    let top = 20;
    for (let i = 20; i < 60; i++) if (F[i] > F[top]) top = i;
    for (let i = 0; i < n; i++) if (i !== top) expect(labels[i]).toBe(i < top ? 0 : 1);
    // Probabilities exp(-F) summed per basin: exactly the hand-computed ratio.
    const p = F.map((f) => Math.exp(-f));
    const fe = regionFreeEnergies(p, labels, 2, 1, 0);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) (labels[i] === 0 ? (a += p[i]) : (b += p[i]));
    expect(fe[1]).toBeCloseTo(-Math.log(b / a), 12);
    expect(basins[0].depth).toBeCloseTo(F[top] - F[basins[0].minimumBin], 12);
  });

  it('merges shallow noise minima by persistence and keeps deep ones', () => {
    const F = Float64Array.from([5, 1, 2, 1.8, 2.5, 0, 3]); // minima at 1 (depth 0.8 via 2), 3 (depth 0.2), 5
    expect(findBasins({ values: F, nx: 7, ny: 1 }).basins).toHaveLength(3);
    const merged = findBasins({ values: F, nx: 7, ny: 1 }, { minDepth: 0.5 });
    expect(merged.basins.map((b) => b.minimumBin)).toEqual([5, 1]);
    expect(merged.labels[3]).toBe(merged.labels[1]); // 1.8 drains over the 2.0 saddle into the 1.0 basin
    expect(findBasins({ values: F, nx: 7, ny: 1 }, { minDepth: 2 }).basins).toHaveLength(1);
  });

  it('joins basins across a periodic edge and treats empty bins as walls', () => {
    // 2D, 4 x 6 grid, y periodic: a single valley along iy = 0 and iy = 5 (adjacent through the edge).
    const nx = 4;
    const ny = 6;
    const F = new Float64Array(nx * ny);
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) F[i * ny + j] = Math.cos(((j + 0.5) * 2 * Math.PI) / ny) * -1 + 0.01 * i;
    // Minimum of -cos at j + 0.5 = 0 or 6: bins 0 and 5 are equally low; periodic => one basin.
    expect(findBasins({ values: F, nx, ny, periodicY: true }, { edgeMinima: true }).basins).toHaveLength(1);
    // Without periodicity bins 0 and 5 are far apart: two basins (kept with edgeMinima).
    expect(findBasins({ values: F, nx, ny, periodicY: false }, { edgeMinima: true }).basins).toHaveLength(2);
    // An empty column splits a 1D valley; NaN bins get label -1.
    const G = Float64Array.from([0, 1, NaN, 1, 0.5]);
    const r = findBasins({ values: G, nx: 5, ny: 1 }, { edgeMinima: true });
    expect(r.basins).toHaveLength(2);
    expect(r.labels[2]).toBe(-1);
  });

  it('merges a spurious minimum on the rim of the data by default', () => {
    const F = Float64Array.from([0.5, 0.9, 1.5, 0.6, 0, 0.7, 2]);
    expect(findBasins({ values: F, nx: 7, ny: 1 }, { edgeMinima: true }).basins).toHaveLength(2);
    expect(findBasins({ values: F, nx: 7, ny: 1 }).basins).toHaveLength(1);
  });

  it('rejects a grid of the wrong size', () => {
    expect(() => findBasins({ values: new Float64Array(5), nx: 2, ny: 2 })).toThrow(/nx \* ny/);
  });
});
