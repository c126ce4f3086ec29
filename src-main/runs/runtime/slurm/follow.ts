/**
 * A run's pieces on a Slurm cluster: submits the unfinished pieces as one job array, follows
 * them (squeue + the pieces' own progress and exit files), re-submits failed or killed pieces a
 * bounded number of times, and reports to the JobManager through a sink. The follow state
 * (job ids, attempts) lives in runs/<id>/slurm/state.json, so a restarted app or CLI re-attaches
 * to the jobs still queued or running instead of submitting them again.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterRecord } from '../../../schema';
import type { SlurmSettings } from '../../../store/executor-settings';
import { nowIso } from '../../../store/project';
import type { RunFile } from '../../run-file';
import { runKindOf } from '../../registry';
import type { RemoteExecution, RemoteSink } from '../remote';
import type { SlurmCommands } from './commands';
import { readFollowState, readPieceExit, readPieceProgress, slurmFiles, writeFollowState, type FollowState } from './files';
import { arraySpec, parseSqueue, pieceScript, submitScript, type QueueState } from './script';

export interface SlurmRunOptions {
  projectPath: string;
  file: RunFile;
  /** Pieces not finished yet. */
  pending: number[];
  settings: SlurmSettings;
  liftwellCommand: string;
  commands: SlurmCommands;
  sink: RemoteSink;
}

/** Polls in a row that may miss a piece before it counts as lost (squeue can lag a finished task's exit file). */
const MISSES_BEFORE_LOST = 2;
/** squeue failures in a row before the run fails (the controller is down or unreachable). */
const QUEUE_FAILURES_BEFORE_FAIL = 30;

/** Writes piece.sh (and submit.sh); returns the files. */
export function writeScripts(projectPath: string, file: RunFile, settings: SlurmSettings, liftwellCommand: string, indices: number[]) {
  const files = slurmFiles(projectPath, file.run.id);
  mkdirSync(files.logs, { recursive: true });
  writeFileSync(files.script, pieceScript({ runId: file.run.id, runName: file.run.name, settings, liftwellCommand }), { mode: 0o755 });
  writeFileSync(files.submit, submitScript(indices), { mode: 0o755 });
  return files;
}

