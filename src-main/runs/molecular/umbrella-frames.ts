/**
 * Frames of a molecular run with several trajectories: umbrella windows (window-NNN.dcd, one
 * frame per sample) or metadynamics walkers (walker-NNN.dcd); joinedTrajectoryFrames reads them as
 * one trajectory, windows or walkers in order (walker-files.ts molecularTrajectories).
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { DcdReader } from '../../engine/molecules/formats/dcd';
import { fdByteSource } from '../../store/byte-source';
import type { MolecularJob } from '../../runs/run-file';
import { molecularTrajectories } from './walker-files';

/**
 * Frames [start, start + count) of the windows' (walkers') DCDs read as one trajectory (window 0's
 * frames, then window 1's, ...; one still running contributes the frames up to its last checkpoint).
 * Returns the total frame count, atoms and the positions (nm) read.
 */
export function joinedTrajectoryFrames(projectPath: string, runId: string, job: MolecularJob, start: number, count: number): { total: number; atoms: number; positions: Float64Array } {
  const chunks: Float64Array[] = [];
  let total = 0;
  let atoms = 0;
  for (const path of molecularTrajectories(projectPath, runId, job)) {
    if (!existsSync(path)) continue;
    const fd = openSync(path, 'r');
    try {
      const reader = new DcdReader(fdByteSource(fd), path);
      const n = reader.nFrames;
      const from = Math.max(start, total) - total;
      const to = Math.min(start + count, total + n) - total;
      if (to > from) {
        const f = reader.readFrames(from, to - from);
        atoms = f.nAtoms;
        chunks.push(Float64Array.from(f.positions));
      } else if (!atoms) atoms = reader.nAtoms;
      total += n;
    } finally {
      closeSync(fd);
    }
  }
  const positions = new Float64Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    positions.set(c, at);
    at += c.length;
  }
  return { total, atoms, positions };
}
