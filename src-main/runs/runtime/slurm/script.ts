/**
 * Slurm job scripts and squeue output, as pure functions. One run = one job array; array task
 * K runs piece K of the run (an umbrella window, a training task, ...) with the headless
 * `liftwell piece` command on the shared project folder.
 */
import type { SlurmSettings } from '../../../store/executor-settings';

export interface PieceScriptInput {
  runId: string;
  runName: string;
  settings: SlurmSettings;
  /** How a compute node starts Liftwell: a shell command line (words quoted as the shell needs). */
  liftwellCommand: string;
}

/** Single-quotes a word for bash. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The array job script, written to `runs/<id>/slurm/piece.sh` and submitted from that folder, so
 * the project is found as $SLURM_SUBMIT_DIR/../../.. wherever the folder was copied to.
 */
export function pieceScript({ runId, runName, settings, liftwellCommand }: PieceScriptInput): string {
  const directives = [`--job-name=liftwell-${runId}`, '--output=logs/piece-%a.%A.out', '--open-mode=append'];
  if (settings.partition) directives.push(`--partition=${settings.partition}`);
  if (settings.time) directives.push(`--time=${settings.time}`);
  if (settings.cpusPerTask) directives.push(`--cpus-per-task=${settings.cpusPerTask}`);
  if (settings.gres) directives.push(`--gres=${settings.gres}`);
  return [
    '#!/bin/bash',
    ...directives.map((d) => `#SBATCH ${d}`),
    `# Liftwell: one array task = one piece of run ${runId} (${runName.replace(/[\r\n]/g, ' ')}).`,
    '# Submit from this folder (submit.sh does): the project is three folders up.',
    'set -eo pipefail',
    ...(settings.preamble ? ['# --- preamble ---', ...settings.preamble.replace(/\r/g, '').split('\n'), '# --- end of preamble ---'] : []),
    'PROJECT="$(cd "${SLURM_SUBMIT_DIR:-.}/../../.." && pwd)"',
    `run_liftwell() { ${liftwellCommand.replace(/[\r\n]+/g, ' ')} "$@"; }`,
    `run_liftwell piece --project "$PROJECT" --run ${runId} --index "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

/** `--array=` value for a set of piece indices: ranges compressed (0-3,7,9-10). */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The submit script for clusters the workstation cannot reach (`--scripts-only`). */
export function submitScript(indices: readonly number[]): string {
  return [
    '#!/bin/bash',
    '# Submits the pieces of this run as one Slurm job array. Run it on the cluster from anywhere;',
    '# afterwards fold the results in with `liftwell collect PROJECT_DIR`.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'mkdir -p logs',
    `sbatch --array=${arraySpec(indices)} piece.sh`,
    '',
  ].join('\n');
}

export type QueueState = 'pending' | 'running' | 'ending';

/**
 * `squeue -h -r -o '%F|%K|%t'` lines -> array job id -> task index -> state. Compact states:
 * PD (and CF, RD, S) pending; R running; CG completing. Others (CD, F, CA, TO, NF, PR, OOM)
 * mean the task is over: its exit file says how.
 */
export function parseSqueue(text: string): Map<string, Map<number, QueueState>> {
  const jobs = new Map<string, Map<number, QueueState>>();
  for (const line of text.split('\n')) {
    const [jobId, task, state] = line.trim().split('|');
    if (!jobId || task === undefined || !state) continue;
    const index = Number(task);
    if (!Number.isInteger(index)) continue;
    let s: QueueState | null = null;
    if (['PD', 'CF', 'RD', 'S', 'RQ', 'RS', 'RF', 'SI', 'SO', 'ST'].includes(state)) s = 'pending';
    else if (state === 'R') s = 'running';
    else if (state === 'CG') s = 'ending';
    if (!s) continue;
    if (!jobs.has(jobId)) jobs.set(jobId, new Map());
    jobs.get(jobId)!.set(index, s);
  }
  return jobs;
}
