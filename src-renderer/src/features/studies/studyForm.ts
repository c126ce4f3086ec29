/**
 * The Studies form <-> study.json. The form keeps what the user typed as text; formToStudy turns
 * it into the study object the pipeline reads (numbers where the text is a number, the text
 * itself where it is not, so the study schema's own message names the field: the server checks
 * it with `checkStudy`, the same zod schema `liftwell run` uses). Keys the form has no field for
 * (explicit window `centers`, `mfpt`, `lifted`, ...) are kept from the study the form was loaded
 * from, so Open -> Save writes the same study.json back.
 */

/** Optional stages: a checkbox each; unchecked, the key is left out of study.json. */
export const OPTIONAL_SECTIONS = ['model', 'lift', 'closures', 'dynamics', 'seeding'] as const;
export type OptionalSection = (typeof OPTIONAL_SECTIONS)[number];
export type SectionId = 'study' | 'sampling' | 'estimate' | OptionalSection;

export type FieldKind = 'number' | 'text' | 'list' | 'select' | 'observables' | 'checkbox';

/** The sampling methods of study.json (`sampling.method`, a union in study/schema.ts). */
export const SAMPLING_METHODS = ['umbrella', 'metad', 'md'] as const;
export type SamplingMethod = (typeof SAMPLING_METHODS)[number];

/** A field of a study form (this toy one, or the molecular one: moleculeForm.ts). */
export interface FormFieldBase<Section extends string, Kind extends string> {
  /** Where the value goes in study.json, dot-separated ("sampling.range.0"). */
  path: string;
  label: string;
  section: Section;
  kind: Kind;
  options?: readonly string[];
  hint?: string;
}

export interface FieldDef extends FormFieldBase<SectionId, FieldKind> {
  /** Sampling fields: the methods that have this key (the schema is strict: others must not write it). */
  methods?: readonly SamplingMethod[];
  /** A label that reads better for one method ("Steps per walker" instead of "Steps per window"). */
  methodLabels?: Partial<Record<SamplingMethod, string>>;
}

/** Every field of the form, in the order shown. */
export const FIELDS: readonly FieldDef[] = [
  { path: 'name', label: 'Name', section: 'study', kind: 'text' },
  { path: 'kT', label: 'kT', section: 'study', kind: 'number', hint: 'energy units' },
  { path: 'seed', label: 'Seed', section: 'study', kind: 'number' },
  { path: 'sampling.range.0', label: 'Windows from', section: 'sampling', kind: 'number', methodLabels: { metad: 'CV range from', md: 'CV range from' } },
  { path: 'sampling.range.1', label: 'to', section: 'sampling', kind: 'number' },
  { path: 'sampling.windows', label: 'Windows', section: 'sampling', kind: 'number', methods: ['umbrella'] },
  { path: 'sampling.spring', label: 'Spring', section: 'sampling', kind: 'number', hint: 'energy / CV²', methods: ['umbrella'] },
  { path: 'sampling.steps', label: 'Steps per window', section: 'sampling', kind: 'number', methodLabels: { metad: 'Steps per walker', md: 'Steps per walker' } },
  { path: 'sampling.walkers', label: 'Walkers', section: 'sampling', kind: 'number' },
  { path: 'sampling.dt', label: 'dt', section: 'sampling', kind: 'number' },
  { path: 'sampling.stride', label: 'Stride', section: 'sampling', kind: 'number' },
  { path: 'sampling.equilibration', label: 'Equilibration steps', section: 'sampling', kind: 'number', methods: ['umbrella'] },
  { path: 'sampling.height', label: 'Hill height', section: 'sampling', kind: 'number', hint: 'energy', methods: ['metad'] },
  { path: 'sampling.sigma', label: 'Hill width σ', section: 'sampling', kind: 'number', hint: 'CV units', methods: ['metad'] },
  { path: 'sampling.pace', label: 'Pace', section: 'sampling', kind: 'number', hint: 'steps between hills', methods: ['metad'] },
  { path: 'sampling.biasFactor', label: 'Bias factor γ', section: 'sampling', kind: 'number', hint: '> 1', methods: ['metad'] },
  { path: 'sampling.grid', label: 'Grid bins', section: 'sampling', kind: 'number', hint: 'empty: auto', methods: ['metad'] },
  { path: 'estimate.estimator', label: 'Estimator', section: 'estimate', kind: 'select', options: ['wham', 'mbar'] },
  { path: 'estimate.bins', label: 'Bins', section: 'estimate', kind: 'number' },
  { path: 'estimate.bootstrap', label: 'Bootstrap replicates', section: 'estimate', kind: 'number' },
  { path: 'model.kind', label: 'Model', section: 'model', kind: 'select', options: ['score', 'gan'] },
  { path: 'model.epochs', label: 'Epochs', section: 'model', kind: 'number' },
  { path: 'model.hidden', label: 'Hidden layers', section: 'model', kind: 'list', hint: 'widths, e.g. 64, 64' },
  { path: 'lift.conditions.range.0', label: 'Lift from', section: 'lift', kind: 'number' },
  { path: 'lift.conditions.range.1', label: 'to', section: 'lift', kind: 'number' },
  { path: 'lift.conditions.count', label: 'Conditions', section: 'lift', kind: 'number' },
  { path: 'lift.n', label: 'Samples per condition', section: 'lift', kind: 'number' },
  { path: 'closures.observables', label: 'Observables', section: 'closures', kind: 'observables', hint: 'one per line: name: expression' },
  { path: 'closures.meanForce', label: 'Mean force (TI)', section: 'closures', kind: 'checkbox' },
  { path: 'closures.bins', label: 'Closure bins', section: 'closures', kind: 'number' },
  { path: 'dynamics.grid.range.0', label: 'Grid from', section: 'dynamics', kind: 'number' },
  { path: 'dynamics.grid.range.1', label: 'to', section: 'dynamics', kind: 'number' },
  { path: 'dynamics.grid.count', label: 'Grid points', section: 'dynamics', kind: 'number' },
  { path: 'dynamics.bursts', label: 'Bursts per point', section: 'dynamics', kind: 'number' },
  { path: 'dynamics.dt', label: 'Burst dt', section: 'dynamics', kind: 'number' },
  { path: 'dynamics.times', label: 'Restriction times', section: 'dynamics', kind: 'list', hint: 'increasing, e.g. 0.0002, 0.0004' },
  { path: 'seeding.rounds', label: 'Rounds', section: 'seeding', kind: 'number', hint: '2: a seeded round' },
  { path: 'seeding.equilibration', label: 'Seeded equilibration', section: 'seeding', kind: 'number' },
];

