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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type MoleculeRecord } from '../api/contract';
import { InputFileError } from '../engine/io/errors';
import { parsePrmtop, type AmberPrmtop } from '../engine/molecules/amber/prmtop';
import { parseInpcrd } from '../engine/molecules/amber/inpcrd';
import { coordinateFormatOf } from '../engine/molecules/formats';
import { parsePdb } from '../engine/molecules/formats/pdb';
import { parseXyz } from '../engine/molecules/formats/xyz';
import { atomicWrite, ioError } from './atomic';
import { checkId, newId, nowIso, readProjectFile, updateProjectFile } from './project';

export const moleculeDir = (projectPath: string, moleculeId: string) => join(projectPath, 'systems', checkId(moleculeId, 'moleculeId'));
/** Path of a molecule file relative to the project folder (what a job stores). */
export const moleculeRelativePath = (moleculeId: string, fileName: string) => `systems/${checkId(moleculeId, 'moleculeId')}/${fileName}`;

/** A file name that is safe inside the molecule folder: base name only, plain characters. */
export function safeFileName(name: string, what: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  if (!cleaned || cleaned === 'molecule.json') throw new ApiError('invalid-input', `${what}.fileName: "${name}" cannot be used as a file name.`);
  return cleaned.slice(0, 120);
}

export interface ParsedMolecule {
  prmtop: AmberPrmtop;
  /** nm, atom-major xyz (first frame of the coordinate file). */
  positions: Float64Array;
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Parses a topology and a coordinate file (bytes as given) and checks they describe the same
 * atoms. `topologyName`/`coordinatesName` appear in every error message.
 */
export function parseMoleculeFiles(topology: Uint8Array, topologyName: string, coordinates: Uint8Array, coordinatesName: string): ParsedMolecule {
  if (!/\.(prmtop|parm7|top)$/i.test(topologyName)) {
    throw new InputFileError(topologyName, null, 'the topology must be an AMBER prmtop (.prmtop, .parm7 or .top)');
  }
  const prmtop = parsePrmtop(decodeText(topology), topologyName);
  const n = prmtop.topology.nAtoms;
  const format = coordinateFormatOf(coordinatesName);
  let positions: Float64Array;
  let fileAtoms: number;
  if (format === 'inpcrd') {
    const c = parseInpcrd(decodeText(coordinates), coordinatesName);
    positions = c.positions;
    fileAtoms = c.nAtoms;
  } else if (format === 'pdb' || format === 'xyz') {
    const f = format === 'pdb' ? parsePdb(decodeText(coordinates), coordinatesName) : parseXyz(decodeText(coordinates), coordinatesName);
    if (f.nFrames < 1) throw new InputFileError(coordinatesName, null, 'holds no coordinates');
    positions = f.positions.slice(0, 3 * f.nAtoms);
    fileAtoms = f.nAtoms;
  } else {
    throw new InputFileError(coordinatesName, null, 'coordinates must be .inpcrd/.rst7/.crd (AMBER), .pdb or .xyz');
  }
  if (fileAtoms !== n) {
    throw new InputFileError(coordinatesName, null, `holds ${fileAtoms} atoms; the topology ${topologyName} has ${n}`);
  }
  return { prmtop, positions };
}

/** Reads a molecule's files from the project folder (worker and API; synchronous). */
export function loadMoleculeSync(projectPath: string, topologyRel: string, coordinatesRel: string): ParsedMolecule {
  const read = (rel: string) => {
    const path = join(projectPath, rel);
    try {
      return new Uint8Array(readFileSync(path));
    } catch (error) {
      throw new ApiError('not-found', `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { path });
    }
  };
  return parseMoleculeFiles(read(topologyRel), topologyRel, read(coordinatesRel), coordinatesRel);
}

export function loadMoleculeRecordSync(projectPath: string, record: MoleculeRecord): ParsedMolecule {
  return loadMoleculeSync(projectPath, moleculeRelativePath(record.id, record.topologyFile), moleculeRelativePath(record.id, record.coordinatesFile));
}

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
