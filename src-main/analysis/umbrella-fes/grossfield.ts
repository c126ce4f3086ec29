/**
 * Umbrella windows from Grossfield wham input (`liftwell fes`): a metadata file with one line per
 * window ("path centre spring [correlation_time [temperature]]" in 1D, wham-2d style
 * "path cx cy kx ky [...]" in 2D; paths relative to the metadata file) and one time series file
 * per window ("time cv [cv2 ...]"). Gives the windows in the shape every FES path uses
 * (windows.ts). Bad input throws InputFileError naming the file and line.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputFileError, parseTimeSeries, parseTimeSeriesColumns, parseWhamMetadata, parseWhamMetadata2d } from '../../engine/io/grossfield';
import type { WindowRestraint } from './windows';

/** The text of `file`; a window file that cannot be read is reported at its metadata line. */
export function readInputText(file: string, referencedFrom?: { file: string; line: number }): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    if (referencedFrom) throw new InputFileError(referencedFrom.file, referencedFrom.line, `cannot read window file ${file}: ${reason}`);
    throw new InputFileError(file, null, `cannot read: ${reason}`);
  }
}

function oneTemperature(entries: { temperature?: number }[], metadataFile: string): void {
  if (new Set(entries.map((e) => e.temperature).filter((t) => t !== undefined)).size > 1) {
    throw new InputFileError(metadataFile, null, 'windows at different temperatures are not supported (one kT for all windows)');
  }
}

/** Restraints and CV columns (columns[k][c]) of the windows listed in `metadataFile` (an absolute path). */
export function readWhamInput(metadataFile: string, dims: 1 | 2): { restraints: WindowRestraint[]; columns: Float64Array[][] } {
  const baseDir = dirname(metadataFile);
  const restraints: WindowRestraint[] = [];
  const columns: Float64Array[][] = [];
  const windowText = (e: { path: string; line: number }) => {
    const file = resolve(baseDir, e.path);
    return { file, text: readInputText(file, { file: metadataFile, line: e.line }), label: `${e.path} (${metadataFile}:${e.line})` };
  };
  if (dims === 1) {
    const entries = parseWhamMetadata(readInputText(metadataFile), metadataFile);
    oneTemperature(entries, metadataFile);
    for (const e of entries) {
      const { file, text, label } = windowText(e);
      restraints.push({ centers: [e.center], springs: [e.spring], label });
      columns.push([parseTimeSeries(text, file)]);
    }
  } else {
    const entries = parseWhamMetadata2d(readInputText(metadataFile), metadataFile);
    oneTemperature(entries, metadataFile);
    for (const e of entries) {
      const { file, text, label } = windowText(e);
      restraints.push({ centers: [...e.center], springs: [...e.spring], label });
      // Columns: time, then the two CVs.
      const cols = parseTimeSeriesColumns(text, file, 3);
      columns.push([cols[1], cols[2]]);
    }
  }
  return { restraints, columns };
}
