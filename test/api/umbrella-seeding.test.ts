/**
 * Seeded umbrella windows: walkers start from given configurations (runs/umbrella/seeding.ts), the source
 * is kept in run.json, and a barrier orthogonal to the CV shows why it matters: V = 2 (x^2-1)^2 +
 * 6 (y^2-1)^2 has two y modes of equal weight (exactly p(y > 0 | x) = 1/2) behind a 6 kT barrier
 * that 4 time units of dynamics do not cross. Pulled starts sit in one mode; seeded ones in both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { windowConfigurationsFilePath } from '../../src-main/runs/umbrella/window-task';
import { call, callError, makeContext, setupProject, smallParams, tempDir, waitForFinal } from './helpers';

const spec = { kind: 'expression', dim: 2, expression: '2*(x^2 - 1)^2 + 6*(y^2 - 1)^2', domain: [[-2, 2], [-2, 2]] };

describe('seeded umbrella windows', () => {
  const dir = tempDir('liftwell-seed-');
  const ctx = makeContext(join(dir.path, 'home'));
  afterAll(async () => {
    await ctx.shutdown();
    dir.cleanup();
  });

  /** Fraction of frames with y > 0 over every window and walker. */
  function upperModeFraction(projectPath: string, runId: string, windows: number): number {
    let up = 0;
    let n = 0;
    for (let k = 0; k < windows; k++) {
      const { data } = decodeNpy(new Uint8Array(readFileSync(windowConfigurationsFilePath(projectPath, runId, k))));
      for (let i = 1; i < data.length; i += 2) {
        up += data[i] > 0 ? 1 : 0;
        n++;
      }
    }
    return up / n;
  }

  it('pulled starts stay in one mode; starts given per walker (half in each mode) sample both', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path, 'Seed', spec);
    const base = smallParams({ centers: { mode: 'range', min: -1, max: 1, count: 3 }, walkersPerWindow: 4, stepsPerWindow: 4000, stride: 10, equilibrationSteps: 0 });
    const plain = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'plain', params: base });
    expect((await waitForFinal(ctx, plain.id)).status).toBe('completed');
    const pulled = upperModeFraction(projectPath, plain.id, 3);
    expect(Math.min(pulled, 1 - pulled)).toBe(0); // trapped: every frame in one mode

    const starts = [-1, 0, 1].map((c) => [c, -1, c, 1, c, -1, c, 1]);
    const seeded = await call(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'seeded', params: { ...base, seeding: { source: 'lifted', modelId: 'model-x', seed: 7, starts } } });
    expect((await waitForFinal(ctx, seeded.id)).status).toBe('completed');
    // Two walkers of four in each mode: the exact weight 1/2, up to the odd crossing (rate
    // ~exp(-6) per unit time: a walker that crosses shifts the fraction by < 1/12 for part of the run).
    expect(Math.abs(upperModeFraction(projectPath, seeded.id, 3) - 0.5)).toBeLessThan(0.08);
    const runFile = JSON.parse(readFileSync(join(projectPath, 'runs', seeded.id, 'run.json'), 'utf8'));
    expect(runFile.run.params.seeding).toMatchObject({ source: 'lifted', modelId: 'model-x', seed: 7 });
    expect(runFile.job.windows[2].starts).toEqual([1, -1, 1, 1, 1, -1, 1, 1]);
  });

  it('starts of the wrong shape are refused with a message naming the window', async () => {
    const { projectPath, systemId } = await setupProject(ctx, dir.path, 'Seed2', spec);
    const params = smallParams({ centers: { mode: 'range', min: -1, max: 1, count: 2 }, walkersPerWindow: 2, seeding: { source: 'frames', runId: 'r1', starts: [[0, 0, 0, 0], [0, 0]] } });
    const error = await callError(ctx, 'startUmbrellaRun', { projectPath, systemId, name: 'bad', params });
    expect(error.code).toBe('invalid-input');
    expect(error.message).toMatch(/seeding\.starts\[1\]: 2 numbers; window 1 needs 2 walkers x 2 coordinates = 4/);
  });
});
