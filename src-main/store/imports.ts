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
import { checkStoredFileName, safeFileName } from './molecules';
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
