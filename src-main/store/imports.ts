/**
 * Imported results on disk (docs/imports.md): imports/<id>/ holds the dropped files, copied as
 * they were, and import.json (the record); project.json's optional `imports` lists the records
 * (absent in projects made before imports existed, which still open unchanged).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../schema';
import type { ImportRecord, ImportedTextFile } from '../schema/imports';
import { atomicWrite, ioError } from './atomic';
import { checkStoredFileName, moleculeDir, safeFileName } from './molecules';
import { checkId, newId, nowIso, readProjectFile, updateProjectFile } from './project';

export const importDir = (projectPath: string, importId: string) => join(projectPath, 'imports', checkId(importId, 'importId'));

/** Copies the files into a new imports/<id>/ folder and lists the import in project.json. */
export async function addImport(projectPath: string, o: { name: string; kind: ImportRecord['kind']; files: ImportedTextFile[]; provenance: string; options?: ImportRecord['options'] }): Promise<ImportRecord> {
  const names = o.files.map((f, i) => safeFileName(f.fileName, `files.${i}`));
  const dup = names.find((n, i) => names.indexOf(n) !== i || n === 'import.json');
  if (dup) throw new ApiError('invalid-input', `Two dropped files share the name "${dup}" (or it is reserved); rename one and drop them again.`);
  const record: ImportRecord = { id: newId('imp'), name: o.name.trim(), kind: o.kind, created: nowIso(), files: names, ...(o.options ? { options: o.options } : {}) };
  const dir = importDir(projectPath, record.id);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir, 'create');
  }
  for (let i = 0; i < names.length; i++) await atomicWrite(join(dir, names[i]), o.files[i].text);
  await atomicWrite(join(dir, 'import.json'), JSON.stringify({ schemaVersion: 1, record, provenance: o.provenance }, null, 2) + '\n');
  await updateProjectFile(projectPath, (p) => {
    (p.imports ??= []).push(record);
  });
  return record;
}

/**
 * Copies a checked DCD into its molecule's folder (systems/<moleculeId>/, beside the topology) and
 * lists it in project.json. The file name gets the import id in front, so two drops of "traj.dcd"
 * do not overwrite each other.
 */
export async function addTrajectoryImport(projectPath: string, o: { moleculeId: string; fileName: string; bytes: Uint8Array; frames: number; atoms: number }): Promise<ImportRecord> {
  const id = newId('traj');
  const file = safeFileName(`${id}-${o.fileName.split(/[\\/]/).pop() ?? 'trajectory.dcd'}`, 'dcd');
  const record: ImportRecord = { id, name: o.fileName, kind: 'trajectory', created: nowIso(), files: [file], moleculeId: o.moleculeId, frames: o.frames, atoms: o.atoms };
  await atomicWrite(join(moleculeDir(projectPath, o.moleculeId), file), o.bytes);
  await updateProjectFile(projectPath, (p) => {
    (p.imports ??= []).push(record);
  });
  return record;
}

/** The path of an imported trajectory's DCD (names from project.json checked first). */
export function trajectoryPath(projectPath: string, record: ImportRecord): string {
  if (record.kind !== 'trajectory' || !record.moleculeId) throw new ApiError('invalid-input', `"${record.name}" is not an imported trajectory.`);
  return join(moleculeDir(projectPath, record.moleculeId), checkStoredFileName(record.files[0] ?? '', `trajectory ${record.id}`));
}

export async function findImport(projectPath: string, importId: string): Promise<ImportRecord> {
  checkId(importId, 'importId');
  const record = (await readProjectFile(projectPath)).imports?.find((r) => r.id === importId);
  if (!record) throw new ApiError('not-found', `No imported result "${importId}" in this project.`);
  return record;
}

/** The stored text of each of the import's files, in its record's order. */
export async function readImportFiles(projectPath: string, record: ImportRecord): Promise<ImportedTextFile[]> {
  const dir = importDir(projectPath, record.id);
  return Promise.all(
    record.files.map(async (name) => {
      const path = join(dir, checkStoredFileName(name, `import ${record.id}`));
      try {
        return { fileName: name, text: await readFile(path, 'utf8') };
      } catch (error) {
        throw ioError(error, path, 'read');
      }
    }),
  );
}
