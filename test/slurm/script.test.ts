import { describe, expect, it } from 'vitest';
import { arraySpec, parseSqueue, pieceScript, shellQuote, submitScript } from '../../src-main/runs/runtime/slurm/script';
import { executorSettingsSchema } from '../../src-main/schema/executor';
import { executorSettingsFromOptions } from '../../src-main/cli/executor-options';
import { spawnSync } from 'node:child_process';

const slurm = (extra: object = {}) => executorSettingsSchema.parse({ executor: 'slurm', ...extra }) as Extract<ReturnType<typeof executorSettingsSchema.parse>, { executor: 'slurm' }>;

describe('Slurm job scripts', () => {
  it('array specs compress runs of indices', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([7, 0, 2, 1, 9, 10])).toBe('0-2,7,9-10');
    expect(arraySpec([5])).toBe('5');
  });

  it('the piece script carries the sbatch options, the preamble and the piece command', () => {
    const script = pieceScript({
      runId: 'run-1',
      runName: 'umbrella\nx',
      settings: slurm({ partition: 'gpu', time: '01:30:00', cpusPerTask: 2, gres: 'gpu:1', preamble: 'module load node/20\nexport A=1' }),
      liftwellCommand: "'/opt/node' '/opt/lw/bin/liftwell.mjs'",
    });
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    for (const d of ['--job-name=liftwell-run-1', '--partition=gpu', '--time=01:30:00', '--cpus-per-task=2', '--gres=gpu:1']) expect(lines).toContain(`#SBATCH ${d}`);
    // #SBATCH lines must come before the first command, or sbatch ignores them.
    const firstCommand = lines.findIndex((l) => l && !l.startsWith('#'));
    expect(lines.slice(firstCommand).some((l) => l.startsWith('#SBATCH'))).toBe(false);
    expect(script).toContain('module load node/20\nexport A=1');
    expect(script).not.toContain('umbrella\nx'); // a newline in a run name cannot break the script
    expect(script).toContain(`run_liftwell() { '/opt/node' '/opt/lw/bin/liftwell.mjs' "$@"; }`);
    expect(script).toContain('run_liftwell piece --project "$PROJECT" --run run-1 --index "$SLURM_ARRAY_TASK_ID"');
    // Valid bash.
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expect(spawnSync('bash', ['-n'], { input: submitScript([0, 2, 3]) }).status).toBe(0);
    expect(submitScript([0, 2, 3])).toContain('sbatch --array=0,2-3 piece.sh');
  });

  it('shell quoting survives quotes and spaces', () => {
    const word = "it's a /path with spaces";
    expect(spawnSync('bash', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' }).stdout).toBe(word);
  });

  it('squeue lines: pending, running and completing tasks of each array job; finished states dropped', () => {
    const q = parseSqueue('12|0|R\n12|1|PD\n12|2|CG\n13|4|PD\n13|5|CD\n\ngarbage\n14|N/A|R\n');
    expect([...q.get('12')!.entries()]).toEqual([
      [0, 'running'],
      [1, 'pending'],
      [2, 'ending'],
    ]);
    expect([...q.get('13')!.entries()]).toEqual([[4, 'pending']]);
    expect(q.has('14')).toBe(false);
  });
});

describe('executor options', () => {
  it('no option: no change; local; slurm with options', () => {
    expect(executorSettingsFromOptions({})).toBeNull();
    expect(executorSettingsFromOptions({ executor: 'local' })).toEqual({ executor: 'local' });
    expect(executorSettingsFromOptions({ executor: 'slurm', partition: 'p', time: '2-00:00:00', 'cpus-per-task': '4', 'scripts-only': true })).toMatchObject({
      executor: 'slurm',
      partition: 'p',
      time: '2-00:00:00',
      cpusPerTask: 4,
      submit: 'scripts-only',
      maxRetries: 2,
    });
  });

  it('bad values name the CLI option', () => {
    expect(() => executorSettingsFromOptions({ executor: 'pbs' })).toThrow(/--executor must be local or slurm/);
    expect(() => executorSettingsFromOptions({ partition: 'p' })).toThrow(/--partition needs --executor slurm/);
    expect(() => executorSettingsFromOptions({ executor: 'slurm', time: '90 minutes' })).toThrow(/--time: a Slurm time limit/);
    expect(() => executorSettingsFromOptions({ executor: 'slurm', gres: 'gpu;rm -rf' })).toThrow(/--gres/);
    expect(() => executorSettingsFromOptions({ executor: 'slurm', 'max-retries': '50' })).toThrow(/--max-retries/);
    expect(() => executorSettingsFromOptions({ executor: 'slurm', preamble: '/no/such/file' })).toThrow(/--preamble: cannot read/);
  });
});
