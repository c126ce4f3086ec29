/** The Slurm client commands Liftwell uses (sbatch, squeue, scancel), as async calls. */
import { execFile } from 'node:child_process';

export interface SlurmCommands {
  /** Submits `script` (in `cwd`) as an array over `array`; resolves to the array job id. */
  sbatch(script: string, array: string, cwd: string): Promise<string>;
  /** Every array task Slurm still knows about, as `squeue -h -r -o '%F|%K|%t'` prints it. */
  squeue(): Promise<string>;
  /** Cancels array jobs or single tasks (`123`, `123_4`). */
  scancel(ids: string[]): Promise<void>;
}

function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new Error(missing ? `${cmd} was not found: is this machine a Slurm submit host (slurm-client installed, on PATH)?` : `${cmd} ${args.join(' ')} failed: ${(stderr || error.message).trim()}`));
      } else resolve(stdout);
    });
  });
}

export const slurmCommands: SlurmCommands = {
  async sbatch(script, array, cwd) {
    const out = await run('sbatch', ['--parsable', `--array=${array}`, script], cwd);
    // --parsable prints "jobid" or "jobid;cluster".
    const jobId = out.trim().split(';')[0];
    if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id: ${out.trim()}`);
    return jobId;
  },
  squeue: () => run('squeue', ['-h', '-r', '-o', '%F|%K|%t']),
  async scancel(ids) {
    if (ids.length) await run('scancel', ids);
  },
};
