/**
 * `liftwell energy`: AMBER force-field energies (per term) and optionally forces of every frame
 * of a coordinate file. Also holds the topology/coordinate loading shared with `liftwell md`.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InputFileError } from '../../engine/io/errors';
import { parsePrmtop, type AmberPrmtop } from '../../engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../engine/molecules/amber/inpcrd';
import { parsePdb } from '../../engine/molecules/formats/pdb';
import { parseXyz } from '../../engine/molecules/formats/xyz';
import { DcdReader } from '../../engine/molecules/formats/dcd';
import { fdByteSource } from '../../store/byte-source';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { CliUsageError, parseCommandArgs, positiveOption, requireString } from '../args';
import { printJson, toRows } from '../output';

export const COORDINATE_FORMATS = '.inpcrd/.rst7/.crd (AMBER ASCII), .pdb (multi-model), .xyz (multi-frame), .dcd (CHARMM/OpenMM, streamed); all in Angstrom';

export const energyHelp = `liftwell energy --top FILE.prmtop --coords FILE [--forces] [--cutoff NM] --json

AMBER force-field energy of every frame of a coordinate file, vacuum, double precision
(the functional forms and constants of OpenMM; validated against OpenMM 7.7 Reference).
  --top FILE.prmtop   AMBER topology/parameters (%FLAG format)
  --coords FILE       coordinates, every frame: ${COORDINATE_FORMATS}
  --forces            also print forces (atoms x 3, kJ/mol/nm)
  --cutoff NM         nonbonded cutoff with reaction field (OpenMM CutoffNonPeriodic); default none
  --json              prints {atoms, frames: [{energy: {bond, angle, torsion, nonbonded, total}, forces?}]}
Energies in kJ/mol: torsion = proper + improper; nonbonded = Coulomb + LJ incl. scaled 1-4 pairs.`;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputFileError(file, null, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function loadPrmtop(file: string): AmberPrmtop {
  return parsePrmtop(readText(file), file);
}

export interface LoadedCoordinates {
  nFrames: number;
  /** Positions of frame f in nm (atom-major xyz); a DCD is read frame by frame from disk. */
  frame(f: number): Float64Array;
  /** nm/ps from an inpcrd/rst7 that carries them. */
  velocities: Float64Array | null;
  close(): void;
}

function inMemory(nFrames: number, nAtoms: number, positions: Float64Array, velocities: Float64Array | null = null): LoadedCoordinates {
  return { nFrames, velocities, frame: (f) => positions.subarray(3 * nAtoms * f, 3 * nAtoms * (f + 1)), close() {} };
}

/** Opens a coordinate file by extension and checks its atom count against the topology. */
export function loadCoordinates(file: string, nAtoms: number): LoadedCoordinates {
  const ext = extname(file).toLowerCase();
  let result: LoadedCoordinates;
  let fileAtoms: number;
  if (ext === '.inpcrd' || ext === '.rst7' || ext === '.crd' || ext === '.rst' || ext === '.restrt') {
    const c = parseInpcrd(readText(file), file);
    fileAtoms = c.nAtoms;
    result = inMemory(1, c.nAtoms, c.positions, c.velocities);
  } else if (ext === '.pdb' || ext === '.ent') {
    const p = parsePdb(readText(file), file);
    fileAtoms = p.nAtoms;
    result = inMemory(p.nFrames, p.nAtoms, p.positions);
  } else if (ext === '.xyz') {
    const x = parseXyz(readText(file), file);
    fileAtoms = x.nAtoms;
    result = inMemory(x.nFrames, x.nAtoms, x.positions);
  } else if (ext === '.dcd') {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      throw new InputFileError(file, null, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const reader = new DcdReader(fdByteSource(fd), file);
    fileAtoms = reader.nAtoms;
    const buffer = new Float64Array(3 * reader.nAtoms);
    result = { nFrames: reader.nFrames, velocities: null, frame: (f) => reader.readFrame(f, buffer).positions, close: () => closeSync(fd) };
  } else {
    throw new CliUsageError(`--coords: unsupported extension "${ext}" of ${file}; use ${COORDINATE_FORMATS}`);
  }
  if (fileAtoms !== nAtoms) {
    result.close();
    throw new InputFileError(file, null, `has ${fileAtoms} atoms, the topology has ${nAtoms}`);
  }
  if (result.nFrames === 0) {
    result.close();
    throw new InputFileError(file, null, 'holds no frames');
  }
  return result;
}

export async function runEnergy(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    top: { type: 'string' },
    coords: { type: 'string' },
    forces: { type: 'boolean' },
    cutoff: { type: 'string' },
  });
  if (values.help) {
    console.log(energyHelp);
    return 0;
  }
  const prm = loadPrmtop(requireString(values, 'top'));
  const n = prm.topology.nAtoms;
  const coords = loadCoordinates(requireString(values, 'coords'), n);
  const cutoff = values.cutoff === undefined ? undefined : positiveOption(values, 'cutoff');
  const ff = new AmberForceField(prm, { cutoff });
  const terms = new Float64Array(4);
  const forces = values.forces ? new Float64Array(3 * n) : null;
  const frames = [];
  for (let f = 0; f < coords.nFrames; f++) {
    const x = coords.frame(f);
    const total = ff.compute(x, forces, terms);
    const energy = { bond: terms[0], angle: terms[1], torsion: terms[2], nonbonded: terms[3], total };
    frames.push(forces ? { energy, forces: toRows(forces, 3) } : { energy });
  }
  coords.close();
  if (values.json) {
    printJson({ atoms: n, cutoff: cutoff ?? null, units: { energy: 'kJ/mol', forces: 'kJ/mol/nm' }, frames });
  } else {
    console.log('# frame\tbond\tangle\ttorsion\tnonbonded\ttotal  (kJ/mol)');
    frames.forEach((fr, f) => console.log([f, fr.energy.bond, fr.energy.angle, fr.energy.torsion, fr.energy.nonbonded, fr.energy.total].join('\t')));
  }
  return 0;
}
