/**
 * Handlers of the import calls (docs/imports.md): each import is computed once before anything is
 * written, so a malformed file (named with its line) leaves the project unchanged; the stored
 * files are recomputed on every getImportedResult (same files, same numbers).
 */
import type { CallOutputs, CallParsedInput } from './contract';
import type { ImportRecord, ImportedTextFile } from '../schema/imports';
import { importedHillsResult } from '../analysis/imports/hills-fes';
import { importedWhamResult } from '../analysis/imports/wham-import';
import { closeSync, openSync } from 'node:fs';
import { ApiError } from '../schema';
import { addImport, addTrajectoryImport, findImport, readImportFiles, trajectoryPath } from '../store/imports';
import { findMolecule } from '../store/molecules';
import { ioError } from '../store/atomic';
import { fdByteSource } from '../store/byte-source';
import { DcdReader, readDcdHeader } from '../engine/molecules/formats/dcd';
import { bytesSource } from '../engine/molecules/formats/frames';
import { decodeBase64, toBase64Float32 } from './molecules';
import { nowIso } from '../store/project';

type ImportCalls = 'importHills' | 'importWham' | 'getImportedResult';

/** A record for the validation pass, before the import has an id. */
const draft = (name: string, kind: ImportRecord['kind'], files: ImportedTextFile[]): ImportRecord => ({ id: 'draft', name, kind, created: nowIso(), files: files.map((f) => f.fileName) });

function resultOf(record: ImportRecord, files: ImportedTextFile[]): CallOutputs['getImportedResult'] {
  if (record.kind === 'trajectory') throw new ApiError('invalid-input', `"${record.name}" is an imported trajectory: it is shown with its molecule (getImportedTrajectoryFrames).`);
  if (record.kind === 'hills') return importedHillsResult(record, files[0], files[1] ?? null);
  return importedWhamResult(record, files[0], files.slice(1), record.options ?? {});
}

export function createImportHandlers(deps: { requireProject(path: string): Promise<string> }): {
  [K in ImportCalls]: (input: CallParsedInput<K>) => Promise<CallOutputs[K]>;
} {
  return {
    async importHills({ projectPath, name, hills, colvar }) {
      const path = await deps.requireProject(projectPath);
      const files = colvar ? [hills, colvar] : [hills];
      importedHillsResult(draft(name, 'hills', files), hills, colvar ?? null);
      return addImport(path, { name, kind: 'hills', files, provenance: `imported ${nowIso()} from ${files.map((f) => f.fileName).join(', ')}` });
    },
    async importWham({ projectPath, name, metadata, windows, bins, kT }) {
      const path = await deps.requireProject(projectPath);
      const options = { ...(bins !== undefined ? { bins } : {}), ...(kT !== undefined ? { kT } : {}) };
      importedWhamResult(draft(name, 'wham', [metadata, ...windows]), metadata, windows, options);
      const record = await addImport(path, { name, kind: 'wham', files: [metadata, ...windows], provenance: `imported ${nowIso()} from ${metadata.fileName} and ${windows.length} window files`, options });
      return record;
    },
    async getImportedResult({ projectPath, importId }) {
      const path = await deps.requireProject(projectPath);
      const record = await findImport(path, importId);
      if (record.kind === 'trajectory') return resultOf(record, []);
      return resultOf(record, await readImportFiles(path, record));
    },
  };
}

type TrajectoryCalls = 'importTrajectory' | 'getImportedTrajectoryFrames';

/** Imported DCD trajectories of a molecule: checked against its topology on import, read by frames. */
export function createTrajectoryImportHandlers(deps: { requireProject(path: string): Promise<string> }): {
  [K in TrajectoryCalls]: (input: CallParsedInput<K>) => Promise<CallOutputs[K]>;
} {
  return {
    async importTrajectory({ projectPath, moleculeId, dcd }) {
      const path = await deps.requireProject(projectPath);
      const molecule = await findMolecule(path, moleculeId);
      const bytes = decodeBase64(dcd.base64, dcd.fileName);
      const header = readDcdHeader(bytesSource(bytes), dcd.fileName);
      if (header.nAtoms !== molecule.atoms) {
        throw new ApiError('invalid-input', `${dcd.fileName}: ${header.nAtoms} atoms per frame, but the molecule "${molecule.name}" has ${molecule.atoms} (${molecule.topologyFile}); drop the trajectory of this molecule.`, { file: dcd.fileName, atoms: header.nAtoms, expected: molecule.atoms });
      }
      if (header.nFrames < 1) throw new ApiError('invalid-input', `${dcd.fileName}: no complete frame (the file ends inside the first one).`);
      return addTrajectoryImport(path, { moleculeId: molecule.id, fileName: dcd.fileName, bytes, frames: header.nFrames, atoms: header.nAtoms });
    },
    async getImportedTrajectoryFrames({ projectPath, importId, start, count }) {
      const path = await deps.requireProject(projectPath);
      const dcd = trajectoryPath(path, await findImport(path, importId));
      let fd: number;
      try {
        fd = openSync(dcd, 'r');
      } catch (error) {
        throw ioError(error, dcd, 'read');
      }
      try {
        const reader = new DcdReader(fdByteSource(fd), dcd);
        const total = reader.nFrames;
        if (start >= total) throw new ApiError('invalid-input', `start: the trajectory has ${total} frame${total === 1 ? '' : 's'} (0..${total - 1}).`);
        const frames = reader.readFrames(start, Math.min(count, total - start));
        return { start, count: frames.nFrames, atoms: frames.nAtoms, positions: toBase64Float32(frames.positions) };
      } finally {
        closeSync(fd);
      }
    },
  };
}