/** Whether field `f` belongs in study.json under sampling method `method` (fields of other sections always do). */
export function fieldApplies(f: FieldDef, method: string): boolean {
  return f.section !== 'sampling' || !f.methods || (f.methods as readonly string[]).includes(method);
}

/** The label of `f` under sampling method `method`. */
export function fieldLabel(f: FieldDef, method: string): string {
  return f.methodLabels?.[method as SamplingMethod] ?? f.label;
}

/** The sampling method the form shows ('umbrella' when the text is empty, as study.json's default). */
export function methodOf(form: StudyForm): string {
  return form.values['sampling.method'] || 'umbrella';
}

export interface StudyForm {
  /** Field text by path (checkboxes: 'true' / 'false'). */
  values: Record<string, string>;
  enabled: Record<OptionalSection, boolean>;
  /** The system spec as the app stores it (chosen from the project or the catalogue). */
  system: Record<string, unknown> | null;
  cv: string;
  /** The study the form was loaded from: keys without a field are kept from it. */
  base: Record<string, unknown>;
}

/** A small, valid starting point: the fast/slow system, 7 windows, a short score model. */
export function defaultStudyJson(system: Record<string, unknown>, cv: string): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name: 'new study',
    system,
    kT: 1,
    cvs: [cv],
    seed: 1,
    sampling: { method: 'umbrella', range: [-1.5, 1.5], windows: 7, spring: 40, steps: 10000, walkers: 4, dt: 0.0002, stride: 10, equilibration: 500 },
    estimate: { estimator: 'wham', bins: 20, bootstrap: 10, subsample: true },
    model: { kind: 'score', epochs: 20, hidden: [32, 32] },
    lift: { conditions: { range: [-1.2, 1.2], count: 5 }, n: 200 },
    closures: { observables: [{ name: 'y', expr: 'y' }], meanForce: true, bins: 12 },
  };
}

/** A deep copy of JSON data (works on Svelte state proxies, which structuredClone refuses). */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function getPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let v: Record<string, unknown> = obj;
  keys.slice(0, -1).forEach((k, i) => {
    const nextIsIndex = /^\d+$/.test(keys[i + 1]);
    if (v[k] === null || typeof v[k] !== 'object') v[k] = nextIsIndex ? [] : {};
    v = v[k] as Record<string, unknown>;
  });
  const last = keys[keys.length - 1];
  if (value === undefined) {
    if (Array.isArray(v)) v[Number(last)] = undefined;
    else delete v[last];
  } else v[last] = value;
}