export async function startSlurmRun(opts: SlurmRunOptions): Promise<RemoteExecution> {
  const { projectPath, file, settings, commands, sink } = opts;
  const runId = file.run.id;
  const kind = runKindOf(file.job);
  const files = writeScripts(projectPath, file, settings, opts.liftwellCommand, opts.pending);
  if (settings.submit === 'scripts-only') {
    const pieces = kind.taskUnits(file.job).map((_, index) => ({ index, state: opts.pending.includes(index) ? ('pending' as const) : ('done' as const), attempts: 0 }));
    sink.record({ cluster: { executor: 'slurm', jobIds: [], pieces, scriptsOnly: true, updated: nowIso() } satisfies ClusterRecord });
    // Parked on the next tick, once the manager has taken the execution.
    setImmediate(() =>
      sink.park(`Job scripts written to ${files.dir}: copy the project to the cluster, run ${files.submit} there, copy it back, then run \`liftwell collect ${projectPath}\` (or Resume).`),
    );
    return { cancel: async () => {}, detach: () => {} };
  }
  const state: FollowState = (await readFollowState(projectPath, runId)) ?? { version: 1, submissions: [], attempts: {} };
  const pending = new Set(opts.pending);
  const queueState = new Map<number, QueueState | 'lost'>();
  const misses = new Map<number, number>();
  const messages = new Map<number, string>();
  let queueFailures = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lastRecord = '';

  /** Which array job (latest submission) owns each pending piece. */
  const ownerOf = (k: number) => [...state.submissions].reverse().find((s) => s.indices.includes(k))?.jobId;

  /** Array jobs that still own an unfinished piece. */
  const liveJobIds = () => [...new Set([...pending].map(ownerOf).filter((id): id is string => id !== undefined))];

  const publish = () => {
    const pieces: ClusterRecord['pieces'] = kind.taskUnits(file.job).map((_, index) => {
      const attempts = state.attempts[index] ?? 0;
      if (!pending.has(index)) return { index, state: 'done', attempts };
      const q = queueState.get(index);
      const s = q === 'running' || q === 'ending' ? 'running' : q === 'lost' ? 'retrying' : 'pending';
      return { index, state: s, attempts, ...(messages.has(index) ? { message: messages.get(index) } : {}) };
    });
    const cluster: ClusterRecord = { executor: 'slurm', jobIds: state.submissions.map((s) => s.jobId), pieces, updated: nowIso() };
    const key = JSON.stringify({ ...cluster, updated: '' });
    if (key === lastRecord) return;
    lastRecord = key;
    sink.record({ cluster });
  };

  async function submit(indices: number[]): Promise<void> {
    for (const k of indices) {
      // A failed attempt's files must not be read as the new attempt's outcome.
      rmSync(files.exit(k), { force: true });
      state.attempts[k] = (state.attempts[k] ?? 0) + 1;
      misses.delete(k);
      queueState.set(k, 'pending');
    }
    const jobId = await commands.sbatch(files.script, arraySpec(indices), files.dir);
    state.submissions.push({ jobId, indices: [...indices].sort((a, b) => a - b), at: nowIso() });
    await writeFollowState(projectPath, runId, state);
  }

  function logTail(k: number): string {
    const jobId = ownerOf(k);
    if (!jobId) return '';
    try {
      const text = readFileSync(join(files.logs, `piece-${k}.${jobId}.out`), 'utf8').trim();
      return text.split('\n').slice(-3).join(' | ').slice(0, 400);
    } catch {
      return '';
    }
  }

  async function poll(): Promise<void> {
    let queue: Map<string, Map<number, QueueState>>;
    try {
      queue = parseSqueue(await commands.squeue());
      queueFailures = 0;
    } catch (error) {
      if (++queueFailures >= QUEUE_FAILURES_BEFORE_FAIL) throw error;
      return;
    }
    const retry: number[] = [];
    const finished: number[] = [];
    for (const k of [...pending]) {
      const exit = readPieceExit(projectPath, runId, k);
      if (exit && exit.code === 0 && kind.isTaskDone(projectPath, runId, file.job, k)) {
        pending.delete(k);
        queueState.delete(k);
        if (exit.record) sink.record(exit.record);
        finished.push(k);
        continue;
      }
      const owner = ownerOf(k);
      const q = owner ? queue.get(owner)?.get(k) : undefined;
      let failure: string | null = null;
      if (exit && exit.code !== 0) failure = exit.message ?? `exit code ${exit.code}`;
      else if (q) {
        queueState.set(k, q);
        misses.delete(k);
        const units = readPieceProgress(projectPath, runId, k);
        if (units !== null) sink.progress(k, units);
      } else {
        const missed = (misses.get(k) ?? 0) + 1;
        misses.set(k, missed);
        if (missed >= MISSES_BEFORE_LOST) {
          const tail = logTail(k);
          failure = `the Slurm task ended without finishing (cancelled, killed, out of time or a node failure)${tail ? `; its log ends: ${tail}` : ''}`;
        }
      }
      if (failure === null) continue;
      messages.set(k, failure);
      queueState.set(k, 'lost');
      if ((state.attempts[k] ?? 0) > settings.maxRetries) {
        throw new Error(`piece ${k} failed ${state.attempts[k]} times (job ${owner ?? '?'}): ${failure}`);
      }
      retry.push(k);
    }
    // The record first: the last piece's done() completes the run, after which nothing is written.
    publish();
    for (const k of finished) sink.done(k);
    if (retry.length) {
      await submit(retry);
      publish();
    }
  }

  const loop = async () => {
    timer = null;
    if (stopped) return;
    try {
      await poll();
    } catch (error) {
      stopped = true;
      await commands.scancel(liveJobIds()).catch(() => {});
      sink.fail((error as Error).message);
      return;
    }
    if (stopped || pending.size === 0) return;
    timer = setTimeout(() => void loop(), settings.pollSeconds * 1000);
  };

  // Re-attach: pieces still queued or running under an earlier submission are followed, not re-submitted.
  let live = new Map<string, Map<number, QueueState>>();
  if (state.submissions.length) live = parseSqueue(await commands.squeue());
  const toSubmit = [...pending].filter((k) => {
    const owner = ownerOf(k);
    return !(owner && live.get(owner)?.has(k)) && !(readPieceExit(projectPath, runId, k)?.code === 0);
  });
  if (toSubmit.length) await submit(toSubmit);
  publish();
  timer = setTimeout(() => void loop(), 0);

  return {
    async cancel() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await commands.scancel(liveJobIds());
    },
    detach() {
      // The app or CLI is closing: the cluster keeps computing; resume re-attaches.
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
