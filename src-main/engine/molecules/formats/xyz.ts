/**
 * XYZ coordinate files on text (no fs): per frame a line with the atom count, a comment line, then
 * one line per atom "SYMBOL x y z" in Angstrom (extra columns, as in extended XYZ, are ignored).
 * Frames follow each other; all must have the same atoms. Positions are returned in nm.
 */
import { EngineInputError } from '../../errors';
import { InputFileError } from '../../io/errors';
import { ANGSTROM_PER_NM, NM_PER_ANGSTROM, type CoordinateFrames } from './frames';

export interface XyzFile extends CoordinateFrames {
  /** First column of each atom line in the first frame (element symbol or atom name). */
  readonly symbols: readonly string[];
  /** The comment line of each frame. */
  readonly comments: readonly string[];
}

export function parseXyz(text: string, file = '<xyz>'): XyzFile {
  const lines = text.split(/\r?\n/);
  let k = 0;
  const frames: number[] = [];
  const comments: string[] = [];
  let symbols: string[] = [];
  let nAtoms = -1;
  while (k < lines.length) {
    if (lines[k].trim() === '') { k++; continue; }
    const countLine = k + 1;
    const count = Number(lines[k].trim().split(/\s+/)[0]);
    if (!Number.isInteger(count) || count <= 0) {
      throw new InputFileError(file, countLine, `expected the number of atoms of frame ${comments.length + 1}, found '${lines[k].trim()}'`);
    }
    if (nAtoms >= 0 && count !== nAtoms) {
      throw new InputFileError(file, countLine, `frame ${comments.length + 1} has ${count} atoms, frame 1 has ${nAtoms}`);
    }
    if (k + 2 + count > lines.length) {
      throw new InputFileError(file, lines.length, `frame ${comments.length + 1} (line ${countLine}) is truncated: expected ${count} atom lines`);
    }
    comments.push(lines[k + 1] ?? '');
    const frameSymbols: string[] = [];
    for (let i = 0; i < count; i++) {
      const lineNo = k + 3 + i;
      const tokens = (lines[lineNo - 1] ?? '').trim().split(/\s+/);
      if (tokens.length < 4 || tokens[0] === '') {
        const what = tokens[0] === '' ? 'blank line where an atom line was expected (truncated frame?)' : "atom line needs 'symbol x y z'";
        throw new InputFileError(file, lineNo, `${what} (frame ${comments.length}, atom ${i + 1} of ${count})`);
      }
      for (let d = 1; d <= 3; d++) {
        const v = Number(tokens[d]);
        if (!Number.isFinite(v)) throw new InputFileError(file, lineNo, `${'xyz'[d - 1]} is not a number ('${tokens[d]}')`);
        frames.push(v * NM_PER_ANGSTROM);
      }
      frameSymbols.push(tokens[0]);
    }
    if (nAtoms < 0) {
      nAtoms = count;
      symbols = frameSymbols;
    }
    k += 2 + count;
  }
  if (nAtoms < 0) throw new InputFileError(file, null, 'no frames');
  return { nAtoms, nFrames: comments.length, positions: Float64Array.from(frames), cells: null, symbols, comments };
}

/** Writes XYZ: positions nm in, Angstrom out with `digits` decimals (default 6: 1e-7 nm). */
export function formatXyz(symbols: readonly string[], frames: CoordinateFrames, comments: readonly string[] = [], digits = 6): string {
  const { nAtoms, nFrames } = frames;
  if (symbols.length !== nAtoms) throw new EngineInputError(`XYZ writer: ${symbols.length} symbols for ${nAtoms} atoms`);
  const out: string[] = [];
  for (let f = 0; f < nFrames; f++) {
    out.push(String(nAtoms), (comments[f] ?? `frame ${f + 1}`).replace(/[\r\n]+/g, ' '));
    for (let i = 0; i < nAtoms; i++) {
      const p = (f * nAtoms + i) * 3;
      const xyz = [0, 1, 2].map((d) => (frames.positions[p + d] * ANGSTROM_PER_NM).toFixed(digits).padStart(digits + 8));
      out.push(`${(symbols[i] || 'X').padEnd(4)}${xyz.join(' ')}`);
    }
  }
  return out.join('\n') + '\n';
}
