/**
 * Pure helpers for the Learned CVs view and the expression-system form: the "a=2, k=10"
 * parameter editor's parser, the parser-column caret of server messages, and run choices.
 */
import type { RunRecord } from '../../../../src-main/api/contract';

/** "a=2, k=10" -> { a: 2, k: 10 }, or the first problem in words (names the entry). */
export function parseNamedParameters(text: string): { ok: true; values: Record<string, number> } | { ok: false; message: string } {
  const values: Record<string, number> = {};
  const entries = text.split(/[,;\n]/).map((s) => s.trim()).filter((s) => s !== '');
  for (const entry of entries) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)$/.exec(entry);
    if (!m) return { ok: false, message: `"${entry}": write name=value, e.g. a=2` };
    const [, name, raw] = m;
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) return { ok: false, message: `"${entry}": ${raw} is not a finite number` };
    if (name === 'x' || name === 'y') return { ok: false, message: `"${entry}": x and y are the coordinates, not parameters` };
    if (name in values) return { ok: false, message: `"${name}" is given twice` };
    values[name] = v;
  }
  return { ok: true, values };
}

export function formatNamedParameters(values: Record<string, number> | undefined): string {
  return Object.entries(values ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** The 1-based column an expression-parser message points at ("... at column 11"), or null. */
export function messageColumn(message: string): number | null {
  const m = /at column (\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

/** A caret line under column `column` (1-based) of a one-line expression. */
export function caretLine(column: number): string {
  return `${' '.repeat(Math.max(0, column - 1))}^`;
}

/** Completed metadynamics runs of toy systems, newest first: the inputs a diffusion map takes. */
export function dmapSourceRuns(runs: RunRecord[]): RunRecord[] {
  return runs.filter((r) => r.kind === 'metad' && r.status === 'completed').slice().sort((a, b) => (a.created < b.created ? 1 : -1));
}

/** The coordinate psi_1 is most rank-correlated with (the slow variable it recovered). */
export function bestCorrelated(correlations: { coordinate: string; spearman: number }[]): { coordinate: string; spearman: number } | null {
  let best: { coordinate: string; spearman: number } | null = null;
  for (const c of correlations) if (!best || Math.abs(c.spearman) > Math.abs(best.spearman)) best = c;
  return best;
}

/**
 * A reference profile shifted by the best constant onto an estimate (least squares over the bins
 * where both exist and the estimate has >= minCount frames), and the RMS difference left.
 */
export function alignReference(estimate: (number | null)[], reference: (number | null)[], counts: number[], minCount = 30): { shifted: (number | null)[]; rms: number | null; bins: number } {
  const d: number[] = [];
  estimate.forEach((e, i) => {
    const r = reference[i];
    if (e !== null && r !== null && counts[i] >= minCount) d.push(e - r);
  });
  if (!d.length) return { shifted: reference.slice(), rms: null, bins: 0 };
  const shift = d.reduce((s, v) => s + v, 0) / d.length;
  const rms = Math.sqrt(d.reduce((s, v) => s + (v - shift) ** 2, 0) / d.length);
  return { shifted: reference.map((r) => (r === null ? null : r + shift)), rms, bins: d.length };
}

/** "-1, -0.5, 0" -> [-1, -0.5, 0], or the first problem in words. */
export function parseNumberList(text: string): { ok: true; values: number[] } | { ok: false; message: string } {
  const parts = text.split(/[,;\s]+/).filter((s) => s !== '');
  if (!parts.length) return { ok: false, message: 'give at least one number' };
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return { ok: false, message: `"${p}" is not a finite number` };
    values.push(v);
  }
  return { ok: true, values };
}
