/** `liftwell train` / `liftwell lift` through the real bin script: files, exit codes, JSON, warnings. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../src-main/engine/io/npy';
import { Rng } from '../../src-main/engine/random';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');

function liftwell(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LIFTWELL_TF_BACKEND: 'wasm' }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('liftwell train / lift', () => {
  let dir: string;
  let xFile: string;
  let cFile: string;
  const n = 300;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liftwell-gen-cli-'));
    // Fast/slow rows: cond x in [-1, 1], y | x ~ N(x, 0.3^2), as N x 1 (y) and length-N vector (x).
    const rng = new Rng(4, 0);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = -1 + (2 * i) / (n - 1);
      y[i] = x[i] + 0.3 * rng.normal();
    }
    xFile = join(dir, 'y.npy');
    cFile = join(dir, 'x.npy');
    writeFileSync(xFile, encodeNpy(y, [n, 1]));
    writeFileSync(cFile, encodeNpy(x, [n]));
  });

  it('trains, saves a model folder, and lifts reproducibly (JSON and .npy)', () => {
    const out = join(dir, 'model');
    const trained = liftwell(['train', '--x', xFile, '--cond', cFile, '--model', 'score', '--epochs', '3', '--hidden', '16,16', '--batch', '64', '--seed', '1', '--out', out, '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const summary = JSON.parse(trained.stdout);
    expect(summary).toMatchObject({ model: 'score', backend: 'wasm', epochsRun: 3, rows: { train: 270, validation: 30 } });
    expect(summary.history).toHaveLength(3);
    expect(trained.stderr).toContain('epoch 3/3');
    const spec = JSON.parse(readFileSync(join(out, 'liftwell-model.json'), 'utf8'));
    expect(spec).toMatchObject({ format: 'liftwell-generative-model', formatVersion: 1, kind: 'score', xDim: 1, condDim: 1, training: { backend: 'wasm', seed: 1 } });
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);

    const a = liftwell(['lift', '--model', out, '--cond=0.25', '--n', '20', '--seed', '3', '--steps', '30', '--json']);
    expect(a.code, a.stderr).toBe(0);
    const lifted = JSON.parse(a.stdout);
    expect(lifted.samples).toHaveLength(20);
    expect(lifted.samples[0]).toHaveLength(1);
    expect(lifted.warnings).toEqual([]);
    const npyFile = join(dir, 'lifted.npy');
    const b = liftwell(['lift', '--model', out, '--cond=0.25', '--n', '20', '--seed', '3', '--steps', '30', '--out', npyFile]);
    expect(b.code, b.stderr).toBe(0);
    const { data, shape } = decodeNpy(new Uint8Array(readFileSync(npyFile)));
    expect(shape).toEqual([20, 1]);
    expect(Array.from(data)).toEqual(lifted.samples.map((r: number[]) => r[0]));

    // Judged against reference frames of the exact law y | x ~ N(x, 0.3^2) (8000 rows, x uniform on
    // [-1, 1]): a 3-epoch model (~15 optimiser steps) is far from it, so the verdict is poor, with advice.
    const rng = new Rng(8, 0);
    const refC = Float64Array.from({ length: 8000 }, () => -1 + 2 * rng.uniform());
    const refY = Float64Array.from(refC, (c) => c + 0.3 * rng.normal());
    writeFileSync(join(dir, 'ref-y.npy'), encodeNpy(refY, [8000, 1]));
    writeFileSync(join(dir, 'ref-x.npy'), encodeNpy(refC, [8000]));
    const judged = liftwell(['lift', '--model', out, '--cond=0.5', '--n', '400', '--seed', '3', '--steps', '30', '--json', '--reference-x', join(dir, 'ref-y.npy'), '--reference-cond', join(dir, 'ref-x.npy')]);
    expect(judged.code, judged.stderr).toBe(0);
    const c = JSON.parse(judged.stdout).consistency;
    // 8000 frames on a range of 2: bins of +-0.05 hold ~200 frames.
    expect(c.reference.frames).toBeGreaterThan(120);
    expect(c.reference.halfWidth).toBeCloseTo(0.05, 3); // (range of the frames) / 40
    expect(c.targets[0].simulation.mean).toBeCloseTo(0.5, 1);
    expect(c.verdict).toBe('poor');
    expect(c.worstRatio).toBeGreaterThan(5);
    expect(c.advice.join(' ')).toMatch(/Train longer/);
    const unpaired = liftwell(['lift', '--model', out, '--cond=0.5', '--n', '5', '--json', '--reference-x', join(dir, 'ref-y.npy')]);
    expect(unpaired.code).toBe(2);
    expect(unpaired.stderr).toMatch(/--reference-x and --reference-cond/);

    const outside = liftwell(['lift', '--model', out, '--cond=3', '--n', '2', '--steps', '5', '--json']);
    expect(outside.code).toBe(0);
    expect(outside.stderr).toMatch(/warning: condition 0 = 3 is outside the trained range/);
  });

  it('gan model trains and lifts through the CLI', () => {
    const out = join(dir, 'gan');
    expect(liftwell(['train', '--x', xFile, '--cond', cFile, '--model', 'gan', '--epochs', '2', '--hidden', '8', '--out', out]).code).toBe(0);
    const lifted = liftwell(['lift', '--model', out, '--cond=-0.5', '--n', '5', '--json']);
    expect(lifted.code, lifted.stderr).toBe(0);
    expect(JSON.parse(lifted.stdout).kind).toBe('gan');
  });

  it('bad input exits 2 with a message naming the problem', () => {
    const short = join(dir, 'short.npy');
    writeFileSync(short, encodeNpy(new Float64Array(10), [10]));
    const mismatch = liftwell(['train', '--x', xFile, '--cond', short, '--model', 'score', '--out', join(dir, 'bad')]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/short\.npy.*has 10 rows but .*y\.npy has 300/);

    const nan = join(dir, 'nan.npy');
    const values = new Float64Array(n);
    values[7] = NaN;
    writeFileSync(nan, encodeNpy(values, [n, 1]));
    const withNaN = liftwell(['train', '--x', nan, '--cond', cFile, '--model', 'score', '--out', join(dir, 'bad')]);
    expect(withNaN.code).toBe(2);
    expect(withNaN.stderr).toMatch(/x row 7, column 0 is NaN/);

    expect(liftwell(['train', '--x', xFile, '--cond', cFile, '--model', 'vae', '--out', join(dir, 'bad')]).code).toBe(2);

    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'model.json'), '{"modelTopology": {}}');
    const foreign = liftwell(['lift', '--model', elsewhere, '--cond=0', '--n', '2', '--json']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/not a Liftwell model folder/);

    const newer = join(dir, 'newer');
    mkdirSync(newer, { recursive: true });
    writeFileSync(join(newer, 'liftwell-model.json'), JSON.stringify({ format: 'liftwell-generative-model', formatVersion: 7 }));
    const fromFuture = liftwell(['lift', '--model', newer, '--cond=0', '--n', '2', '--json']);
    expect(fromFuture.code).toBe(2);
    expect(fromFuture.stderr).toMatch(/newer Liftwell/);

    expect(liftwell(['lift', '--model', join(dir, 'model'), '--cond=0', '--n', '2']).code).toBe(2); // neither --out nor --json
  });
});
