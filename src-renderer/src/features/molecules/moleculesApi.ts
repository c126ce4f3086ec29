/**
 * The molecule calls of the Liftwell API (docs/molecule-api.md) as the renderer uses them, and
 * a FrameSource over a run's trajectory that loads frames in blocks with getTrajectoryFrames.
 */
import { app } from '../../shared/app.svelte';
import { decodeFloat32, fileToBase64 } from './molecules';
import type { FrameSource } from '../viewer/frames';

export type { MoleculeRecord, MoleculeView, MolecularRunParams, MolecularResult, TrajectoryFrames, MolecularRunRecord } from '../../../../src-main/api/contract';
import type { MoleculeRecord, MoleculeView, MolecularResult, MolecularRunParams, MolecularRunRecord, RunRecord, TrajectoryFrames } from '../../../../src-main/api/contract';

export type MolecularBasin = NonNullable<MolecularResult['basins']>[number];

function projectPath(): string {
  if (!app.project) throw new Error('Open a project first.');
  return app.project.path;
}

export const moleculeApi = {
  addExample: () => app.api.addExampleMolecule({ projectPath: projectPath(), example: 'alanine-dipeptide' }),
  import: (name: string, topology: { fileName: string; base64: string }, coordinates: { fileName: string; base64: string }) =>
    app.api.importMolecule({ projectPath: projectPath(), name, topology, coordinates }),
  get: (moleculeId: string): Promise<MoleculeView> => app.api.getMolecule({ projectPath: projectPath(), moleculeId }),
  startRun: (moleculeId: string, name: string, params: MolecularRunParams): Promise<RunRecord> =>
    app.api.startMolecularRun({ projectPath: projectPath(), moleculeId, name, params }),
  result: (runId: string) => app.api.getMolecularResult({ projectPath: projectPath(), runId }),
  frames: (runId: string, start: number, count: number) => app.api.getTrajectoryFrames({ projectPath: projectPath(), runId, start, count }),
};

/** The molecules of the open project (absent in projects made before molecules existed). */
export function projectMolecules(): MoleculeRecord[] {
  return app.project?.molecules ?? [];
}

export function setProjectMolecules(list: MoleculeRecord[]) {
  if (app.project) app.project.molecules = list;
}

/**
 * Imports a molecule from two files (a drop on the window: shared/shell/DropZone.svelte) and opens
 * it in the Molecules view. Errors (the main process names the file and line) reach the caller.
 */
export async function importMoleculeFiles(name: string, topology: File, coordinates: File): Promise<void> {
  const [top, crd] = await Promise.all([fileToBase64(topology), fileToBase64(coordinates)]);
  const rec = await moleculeApi.import(name, top, crd);
  setProjectMolecules([...projectMolecules().filter((m) => m.id !== rec.id), rec]);
  app.moleculeId = rec.id;
  app.view = 'molecules';
  app.toast('success', `Imported "${rec.name}" (${rec.atoms} atoms) from ${topology.name} + ${coordinates.name}.`);
}

/** Molecular runs of the open project, newest first. */
export function molecularRuns(): MolecularRunRecord[] {
  return app.runs.filter((r): r is MolecularRunRecord => r.kind === 'molecular');
}

/**
 * Frames of a run's trajectory, loaded `blockSize` at a time (one call per block) and kept for
 * the few most recent blocks; the viewer's FrameCache in front of it keeps decoded frames.
 */
export function trajectorySource(runId: string, count: number, atoms: number, blockSize = 64, keepBlocks = 8): FrameSource {
  return blockFrameSource((start, n) => moleculeApi.frames(runId, start, n), count, atoms, blockSize, keepBlocks);
}

/** An imported DCD of a molecule (features/imports), read through the same block cache. */
export function importedTrajectorySource(importId: string, count: number, atoms: number): FrameSource {
  return blockFrameSource((start, n) => app.api.getImportedTrajectoryFrames({ projectPath: projectPath(), importId, start, count: n }), count, atoms);
}

/** Frames fetched `blockSize` at a time by `fetchBlock`, the `keepBlocks` most recent blocks kept. */
function blockFrameSource(fetchBlock: (start: number, count: number) => Promise<TrajectoryFrames>, count: number, atoms: number, blockSize = 64, keepBlocks = 8): FrameSource {
  const blocks = new Map<number, Promise<Float32Array>>();
  const frameLength = atoms * 3;
  const load = (b: number): Promise<Float32Array> => {
    let p = blocks.get(b);
    if (p) {
      blocks.delete(b);
      blocks.set(b, p);
      return p;
    }
    const start = b * blockSize;
    const n = Math.min(blockSize, count - start);
    p = fetchBlock(start, n).then((blk) => {
      const data = decodeFloat32(blk.positions);
      if (blk.atoms !== atoms) throw new Error(`trajectory has ${blk.atoms} atoms, the molecule ${atoms}`);
      if (data.length !== blk.count * frameLength) throw new Error(`frames ${start + 1}-${start + n}: expected ${blk.count * frameLength} values, got ${data.length}`);
      return data;
    });
    p.catch(() => blocks.delete(b));
    blocks.set(b, p);
    while (blocks.size > keepBlocks) blocks.delete(blocks.keys().next().value as number);
    return p;
  };
  return {
    count,
    async get(i: number) {
      const b = Math.floor(i / blockSize);
      const data = await load(b);
      const k = i - b * blockSize;
      // A copy: the viewer may keep the frame after the block is dropped.
      return data.slice(k * frameLength, (k + 1) * frameLength);
    },
  };
}

/** A molecule's view with its decoded positions, kept per project and molecule id. */
export interface LoadedMolecule {
  view: MoleculeView;
  positions: Float32Array;
}
const loaded = new Map<string, Promise<LoadedMolecule>>();

export function loadMolecule(moleculeId: string): Promise<LoadedMolecule> {
  const key = `${app.project?.path ?? ''}\n${moleculeId}`;
  let p = loaded.get(key);
  if (!p) {
    p = moleculeApi.get(moleculeId).then((view) => {
      const positions = decodeFloat32(view.positions);
      if (positions.length !== view.atoms.length * 3) throw new Error(`${view.name}: ${positions.length / 3} positions for ${view.atoms.length} atoms`);
      return { view, positions };
    });
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}
