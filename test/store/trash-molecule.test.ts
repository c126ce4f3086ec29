/**
 * Deleting an imported molecule through the trash (api/trash.ts, store/trash.ts): its folder
 * systems/<id>/ and its project.json entry go to .trash and come back byte for byte on restore;
 * a molecule that runs use is refused with their names unless withDependents, which takes the
 * runs along; a run of a deleted molecule cannot be restored before the molecule. Exact file and
 * index comparisons, no tolerances.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/api/handlers';
import type { MolecularRunParams } from '../../src-main/api/contract';
import { readProjectFile } from '../../src-main/store/project';
import { TRASH_DIR } from '../../src-main/store/trash';
import { call, callError, makeContext, tempDir, waitForFinal } from '../api/helpers';

let dir: ReturnType<typeof tempDir>;
let ctx: AppContext;
beforeEach(() => {
  dir = tempDir();
  ctx = makeContext(join(dir.path, 'home'));
});
afterEach(async () => {
  await ctx.shutdown();
  dir.cleanup();
});

// A few hundred steps of plain MD: the run only has to exist and finish (about a second).
const tinyMd: MolecularRunParams = {
  temperature: 300,
  friction: 1,
  dt: 0.002,
  steps: 200,
  constraints: 'hbonds',
  minimize: false,
  seed: 3,
  frameInterval: 50,
  cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
};

async function projectWithMolecule() {
  const projectPath = (await call(ctx, 'createProject', { parentDir: dir.path, name: 'Mol' })).path;
  const molecule = await call(ctx, 'addExampleMolecule', { projectPath, example: 'alanine-dipeptide' });
  return { projectPath, molecule };
}

describe('delete a molecule with undo', () => {
  test('an unused molecule goes to the trash with its folder and comes back unchanged', async () => {
    const { projectPath, molecule } = await projectWithMolecule();
    const folder = join(projectPath, 'systems', molecule.id);
    const topology = readFileSync(join(folder, molecule.topologyFile));
    const before = (await readProjectFile(projectPath)).molecules;

    expect(await call(ctx, 'planDelete', { projectPath, kind: 'molecule', id: molecule.id })).toEqual({ kind: 'molecule', id: molecule.id, name: molecule.name, dependents: [], blockers: [] });
    const item = await call(ctx, 'deleteToTrash', { projectPath, kind: 'molecule', id: molecule.id });
    expect(item.itemId).toMatch(new RegExp(`^\\d{8}T\\d{6}-\\d{3}-molecule-${molecule.id}$`));
    expect(item.entries.molecules).toEqual(before);
    expect(existsSync(folder)).toBe(false);
    expect(readFileSync(join(projectPath, TRASH_DIR, item.itemId, 'files', 'systems', molecule.id, molecule.topologyFile))).toEqual(topology);
    expect((await readProjectFile(projectPath)).molecules).toEqual([]);
    expect((await call(ctx, 'openProject', { projectPath })).molecules).toEqual([]);
    expect((await callError(ctx, 'getMolecule', { projectPath, moleculeId: molecule.id })).code).toBe('not-found');

    await call(ctx, 'restoreFromTrash', { projectPath, itemId: item.itemId });
    expect(readFileSync(join(folder, molecule.topologyFile))).toEqual(topology);
    expect((await readProjectFile(projectPath)).molecules).toEqual(before);
    expect((await call(ctx, 'getMolecule', { projectPath, moleculeId: molecule.id })).atoms.length).toBe(22);
  }, 60_000);

  test('a molecule with runs: refused naming them, then deleted with them; its run comes back only after it', async () => {
    const { projectPath, molecule } = await projectWithMolecule();
    const run = await call(ctx, 'startMolecularRun', { projectPath, moleculeId: molecule.id, name: 'md', params: tinyMd });
    expect((await waitForFinal(ctx, run.id, 60_000)).status).toBe('completed');

    const plan = await call(ctx, 'planDelete', { projectPath, kind: 'molecule', id: molecule.id });
    expect(plan.dependents).toEqual([{ kind: 'run', id: run.id, name: 'md' }]);
    const refused = await callError(ctx, 'deleteToTrash', { projectPath, kind: 'molecule', id: molecule.id });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain(`The molecule "${molecule.name}" is used by run "md"`);
    expect(existsSync(join(projectPath, 'systems', molecule.id))).toBe(true);

    // The run alone goes first; restoring it needs the molecule, which is still there: fine.
    const runItem = await call(ctx, 'deleteToTrash', { projectPath, kind: 'run', id: run.id });
    const molItem = await call(ctx, 'deleteToTrash', { projectPath, kind: 'molecule', id: molecule.id });
    const orphan = await callError(ctx, 'restoreFromTrash', { projectPath, itemId: runItem.itemId });
    expect(orphan.code).toBe('conflict');
    expect(orphan.message).toContain(`restore the molecule "${molecule.name}" from the trash first`);
    await call(ctx, 'restoreFromTrash', { projectPath, itemId: molItem.itemId });
    await call(ctx, 'restoreFromTrash', { projectPath, itemId: runItem.itemId });
    expect((await readProjectFile(projectPath)).runs.map((r) => r.id)).toEqual([run.id]);

    // withDependents takes the run along, and one restore brings both back.
    const both = await call(ctx, 'deleteToTrash', { projectPath, kind: 'molecule', id: molecule.id, withDependents: true });
    expect(both.entries.runs.map((r) => r.id)).toEqual([run.id]);
    expect(existsSync(join(projectPath, 'runs', run.id))).toBe(false);
    await call(ctx, 'restoreFromTrash', { projectPath, itemId: both.itemId });
    expect((await call(ctx, 'getMolecularResult', { projectPath, runId: run.id })).frames).toBe(tinyMd.steps / tinyMd.frameInterval);
  }, 120_000);
});
