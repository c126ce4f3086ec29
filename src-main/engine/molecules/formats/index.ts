/** Molecular file formats: which codec a file name calls for. Codecs work on bytes/text; callers do the I/O. */
export * from './frames';
export { parsePdb, formatPdb, inferElement, type PdbAtoms, type PdbFile, type PdbWriteOptions } from './pdb';
export { parseXyz, formatXyz, type XyzFile } from './xyz';
export {
  AKMA_TIME_PS, DcdReader, readDcdHeader, parseDcd, encodeDcd, encodeDcdHeader, encodeDcdFrame, setDcdFrameCount,
  type DcdHeader, type DcdWriteOptions,
} from './dcd';

export type CoordinateFormat = 'pdb' | 'xyz' | 'dcd' | 'inpcrd';

/** Format from the file name's extension (case-insensitive); null if not recognised. */
export function coordinateFormatOf(fileName: string): CoordinateFormat | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (ext === 'pdb' || ext === 'ent') return 'pdb';
  if (ext === 'xyz') return 'xyz';
  if (ext === 'dcd') return 'dcd';
  if (ext === 'inpcrd' || ext === 'rst7' || ext === 'crd' || ext === 'rst' || ext === 'restrt') return 'inpcrd';
  return null;
}
