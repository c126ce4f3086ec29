/**
 * The studies API on a molecular study (study/service.ts + molecule-service.ts): the tiny
 * alanine-dipeptide study (test/fixtures/studies/tiny-ala2.study.json) saved in the open project, run in the
 * background with the pipeline's stages (replicas grouped as Sampling, seeded runs as Seeded
 * round), its 2D phi/psi FES in getStudy, and studyConfigurations at a clicked (phi, psi).
 * Checked exactly: the simulated structures are the trajectory frames whose phi/psi lie in the
 * clicked FES cell (recounted here frame by frame from getTrajectoryFrames, with the engine's CV);
 * the lifted structures sit at the lift condition (PDB coordinates carry 1e-4 nm, which moves a
 * dihedral by < 1e-2 rad at these bond lengths); the opposite point of the torus is recounted too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAtomicCv } from '../../src-main/engine/molecules/cv';
import { periodicDifference } from '../../src-main/engine/molecules/cv/atomic';
import { call, callError } from '../api/helpers';
import { studyServiceContext, waitForStudyEnd } from './service-helpers';

const root = join(import.meta.dirname, '../..');

/** The shipped example shrunk to seconds (test/fixtures/studies/tiny-ala2.study.json, also the e2e journey's). */
const tinyMolecularStudy = (): Record<string, unknown> => JSON.parse(readFileSync(join(root, 'test/fixtures/studies/tiny-ala2.study.json'), 'utf8'));

const decode = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

