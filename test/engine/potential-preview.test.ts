/**
 * The System view's potential preview (engine/systems/preview.ts, API previewPotential): the grid
 * holds exactly the system's own energy at its nodes, spans the engine's domain, and its minima
 * and barrier are those of the closed forms.
 */
import { describe, expect, it } from 'vitest';
import { createSystem, defaultSystemSpec } from '../../src-main/engine/systems';
import { gridMinima, potentialGrid } from '../../src-main/engine/systems/preview';
import { previewPotential } from '../../src-main/api/system-preview';

describe('potentialGrid', () => {
  it('double well a(x^2-1)^2: nodes carry V exactly, minima at x = +-1 (V = 0), barrier = a', () => {
    for (const a of [0.5, 3, 7.25]) {
      const system = createSystem({ kind: 'double-well', a });
      // 101 nodes over [-2, 2]: spacing 0.04, so -1, 0 and 1 are nodes and the closed form is met exactly.
      const g = potentialGrid(system, 101);
      expect(g.xs[0]).toBe(system.domain[0][0]);
      expect(g.xs[100]).toBe(system.domain[0][1]);
      expect(g.ys).toBeNull();
      for (const i of [0, 13, 50, 77, 100]) expect(g.values[i]).toBe(system.energy(Float64Array.of(g.xs[i])));
      expect(g.minima.map((m) => m.at[0]).sort((p, q) => p - q)).toEqual([-1, 1].map((v) => expect.closeTo(v, 12)));
      for (const m of g.minima) expect(m.energy).toBeCloseTo(0, 12);
      // Between the wells the top is x = 0, V(0) = a; relative error of float sums of 0.04 steps only.
      expect(g.barrier).toBeCloseTo(a, 10);
      expect(g.min).toBeCloseTo(0, 12);
    }
  });

  it('Muller-Brown: the three known minima, lowest first, within one grid spacing', () => {
    const system = createSystem(defaultSystemSpec('muller-brown'));
    const g = potentialGrid(system, 201);
    const ny = g.ys!.length;
    // Spot checks: x slowest, y fastest.
    for (const [i, j] of [[0, 0], [57, 140], [200, 200]]) {
      expect(g.values[i * ny + j]).toBe(system.energy(Float64Array.of(g.xs[i], g.ys![j])));
    }
    const known = [
      { at: [-0.558, 1.442], energy: -146.7 },
      { at: [0.623, 0.028], energy: -108.17 },
      { at: [-0.05, 0.467], energy: -80.77 },
    ];
    const hx = (system.domain[0][1] - system.domain[0][0]) / 200;
    const hy = (system.domain[1][1] - system.domain[1][0]) / 200;
    for (let k = 0; k < 3; k++) {
      const m = g.minima[k];
      expect(Math.abs(m.at[0] - known[k].at[0])).toBeLessThanOrEqual(hx);
      expect(Math.abs(m.at[1] - known[k].at[1])).toBeLessThanOrEqual(hy);
      // A grid node is never below the true minimum (published to 0.01), and within a grid
      // spacing of it V rises by at most curvature * h^2 / 2 (< 0.5 here).
      expect(m.energy).toBeGreaterThanOrEqual(known[k].energy - 0.01);
      expect(m.energy).toBeLessThan(known[k].energy + 0.5);
    }
    expect(g.barrier).toBeNull();
    expect(g.slice).toEqual([]);
  });

  it('a 3D system is shown over its first two coordinates, the third held at its domain centre', () => {
    const system = createSystem(defaultSystemSpec('fast-slow-multi'));
    const g = potentialGrid(system, 21);
    expect(system.dim).toBeGreaterThan(2);
    const [lo, hi] = system.domain[2];
    expect(g.slice).toEqual([{ name: system.coordinateNames[2], value: (lo + hi) / 2 }]);
    const x = new Float64Array(system.dim).map((_, k) => (system.domain[k][0] + system.domain[k][1]) / 2);
    x[0] = g.xs[4];
    x[1] = g.ys![9];
    expect(g.values[4 * 21 + 9]).toBe(system.energy(x));
  });

  it('a typed expression: non-finite V is null and not a minimum', () => {
    const g = potentialGrid(createSystem({ kind: 'expression', expression: 'log(x)', dim: 1 }), 11);
    expect(g.values.some((v) => v === null)).toBe(true);
    expect(g.minima.every((m) => Number.isFinite(m.energy) && m.at[0] > 0)).toBe(true);
  });

  it('gridMinima: a flat plateau is no minimum, an edge well is', () => {
    expect(gridMinima([0, 1, 2], null, [1, 1, 1])).toEqual([]);
    expect(gridMinima([0, 1, 2], null, [0, 1, 2])).toEqual([{ at: [0], energy: 0 }]);
    // A valley floor along y (V = x^2 on a 3 x 3 grid): one minimum, at its first node.
    expect(gridMinima([-1, 0, 1], [0, 1, 2], [1, 1, 1, 0, 0, 0, 1, 1, 1])).toEqual([{ at: [0, 0], energy: 0 }]);
    // Two separate wells of equal depth stay two.
    expect(gridMinima([0, 1, 2, 3, 4], null, [1, 0, 1, 0, 1])).toEqual([{ at: [1], energy: 0 }, { at: [3], energy: 0 }]);
  });
});

describe('previewPotential (API)', () => {
  it('refuses a bad spec with the addSystem words, and a 2D grid over the limit naming points', () => {
    expect(() => previewPotential({ spec: { kind: 'double-well', a: -1 } as never, points: 11 })).toThrow(/spec\.double-well\.a must be >/);
    expect(() => previewPotential({ spec: defaultSystemSpec('muller-brown'), points: 1001 })).toThrow(/points: at most 201 per axis for a 2D system \(got 1001\)/);
    expect(previewPotential({ spec: { kind: 'double-well', a: 2 }, points: 1001 }).values).toHaveLength(1001);
  });
});