function textOf(value: unknown, kind: FieldKind): string {
  if (value === undefined || value === null) return kind === 'checkbox' ? 'false' : '';
  if (kind === 'list' && Array.isArray(value)) return value.join(', ');
  if (kind === 'observables' && Array.isArray(value)) return value.map((o: { name?: unknown; expr?: unknown }) => `${o.name ?? ''}: ${o.expr ?? ''}`).join('\n');
  return String(value);
}

/** A number where the text is one; otherwise the text itself (the schema then names the field). */
export function numberOrText(text: string): number | string {
  const t = text.trim();
  if (t === '') return t;
  const v = Number(t);
  return Number.isFinite(v) ? v : t;
}

function valueOf(text: string, kind: FieldKind): unknown {
  switch (kind) {
    case 'number':
      return text.trim() === '' ? undefined : numberOrText(text);
    case 'text':
      return text;
    case 'select':
      return text === '' ? undefined : text; // nothing chosen: the schema's default
    case 'checkbox':
      return text === 'true';
    case 'list':
      return text.trim() === '' ? [] : text.split(/[,\s]+/).filter(Boolean).map(numberOrText);
    case 'observables':
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const at = line.indexOf(':');
          return at < 0 ? { name: line.trim(), expr: '' } : { name: line.slice(0, at).trim(), expr: line.slice(at + 1).trim() };
        });
  }
}

/** The form showing a study.json object (a saved study, an opened file, or the default). */
export function studyToForm(study: Record<string, unknown>): StudyForm {
  const values: Record<string, string> = {};
  for (const f of FIELDS) values[f.path] = textOf(getPath(study, f.path), f.kind);
  values['sampling.method'] = textOf(getPath(study, 'sampling.method'), 'select');
  const enabled = Object.fromEntries(OPTIONAL_SECTIONS.map((s) => [s, study[s] !== undefined])) as Record<OptionalSection, boolean>;
  const cvs = study.cvs;
  return {
    values,
    enabled,
    system: study.system && typeof study.system === 'object' ? (study.system as Record<string, unknown>) : null,
    cv: Array.isArray(cvs) && typeof cvs[0] === 'string' ? cvs[0] : '',
    base: cloneJson(study),
  };
}

/**
 * Starting values of each method's fields, filled into empty fields when the method is chosen
 * (the shipped fast/slow metadynamics example's settings, shortened; md: 8 unbiased walkers).
 */
const METHOD_DEFAULTS: Record<SamplingMethod, Record<string, string>> = {
  umbrella: { 'sampling.range.0': '-1.5', 'sampling.range.1': '1.5', 'sampling.windows': '7', 'sampling.spring': '40', 'sampling.steps': '10000', 'sampling.walkers': '4', 'sampling.dt': '0.0002', 'sampling.stride': '10', 'sampling.equilibration': '500' },
  metad: { 'sampling.range.0': '-1.5', 'sampling.range.1': '1.5', 'sampling.steps': '100000', 'sampling.walkers': '8', 'sampling.dt': '0.0002', 'sampling.stride': '20', 'sampling.height': '0.05', 'sampling.sigma': '0.1', 'sampling.pace': '500', 'sampling.biasFactor': '6' },
  md: { 'sampling.range.0': '-1.5', 'sampling.range.1': '1.5', 'sampling.steps': '100000', 'sampling.walkers': '8', 'sampling.dt': '0.0002', 'sampling.stride': '20' },
};

/** Chooses the sampling method; the new method's empty fields get starting values (typed ones stay). */
export function setMethod(form: StudyForm, method: SamplingMethod): void {
  form.values['sampling.method'] = method;
  fillEmptyFields(form.values, METHOD_DEFAULTS[method]);
}

/** Starting values of an optional stage's fields, filled into the empty ones when it is switched on. */
const SECTION_DEFAULTS: Record<OptionalSection, Record<string, string>> = {
  model: { 'model.kind': 'score', 'model.epochs': '20', 'model.hidden': '32, 32' },
  lift: { 'lift.conditions.range.0': '-1', 'lift.conditions.range.1': '1', 'lift.conditions.count': '5', 'lift.n': '200' },
  closures: { 'closures.observables': '', 'closures.meanForce': 'true', 'closures.bins': '12' },
  dynamics: { 'dynamics.grid.range.0': '-1', 'dynamics.grid.range.1': '1', 'dynamics.grid.count': '5', 'dynamics.bursts': '500', 'dynamics.dt': '0.0001', 'dynamics.times': '0.0004, 0.0008, 0.0016' },
  seeding: { 'seeding.rounds': '2', 'seeding.equilibration': '0' },
};

