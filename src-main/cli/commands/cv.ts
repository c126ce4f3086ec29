/** `liftwell cv`: atomic CVs (distance, angle, dihedral, RMSD, combinations) along a trajectory. */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputFileError } from '../../engine/io/errors';
import { parsePrmtop } from '../../engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../engine/molecules/amber/inpcrd';
import {
  DcdReader, coordinateFormatOf, framePositions, parsePdb, parseXyz, type ByteSource, type CoordinateFrames,
} from '../../engine/molecules/formats';
import { parseAtomicCv, type AtomicCv } from '../../engine/molecules/cv';
import { CliUsageError, integerOption, parseCommandArgs, requireString } from '../args';
import { printJson } from '../output';
import { fdByteSource } from '../../store/byte-source';

export const cvHelp = `liftwell cv --top FILE --traj FILE --cv "NAME=KIND(ATOMS)" [--cv ...] [--ref FILE] [--stride N] --json

Collective variables of every frame of a trajectory.
  --top FILE     topology: AMBER .prmtop/.parm7 or .pdb (gives the atom count)
  --traj FILE    coordinates: .dcd (streamed, CHARMM/OpenMM), .pdb (multi-model), .xyz (multi-frame),
                 .inpcrd/.rst7; PDB, XYZ and DCD hold Angstrom
  --cv DEF       NAME=distance(i,j) | angle(i,j,k) | dihedral(i,j,k,l) | torsion(...) | rmsd(ATOMS)
                 or a linear combination: NAME=0.5*distance(1,2)-distance(3,4).
                 Atom numbers are 1-based, as in PDB files and PLUMED; rmsd takes lists and ranges
                 (rmsd(1-22), rmsd(5,7,9,15-17)) and fits those atoms onto the reference first.
  --ref FILE     reference structure for rmsd (first frame of FILE; default: first frame of --traj)
  --stride N     every N-th frame (default 1)
  --json         prints names, values (frames x CVs; radians and nm), units, periodic
                 ([min, max] or null per CV), frames (indices of the frames used, 0-based)
Dihedrals are IUPAC-signed in (-pi, pi]. Malformed files exit with code 2 and a message that
names the file and the line (text formats) or the byte offset and frame (DCD).`;

/** Frames are delivered to `visit` in chunks so a large DCD never sits in memory whole. */
interface Trajectory {
  nAtoms: number;
  nFrames: number;
  forEachChunk(visit: (chunk: CoordinateFrames, firstFrame: number) => void): void;
  firstFrame(): Float64Array;
  close(): void;
}

function readError(file: string, error: unknown): InputFileError {
  const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
  return new InputFileError(file, null, `cannot read: ${reason}`);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw readError(file, error);
  }
}

/** A ByteSource over the opened file (reads only what is asked for); close() releases it. */
function fileSource(file: string): ByteSource & { close(): void } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw readError(file, error);
  }
  return { ...fdByteSource(fd), close: () => closeSync(fd) };
}

function inMemory(frames: CoordinateFrames): Trajectory {
  return {
    nAtoms: frames.nAtoms,
    nFrames: frames.nFrames,
    forEachChunk: (visit) => visit(frames, 0),
    firstFrame: () => framePositions(frames, 0),
    close: () => {},
  };
}

/** Frames per DCD read: about 8 MB at a time. */
const DCD_CHUNK_BYTES = 8 << 20;

export function openTrajectory(file: string): Trajectory {
  const format = coordinateFormatOf(file);
  switch (format) {
    case 'dcd': {
      const source = fileSource(file);
      try {
        const reader = new DcdReader(source, file);
        const perChunk = Math.max(1, Math.floor(DCD_CHUNK_BYTES / reader.header.frameBytes));
        return {
          nAtoms: reader.nAtoms,
          nFrames: reader.nFrames,
          forEachChunk(visit) {
            const positions = new Float64Array(perChunk * reader.nAtoms * 3);
            for (let start = 0; start < reader.nFrames; start += perChunk) {
              const count = Math.min(perChunk, reader.nFrames - start);
              visit(reader.readFrames(start, count, positions.subarray(0, count * reader.nAtoms * 3)), start);
            }
          },
          firstFrame: () => {
            if (reader.nFrames === 0) throw new InputFileError(file, null, 'has no frames');
            return reader.readFrame(0).positions;
          },
          close: () => source.close(),
        };
      } catch (error) {
        source.close();
        throw error;
      }
    }
    case 'pdb':
      return inMemory(parsePdb(readText(file), file));
    case 'xyz':
      return inMemory(parseXyz(readText(file), file));
    case 'inpcrd': {
      const c = parseInpcrd(readText(file), file);
      return inMemory({ nAtoms: c.nAtoms, nFrames: 1, positions: c.positions, cells: null });
    }
    default:
      throw new CliUsageError(`--traj ${file}: unknown coordinate format (use .dcd, .pdb, .xyz, .inpcrd or .rst7)`);
  }
}

