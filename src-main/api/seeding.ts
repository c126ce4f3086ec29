/**
 * Start calls with `params.seeding` {source: 'frames', runId, frames} and no `starts`: the frames
 * of that run are read here (runs/seeding/frames.ts) and become the starts, so run.json keeps the
 * configurations the run really started from beside where they came from.
 */
import type { SeedingSpec } from '../schema';
import type { RunFile } from '../runs/run-file';
import { readSeedFrames } from '../runs/seeding/frames';

export async function withSeedFrames<P extends { seeding?: SeedingSpec }>(
  projectPath: string,
  params: P,
  getRunFile: (projectPath: string, runId: string) => Promise<RunFile>,
): Promise<P> {
  const s = params.seeding;
  if (!s || s.starts || s.source !== 'frames' || !s.runId || !s.frames) return params;
  const source = await getRunFile(projectPath, s.runId);
  return { ...params, seeding: { ...s, starts: readSeedFrames(projectPath, source, s.frames) } };
}
