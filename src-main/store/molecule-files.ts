/**
 * A molecule's files in a project: their paths (checked, so that a crafted project file cannot
 * make Liftwell read outside the project folder) and the parsing of a topology with its
 * coordinates. Apart from store/molecules.ts (records in project.json) because job threads load
 * molecules but need none of the zod schemas that module loads (docs/cli-fixed-overhead.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MoleculeRecord } from '../schema';
import { ApiError } from '../schema/errors';
import { InputFileError } from '../engine/io/errors';
import { parsePrmtop, type AmberPrmtop } from '../engine/molecules/amber/prmtop';
import { parseInpcrd } from '../engine/molecules/amber/inpcrd';
import { coordinateFormatOf } from '../engine/molecules/formats';
import { parsePdb } from '../engine/molecules/formats/pdb';
import { parseXyz } from '../engine/molecules/formats/xyz';
import { checkId } from './paths';

export const moleculeDir = (projectPath: string, moleculeId: string) => join(projectPath, 'systems', checkId(moleculeId, 'moleculeId'));
/** Path of a molecule file relative to the project folder (what a job stores). */
export const moleculeRelativePath = (moleculeId: string, fileName: string) =>
  `systems/${checkId(moleculeId, 'moleculeId')}/${checkStoredFileName(fileName, `molecule ${moleculeId}`)}`;

/** What safeFileName produces: a plain name that cannot leave its folder. */
const PLAIN_FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,119}$/;

/** A file name that is safe inside the molecule folder: base name only, plain characters. */
export function safeFileName(name: string, what: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  let cleaned = base.replace(/[^A-Za-z0-9._-]/g, '_');
  // ".prmtop" keeps its extension (the format is read from it) under a plain stem.
  if (/^\.+[A-Za-z0-9_-]/.test(cleaned)) cleaned = what + cleaned.replace(/^\.+/, '.');
  cleaned = cleaned.slice(0, 120);
  if (!PLAIN_FILE_NAME.test(cleaned) || cleaned === 'molecule.json') throw new ApiError('invalid-input', `${what}.fileName: "${name}" cannot be used as a file name.`);
  return cleaned;
}

/**
 * File names read back from project.json / run.json are checked like imported names: a crafted
 * project file must not make Liftwell read outside the project folder.
 */
export function checkStoredFileName(name: string, owner: string): string {
  if (!PLAIN_FILE_NAME.test(name) || name === 'molecule.json') {
    throw new ApiError('bad-file', `The project lists "${name}" as a file of ${owner}; only a plain file name inside the project folder is allowed. Liftwell did not read it.`, { name });
  }
  return name;
}

/** A path stored relative to the project (systems/<id>/<file>, runs/<id>/<file>): checked, then joined. */
export function projectFilePath(projectPath: string, rel: string): string {
  const parts = rel.split(/[\\/]/);
  const ok = parts.length === 3 && (parts[0] === 'systems' || parts[0] === 'runs') && /^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$/.test(parts[1]) && PLAIN_FILE_NAME.test(parts[2]);
  if (!ok) throw new ApiError('bad-file', `A run lists "${rel}" as a file in the project; only systems/<id>/<file> or runs/<id>/<file> is allowed. Liftwell did not read it.`, { path: rel });
  return join(projectPath, rel);
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
    const path = projectFilePath(projectPath, rel);
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
