/**
 * Seeding through the real bin: `liftwell umbrella --seed-run RUN --seed-frames=...` starts the
 * windows at those frames of an earlier run (run.json keeps where they came from and the exact
 * configurations), a frame count that fits no window layout is refused by name, and a molecular
 * study file with a bad key is refused naming it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../../src-main/engine/io/npy';
import { windowConfigurationsFilePath } from '../../src-main/runs/umbrella/window-task';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');
const home = mkdtempSync(join(tmpdir(), 'lw-home-'));
const liftwell = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LIFTWELL_HOME: home }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('seeding on the command line', () => {
  it('liftwell umbrella --seed-run/--seed-frames starts each window at the named frame of the earlier run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-seed-'));
    const project = join(dir, 'p.liftwell');
    const common = ['umbrella', '--project', project, '--system', 'double-well', '--range=-1,1', '--windows', '3', '--spring', '20', '--steps', '2000', '--walkers', '1', '--json'];
    const first = liftwell(common);
    expect(first.code, first.stderr).toBe(0);
    const earlier = JSON.parse(first.stdout).run.id as string;
    const seeded = liftwell([...common, '--seed-run', earlier, '--seed-frames=0,-1,250']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const runId = JSON.parse(seeded.stdout).run.id as string;
    const file = JSON.parse(readFileSync(join(project, 'runs', runId, 'run.json'), 'utf8'));
    expect(file.run.params.seeding).toMatchObject({ source: 'frames', runId: earlier, frames: [0, -1, 250] });
    // The earlier run's saved configurations pooled window by window (1 walker, 200 samples each, 1 coordinate).
    const pooled = [0, 1, 2].flatMap((k) => Array.from(decodeNpy(new Uint8Array(readFileSync(windowConfigurationsFilePath(project, earlier, k)))).data));
    expect(file.job.windows.map((w: { starts: number[] }) => w.starts)).toEqual([[pooled[0]], [pooled[pooled.length - 1]], [pooled[250]]]);

    const bad = liftwell([...common, '--seed-run', earlier, '--seed-frames=1,2']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/seeding\.starts: 2 blocks of starting configurations for 3 windows/);
    const alone = liftwell([...common, '--seed-frames=1,2,3']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--seed-run RUN_ID together with --seed-frames/);
  }, 240_000);

  it('liftwell run refuses a molecular study with a bad key, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-molstudy-'));
    const study = JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/examples/alanine-dipeptide.study.json'), 'utf8'));
    study.temperature = -3;
    const file = join(dir, 'ala2.study.json');
    writeFileSync(file, JSON.stringify(study));
    const r = liftwell(['run', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ala2.study.json');
    expect(r.stderr).toMatch(/temperature: must be > 0/);
  });
});
