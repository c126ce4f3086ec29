/**
 * Fortran fixed-width formats as they appear on prmtop %FORMAT lines: (10I8), (5E16.8),
 * (20a4), (1a80), (3I8), (1E16.8) ... A line holds up to `perLine` fields of `width` characters;
 * the last line of a section may be short. Values are read by column position, not by
 * whitespace, because fixed-width fields may touch ("-1.0E+00-2.0E+00").
 */
export interface FortranFormat {
  readonly perLine: number;
  readonly kind: 'int' | 'float' | 'string';
  readonly width: number;
}

const FORMAT_RE = /^\(\s*(\d*)\s*([aAiIeEfFdDgG])\s*(\d+)(?:\.\d+)?\s*\)$/;

/** Parses the text inside %FORMAT(...), e.g. "(5E16.8)"; null if it is not a supported format. */
export function parseFortranFormat(spec: string): FortranFormat | null {
  const m = FORMAT_RE.exec(spec.trim());
  if (!m) return null;
  const perLine = m[1] === '' ? 1 : Number(m[1]);
  const letter = m[2].toLowerCase();
  const width = Number(m[3]);
  if (!(perLine > 0) || !(width > 0)) return null;
  const kind = letter === 'a' ? 'string' : letter === 'i' ? 'int' : 'float';
  return { perLine, kind, width };
}

/** Splits one data line into its fixed-width fields (trailing blank fields dropped). */
export function splitFixedWidth(line: string, format: FortranFormat): string[] {
  const fields: string[] = [];
  for (let k = 0, at = 0; k < format.perLine && at < line.length; k++, at += format.width) {
    fields.push(line.slice(at, at + format.width));
  }
  // A short last line is padded by nothing; drop fields that are pure blanks (numeric formats).
  if (format.kind !== 'string') while (fields.length > 0 && fields[fields.length - 1].trim() === '') fields.pop();
  return fields;
}

/** Fortran real: accepts D exponents (1.0D+00). NaN if not a number. */
export function parseFortranReal(field: string): number {
  const t = field.trim().replace(/[dD]/, 'e');
  return t === '' ? Number.NaN : Number(t);
}
