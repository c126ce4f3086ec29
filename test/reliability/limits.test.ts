/**
 * One set of limits for the API and the CLI (issue 14, finding 4): sizes past the limits or past
 * the machine's free memory exit 2 before anything is allocated, naming the CLI option; a
 * diverging simulation is a clear exit-2 message, not "Unexpected error".
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calls } from '../../src-main/api/contract';
import { LIMITS } from '../../src-main/schema/limits';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');
const liftwell = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
};

describe('size limits', () => {
  const cases: [string[], string][] = [
    [['sample', '--system', 'double-well', '--walkers', '1e12', '--steps', '10', '--dt', '1e-3'], '--walkers'],
    [['sample', '--system', 'double-well', '--walkers', '100000000', '--steps', '10', '--dt', '1e-3'], '--walkers'],
    [['sample', '--system', 'double-well', '--steps', '1e15', '--dt', '1e-3'], '--steps'],
    [['metad', '--system', 'muller-brown', '--cv', 'x,y', '--sigma', '0.05,0.05', '--height', '1', '--pace', '10', '--biasfactor', '4', '--dt', '1e-4', '--steps', '10', '--walkers', '1e12'], '--walkers'],
    [['lift', '--model', '/nonexistent', '--cond=0', '--n', '1e12', '--json'], '--n'],
    [['lift', '--model', '/nonexistent', '--cond=0', '--n', '100000000', '--json'], '--n'],
    [['fes', '--metadata', '/nonexistent', '--dims', '2', '--bins', '100000,100000', '--range=0,1,0,1'], '--bins'],
    [['fes', '--metadata', '/nonexistent', '--bins', '1000000000', '--range=0,1'], '--bins'],
    [['fes', '--metadata', '/nonexistent', '--bins', '10', '--range=0,1', '--bootstrap', '1000000000'], '--bootstrap'],
    [['train', '--x', '/nonexistent', '--cond', '/nonexistent', '--out', '/tmp/none', '--model', 'score', '--hidden', '1000000000'], '--hidden'],
  ];
  it.each(cases)('%j exits 2 naming %s', (args, option) => {
    const { code, stderr } = liftwell(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`${option}:`);
    expect(stderr).not.toContain('Unexpected error');
  });

  it('a request past the free memory is refused before allocating, naming the option', () => {
    const { code, stderr } = liftwell(['sample', '--system', 'double-well', '--walkers', '1000000', '--steps', '1', '--dt', '1e-3'], { LIFTWELL_TEST_FREE_MEMORY: String(16 * 2 ** 20) });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--walkers: 1000000 walkers needs about \d+ MiB of memory, more than this machine has free/);
  });

  it('umbrella checks its options before creating the project, with CLI names', () => {
    const project = join(mkdtempSync(join(tmpdir(), 'liftwell-limits-')), 'p.liftwell');
    const { code, stderr } = liftwell(['umbrella', '--project', project, '--system', 'double-well', '--range=-1,1', '--windows', '100000', '--spring', '10']);
    expect(code).toBe(2);
    expect(stderr).toContain('--windows');
    expect(stderr).not.toContain('params.');
    expect(existsSync(project)).toBe(false);
  });

  it('the API schemas use the same limits', () => {
    const walkers = calls.startEnsembleRun.input.safeParse({ projectPath: '/p', systemId: 's', name: 'n', params: { walkers: LIMITS.ensembleWalkers + 1 } });
    expect(walkers.success).toBe(false);
    expect(JSON.stringify(walkers.error?.issues)).toContain(String(LIMITS.ensembleWalkers));
  });

  it('a diverging simulation (--dt 1e6) is a clear exit-2 message', () => {
    const { code, stderr } = liftwell(['sample', '--system', 'double-well', '--walkers', '2', '--steps', '100', '--dt', '1e6']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/diverged .* reduce dt/);
  });
});
