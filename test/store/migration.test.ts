/**
 * run.json schema version 1 -> 2 (store/migrations.ts) on the committed fixture project
 * test/fixtures/projects/v1 (written by the v1 build; see its README.md):
 *  - every run opens and lists with the status it had; opening never rewrites run.json;
 *  - the numbers equal expected.json (computed by the v1 build) BIT FOR BIT (as JSON writes them:
 *    -0 reads back as 0): the same samples go through the same estimators, only field names
 *    moved, so a 1-ulp difference already means the meaning changed somewhere;
 *  - outputs recomputed by this build under engine/bias/restraint.ts (an umbrella window of each
 *    shape, the restrained ensemble, a molecular umbrella window) equal the v1 files byte for
 *    byte: the same seeds give the same samples;
 *  - the interrupted run resumes, completes, is written back as version 2, and its FES equals the
 *    complete v1 run's;
 *  - a run.json of a newer version (3) is refused with a message naming the file and the version,
 *    and left unchanged.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrateRunFile } from '../../src-main/store/migrations';
import { RUN_SCHEMA_VERSION } from '../../src-main/store/project';
import { readRunFile } from '../../src-main/runs/run-file';
import type { AppContext } from '../../src-main/api/handlers';
import { call, callError, makeContext, tempDir, waitForFinal } from '../api/helpers';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = a.length === b.length ? 0 : Infinity;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  return worst;
};

const FIXTURE = new URL('../fixtures/projects/v1/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as { runs: Record<string, { name: string; status: string } & Record<string, unknown>> };
const byName = (name: string) => {
  const entry = Object.entries(expected.runs).find(([, r]) => r.name === name);
  if (!entry) throw new Error(`fixture has no run "${name}"`);
  return { id: entry[0], ...entry[1] } as { id: string; name: string; status: string } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

const dir = tempDir('liftwell-migration-');
const projectPath = join(dir.path, 'fixture-v1.liftwell');
const runJson = (runId: string) => join(projectPath, 'runs', runId, 'run.json');
const runFileBytes = (runId: string) => readFileSync(runJson(runId));
let ctx: AppContext;

beforeAll(() => {
  cpSync(join(FIXTURE, 'fixture-v1.liftwell'), projectPath, { recursive: true });
  ctx = makeContext(join(dir.path, 'home'));
});
afterAll(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

const FES_1D = { bins: 40, min: -1.8, max: 1.8 };
/** As expected.json holds it: JSON has no -0 (it writes 0), otherwise every double round-trips exactly. */
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));
const fesOf = async (runId: string, options: object) => {
  const f = await call(ctx, 'getFes', { projectPath, runId, ...options });
  return asJson({ centers: f.centers, pmf: f.pmf, windowCenters: f.windowCenters, windowFreeEnergies: f.windowFreeEnergies, ...(f.grid ? { grid: f.grid.pmf } : {}) });
};

/** Deletes `files` of a run, marks it interrupted as a crash leaves it, resumes it; returns the recomputed bytes. */
async function recompute(runId: string, files: string[]): Promise<{ before: Buffer[]; after: Buffer[] }> {
  const paths = files.map((f) => join(projectPath, 'runs', runId, f));
  const before = paths.map((p) => readFileSync(p));
  paths.forEach((p) => unlinkSync(p));
  const raw = JSON.parse(readFileSync(runJson(runId), 'utf8'));
  raw.run.status = 'interrupted';
  writeFileSync(runJson(runId), JSON.stringify(raw, null, 2));
  const finished = waitForFinal(ctx, runId, 90_000);
  await call(ctx, 'resumeRun', { projectPath, runId });
  const done = await finished;
  expect(done.status, done.error).toBe('completed');
  return { before, after: paths.map((p) => readFileSync(p)) };
}