/** Atom count (and names) from a topology file. */
function readTopology(file: string): { nAtoms: number; atomNames: readonly string[] } {
  const lower = file.toLowerCase();
  if (lower.endsWith('.prmtop') || lower.endsWith('.parm7') || lower.endsWith('.top')) {
    const { topology } = parsePrmtop(readText(file), file);
    return { nAtoms: topology.nAtoms, atomNames: topology.atomNames };
  }
  if (lower.endsWith('.pdb') || lower.endsWith('.ent')) {
    const pdb = parsePdb(readText(file), file);
    return { nAtoms: pdb.nAtoms, atomNames: pdb.atomNames };
  }
  throw new CliUsageError(`--top ${file}: unknown topology format (use .prmtop/.parm7 or .pdb)`);
}

export async function runCv(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    top: { type: 'string' },
    traj: { type: 'string' },
    cv: { type: 'string', multiple: true },
    ref: { type: 'string' },
    stride: { type: 'string' },
  });
  if (values.help) {
    console.log(cvHelp);
    return 0;
  }
  const topFile = requireString(values, 'top');
  const trajFile = requireString(values, 'traj');
  const definitions = (values as Record<string, unknown>).cv as string[] | undefined;
  if (!definitions || definitions.length === 0) throw new CliUsageError('--cv is required (e.g. --cv "phi=dihedral(5,7,9,15)")');
  const stride = integerOption(values, 'stride', 1, 1);

  const topology = readTopology(topFile);
  const trajectory = openTrajectory(trajFile);
  try {
    if (trajectory.nAtoms !== topology.nAtoms) {
      throw new InputFileError(trajFile, null, `has ${trajectory.nAtoms} atoms, the topology ${basename(topFile)} has ${topology.nAtoms}`);
    }
    const needsReference = definitions.some((d) => /rmsd\s*\(/i.test(d));
    let reference: Float64Array | undefined;
    if (needsReference) {
      if (typeof values.ref === 'string') {
        const refTraj = openTrajectory(values.ref);
        try {
          if (refTraj.nAtoms !== topology.nAtoms) throw new InputFileError(values.ref, null, `has ${refTraj.nAtoms} atoms, the topology has ${topology.nAtoms}`);
          reference = Float64Array.from(refTraj.firstFrame());
        } finally {
          refTraj.close();
        }
      } else {
        reference = Float64Array.from(trajectory.firstFrame());
      }
    }
    const cvs: AtomicCv[] = definitions.map((d) => parseAtomicCv(d, { nAtoms: topology.nAtoms, reference }));
    const names = cvs.map((c) => c.name);
    const duplicate = names.find((n, k) => names.indexOf(n) !== k);
    if (duplicate !== undefined) throw new CliUsageError(`--cv: the name "${duplicate}" is used twice`);

    const rows: number[][] = [];
    const frames: number[] = [];
    trajectory.forEachChunk((chunk, first) => {
      for (let f = 0; f < chunk.nFrames; f++) {
        const index = first + f;
        if (index % stride !== 0) continue;
        const x = framePositions(chunk, f);
        rows.push(cvs.map((c) => c.value(x)));
        frames.push(index);
      }
    });
    if (values.json) {
      printJson({
        names,
        values: rows,
        units: cvs.map((c) => c.units),
        periodic: cvs.map((c) => (c.periodic ? [c.periodic.min, c.periodic.max] : null)),
        frames,
        nAtoms: topology.nAtoms,
      });
    } else {
      console.log(`# frame\t${names.join('\t')}`);
      rows.forEach((r, k) => console.log(`${frames[k]}\t${r.join('\t')}`));
    }
  } finally {
    trajectory.close();
  }
  return 0;
}