describe('studies API: a molecular study in the open project', () => {
  const { dir, ctx } = studyServiceContext('liftwell-molstudies-');

  it('checks, saves, runs it with grouped stages, and links its phi/psi FES to simulated and lifted structures', async () => {
    const projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'm' })).path;
    const bad = { ...tinyMolecularStudy(), lift: { conditions: [[1.0]], n: 3 } };
    expect((await call(ctx, 'checkStudy', { study: bad })).problems).toContainEqual({ path: 'lift.conditions', message: 'every condition needs one value per CV' });
    expect((await call(ctx, 'checkStudy', { study: tinyMolecularStudy() })).ok).toBe(true);

    const saved = await call(ctx, 'saveStudy', { projectPath, study: tinyMolecularStudy() });
    expect(saved.status).toBe('draft');
    expect(saved.configurationKind).toBe('molecule');
    expect(saved.stages.map((s) => s.name)).toEqual(['sampling', 'model', 'lift', 'seeding']);
    // Before a run there is nothing to show at a point: the words say so.
    expect((await callError(ctx, 'studyConfigurations', { projectPath, studyId: saved.id, cv: 1, cv2: -0.9 })).message).toMatch(/no finished sampling stage yet/);

    const ended = waitForStudyEnd(ctx, projectPath, saved.id, 600_000);
    await call(ctx, 'startStudy', { projectPath, studyId: saved.id });
    const summary = await ended;
    expect(summary.error).toBeNull();
    expect(summary.status).toBe('done');
    expect(summary.stages.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done']);
    for (const s of summary.stages) {
      expect(s.seconds).toBeGreaterThan(0);
      expect(s.runId === null).toBe(s.name === 'lift'); // the lift stage starts no run
    }

    const detail = await call(ctx, 'getStudy', { projectPath, studyId: saved.id });
    expect(detail.hasReport).toBe(true);
    expect(detail.fes).toBeNull();
    const fes = detail.fes2d!;
    expect(fes.cvNames).toEqual(['phi', 'psi']);
    expect(fes.periodic).toEqual([true, true]);
    expect(fes.F).toHaveLength(fes.axes[0].length * fes.axes[1].length);
    expect(detail.runs.sampling).toBe(summary.stages[0].runId);

    // The simulated structures at a point: every frame of the study's 3 runs in that FES cell.
    const report = JSON.parse(readFileSync(join(detail.folder, 'report.json'), 'utf8'));
    const runIds: string[] = [...report.provenance.runs.sampling, ...report.provenance.runs.seeded];
    expect(runIds).toHaveLength(3);
    const { moleculeId } = JSON.parse(readFileSync(join(detail.folder, 'stages', 'molecule.json'), 'utf8'));
    const molecule = await call(ctx, 'getMolecule', { projectPath, moleculeId });
    const nAtoms = molecule.atoms.length;
    const [phi, psi] = (tinyMolecularStudy().cvs as string[]).map((c) => parseAtomicCv(c, { nAtoms, reference: Float64Array.from(decode(molecule.positions)) }));
    const frames: { runId: string; frame: number; at: number[] }[] = [];
    for (const runId of runIds) {
      const got = await call(ctx, 'getTrajectoryFrames', { projectPath, runId, start: 0, count: 100_000 });
      const pos = decode(got.positions);
      for (let f = 0; f < got.count; f++) {
        const x = Float64Array.from(pos.subarray(f * nAtoms * 3, (f + 1) * nAtoms * 3));
        frames.push({ runId, frame: f, at: [phi.value(x), psi.value(x)] });
      }
    }
    // Click where the first replica's first frame lies: at least that frame is in the cell.
    const point = frames[0].at;
    const conf = await call(ctx, 'studyConfigurations', { projectPath, studyId: saved.id, cv: point[0], cv2: point[1], n: 5000 });
    expect(conf.kind).toBe('molecule');
    const m = conf.molecule!;
    const cell = (at: number[]) => at.every((v, c) => Math.abs(periodicDifference(v - point[c], phi.periodic)) <= m.halfWidths[c]);
    const expected = frames.filter((f) => cell(f.at));
    expect(expected.length).toBeGreaterThan(0);
    expect(m.simulatedAt.map((s) => [s.runId, s.frame])).toEqual(expected.map((f) => [f.runId, f.frame]));
    expect(conf.simulated).toHaveLength(expected.length);
    expect(conf.simulated[0]).toHaveLength(nAtoms * 3);
    // Half an FES cell per CV, from the grid getStudy shows.
    expect(m.halfWidths[0]).toBeCloseTo((fes.axes[0][1] - fes.axes[0][0]) / 2, 12);
    // n caps the structures: evenly spaced over the same frames.
    const few = await call(ctx, 'studyConfigurations', { projectPath, studyId: saved.id, cv: point[0], cv2: point[1], n: 1 });
    expect(few.simulated).toHaveLength(1);

    // The lifted structures: the lift stage's 3 at its one condition, which they sit at.
    const cond = (tinyMolecularStudy().lift as { conditions: number[][] }).conditions[0];
    expect(m.liftedAt!.condition).toEqual(cond);
    expect(conf.lifted!.rows).toHaveLength(3);
    for (const row of conf.lifted!.rows) {
      const x = Float64Array.from(row);
      expect(Math.abs(periodicDifference(phi.value(x) - cond[0], phi.periodic))).toBeLessThan(1e-2);
      expect(Math.abs(periodicDifference(psi.value(x) - cond[1], psi.periodic))).toBeLessThan(1e-2);
    }

    // The opposite corner of the torus: its frames recounted (few or none), the lifted ones still (nearest condition).
    const empty = [point[0] + Math.PI, point[1] + Math.PI].map((v) => (v > Math.PI ? v - 2 * Math.PI : v));
    const far = await call(ctx, 'studyConfigurations', { projectPath, studyId: saved.id, cv: empty[0], cv2: empty[1], n: 5000 });
    expect(far.simulated).toHaveLength(frames.filter((f) => f.at.every((v, c) => Math.abs(periodicDifference(v - empty[c], phi.periodic)) <= m.halfWidths[c])).length);
    expect(far.molecule!.liftedAt!.distance).toBeGreaterThan(0);
    // Only one value for a two-CV study: named.
    expect((await callError(ctx, 'studyConfigurations', { projectPath, studyId: saved.id, cv: 1 })).message).toMatch(/cv2: this study has 2 CVs/);

    // Resume with nothing changed: every stage cached, no new run.
    const resumed = waitForStudyEnd(ctx, projectPath, saved.id, 600_000);
    await call(ctx, 'startStudy', { projectPath, studyId: saved.id, resume: true });
    expect((await resumed).stages.map((s) => s.status)).toEqual(['cached', 'cached', 'cached', 'cached']);
  }, 900_000);

  it('Cancel stops every replica of the running sampling stage; the stage goes back to pending', async () => {
    const projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'c' })).path;
    const long = tinyMolecularStudy();
    long.name = 'long ala2';
    long.sampling = { ...(long.sampling as object), steps: 2_000_000 };
    const saved = await call(ctx, 'saveStudy', { projectPath, study: long });
    const ended = waitForStudyEnd(ctx, projectPath, saved.id, 600_000);
    await call(ctx, 'startStudy', { projectPath, studyId: saved.id });
    // Both replicas' runs exist and run before the cancel.
    for (let t = 0; t < 600; t++) {
      const runs = await call(ctx, 'listRuns', { projectPath });
      if (runs.filter((r) => r.status === 'running').length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await call(ctx, 'cancelStudy', { projectPath, studyId: saved.id });
    const summary = await ended;
    expect(summary.status).toBe('cancelled');
    expect(summary.stages[0].status).toBe('pending');
    const runs = await call(ctx, 'listRuns', { projectPath });
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  }, 900_000);

  it('a 3-epoch model: the study finishes, and a click says the lift excluded its absurd structures (not "no lift stage")', async () => {
    const projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'w' })).path;
    const weak = { ...tinyMolecularStudy(), name: 'weak ala2', model: { kind: 'score', epochs: 3, hidden: [32], batchSize: 64 } };
    const saved = await call(ctx, 'saveStudy', { projectPath, study: weak });
    const ended = waitForStudyEnd(ctx, projectPath, saved.id, 600_000);
    await call(ctx, 'startStudy', { projectPath, studyId: saved.id });
    const summary = await ended;
    expect(summary.error).toBeNull();
    expect(summary.status).toBe('done');
    const conf = await call(ctx, 'studyConfigurations', { projectPath, studyId: saved.id, cv: -1.4, cv2: 1.2 });
    expect(conf.lifted).toBeNull();
    expect(conf.molecule!.liftPoor).toMatch(/^The lift stage excluded 3 of 3 lifted structures as absurd at 1 of 1 condition\(s\): the model is poor there; train longer/);
  }, 900_000);
});
