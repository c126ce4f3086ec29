/**
 * PLUMED-style text tables (COLVAR, HILLS) on strings, no fs.
 *
 * Format (PLUMED 2): a header line `#! FIELDS name1 name2 ...`, optional `#! SET key value`
 * lines (constants such as min_x/max_x of periodic CVs or multivariate), then whitespace-
 * separated numeric rows with one value per field. Other `#` lines are comments. A restarted
 * PLUMED run appends a new `#! FIELDS` header: allowed when it repeats the same fields.
 *
 * HILLS: `#! FIELDS time cv1 [cv2] sigma_cv1 [sigma_cv2] height biasf`. For well-tempered runs
 * PLUMED writes height * biasf/(biasf-1) (so that `plumed sum_hills` yields the FES); this
 * module converts to and from the height actually added to the bias.
 */
import { InputFileError } from './errors';

export interface PlumedTable {
  fields: string[];
  /** `#! SET` constants, raw strings. */
  sets: Record<string, string>;
  /** One column per field. */
  columns: Float64Array[];
  rows: number;
}

/** Parses a number as PLUMED writes it, including `pi`, `-pi` and `2pi` style constants in SET lines. */
export function parsePlumedNumber(text: string): number {
  const t = text.trim().toLowerCase();
  const m = /^([+-]?)(\d*\.?\d*(?:e[+-]?\d+)?)\*?pi$/.exec(t);
  if (m) {
    const factor = m[2] === '' ? 1 : Number(m[2]);
    return (m[1] === '-' ? -1 : 1) * factor * Math.PI;
  }
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/.test(t)) return NaN;
  if (/inf/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

export function parsePlumedTable(text: string, fileName: string): PlumedTable {
  const lines = text.split(/\r?\n/);
  let fields: string[] | null = null;
  const sets: Record<string, string> = {};
  const data: number[][] = [];
  for (let li = 0; li < lines.length; li++) {
    const lineNo = li + 1;
    const line = lines[li].trim();
    if (line === '') continue;
    if (line.startsWith('#!')) {
      const parts = line.slice(2).trim().split(/\s+/);
      if (parts[0] === 'FIELDS') {
        const names = parts.slice(1);
        if (names.length === 0) throw new InputFileError(fileName, lineNo, '#! FIELDS lists no fields');
        if (new Set(names).size !== names.length) throw new InputFileError(fileName, lineNo, `#! FIELDS repeats a field name (${names.join(' ')})`);
        if (fields && names.join(' ') !== fields.join(' ')) {
          throw new InputFileError(fileName, lineNo, `#! FIELDS changes from "${fields.join(' ')}" to "${names.join(' ')}"`);
        }
        if (!fields) {
          fields = names;
          for (let j = 0; j < names.length; j++) data.push([]);
        }
      } else if (parts[0] === 'SET') {
        if (parts.length < 3) throw new InputFileError(fileName, lineNo, '#! SET needs a name and a value');
        sets[parts[1]] = parts.slice(2).join(' ');
      }
      // Other #! directives are ignored, as PLUMED does.
      continue;
    }
    if (line.startsWith('#')) continue;
    if (!fields) throw new InputFileError(fileName, lineNo, 'data before the "#! FIELDS" header line');
    const parts = line.split(/\s+/);
    if (parts.length !== fields.length) {
      throw new InputFileError(fileName, lineNo, `expected ${fields.length} columns (${fields.join(' ')}), found ${parts.length}`);
    }
    for (let j = 0; j < parts.length; j++) {
      const v = parsePlumedNumber(parts[j]);
      if (!Number.isFinite(v)) throw new InputFileError(fileName, lineNo, `column ${j + 1} (${fields[j]}): "${parts[j]}" is not a finite number`);
      data[j].push(v);
    }
  }
  if (!fields) throw new InputFileError(fileName, null, 'no "#! FIELDS" header line (not a PLUMED COLVAR/HILLS file)');
  return { fields, sets, columns: data.map((c) => Float64Array.from(c)), rows: data[0].length };
}

/** Shortest round-trip text for a double (so write then read gives the same bits). */
export function num(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The `#! FIELDS` and `#! SET` lines of a PLUMED table, each ending in a newline. */
export function plumedHeader(fields: readonly string[], sets: Record<string, string> = {}): string {
  let out = `#! FIELDS ${fields.join(' ')}\n`;
  for (const [k, v] of Object.entries(sets)) out += `#! SET ${k} ${v}\n`;
  return out;
}

/** One row of a PLUMED table from `count` values at `offset` (no newline). */
export function plumedRow(values: ArrayLike<number>, offset: number, count: number): string {
  let line = '';
  for (let j = 0; j < count; j++) line += (j ? ' ' : '') + num(values[offset + j]);
  return line;
}

/** HILLS fields and SET lines (formatHills and the streaming writer share them). */
export function hillsLayout(cvNames: readonly string[], periodic: readonly ({ min: number; max: number } | null)[]): { fields: string[]; sets: Record<string, string> } {
  const fields = ['time', ...cvNames, ...cvNames.map((c) => `sigma_${c}`), 'height', 'biasf'];
  const sets: Record<string, string> = { multivariate: 'false' };
  periodic.forEach((p, i) => {
    if (p) {
      sets[`min_${cvNames[i]}`] = num(p.min);
      sets[`max_${cvNames[i]}`] = num(p.max);
    }
  });
  return { fields, sets };
}

/** The HILLS file's height column: the height added to the bias, rescaled by biasf/(biasf-1) as PLUMED writes it. */
export const hillsFileHeight = (height: number, biasFactor: number) => (biasFactor > 1 ? (height * biasFactor) / (biasFactor - 1) : height);

export function formatPlumedTable(fields: readonly string[], columns: readonly Float64Array[], sets: Record<string, string> = {}): string {
  if (columns.length !== fields.length) throw new Error(`formatPlumedTable: ${fields.length} fields but ${columns.length} columns`);
  const rows = columns.length ? columns[0].length : 0;
  const out: string[] = [plumedHeader(fields, sets).slice(0, -1)];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let j = 0; j < columns.length; j++) line += (j ? ' ' : '') + num(columns[j][r]);
    out.push(line);
  }
  return out.join('\n') + '\n';
}