describe('a project of run.json version 1', () => {
  test('opens with every run and status as written, without rewriting any run.json', async () => {
    const ids = Object.keys(expected.runs);
    const bytes = ids.map(runFileBytes);
    const opened = await call(ctx, 'openProject', { projectPath });
    expect(opened.runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const r of opened.runs) expect(r.status, r.name).toBe(expected.runs[r.id].status);
    await call(ctx, 'listRuns', { projectPath });
    ids.forEach((id, i) => expect(runFileBytes(id).equals(bytes[i]), `run.json of ${id} was rewritten on open`).toBe(true));
    for (const id of ids) expect(JSON.parse(runFileBytes(id).toString()).schemaVersion).toBe(1);
  });

  test('reads as version 2: every spring a list beside its centres', async () => {
    const u1 = await readRunFile(projectPath, byName('umbrella 1D').id);
    expect(u1.schemaVersion).toBe(RUN_SCHEMA_VERSION);
    if (u1.job.kind !== 'umbrella' || u1.run.kind !== 'umbrella') throw new Error('not umbrella');
    expect(u1.run.params.springs).toEqual([20]);
    expect(u1.job.windows.map((w) => w.centers)).toEqual(u1.run.windowCenters.map((c) => [c]));
    expect(u1.job.windows.every((w) => w.springs.length === 1 && w.springs[0] === 20)).toBe(true);
    expect(u1.job.windows[0]).not.toHaveProperty('center');

    const u2 = await readRunFile(projectPath, byName('umbrella 2D grid').id);
    if (u2.job.kind !== 'umbrella' || u2.run.kind !== 'umbrella') throw new Error('not umbrella');
    expect(u2.run.params.springs).toEqual([30, 40]);
    expect(u2.run.params.secondCv).toEqual({ cvIndex: 1, centers: { mode: 'range', min: 0.2, max: 1.4, count: 3 } });
    expect(u2.job.windows.every((w) => w.springs.join() === '30,40' && w.centers.length === 2)).toBe(true);

    const en = await readRunFile(projectPath, byName('ensemble restrained').id);
    if (en.job.kind !== 'ensemble' || en.run.kind !== 'ensemble') throw new Error('not ensemble');
    expect(en.job.umbrella).toEqual({ cvIndices: [0], centers: [0.5], springs: [10] });
    expect(en.run.params.umbrella).toEqual({ cvIndices: [0], centers: [0.5], springs: [10] });

    const mu = await readRunFile(projectPath, byName('ala2 umbrella').id);
    if (mu.job.kind !== 'molecular' || mu.run.kind !== 'molecular') throw new Error('not molecular');
    expect(mu.run.params.umbrella!.springs).toEqual([500]);
    expect(mu.job.umbrella!.springs).toEqual([500]);

    // A kind without springs passes through unchanged apart from the version.
    const mdId = byName('metad 1D').id;
    const raw = JSON.parse(runFileBytes(mdId).toString());
    expect(migrateRunFile(raw, RUN_SCHEMA_VERSION)).toEqual({ ...raw, schemaVersion: 2 });
  });

  test('FES, window and region free energies equal what the v1 build computed, bit for bit', async () => {
    const u1 = byName('umbrella 1D');
    expect(await fesOf(u1.id, FES_1D)).toEqual(u1.fesWham);
    expect(await fesOf(u1.id, { ...FES_1D, estimator: 'mbar' })).toEqual(u1.fesMbar);
    const regions1d = [
      { name: 'left', kind: 'interval', min: -1.6, max: 0 },
      { name: 'right', kind: 'interval', min: 0, max: 1.6 },
    ];
    const r1 = await call(ctx, 'regionFreeEnergies', { projectPath, runId: u1.id, regions: regions1d, estimator: 'mbar' });
    expect(asJson(r1.regions.map((x) => ({ name: x.name, probability: x.probability, freeEnergy: x.freeEnergy })))).toEqual(u1.regionsMbar);

    const u2 = byName('umbrella 2D grid');
    expect(await fesOf(u2.id, { bins: 12, binsY: 12 })).toEqual(u2.fesWham);
    const rects = [
      { name: 'A', kind: 'rectangle', xMin: -1.4, xMax: -0.3, yMin: 0.9, yMax: 1.8 },
      { name: 'B', kind: 'rectangle', xMin: 0.2, xMax: 1, yMin: -0.2, yMax: 0.6 },
    ];
    const r2 = await call(ctx, 'regionFreeEnergies', { projectPath, runId: u2.id, regions: rects, estimator: 'mbar' });
    expect(asJson(r2.regions.map((x) => ({ name: x.name, probability: x.probability, freeEnergy: x.freeEnergy })))).toEqual(u2.regionsMbar);

    const us = byName('umbrella seeded');
    expect(await fesOf(us.id, FES_1D)).toEqual(us.fesWham);

    const en = byName('ensemble restrained');
    const e = await call(ctx, 'getEnsembleResult', { projectPath, runId: en.id });
    expect(asJson({ samples: e.samples, outside: e.outside, profiles: e.profiles.map((p) => ({ coordinate: p.coordinate, centers: p.centers, fes: p.fes })) })).toEqual({ samples: en.samples, outside: en.outside, profiles: en.profiles });

    const mu = byName('ala2 umbrella');
    const m = await call(ctx, 'getMolecularResult', { projectPath, runId: mu.id });
    expect(asJson({ frames: m.frames, centers: m.umbrella!.centers, springs: m.umbrella!.springs, windowFreeEnergies: m.umbrella!.windowFreeEnergies, meanDeviation: m.umbrella!.meanDeviation })).toEqual({
      frames: mu.frames, centers: mu.centers, springs: mu.springs, windowFreeEnergies: mu.windowFreeEnergies, meanDeviation: mu.meanDeviation,
    });

    const md = byName('metad 1D');
    const r = await call(ctx, 'getMetadResult', { projectPath, runId: md.id });
    expect(asJson({ hills: r.hills, axes: r.axes, fes: r.fes })).toEqual({ hills: md.hills, axes: md.axes, fes: md.fes });
  });

  test('windows recomputed through engine/bias/restraint.ts give the v1 bytes (1D, 2D grid, seeded)', async () => {
    for (const [name, k] of [['umbrella 1D', 3], ['umbrella 2D grid', 4], ['umbrella seeded', 1]] as const) {
      const { before, after } = await recompute(byName(name).id, [`window-00${k}.npy`, `window-00${k}-x.npy`]);
      before.forEach((b, i) => expect(after[i].equals(b), `${name} window ${k} file ${i}`).toBe(true));
    }
  });

  test('the restrained ensemble recomputes to the v1 bytes; a molecular umbrella window to the v1 trajectory within rounding', async () => {
    const en = await recompute(byName('ensemble restrained').id, ['histograms.npy', 'ensemble.json']);
    expect(en.after[0].equals(en.before[0])).toBe(true);
    // The molecular force field rounds differently since the MD speed work (docs/md-speed.md:
    // one division per torsion and per angle, acos instead of atan2), so the window is no longer
    // byte-identical to v1. It is the same trajectory: same frame counts, steps and columns,
    // and every number within bounds that a changed meaning (another restraint centre, spring,
    // seed or stream: differences ~0.1 rad, ~1 kJ/mol, ~0.01 nm within these 200 steps) would
    // exceed by orders of magnitude. Measured: 2e-6 rad, 4e-4 kJ/mol, 4e-7 nm. They are larger
    // than 200 chaotic steps from 1e-16 alone would give because the window starts with L-BFGS
    // minimisation, whose stopping test (max force 1 kJ/mol/nm) ends a path that differs in the
    // last bits at a slightly different structure.
    const mu = await recompute(byName('ala2 umbrella').id, ['window-001-cv.npy', 'window-001-energies.npy', 'window-001.dcd']);
    for (const i of [0, 1]) {
      const before = decodeNpy(mu.before[i]);
      const after = decodeNpy(mu.after[i]);
      expect(after.shape, `molecular window 1 file ${i} shape`).toEqual(before.shape);
      expect(maxAbsDiff(after.data, before.data), `molecular window 1 file ${i}`).toBeLessThan(i === 0 ? 1e-4 : 1e-2); // rad (phi), kJ/mol
    }
    expect(mu.after[2].length).toBe(mu.before[2].length);
    const dcdBefore = parseDcd(mu.before[2]);
    const dcdAfter = parseDcd(mu.after[2]);
    expect(dcdAfter.nFrames).toBe(dcdBefore.nFrames);
    expect(maxAbsDiff(dcdAfter.positions, dcdBefore.positions)).toBeLessThan(1e-5); // nm
  });

  test('the interrupted run resumes to the complete v1 result and is saved as version 2', async () => {
    const run = byName('umbrella interrupted');
    expect(readdirSync(join(projectPath, 'runs', run.id))).not.toContain('window-004.npy');
    const finished = waitForFinal(ctx, run.id, 60_000);
    await call(ctx, 'resumeRun', { projectPath, runId: run.id });
    expect((await finished).status).toBe('completed');
    expect(await fesOf(run.id, FES_1D)).toEqual(run.fesWhamAfterResume);
    const saved = JSON.parse(runFileBytes(run.id).toString());
    expect(saved.schemaVersion).toBe(2);
    expect(saved.run.params.springs).toEqual([20]);
    expect(saved.job.windows[4]).toEqual(expect.objectContaining({ centers: [0.5], springs: [20] }));
  });

  test('a run.json of a newer Liftwell (version 3) is refused by name and left unchanged', async () => {
    const id = byName('metad 1D').id;
    const raw = JSON.parse(runFileBytes(id).toString());
    const newer = JSON.stringify({ ...raw, schemaVersion: 3 }, null, 2);
    writeFileSync(runJson(id), newer);
    const e = await callError(ctx, 'getMetadResult', { projectPath, runId: id });
    expect(e.code).toBe('bad-file');
    expect(e.message).toContain(runJson(id));
    expect(e.message).toMatch(/newer version of Liftwell \(schema version 3; this version reads up to 2\)/);
    // The project still opens; the other runs list.
    const opened = await call(ctx, 'openProject', { projectPath });
    expect(opened.runs.map((r) => r.id)).not.toContain(id);
    expect(opened.runs).toHaveLength(Object.keys(expected.runs).length - 1);
    expect(readFileSync(runJson(id), 'utf8')).toBe(newer);
    rmSync(runJson(id));
  });
});

