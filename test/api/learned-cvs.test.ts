/**
 * Learned CVs through the API: a short metadynamics run on the EMBEDDED system (dynamics in the
 * hidden slow x and fast y, observed only through a curved, rotated map into R^3), then
 * computeDiffusionMap on the observed q1..q3 of its frames: psi_1 must be a monotone function of
 * the hidden x (rank correlation), and the result must be stored for reuse.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetadParams } from '../../src-main/api/contract';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { call, callError, makeContext, setupProject, smallParams, tempDir, waitForFinal } from './helpers';

const dir = tempDir('liftwell-learned-cvs-');
afterAll(() => dir.cleanup());

// Metadynamics on x pushes the walkers over the barrier (a = 2 kT) many times: 8 walkers x 20k
// steps, one COLVAR row every 50 steps = 3,200 frames spread over both wells and the barrier.
const params: MetadParams = {
  cvIndices: [0], sigma: [0.15], height: 0.4, pace: 100, biasFactor: 6, kT: 1, dt: 1e-3, steps: 20_000, walkers: 8,
  integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 50, seed: 3,
};

let projectPath: string;
let runId: string;
let umbrellaRunId: string;
const home = () => join(dir.path, 'home');
beforeAll(async () => {
  const ctx = makeContext(home());
  try {
    const setup = await setupProject(ctx, dir.path, 'Learned', { kind: 'embedded', a: 2, s: 0.5, epsilon: 0.05, f: 'sin', c: 1, curvature: 1, angle: 0.7 });
    projectPath = setup.projectPath;
    const run = await call(ctx, 'startMetadRun', { projectPath, systemId: setup.systemId, name: 'metad embedded', params });
    const done = waitForFinal(ctx, run.id, 60_000);
    const umbrella = await call(ctx, 'startUmbrellaRun', { projectPath, systemId: setup.systemId, name: 'umbrella', params: smallParams({ stepsPerWindow: 200, centers: { mode: 'range', min: -1, max: 1, count: 2 } }) });
    const umbrellaDone = waitForFinal(ctx, umbrella.id, 60_000);
    expect((await done).status).toBe('completed');
    expect((await umbrellaDone).status).toBe('completed');
    runId = run.id;
    umbrellaRunId = umbrella.id;
  } finally {
    await ctx.shutdown();
  }
}, 90_000);

test('a diffusion map of the observed R^3 frames recovers the hidden slow x', async () => {
  const ctx = makeContext(home());
  try {
    await call(ctx, 'openProject', { projectPath });
    const out = await call(ctx, 'computeDiffusionMap', { projectPath, runId, components: 3, seed: 1, maxPoints: 1000, colorBy: 'metad.bias' });
    expect(out.inputCoordinates).toEqual(['q1', 'q2', 'q3']);
    expect(out.frames).toBe(3200);
    expect(out.framesInRun).toBe(3200);
    expect(out.eigenvalues).toHaveLength(3);
    // Markov-matrix eigenvalues: below 1 and in decreasing order.
    expect(out.eigenvalues[0]).toBeLessThan(1);
    for (let k = 1; k < 3; k++) expect(out.eigenvalues[k]).toBeLessThanOrEqual(out.eigenvalues[k - 1]);
    expect(out.epsilonMode).toBe('auto');
    expect(out.epsilonScan!.grid.length).toBe(out.epsilonScan!.logSum.length);
    expect(out.epsilon).toBeGreaterThanOrEqual(out.epsilonScan!.maxSlopeEpsilon * (1 - 1e-12));
    // The engine's test reaches 0.99 on 5,000 exact i.i.d. samples. Here the 3,200 frames are
    // correlated metadynamics frames (fewer effective samples, uneven coverage while the bias
    // builds up, a few barrier crossings per walker), so psi_1 is noisier near the ends of the
    // x range where its slope is small (seed 3 gives 0.996): 0.95 still means psi_1 orders the frames by x, while
    // the fast y (the other hidden coordinate) stays far below it.
    const byName = Object.fromEntries(out.correlations.map((c) => [c.coordinate, c.spearman]));
    expect(Object.keys(byName)).toEqual(['x', 'y']);
    expect(Math.abs(byName.x)).toBeGreaterThan(0.95);
    expect(Math.abs(byName.y)).toBeLessThan(Math.abs(byName.x));
    // Display: thinned to maxPoints, every variable to colour by.
    expect(out.display.rows.length).toBeLessThanOrEqual(1000);
    expect(out.display.coordinates).toHaveLength(3);
    expect(out.display.coordinates[0]).toHaveLength(out.display.rows.length);
    expect(out.display.variables.map((v) => v.name)).toEqual(['x', 'y', 'q1', 'q2', 'q3', 'metad.bias', 'time']);
    expect(out.colorBy).toBe('metad.bias');
    // Stored for reuse: every frame's coordinates, and the model that extends them.
    expect(existsSync(out.files.json)).toBe(true);
    const npy = decodeNpy(new Uint8Array(readFileSync(out.files.coordinates)));
    expect(npy.shape).toEqual([3200, 3]);
    const shownRow = out.display.rows[7];
    expect(npy.data[shownRow * 3]).toBe(out.display.coordinates[0][7]);
    const stored = JSON.parse(readFileSync(out.files.json, 'utf8'));
    expect(stored.kind).toBe('dmap');
    expect(stored.model.landmarkCount).toBe(out.landmarks);
    expect(stored.model.eigenvalues).toEqual(out.eigenvalues);

    // Distances in the hidden coordinates give the same answer, and a given epsilon is used as is.
    const hidden = await call(ctx, 'computeDiffusionMap', { projectPath, runId, coordinates: ['x', 'y'], components: 1, epsilon: 0.2, landmarks: 400 });
    expect(hidden.epsilon).toBe(0.2);
    expect(hidden.epsilonScan).toBeNull();
    expect(hidden.solver).toBe('dense');
    expect(Math.abs(hidden.correlations[0].spearman)).toBeGreaterThan(0.95);
  } finally {
    await ctx.shutdown();
  }
}, 60_000);

test('bad input gets clear errors', async () => {
  const ctx = makeContext(home());
  try {
    await call(ctx, 'openProject', { projectPath });
    const tooMany = await callError(ctx, 'computeDiffusionMap', { projectPath, runId, components: 9, landmarks: 10 });
    expect(tooMany.code).toBe('invalid-input');
    expect(tooMany.message).toMatch(/components: at most 8 for 10 landmark points \(got 9\)/);
    const zodLimit = await callError(ctx, 'computeDiffusionMap', { projectPath, runId, components: 11 });
    expect(zodLimit.message).toMatch(/components/);
    const coordinate = await callError(ctx, 'computeDiffusionMap', { projectPath, runId, coordinates: ['x', 'z'] });
    expect(coordinate.message).toMatch(/'z' is not a coordinate of the embedded system \(choose from x, y, q1, q2, q3\)/);
    const colour = await callError(ctx, 'computeDiffusionMap', { projectPath, runId, colorBy: 'energy' });
    expect(colour.message).toMatch(/colorBy: 'energy' is not a variable/);
    const umbrella = await callError(ctx, 'computeDiffusionMap', { projectPath, runId: umbrellaRunId });
    expect(umbrella.code).toBe('invalid-input');
    expect(umbrella.message).toMatch(/is a umbrella run; diffusion maps are computed from the frames of a metadynamics run/);
    const missing = await callError(ctx, 'computeDiffusionMap', { projectPath, runId: 'run-nope' });
    expect(missing.code).toBe('not-found');

    // A run that has not completed.
    const system = (await call(ctx, 'openProject', { projectPath })).systems[0];
    const long = await call(ctx, 'startMetadRun', { projectPath, systemId: system.id, name: 'long', params: { ...params, steps: 1e8 } });
    const notDone = await callError(ctx, 'computeDiffusionMap', { projectPath, runId: long.id });
    expect(notDone.code).toBe('conflict');
    expect(notDone.message).toMatch(/The run "long" is (queued|running); a diffusion map needs the frames of a completed run/);
    await call(ctx, 'cancelRun', { projectPath, runId: long.id });
  } finally {
    await ctx.shutdown();
  }
}, 60_000);
