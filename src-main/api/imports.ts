/**
 * Handlers of the import calls (docs/imports.md): each import is computed once before anything is
 * written, so a malformed file (named with its line) leaves the project unchanged; the stored
 * files are recomputed on every getImportedResult (same files, same numbers).
 */
import type { CallOutputs, CallParsedInput } from './contract';
import type { ImportRecord, ImportedTextFile } from '../schema/imports';
import { importedHillsResult } from '../analysis/imports/hills-fes';
import { importedWhamResult } from '../analysis/imports/wham-import';
import { addImport, findImport, readImportFiles } from '../store/imports';
import { nowIso } from '../store/project';

type ImportCalls = 'importHills' | 'importWham' | 'getImportedResult';

/** A record for the validation pass, before the import has an id. */
const draft = (name: string, kind: ImportRecord['kind'], files: ImportedTextFile[]): ImportRecord => ({ id: 'draft', name, kind, created: nowIso(), files: files.map((f) => f.fileName) });

function resultOf(record: ImportRecord, files: ImportedTextFile[]): CallOutputs['getImportedResult'] {
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
      return resultOf(record, await readImportFiles(path, record));
    },
  };
}
