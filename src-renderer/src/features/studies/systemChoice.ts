/**
 * The study form's system picker: the project's systems first, then every kind of the catalogue
 * with its default parameters (the spec exactly as the app stores it), and which choice a study's
 * system is (deep-equal spec), or 'custom' when it came from a study.json with other values.
 */
import type { SystemKindInfo, SystemRecord } from '../../../../src-main/api/contract';

export interface SystemChoice {
  value: string;
  label: string;
  spec: Record<string, unknown>;
}

/** The catalogue's default spec of a kind: every scalar parameter at its default, plus the extra defaults. */
export function defaultSpec(info: SystemKindInfo): Record<string, unknown> {
  const spec: Record<string, unknown> = { kind: info.kind };
  for (const p of info.parameters) spec[p.name] = p.default;
  return { ...spec, ...JSON.parse(JSON.stringify(info.extraDefaults ?? {})) };
}

export function systemChoices(systems: readonly SystemRecord[], kinds: readonly SystemKindInfo[]): SystemChoice[] {
  return [
    ...systems.map((s) => ({ value: `project:${s.id}`, label: `${s.name} (project)`, spec: s.spec as unknown as Record<string, unknown> })),
    ...kinds.map((k) => ({ value: `kind:${k.kind}`, label: `${k.label} (catalogue defaults)`, spec: defaultSpec(k) })),
  ];
}

/** JSON with keys sorted: two specs are the same system when these agree. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])])) : x;
  return JSON.stringify(sort(v));
}

export function choiceOf(spec: Record<string, unknown> | null, choices: readonly SystemChoice[]): string {
  if (!spec) return 'custom';
  const c = canonical(spec);
  return choices.find((x) => canonical(x.spec) === c)?.value ?? 'custom';
}

/** The CV choices: the kind's coordinates (an expression system's follow its dim), and the current one if it is not among them. */
export function coordinateNamesOf(spec: Record<string, unknown> | null, kinds: readonly SystemKindInfo[], current: string): string[] {
  const info = kinds.find((k) => k.kind === spec?.kind);
  let names = info ? [...info.coordinateNames] : [];
  if (spec?.kind === 'expression' && typeof spec.dim === 'number') names = ['x', 'y'].slice(0, spec.dim);
  if (current && !names.includes(current)) names.push(current);
  return names;
}