/** Switches an optional stage on or off; switching on fills its empty fields with defaults. */
export function setSection(form: StudyForm, section: OptionalSection, on: boolean): void {
  form.enabled[section] = on;
  if (on) fillEmptyFields(form.values, SECTION_DEFAULTS[section]);
}

/** Fills the empty fields among `starting` (path -> text) with its text; what the user typed stays. */
export function fillEmptyFields(values: Record<string, string>, starting: Record<string, string>): void {
  for (const [path, text] of Object.entries(starting)) if (!values[path]) values[path] = text;
}

/** A study along a learned CV: its `learnedCv` stage replaces the umbrella sampling the form edits. */
export function isLearnedCvStudy(form: StudyForm): boolean {
  return form.base.learnedCv !== undefined && form.base.sampling === undefined;
}

/** The study.json object the form describes (what Save writes and Run runs). */
export function formToStudy(form: StudyForm): Record<string, unknown> {
  const study = cloneJson(form.base);
  study.schemaVersion ??= 1;
  if (form.system) study.system = cloneJson(form.system);
  study.cvs = [form.cv];
  for (const s of OPTIONAL_SECTIONS) if (!form.enabled[s]) delete study[s];
  // A study along a learned CV (`learnedCv`, edited in the file) has no umbrella sampling stage.
  const learned = isLearnedCvStudy(form);
  const method = methodOf(form);
  // Another method than the opened file's: its sampling keys belong to the old method (the schema is strict).
  if (!learned && (study.sampling as { method?: unknown } | undefined)?.method !== method && study.sampling !== undefined) study.sampling = {};
  const sampling = (learned ? {} : (study.sampling ??= {})) as Record<string, unknown>;
  sampling.method = method;
  // The form edits windows as a range; a study opened with explicit centres keeps them until a range is typed.
  if (sampling.centers !== undefined && (form.values['sampling.range.0'] ?? '') + (form.values['sampling.range.1'] ?? '') !== '') delete sampling.centers;
  for (const f of FIELDS) {
    if (learned && f.section === 'sampling') continue;
    if (!fieldApplies(f, method)) {
      if (f.section === 'sampling') delete sampling[f.path.split('.')[1]];
      continue;
    }
    if (f.section !== 'study' && f.section !== 'sampling' && f.section !== 'estimate' && !form.enabled[f.section]) continue;
    // A lift grid replaces a list of conditions only where the form's fields are filled.
    if (f.path.startsWith('lift.conditions.') && Array.isArray(getPath(study, 'lift.conditions'))) {
      if (!form.values[f.path]) continue;
      setPath(study, 'lift.conditions', {});
    }
    setPath(study, f.path, valueOf(form.values[f.path] ?? '', f.kind));
  }
  if (Array.isArray(sampling.range) && sampling.range.every((v) => v === undefined)) delete sampling.range;
  // An estimate with every field empty is the schema's default one: leave the key out, as a file may.
  if (study.estimate && typeof study.estimate === 'object' && Object.keys(study.estimate).length === 0) delete study.estimate;
  return study;
}

export interface Problem {
  path: string;
  message: string;
}

/**
 * Which field shows a problem: the field at its path or above it ("sampling.range" -> both range
 * fields; "model.hidden.1" -> the hidden-layers field). The rest (keys the form has no field for,
 * whole-study rules) go to the list under the form. `fieldPaths`: the form's fields (the molecular
 * form passes its own, moleculeForm.ts).
 */
export function problemsByField(
  problems: readonly Problem[],
  fieldPaths: readonly string[] = [...FIELDS.map((f) => f.path), 'system', 'cvs.0', 'sampling.method'],
): { byField: Record<string, string[]>; other: Problem[] } {
  const byField: Record<string, string[]> = {};
  const other: Problem[] = [];
  for (const p of problems) {
    const targets = fieldPaths.filter((f) => p.path === f || p.path.startsWith(`${f}.`) || (p.path.includes('.') && f.startsWith(`${p.path}.`)));
    if (targets.length === 0) other.push(p);
    for (const t of targets) (byField[t] ??= []).push(p.message);
  }
  return { byField, other };
}
