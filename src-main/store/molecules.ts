/**
 * Molecules inside a project folder:
 *
 *   systems/<moleculeId>/<topology>.prmtop      the files as given (names made safe)
 *   systems/<moleculeId>/<coordinates>.inpcrd   (.rst7/.crd/.pdb/.xyz)
 *   systems/<moleculeId>/molecule.json          { schemaVersion, record: MoleculeRecord, provenance }
 *
 * project.json lists the records in `molecules` (optional: older projects have none). Parsing
 * goes through the engine's codecs, whose errors name the file and line; they surface as
 * invalid-input.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, type MoleculeRecord } from '../schema';
import { atomicWrite, ioError } from './atomic';
import { checkId, newId, nowIso, readProjectFile, updateProjectFile } from './project';
import { moleculeDir, parseMoleculeFiles, safeFileName } from './molecule-files';

// Paths and parsers of a molecule's files live in ./molecule-files.ts (no zod: job threads load
// molecules without the schemas); re-exported so that callers keep one import.
export * from './molecule-files';

/**
 * Writes the files and molecule.json, then lists the record in project.json. The files are
 * parsed first, so nothing is written for a molecule Liftwell cannot simulate.
 */
export async function addMolecule(
  projectPath: string,
  o: { name: string; source: MoleculeRecord['source']; topology: { fileName: string; bytes: Uint8Array }; coordinates: { fileName: string; bytes: Uint8Array }; provenance: string },
): Promise<MoleculeRecord> {
  const topologyFile = safeFileName(o.topology.fileName, 'topology');
  const coordinatesFile = safeFileName(o.coordinates.fileName, 'coordinates');
  if (topologyFile === coordinatesFile) throw new ApiError('invalid-input', 'coordinates.fileName: the topology and coordinate files need different names.');
  const parsed = parseMoleculeFiles(o.topology.bytes, o.topology.fileName, o.coordinates.bytes, o.coordinates.fileName);
  const top = parsed.prmtop.topology;
  const record: MoleculeRecord = {
    id: newId('mol'),
    name: o.name.trim(),
    atoms: top.nAtoms,
    residues: [...top.residueNames],
    topologyFile,
    coordinatesFile,
    created: nowIso(),
    source: o.source,
  };
  const dir = moleculeDir(projectPath, record.id);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir, 'create');
  }
  await atomicWrite(join(dir, topologyFile), o.topology.bytes);
  await atomicWrite(join(dir, coordinatesFile), o.coordinates.bytes);
  await atomicWrite(join(dir, 'molecule.json'), JSON.stringify({ schemaVersion: 1, record, provenance: o.provenance }, null, 2) + '\n');
  await updateProjectFile(projectPath, (p) => {
    (p.molecules ??= []).push(record);
  });
  return record;
}

export async function findMolecule(projectPath: string, moleculeId: string): Promise<MoleculeRecord> {
  checkId(moleculeId, 'moleculeId');
  const project = await readProjectFile(projectPath);
  const record = project.molecules?.find((m) => m.id === moleculeId);
  if (!record) throw new ApiError('not-found', `moleculeId: there is no molecule ${moleculeId} in this project.`);
  return record;
}

/** Bytes of a file, or ApiError('not-found'/'io') naming it. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not-found', `${path} does not exist.`, { path });
    throw ioError(error, path, 'read');
  }
}