describe('migrateRunFile', () => {
  test('leaves what it cannot read to the schema check, which refuses the file by name', async () => {
    expect(migrateRunFile(null, 2)).toBeNull();
    expect(migrateRunFile([1], 2)).toEqual([1]);
    const noPath = { schemaVersion: 0, job: { kind: 'umbrella' } };
    expect(migrateRunFile(noPath, 2)).toBe(noPath);
    const current = { schemaVersion: 2, job: { kind: 'umbrella' } };
    expect(migrateRunFile(current, 2)).toBe(current);

    const id = byName('umbrella seeded').id;
    const raw = JSON.parse(runFileBytes(id).toString());
    raw.schemaVersion = 1;
    raw.job.windows[1] = { ...raw.job.windows[1], centers: undefined, springs: undefined, center: 'zero', spring: 20 };
    const migrated = migrateRunFile(raw, 2) as typeof raw;
    expect(migrated.job.windows[1].center).toBe('zero');
    expect(raw.job.windows[1].spring).toBe(20); // the input is not modified
    const text = JSON.stringify(raw);
    writeFileSync(runJson(id), text);
    // (The run-file schema is a union over kinds, so zod names no field here; a per-kind schema would.)
    await expect(readRunFile(projectPath, id)).rejects.toThrow(`${runJson(id)} is damaged or not a Liftwell run file`);
    expect(readFileSync(runJson(id), 'utf8')).toBe(text);
  });
});