export interface HillsData {
  cvNames: string[];
  /** Per CV: its periodic range or null. */
  periodic: ({ min: number; max: number } | null)[];
  time: Float64Array;
  /** Per hill, per CV: centres[k * d + i]. */
  centers: Float64Array;
  sigmas: Float64Array;
  /** Heights actually added to the bias (the file's column rescaled by (biasf-1)/biasf when biasf > 1). */
  heights: Float64Array;
  biasFactor: Float64Array;
}

export function parseHills(text: string, fileName: string): HillsData {
  const t = parsePlumedTable(text, fileName);
  const f = t.fields;
  const where = (name: string): number => f.indexOf(name);
  if (f[0] !== 'time') throw new InputFileError(fileName, null, `HILLS: first field must be "time" (got "${f[0]}")`);
  if (t.sets.multivariate === 'true') throw new InputFileError(fileName, null, 'HILLS: multivariate (correlated) hills are not supported');
  const iHeight = where('height');
  if (iHeight < 0) throw new InputFileError(fileName, null, 'HILLS: no "height" field');
  const cvNames = f.slice(1).filter((n) => !n.startsWith('sigma_') && n !== 'height' && n !== 'biasf' && n !== 'clock' && n !== 'multivariate' && n !== 'walker');
  if (cvNames.length < 1 || cvNames.length > 2) throw new InputFileError(fileName, null, `HILLS: expected 1 or 2 CVs (found ${cvNames.length}: ${cvNames.join(' ')})`);
  const d = cvNames.length;
  const iCv = cvNames.map(where);
  const iSigma = cvNames.map((n) => {
    const k = where(`sigma_${n}`);
    if (k < 0) throw new InputFileError(fileName, null, `HILLS: no "sigma_${n}" field for CV "${n}"`);
    return k;
  });
  const iBiasf = where('biasf');
  const periodic = cvNames.map((n) => {
    const lo = t.sets[`min_${n}`];
    const hi = t.sets[`max_${n}`];
    if (lo === undefined && hi === undefined) return null;
    const min = parsePlumedNumber(lo ?? '');
    const max = parsePlumedNumber(hi ?? '');
    if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) {
      throw new InputFileError(fileName, null, `HILLS: periodic range of "${n}" needs "#! SET min_${n}" < "#! SET max_${n}" (got ${lo}, ${hi})`);
    }
    return { min, max };
  });
  const n = t.rows;
  const centers = new Float64Array(n * d);
  const sigmas = new Float64Array(n * d);
  const heights = new Float64Array(n);
  const biasFactor = new Float64Array(n).fill(1);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < d; i++) {
      centers[k * d + i] = t.columns[iCv[i]][k];
      const s = t.columns[iSigma[i]][k];
      if (!(s > 0)) throw new InputFileError(fileName, null, `HILLS: hill ${k + 1} has sigma_${cvNames[i]} = ${s} (must be > 0)`);
      sigmas[k * d + i] = s;
    }
    const bf = iBiasf >= 0 ? t.columns[iBiasf][k] : 1;
    biasFactor[k] = bf;
    const h = t.columns[iHeight][k];
    heights[k] = bf > 1 ? (h * (bf - 1)) / bf : h;
  }
  return { cvNames, periodic, time: t.columns[0], centers, sigmas, heights, biasFactor };
}

export function formatHills(data: HillsData): string {
  const d = data.cvNames.length;
  const n = data.time.length;
  const { fields, sets } = hillsLayout(data.cvNames, data.periodic);
  const cols = fields.map(() => new Float64Array(n));
  for (let k = 0; k < n; k++) {
    cols[0][k] = data.time[k];
    for (let i = 0; i < d; i++) {
      cols[1 + i][k] = data.centers[k * d + i];
      cols[1 + d + i][k] = data.sigmas[k * d + i];
    }
    const bf = data.biasFactor[k];
    cols[1 + 2 * d][k] = hillsFileHeight(data.heights[k], bf);
    cols[2 + 2 * d][k] = bf;
  }
  return formatPlumedTable(fields, cols, sets);
}
