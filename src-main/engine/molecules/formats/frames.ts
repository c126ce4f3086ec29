/**
 * Coordinate frames shared by the molecular file codecs (PDB, XYZ, DCD, inpcrd).
 *
 * Units in memory are OpenMM's: positions in nm, cell lengths in nm, cell angles in degrees.
 * On disk PDB, XYZ and DCD hold Angstrom; the codecs convert (x 0.1 on read, x 10 on write).
 */
export const NM_PER_ANGSTROM = 0.1;
export const ANGSTROM_PER_NM = 10;

export interface CoordinateFrames {
  readonly nAtoms: number;
  readonly nFrames: number;
  /** nm, frame-major then atom-major xyz: positions[(f * nAtoms + i) * 3 + d]. */
  readonly positions: Float64Array;
  /**
   * Unit cell per frame: a, b, c (nm), alpha, beta, gamma (degrees) at cells[f * 6 + k];
   * null when the file has no cell. Frames of a file with a cell all carry one.
   */
  readonly cells: Float64Array | null;
}

/** The positions of frame f (a view, no copy). */
export function framePositions(frames: CoordinateFrames, f: number): Float64Array {
  const n3 = frames.nAtoms * 3;
  return frames.positions.subarray(f * n3, (f + 1) * n3);
}

/** The cell of frame f (a view) or null. */
export function frameCell(frames: CoordinateFrames, f: number): Float64Array | null {
  return frames.cells ? frames.cells.subarray(f * 6, f * 6 + 6) : null;
}

/** Bytes addressed by offset, so large files can be read in pieces (the CLI reads from a file descriptor). */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** `length` bytes from `offset` (fewer only at the end of the source). */
  read(offset: number, length: number): Uint8Array;
}

/** A ByteSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}
