/**
 * Names and files read back from a project (issue 14, findings 6 and 7): a crafted project.json
 * cannot make Liftwell read outside the project; an import named ".prmtop" stays usable; a NUL
 * in a path is bad input; a damaged checkpoint names its file and how to go on; temporary files
 * of a killed process are cleaned up.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, callError, makeContext, tempDir } from '../api/helpers';
import { removeStaleTemps } from '../../src-main/store/atomic';
import { readCheckpointJson } from '../../src-main/runs/runtime/raw-files';
import { safeFileName } from '../../src-main/store/molecules';

const dir = tempDir('liftwell-projfiles-');
afterAll(() => dir.cleanup());
const example = join(import.meta.dirname, '../../resources/molecules/alanine-dipeptide');
const b64 = (path: string) => readFileSync(path).toString('base64');

describe('files named by project files', () => {
  it("a molecule whose topologyFile leaves the project is refused, not read", async () => {
    const ctx = makeContext(join(dir.path, 'home'));
    try {
      const project = await call(ctx, 'createProject', { parentDir: dir.path, name: 'Crafted' });
      const molecule = await call(ctx, 'importMolecule', {
        projectPath: project.path, name: 'ala2',
        topology: { fileName: 'ala2.prmtop', base64: b64(join(example, 'ala2.prmtop')) },
        coordinates: { fileName: 'ala2.inpcrd', base64: b64(join(example, 'ala2.inpcrd')) },
      });
      // A readable prmtop outside the project, and a project.json pointing at it.
      mkdirSync(join(dir.path, 'outside'), { recursive: true });
      writeFileSync(join(dir.path, 'outside', 'secret.prmtop'), readFileSync(join(example, 'ala2.prmtop')));
      const file = join(project.path, 'project.json');
      const data = JSON.parse(readFileSync(file, 'utf8'));
      data.molecules[0].topologyFile = '../../../outside/secret.prmtop';
      writeFileSync(file, JSON.stringify(data));
      const error = await callError(ctx, 'getMolecule', { projectPath: project.path, moleculeId: molecule.id });
      expect(error.code).toBe('bad-file');
      expect(error.message).toContain('../../../outside/secret.prmtop');
      expect(error.message).toContain('only a plain file name');
    } finally {
      await ctx.shutdown();
    }
  });

  it('an import named ".prmtop" keeps its extension and stays usable', async () => {
    expect(safeFileName('.prmtop', 'topology')).toBe('topology.prmtop');
    expect(() => safeFileName('dir/..', 'topology')).toThrow();
    expect(() => safeFileName('..', 'topology')).toThrow();
    const ctx = makeContext(join(dir.path, 'home2'));
    try {
      const project = await call(ctx, 'createProject', { parentDir: dir.path, name: 'Dotted' });
      const molecule = await call(ctx, 'importMolecule', {
        projectPath: project.path, name: 'dotted',
        topology: { fileName: '.prmtop', base64: b64(join(example, 'ala2.prmtop')) },
        coordinates: { fileName: '.inpcrd', base64: b64(join(example, 'ala2.inpcrd')) },
      });
      const view = await call(ctx, 'getMolecule', { projectPath: project.path, moleculeId: molecule.id });
      expect(view.atoms.length).toBe(22);
    } finally {
      await ctx.shutdown();
    }
  });

  it('a NUL in a path is invalid input, not an io error', async () => {
    const ctx = makeContext(join(dir.path, 'home3'));
    try {
      expect((await callError(ctx, 'openProject', { projectPath: '/tmp/a\u0000b.liftwell' })).code).toBe('invalid-input');
      expect((await callError(ctx, 'createProject', { parentDir: '/tmp/a\u0000b', name: 'x' })).code).toBe('invalid-input');
    } finally {
      await ctx.shutdown();
    }
  });

  it('a damaged checkpoint names its file and how to go on', () => {
    const path = join(dir.path, 'checkpoint-000.json');
    writeFileSync(path, '{"schemaVersion":1,"sim":{"x":"abc');
    expect(() => readCheckpointJson(path)).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged .*Delete it and resume`));
  });

  it("temporary files of a killed process are removed; a live process's are kept", () => {
    const runDir = join(dir.path, 'run');
    mkdirSync(join(runDir, 'train-checkpoint'), { recursive: true });
    const dead = join(runDir, '.run.json.tmp-999999999-0123abcd');
    const deadNested = join(runDir, 'train-checkpoint', '.checkpoint.bin.tmp-999999999-89abcdef');
    const live = join(runDir, `.run.json.tmp-${process.pid}-00000000`);
    for (const f of [dead, deadNested, live]) writeFileSync(f, 'partial');
    expect(removeStaleTemps(runDir).sort()).toEqual([dead, deadNested].sort());
    expect(existsSync(live)).toBe(true);
  });
});
