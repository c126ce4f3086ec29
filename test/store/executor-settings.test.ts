import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executorFilePath, readExecutorSettings, writeExecutorSettings } from '../../src-main/store/executor-settings';

describe('executor.json', () => {
  it('defaults to local workers; round-trips Slurm settings with defaults filled in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-exec-'));
    expect(await readExecutorSettings(dir)).toEqual({ executor: 'local' });
    await writeExecutorSettings(dir, { executor: 'slurm', partition: 'short', time: '00:10:00', maxRetries: 1, pollSeconds: 2, submit: 'sbatch' });
    expect(await readExecutorSettings(dir)).toEqual({ executor: 'slurm', partition: 'short', time: '00:10:00', maxRetries: 1, pollSeconds: 2, submit: 'sbatch' });
  });

  it('a damaged, invalid or newer file is refused by name and left unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-exec-'));
    const path = executorFilePath(dir);
    for (const [content, message] of [
      ['{not json', /not valid JSON/],
      [JSON.stringify({ schemaVersion: 1, settings: { executor: 'slurm', time: 'soon' } }), /settings\.time: a Slurm time limit/],
      [JSON.stringify({ schemaVersion: 9, settings: { executor: 'local' } }), /newer Liftwell \(schema 9\)/],
    ] as const) {
      writeFileSync(path, content);
      await expect(readExecutorSettings(dir)).rejects.toThrow(message);
      await expect(readExecutorSettings(dir)).rejects.toThrow(path);
      expect(readFileSync(path, 'utf8')).toBe(content);
    }
  });
});
