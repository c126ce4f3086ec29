/** Parsing and validation of numeric form fields, mirroring the API's zod rules. */

export interface NumberRule {
  min?: number;
  max?: number;
  /** min is exclusive (value must be greater than min). */
  exclusiveMin?: boolean;
  integer?: boolean;
  /** Empty text is allowed (value becomes null). */
  optional?: boolean;
}

export interface Parsed {
  value: number | null;
  error: string | null;
}

export function parseNumber(text: string, rule: NumberRule = {}): Parsed {
  const t = text.trim();
  if (t === '') return rule.optional ? { value: null, error: null } : { value: null, error: 'required' };
  // Number('') and Number(' ') are 0; Number('0x10') is 16: accept only decimal/scientific text.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { value: null, error: 'must be a number' };
  const v = Number(t);
  if (!Number.isFinite(v)) return { value: null, error: 'must be a finite number' };
  if (rule.integer && !Number.isInteger(v)) return { value: v, error: 'must be a whole number' };
  if (rule.min !== undefined) {
    if (rule.exclusiveMin ? !(v > rule.min) : v < rule.min) {
      return { value: v, error: rule.exclusiveMin ? `must be greater than ${rule.min}` : `must be at least ${rule.min}` };
    }
  }
  if (rule.max !== undefined && v > rule.max) return { value: v, error: `must be at most ${rule.max}` };
  return { value: v, error: null };
}

/** "-1, -0.5, 0 1.5" -> numbers; errors name the offending entry. */
export function parseList(text: string): { values: number[]; error: string | null } {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return { values: [], error: 'enter at least one centre' };
  const values: number[] = [];
  for (const p of parts) {
    const r = parseNumber(p);
    if (r.error) return { values, error: `"${p}" ${r.error}` };
    values.push(r.value as number);
  }
  if (values.length > 1000) return { values, error: 'at most 1000 windows' };
  return { values, error: null };
}

/** The window centres the engine will use for a range spec (evenly spaced, ends included). */
export function rangeCenters(min: number, max: number, count: number): number[] {
  if (count === 1) return [min];
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(min + ((max - min) * i) / (count - 1));
  return out;
}
