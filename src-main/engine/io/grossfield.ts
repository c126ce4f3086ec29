/**
 * Grossfield `wham` interchange formats (strings only, no fs).
 *
 * Metadata: one window per line, `path centre spring [correlation_time [temperature]]`,
 * whitespace-separated; '#' starts a comment (whole line or trailing); blank lines ignored.
 * Note Grossfield's spring convention is W = k/2 (x - x0)^2, the same as ours.
 * Time series: lines `time cv [more columns]`; '#' comments and blank lines ignored.
 * Every problem is an InputFileError "FILE:LINE: problem" with the 1-based line number.
 */
import { InputFileError } from './errors';

export { InputFileError } from './errors';

export interface MetadataEntry {
  path: string;
  center: number;
  spring: number;
  correlationTime?: number;
  temperature?: number;
  line: number;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/;
const NONFINITE_RE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Parses one numeric token (Fortran 'D' exponents accepted); throws naming file, line and column. */
function parseNumber(tok: string, file: string, line: number, what: string): number {
  if (NONFINITE_RE.test(tok)) throw new InputFileError(file, line, `${what} is not finite ('${tok}')`);
  if (!NUMBER_RE.test(tok)) throw new InputFileError(file, line, `${what} is not a number ('${tok}')`);
  const v = Number(tok.replace(/[dD]/, 'e'));
  if (!Number.isFinite(v)) throw new InputFileError(file, line, `${what} is not finite ('${tok}')`);
  return v;
}

/** Calls fn(tokens, 1-based line) for every non-blank, non-comment line. */
function forEachDataLine(text: string, fn: (tokens: string[], line: number) => void): void {
  let pos = 0;
  let line = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    line++;
    let s = text.slice(pos, end);
    pos = end + 1;
    const hash = s.indexOf('#');
    if (hash >= 0) s = s.slice(0, hash);
    s = s.trim(); // also drops '\r' of CRLF files
    if (s.length === 0) continue;
    fn(s.split(/\s+/), line);
  }
}

export function parseWhamMetadata(text: string, fileName: string): MetadataEntry[] {
  const out: MetadataEntry[] = [];
  forEachDataLine(text, (t, line) => {
    if (t.length < 3) {
      throw new InputFileError(fileName, line, `expected 'path centre spring [correlation_time [temperature]]', found ${t.length} column(s)`);
    }
    if (t.length > 5) {
      throw new InputFileError(fileName, line, `expected at most 5 columns 'path centre spring [correlation_time [temperature]]', found ${t.length}`);
    }
    const entry: MetadataEntry = {
      path: t[0],
      center: parseNumber(t[1], fileName, line, 'centre (column 2)'),
      spring: parseNumber(t[2], fileName, line, 'spring (column 3)'),
      line,
    };
    if (!(entry.spring > 0)) throw new InputFileError(fileName, line, `spring (column 3) must be > 0 (got ${t[2]})`);
    if (t.length >= 4) {
      entry.correlationTime = parseNumber(t[3], fileName, line, 'correlation time (column 4)');
      if (entry.correlationTime < 0) throw new InputFileError(fileName, line, `correlation time (column 4) must be >= 0 (got ${t[3]})`);
    }
    if (t.length >= 5) {
      entry.temperature = parseNumber(t[4], fileName, line, 'temperature (column 5)');
      if (!(entry.temperature > 0)) throw new InputFileError(fileName, line, `temperature (column 5) must be > 0 (got ${t[4]})`);
    }
    out.push(entry);
  });
  if (out.length === 0) throw new InputFileError(fileName, null, 'no windows (every line is blank or a comment)');
  return out;
}

/**
 * All numeric columns of a whitespace table ('#' comments). Every data line must have at
 * least `minColumns` columns; the result has as many columns as the first data line, and
 * later lines must have the same count.
 */
export function parseTimeSeriesColumns(text: string, fileName: string, minColumns = 1): Float64Array[] {
  let ncol = -1;
  let cols: number[][] = [];
  forEachDataLine(text, (t, line) => {
    if (t.length < minColumns) throw new InputFileError(fileName, line, `expected at least ${minColumns} columns, found ${t.length}`);
    if (ncol < 0) {
      ncol = t.length;
      cols = Array.from({ length: ncol }, () => []);
    } else if (t.length !== ncol) {
      throw new InputFileError(fileName, line, `expected ${ncol} columns like the first data line, found ${t.length}`);
    }
    for (let c = 0; c < ncol; c++) cols[c].push(parseNumber(t[c], fileName, line, `column ${c + 1}`));
  });
  if (ncol < 0) throw new InputFileError(fileName, null, 'no data lines');
  return cols.map((c) => Float64Array.from(c));
}

/** Column 2 (the CV) of `time cv [more columns]` lines; columns beyond 2 are not inspected. */
export function parseTimeSeries(text: string, fileName: string): Float64Array {
  let buf = new Float64Array(1024);
  let n = 0;
  forEachDataLine(text, (t, line) => {
    if (t.length < 2) throw new InputFileError(fileName, line, `expected 'time cv [more columns]', found ${t.length} column(s)`);
    parseNumber(t[0], fileName, line, 'time (column 1)');
    const v = parseNumber(t[1], fileName, line, 'cv (column 2)');
    if (n === buf.length) {
      const next = new Float64Array(buf.length * 2);
      next.set(buf);
      buf = next;
    }
    buf[n++] = v;
  });
  if (n === 0) throw new InputFileError(fileName, null, 'no data lines');
  return buf.slice(0, n);
}

/** One window of wham-2d style metadata: restraint per CV, the optional temperature, its line. */
export interface Metadata2dEntry {
  path: string;
  center: [number, number];
  spring: [number, number];
  temperature?: number;
  line: number;
}

/** wham-2d style metadata: "path cx cy kx ky [correlation_time [temperature]]", '#' comments. */
export function parseWhamMetadata2d(text: string, fileName: string): Metadata2dEntry[] {
  const out: Metadata2dEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const hash = raw.indexOf('#');
    const t = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (!t) return;
    const tok = t.split(/\s+/);
    if (tok.length < 5 || tok.length > 7) {
      throw new InputFileError(fileName, line, `expected 'path cx cy kx ky [correlation_time [temperature]]', found ${tok.length} column(s)`);
    }
    const num = (j: number, what: string): number => {
      const v = Number(tok[j].replace(/[dD]/, 'e'));
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/.test(tok[j]) || !Number.isFinite(v)) throw new InputFileError(fileName, line, `${what} (column ${j + 1}) is not a finite number ('${tok[j]}')`);
      return v;
    };
    const e: Metadata2dEntry = { path: tok[0], center: [num(1, 'cx'), num(2, 'cy')], spring: [num(3, 'kx'), num(4, 'ky')], line };
    if (!(e.spring[0] > 0) || !(e.spring[1] > 0)) throw new InputFileError(fileName, line, 'springs kx and ky (columns 4-5) must be > 0');
    if (tok.length >= 6 && num(5, 'correlation time') < 0) throw new InputFileError(fileName, line, 'correlation time (column 6) must be >= 0');
    if (tok.length === 7) {
      e.temperature = num(6, 'temperature');
      if (!(e.temperature > 0)) throw new InputFileError(fileName, line, 'temperature (column 7) must be > 0');
    }
    out.push(e);
  });
  if (out.length === 0) throw new InputFileError(fileName, null, 'no windows (every line is blank or a comment)');
  return out;
}
