/**
 * The import calls as the renderer uses them (docs/imports.md): a dropped HILLS (+ COLVAR) or WHAM
 * metadata + window files are read as text, imported, listed in the open project and shown in the
 * Imported results view. Errors (the main process names the file and line) reach the caller.
 */
import { app } from '../../shared/app.svelte';
import type { ImportRecord, ImportedResult } from '../../../../src-main/api/contract';
import { fileToBase64 } from '../molecules/molecules';

function projectPath(): string {
  if (!app.project) throw new Error('Open a project first.');
  return app.project.path;
}

const asText = async (f: File) => ({ fileName: f.name, text: await f.text() });

/** The imports of the open project (absent in projects made before imports existed). */
export function projectImports(): ImportRecord[] {
  return app.project?.imports ?? [];
}

function added(rec: ImportRecord, what: string) {
  if (app.project) app.project.imports = [...projectImports().filter((r) => r.id !== rec.id), rec];
  app.importId = rec.id;
  app.view = 'imported';
  app.toast('success', `Imported "${rec.name}" from ${what}.`);
}

export async function importHillsFiles(name: string, hills: File, colvar: File | null): Promise<void> {
  const rec = await app.api.importHills({ projectPath: projectPath(), name, hills: await asText(hills), ...(colvar ? { colvar: await asText(colvar) } : {}) });
  added(rec, colvar ? `${hills.name} + ${colvar.name}` : hills.name);
}

export async function importWhamFiles(name: string, metadata: File, windows: File[]): Promise<void> {
  const rec = await app.api.importWham({ projectPath: projectPath(), name, metadata: await asText(metadata), windows: await Promise.all(windows.map(asText)) });
  added(rec, `${metadata.name} and ${windows.length} window files`);
}

/** Imports a DCD as a trajectory of the molecule and shows it there (Molecules view). */
export async function importTrajectoryFile(moleculeId: string, dcd: File): Promise<void> {
  const rec = await app.api.importTrajectory({ projectPath: projectPath(), moleculeId, dcd: await fileToBase64(dcd) });
  if (app.project) app.project.imports = [...projectImports(), rec];
  app.moleculeId = moleculeId;
  app.importId = rec.id;
  app.view = 'molecules';
  const molecule = app.project?.molecules.find((m) => m.id === moleculeId)?.name ?? moleculeId;
  app.toast('success', `Imported ${dcd.name} (${rec.frames} frames of ${rec.atoms} atoms) as a trajectory of "${molecule}".`);
}

/** The imported trajectories of a molecule, oldest first. */
export function moleculeTrajectories(moleculeId: string): ImportRecord[] {
  return projectImports().filter((r) => r.kind === 'trajectory' && r.moleculeId === moleculeId);
}

export const getImportedResult = (importId: string): Promise<ImportedResult> => app.api.getImportedResult({ projectPath: projectPath(), importId });
