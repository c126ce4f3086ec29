/**
 * The systems added by issue 4 through the API: fast/slow with several fast variables, the
 * embedded (observed in R^3) system and user-defined expressions. Each is accepted by addSystem
 * and listed by getAppInfo; an expression double well behaves like the built-in one in an
 * umbrella study; a bad expression is refused naming the column; metadynamics on x of a 3D
 * system plans (deterministic start without a 201^3 grid) and completes.
 */
import { afterAll, expect, test } from 'vitest';
import { join } from 'node:path';
import type { FesResult, MetadParams } from '../../src-main/api/contract';
import { lowestGridPoint } from '../../src-main/runs/metad/plan';
import { createSystem } from '../../src-main/engine/systems';
import { call, callError, makeContext, smallParams, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-systems-more-');
afterAll(() => dir.cleanup());

test('getAppInfo lists every engine kind, with text parameters and exact profiles only for 1D/2D', async () => {
  const ctx = makeContext(join(dir.path, 'home-info'));
  try {
    const info = await call(ctx, 'getAppInfo', {});
    const kinds = info.systems.map((s) => s.kind);
    expect(kinds).toEqual(['double-well', 'muller-brown', 'fast-slow', 'fast-slow-multi', 'embedded', 'two-mode', 'expression']);
    const multi = info.systems.find((s) => s.kind === 'fast-slow-multi')!;
    expect(multi.coordinateNames).toEqual(['x', 'y1', 'y2']);
    expect(multi.hasExactProfile).toBe(false);
    const embedded = info.systems.find((s) => s.kind === 'embedded')!;
    expect(embedded.hasExactProfile).toBe(true);
    expect(embedded.observedNames).toEqual(['q1', 'q2', 'q3']);
    const expression = info.systems.find((s) => s.kind === 'expression')!;
    const text = expression.parameters.find((p) => p.name === 'expression')!;
    expect(text.type).toBe('text');
    expect(text.maxLength).toBe(2000);
    expect(expression.extraDefaults).toEqual({ parameters: { a: 2, k: 10 } });
    expect(info.systems.find((s) => s.kind === 'fast-slow')!.parameters.find((p) => p.name === 'f')!.type).toBe('choice');
  } finally {
    await ctx.shutdown();
  }
});

test('addSystem accepts each new kind and refuses bad ones with the field (and the column) named', async () => {
  const ctx = makeContext(join(dir.path, 'home-add'));
  try {
    const project = await call(ctx, 'createProject', { parentDir: dir.path, name: 'Add' });
    const projectPath = project.path;
    const specs = [
      { kind: 'fast-slow-multi', a: 2, epsilon: 0.05, m: 3, f: 'sin', c: 1, s: 0.5 },
      { kind: 'fast-slow-multi', a: 2, epsilon: 0.05, m: 2, f: 'sin', c: 1, s: 0.5, fast: [{ f: 'linear', c: 1, s: 0.3 }, { f: 'cubic', c: -1, s: 0.4 }] },
      { kind: 'embedded', a: 2, s: 0.5, epsilon: 0.05, f: 'sin', c: 1, curvature: 1, angle: 0.7 },
      { kind: 'expression', expression: 'a*(x^2-1)^2', dim: 1, parameters: { a: 2 } },
      { kind: 'expression', expression: 'a*(x^2 - 1)^2 + 0.5*k*(y - x)^2', dim: 2, parameters: { a: 2, k: 10 }, domain: [[-2, 2], [-3, 3]], mobility: [1, 2] },
    ];
    for (const spec of specs) {
      const record = await call(ctx, 'addSystem', { projectPath, name: spec.kind, spec });
      expect(record.spec).toEqual(spec);
    }
    const reopened = await call(ctx, 'openProject', { projectPath });
    expect(reopened.systems.map((s) => s.spec.kind)).toEqual(specs.map((s) => s.kind));

    // The parser's column reaches the user: '^^' — the second '^' is column 11.
    const bad = await callError(ctx, 'addSystem', { projectPath, name: 'bad', spec: { kind: 'expression', expression: 'a*(x^2-1)^^2', dim: 1, parameters: { a: 2 } } });
    expect(bad.code).toBe('invalid-input');
    expect(bad.message).toMatch(/spec\.expression\.expression: unexpected '\^' at column 11/);
    const unknownName = await callError(ctx, 'addSystem', { projectPath, name: 'bad', spec: { kind: 'expression', expression: 'b*x^2', dim: 1 } });
    expect(unknownName.code).toBe('invalid-input');
    expect(unknownName.message).toMatch(/unknown name 'b'.*column 1/);
    // zod-level problems name the field.
    const tooMany = await callError(ctx, 'addSystem', { projectPath, name: 'bad', spec: { kind: 'fast-slow-multi', a: 2, epsilon: 0.05, m: 17, f: 'sin', c: 1, s: 0.5 } });
    expect(tooMany.code).toBe('invalid-input');
    expect(tooMany.message).toMatch(/spec\.m/);
    const mismatch = await callError(ctx, 'addSystem', { projectPath, name: 'bad', spec: { kind: 'fast-slow-multi', a: 2, epsilon: 0.05, m: 3, f: 'sin', c: 1, s: 0.5, fast: [{ f: 'sin', c: 1, s: 0.5 }] } });
    expect(mismatch.message).toMatch(/fast must have m = 3 entries/);
    const wrongDomain = await callError(ctx, 'addSystem', { projectPath, name: 'bad', spec: { kind: 'expression', expression: 'x^2', dim: 1, domain: [[-1, 1], [-1, 1]] } });
    expect(wrongDomain.message).toMatch(/expression\.domain must have 1/);
  } finally {
    await ctx.shutdown();
  }
});

test('the metadynamics start of a 3D system is the deepest basin without a 201^3 grid', () => {
  // fast-slow-multi, c = 0: V = a (x^2-1)^2 + sum y_i^2 / (2 s^2); minima at x = +-1, y = 0.
  const system = createSystem({ kind: 'fast-slow-multi', a: 2, epsilon: 0.05, m: 2, f: 'linear', c: 0, s: 0.5 });
  const start = lowestGridPoint(system);
  expect(Math.abs(Math.abs(start[0]) - 1)).toBeLessThan(0.03); // grid spacing of x: domain / 200
  expect(Math.abs(start[1])).toBeLessThan(0.03);
  expect(Math.abs(start[2])).toBeLessThan(0.03);
  // 16 fast variables (dim 17): line minimisation from the centre, still a minimum.
  const big = createSystem({ kind: 'fast-slow-multi', a: 2, epsilon: 0.05, m: 16, f: 'sin', c: 1, s: 0.5 });
  const p = lowestGridPoint(big);
  expect(p).toHaveLength(17);
  expect(big.energy(Float64Array.from(p), 0)).toBeLessThan(0.01);
});

function comparableBins(a: FesResult, b: FesResult, maxF: number): number[] {
  const out: number[] = [];
  a.centers.forEach((c, i) => {
    expect(b.centers[i]).toBeCloseTo(c, 12);
    const fa = a.pmf[i];
    const fb = b.pmf[i];
    if (fa !== null && fb !== null && fa < maxF && fb < maxF) out.push(i);
  });
  return out;
}

test('an expression double well gives the same WHAM free energy as the built-in one', async () => {
  const ctx = makeContext(join(dir.path, 'home-umb'));
  try {
    const project = await call(ctx, 'createProject', { parentDir: dir.path, name: 'Umbrella' });
    const projectPath = project.path;
    const builtin = await call(ctx, 'addSystem', { projectPath, name: 'dw', spec: { kind: 'double-well', a: 2 } });
    const expr = await call(ctx, 'addSystem', { projectPath, name: 'dw expr', spec: { kind: 'expression', expression: 'a*(x^2-1)^2', dim: 1, parameters: { a: 2 }, domain: [[-2, 2]] } });
    // Different seeds: the two estimates are independent, so they agree only within statistics.
    const params = smallParams({ stepsPerWindow: 20_000, walkersPerWindow: 8 });
    const runA = await call(ctx, 'startUmbrellaRun', { projectPath, systemId: builtin.id, name: 'builtin', params: { ...params, seed: 3 } });
    const doneA = waitForFinal(ctx, runA.id, 60_000);
    const runB = await call(ctx, 'startUmbrellaRun', { projectPath, systemId: expr.id, name: 'expr', params: { ...params, seed: 4 } });
    const doneB = waitForFinal(ctx, runB.id, 60_000);
    expect((await doneA).status).toBe('completed');
    expect((await doneB).status).toBe('completed');
    const fesOptions = { bins: 30, min: -1.5, max: 1.5, bootstrap: 20, seed: 5 };
    const a = await call(ctx, 'getFes', { projectPath, runId: runA.id, ...fesOptions });
    const b = await call(ctx, 'getFes', { projectPath, runId: runB.id, ...fesOptions });
    // Both systems have the same exact answer (quadrature of the same V).
    expect(b.exact!.pmf.length).toBe(a.exact!.pmf.length);
    b.exact!.pmf.forEach((v, i) => expect(v).toBeCloseTo(a.exact!.pmf[i], 9));
    // Window free energies agree within 4 combined bootstrap standard errors (+0.02 kT for the
    // error of a 20-replicate error estimate): a statistical test, not a bitwise one. With these
    // lengths the errors are ~0.05-0.1 kT; a potential tilted by 0.3 x (0.9 kT across the
    // windows) was checked to fail here.
    a.windowFreeEnergies.forEach((fa, k) => {
      const fb = b.windowFreeEnergies[k];
      const sigma = Math.hypot(a.windowFreeEnergiesError![k] ?? 0, b.windowFreeEnergiesError![k] ?? 0);
      expect(Math.abs(fa - fb)).toBeLessThan(4 * sigma + 0.02);
    });
    // The profiles, bin by bin where F < 3 kT (well sampled), same rule.
    const bins = comparableBins(a, b, 3);
    expect(bins.length).toBeGreaterThan(15);
    for (const i of bins) {
      const sigma = Math.hypot(a.pmfError![i] ?? 0, b.pmfError![i] ?? 0);
      expect(Math.abs(a.pmf[i]! - b.pmf[i]!)).toBeLessThan(4 * sigma + 0.02);
    }
  } finally {
    await ctx.shutdown();
  }
}, 120_000);

test('umbrella and metadynamics on x of the 3D fast/slow system; metadynamics on a 2D expression', async () => {
  const ctx = makeContext(join(dir.path, 'home-3d'));
  try {
    const project = await call(ctx, 'createProject', { parentDir: dir.path, name: 'ThreeD' });
    const projectPath = project.path;
    const multi = await call(ctx, 'addSystem', { projectPath, name: 'multi', spec: { kind: 'fast-slow-multi', a: 2, epsilon: 0.05, m: 2, f: 'sin', c: 1, s: 0.5 } });
    const expr2 = await call(ctx, 'addSystem', { projectPath, name: 'expr2', spec: { kind: 'expression', expression: 'a*(x^2 - 1)^2 + 0.5*k*(y - x)^2', dim: 2, parameters: { a: 2, k: 10 } } });
    const metad: MetadParams = {
      cvIndices: [0], sigma: [0.15], height: 0.4, pace: 100, biasFactor: 6, kT: 1, dt: 1e-3, steps: 4000, walkers: 4,
      integrator: 'overdamped', friction: 10, mass: 1, seed: 2,
    };
    const started = async (method: 'startUmbrellaRun' | 'startMetadRun', input: unknown) => {
      const run = await call(ctx, method, input);
      return { run, done: waitForFinal(ctx, run.id, 60_000) };
    };
    const umbrella = await started('startUmbrellaRun', { projectPath, systemId: multi.id, name: 'umb multi', params: smallParams({ stepsPerWindow: 1000, dt: 1e-3 }) });
    const m3 = await started('startMetadRun', { projectPath, systemId: multi.id, name: 'metad multi', params: metad });
    const m2 = await started('startMetadRun', { projectPath, systemId: expr2.id, name: 'metad expr', params: { ...metad, cvIndices: [0, 1], sigma: [0.15, 0.15] } });
    for (const s of [umbrella, m3, m2]) expect((await s.done).status).toBe('completed');

    const fes = await call(ctx, 'getFes', { projectPath, runId: umbrella.run.id });
    expect(fes.cvName).toBe('x');
    expect(fes.exact).toBeUndefined();
    expect(fes.warnings.join(' ')).toMatch(/exact quadrature covers systems of 1 or 2 coordinates/);
    const r3 = await call(ctx, 'getMetadResult', { projectPath, runId: m3.run.id });
    expect(r3.exact).toBeUndefined();
    expect(r3.reweighted.map((r) => r.coordinate)).toEqual(['x', 'y1', 'y2']);
    expect(r3.reweighted.every((r) => r.exact === undefined)).toBe(true);
    const r2 = await call(ctx, 'getMetadResult', { projectPath, runId: m2.run.id });
    expect(r2.cvNames).toEqual(['x', 'y']);
    // 2D expression: exact surface is V - min V on the grid (the two CVs are all coordinates).
    expect(r2.exact!.length).toBe(r2.axes[0].length * r2.axes[1].length);
    expect(Math.min(...r2.exact!)).toBe(0);

    // A CV the system lacks is refused by name.
    const bad = await callError(ctx, 'startMetadRun', { projectPath, systemId: (await call(ctx, 'addSystem', { projectPath, name: '1d', spec: { kind: 'expression', expression: 'x^2', dim: 1 } })).id, name: 'bad', params: { ...metad, cvIndices: [1] } });
    expect(bad.code).toBe('invalid-input');
    expect(bad.message).toMatch(/cvIndices: the expression system has 1 coordinate \(x\)/);
  } finally {
    await ctx.shutdown();
  }
}, 120_000);
