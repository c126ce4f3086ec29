/**
 * The files a cluster run keeps in `runs/<id>/slurm/`: the scripts, the follow state (job ids,
 * attempts) and, per piece, a progress file and an exit file that the piece writes itself. With
 * Slurm accounting off, the exit files are how a finished piece is told from a killed one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { atomicWrite, atomicWriteSync } from '../../../store/atomic';
import { runDir } from '../../../store/project';

export const slurmDir = (projectPath: string, runId: string) => join(runDir(projectPath, runId), 'slurm');
export const slurmFiles = (projectPath: string, runId: string) => {
  const dir = slurmDir(projectPath, runId);
  return {
    dir,
    logs: join(dir, 'logs'),
    script: join(dir, 'piece.sh'),
    submit: join(dir, 'submit.sh'),
    state: join(dir, 'state.json'),
    progress: (k: number) => join(dir, `piece-${k}.progress`),
    exit: (k: number) => join(dir, `piece-${k}.exit.json`),
  };
};

const pieceExitSchema = z.object({
  code: z.number().int(),
  message: z.string().optional(),
  finished: z.string(),
  /** Facts the task learned for the run record (the ensemble executor decision). */
  record: z.record(z.string(), z.unknown()).optional(),
});
export type PieceExit = z.infer<typeof pieceExitSchema>;

export function writePieceExit(projectPath: string, runId: string, k: number, exit: PieceExit): void {
  atomicWriteSync(slurmFiles(projectPath, runId).exit(k), JSON.stringify(exit) + '\n');
}

/** The piece's exit record, or null if it has not finished (or its file is unreadable yet). */
export function readPieceExit(projectPath: string, runId: string, k: number): PieceExit | null {
  const path = slurmFiles(projectPath, runId).exit(k);
  if (!existsSync(path)) return null;
  try {
    return pieceExitSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
}

export function writePieceProgress(projectPath: string, runId: string, k: number, unitsDone: number): void {
  atomicWriteSync(slurmFiles(projectPath, runId).progress(k), `${unitsDone}\n`);
}

export function readPieceProgress(projectPath: string, runId: string, k: number): number | null {
  try {
    const value = Number(readFileSync(slurmFiles(projectPath, runId).progress(k), 'utf8'));
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

const followStateSchema = z.object({
  version: z.literal(1),
  /** Array job ids, oldest first, with the indices each was submitted for. */
  submissions: z.array(z.object({ jobId: z.string(), indices: z.array(z.number().int()), at: z.string() })),
  /** Submissions per piece index (first one included). */
  attempts: z.record(z.string(), z.number().int()),
});
export type FollowState = z.infer<typeof followStateSchema>;

export async function readFollowState(projectPath: string, runId: string): Promise<FollowState | null> {
  try {
    return followStateSchema.parse(JSON.parse(await readFile(slurmFiles(projectPath, runId).state, 'utf8')));
  } catch {
    return null;
  }
}

export async function writeFollowState(projectPath: string, runId: string, state: FollowState): Promise<void> {
  await atomicWrite(slurmFiles(projectPath, runId).state, JSON.stringify(state, null, 2) + '\n');
}
