/**
 * The Studies form for a molecular study (system.molecule; src-main/study/schema-molecule.ts)
 * <-> study.json. Same rules as the toy form (studyForm.ts): the form keeps what the user typed
 * as text, numbers go out as numbers and other text as text (so the schema's message names the
 * field), an empty field leaves its key out (the schema's default), and keys without a field are
 * kept from the study the form was loaded from, so Open -> Save writes the same study.json back.
 * The fields are exactly the molecular schema's keys.
 */
import { cloneJson, fillEmptyFields, getPath, numberOrText, setPath, type FormFieldBase } from './studyForm';

/** The built-in molecules a molecular study can name (MOLECULE_EXAMPLES, src-main/schema/molecules.ts; the renderer imports no zod). */
export const STUDY_MOLECULES = ['alanine-dipeptide'] as const;
export const MOLECULE_LABELS: Record<string, string> = { 'alanine-dipeptide': 'Alanine dipeptide (built-in)' };

/** Optional stages of a molecular study: a checkbox each; unchecked, the key is left out. */
export const MOLECULE_OPTIONAL_SECTIONS = ['model', 'lift', 'seeding'] as const;
export type MoleculeOptionalSection = (typeof MOLECULE_OPTIONAL_SECTIONS)[number];
export type MoleculeSectionId = 'study' | 'sampling' | MoleculeOptionalSection;

/** The molecular sampling methods (`sampling.method`: metadynamics on the CVs, or plain MD). */
export const MOLECULE_METHODS = ['metad', 'md'] as const;
export type MoleculeMethod = (typeof MOLECULE_METHODS)[number];

/**
 * Field kinds: `flag` is a yes/no key that may be absent (the checkbox shows the schema's default
 * then, and only a click writes the key); `list` is numbers separated by commas; `rows` is one
 * list per line (lift conditions); an empty `list` or `select` leaves the key out.
 */
export type MoleculeFieldKind = 'number' | 'text' | 'select' | 'flag' | 'list' | 'rows';

export interface MoleculeFieldDef extends FormFieldBase<MoleculeSectionId, MoleculeFieldKind> {
  /** Sampling fields only one method has (the schema is strict: the other must not write them). */
  methods?: readonly MoleculeMethod[];
  /** `flag`: what the schema assumes when the key is absent. */
  defaultOn?: boolean;
}

/** Every field of the molecular form, in the order shown (the keys of schema-molecule.ts). */
export const MOLECULE_FIELDS: readonly MoleculeFieldDef[] = [
  { path: 'name', label: 'Name', section: 'study', kind: 'text' },
  { path: 'temperature', label: 'Temperature', section: 'study', kind: 'number', hint: 'K' },
  { path: 'cvs.0', label: 'CV 1', section: 'study', kind: 'text', hint: 'e.g. phi=dihedral(5,7,9,15)' },
  { path: 'cvs.1', label: 'CV 2', section: 'study', kind: 'text', hint: 'empty: one CV' },
  { path: 'seed', label: 'Seed', section: 'study', kind: 'number' },
  { path: 'sampling.steps', label: 'Steps per replica', section: 'sampling', kind: 'number' },
  { path: 'sampling.replicas', label: 'Replicas', section: 'sampling', kind: 'number', hint: 'independent runs' },
  { path: 'sampling.dt', label: 'dt', section: 'sampling', kind: 'number', hint: 'ps' },
  { path: 'sampling.friction', label: 'Friction', section: 'sampling', kind: 'number', hint: '1/ps' },
  { path: 'sampling.constraints', label: 'Constraints', section: 'sampling', kind: 'select', options: ['hbonds', 'none'] },
  { path: 'sampling.integrator', label: 'Integrator', section: 'sampling', kind: 'select', options: ['', 'middle', 'baoab'], hint: 'empty: by constraints' },
  { path: 'sampling.minimize', label: 'Minimise first', section: 'sampling', kind: 'flag', defaultOn: true },
  { path: 'sampling.frameInterval', label: 'Frame interval', section: 'sampling', kind: 'number', hint: 'steps' },
  { path: 'sampling.height', label: 'Hill height', section: 'sampling', kind: 'number', hint: 'kJ/mol', methods: ['metad'] },
  { path: 'sampling.sigma', label: 'Hill width σ', section: 'sampling', kind: 'list', hint: 'rad, one per CV', methods: ['metad'] },
  { path: 'sampling.pace', label: 'Pace', section: 'sampling', kind: 'number', hint: 'steps between hills', methods: ['metad'] },
  { path: 'sampling.biasFactor', label: 'Bias factor γ', section: 'sampling', kind: 'number', hint: '> 1', methods: ['metad'] },
  { path: 'sampling.gridBins', label: 'Grid bins', section: 'sampling', kind: 'list', hint: 'per CV; empty: auto', methods: ['metad'] },
  { path: 'model.kind', label: 'Model', section: 'model', kind: 'select', options: ['score', 'gan'] },
  { path: 'model.epochs', label: 'Epochs', section: 'model', kind: 'number' },
  { path: 'model.hidden', label: 'Hidden layers', section: 'model', kind: 'list', hint: 'widths; empty: default' },
  { path: 'model.batchSize', label: 'Batch size', section: 'model', kind: 'number', hint: 'empty: default' },
  { path: 'model.learningRate', label: 'Learning rate', section: 'model', kind: 'number', hint: 'empty: default' },
  { path: 'model.discardFraction', label: 'Discard fraction', section: 'model', kind: 'number', hint: 'leading frames, 0–0.9' },
  { path: 'lift.conditions', label: 'Conditions', section: 'lift', kind: 'rows', hint: 'one per line, a value per CV (rad): 1.0, -0.9' },
  { path: 'lift.n', label: 'Structures per condition', section: 'lift', kind: 'number' },
  { path: 'lift.relaxPs', label: 'Relaxation', section: 'lift', kind: 'number', hint: 'ps; 0: none' },
  { path: 'seeding.rounds', label: 'Rounds', section: 'seeding', kind: 'number', hint: '2: a seeded round' },
  { path: 'seeding.runsPerCondition', label: 'Runs per condition', section: 'seeding', kind: 'number' },
  { path: 'seeding.steps', label: 'Steps per seeded run', section: 'seeding', kind: 'number', hint: 'empty: the sampling\'s' },
];

export interface MoleculeForm {
  /** Field text by path (flags: 'true' / 'false', or '' when the key is absent). */
  values: Record<string, string>;
  enabled: Record<MoleculeOptionalSection, boolean>;
  /** The study the form was loaded from: keys without a field are kept from it. */
  base: Record<string, unknown>;
}

/** Whether field `f` belongs in study.json under sampling method `method`. */
export function moleculeFieldApplies(f: MoleculeFieldDef, method: string): boolean {
  return !f.methods || (f.methods as readonly string[]).includes(method);
}

/** The sampling method the form shows. */
export function moleculeMethodOf(form: MoleculeForm): string {
  return form.values['sampling.method'] ?? '';
}

/** The Langevin scheme the runs will use: as the molecular start call, 'middle' with constraints "hbonds" unless one is chosen. */
export function effectiveIntegrator(form: MoleculeForm): 'middle' | 'baoab' {
  const chosen = form.values['sampling.integrator'];
  return chosen === 'middle' || chosen === 'baoab' ? chosen : defaultIntegrator(form);
}

/** The scheme when none is chosen: 'middle' with constraints "hbonds" (the schema's default), else 'baoab'. */
export function defaultIntegrator(form: MoleculeForm): 'middle' | 'baoab' {
  return (form.values['sampling.constraints'] || 'hbonds') === 'hbonds' ? 'middle' : 'baoab';
}

/**
 * A new molecular study: the shipped alanine-dipeptide example's settings (resources/examples/
 * alanine-dipeptide.study.json) with shorter runs, so a first try finishes in minutes.
 */
export function defaultMoleculeStudyJson(molecule: string, name = 'new molecular study'): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name,
    system: { molecule },
    temperature: 300,
    cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'],
    seed: 1,
    sampling: { method: 'metad', steps: 50000, dt: 0.002, friction: 1, constraints: 'hbonds', minimize: true, frameInterval: 250, replicas: 2, sigma: [0.35, 0.35], height: 1.2, pace: 250, biasFactor: 6 },
    model: { kind: 'score', epochs: 30, hidden: [256, 256, 256], batchSize: 256 },
    lift: { conditions: [[1.0, -0.9]], n: 20, relaxPs: 1 },
    seeding: { rounds: 2, runsPerCondition: 2, steps: 25000 },
  };
}

function textOf(value: unknown, kind: MoleculeFieldKind): string {
  if (value === undefined || value === null) return '';
  if (kind === 'list' && Array.isArray(value)) return value.join(', ');
  if (kind === 'rows' && Array.isArray(value)) return value.map((row) => (Array.isArray(row) ? row.join(', ') : String(row))).join('\n');
  return String(value);
}

const listOf = (text: string) => text.split(/[,\s]+/).filter(Boolean).map(numberOrText);

function valueOf(text: string, kind: MoleculeFieldKind): unknown {
  switch (kind) {
    case 'number':
      return text.trim() === '' ? undefined : numberOrText(text);
    case 'text':
      return text;
    case 'select':
      return text === '' ? undefined : text;
    case 'flag':
      return text === '' ? undefined : text === 'true';
    case 'list':
      return text.trim() === '' ? undefined : listOf(text);
    case 'rows':
      return text.split('\n').filter((line) => line.trim() !== '').map(listOf);
  }
}

/** The form showing a molecular study.json object (a saved study, an opened file, or the default). */
export function moleculeStudyToForm(study: Record<string, unknown>): MoleculeForm {
  const values: Record<string, string> = {};
  for (const f of MOLECULE_FIELDS) values[f.path] = textOf(getPath(study, f.path), f.kind);
  values['sampling.method'] = textOf(getPath(study, 'sampling.method'), 'select');
  values['system.molecule'] = textOf(getPath(study, 'system.molecule'), 'text');
  const enabled = Object.fromEntries(MOLECULE_OPTIONAL_SECTIONS.map((s) => [s, study[s] !== undefined])) as Record<MoleculeOptionalSection, boolean>;
  return { values, enabled, base: cloneJson(study) };
}

/** Starting values of the metadynamics fields, filled into empty ones when metad is chosen (one σ per CV). */
function metadDefaults(form: MoleculeForm): Record<string, string> {
  const cvCount = form.values['cvs.1']?.trim() ? 2 : 1;
  return { 'sampling.sigma': Array(cvCount).fill('0.35').join(', '), 'sampling.height': '1.2', 'sampling.pace': '250', 'sampling.biasFactor': '6' };
}

/** Chooses the sampling method; metadynamics' empty fields get starting values (typed ones stay). */
export function setMoleculeMethod(form: MoleculeForm, method: MoleculeMethod): void {
  form.values['sampling.method'] = method;
  if (method === 'metad') fillEmptyFields(form.values, metadDefaults(form));
}

const SECTION_DEFAULTS: Record<MoleculeOptionalSection, Record<string, string>> = {
  model: { 'model.kind': 'score', 'model.epochs': '30', 'model.hidden': '256, 256, 256' },
  lift: { 'lift.conditions': '1.0, -0.9', 'lift.n': '20', 'lift.relaxPs': '1' },
  seeding: { 'seeding.rounds': '2', 'seeding.runsPerCondition': '2' },
};

/** Switches an optional stage on or off; switching on fills its empty fields with starting values. */
export function setMoleculeSection(form: MoleculeForm, section: MoleculeOptionalSection, on: boolean): void {
  form.enabled[section] = on;
  if (on) fillEmptyFields(form.values, SECTION_DEFAULTS[section]);
}

/** The study.json object the molecular form describes (what Save writes and Run runs). */
export function moleculeFormToStudy(form: MoleculeForm): Record<string, unknown> {
  const study = cloneJson(form.base);
  study.schemaVersion ??= 1;
  study.system = { ...(study.system as Record<string, unknown> | undefined), molecule: form.values['system.molecule'] ?? '' };
  for (const s of MOLECULE_OPTIONAL_SECTIONS) if (!form.enabled[s]) delete study[s];
  const method = moleculeMethodOf(form);
  const sampling = (study.sampling && typeof study.sampling === 'object' ? study.sampling : (study.sampling = {})) as Record<string, unknown>;
  sampling.method = method;
  for (const f of MOLECULE_FIELDS) {
    if (!moleculeFieldApplies(f, method)) {
      delete sampling[f.path.split('.')[1]];
      continue;
    }
    if (f.section !== 'study' && f.section !== 'sampling' && !form.enabled[f.section]) continue;
    setPath(study, f.path, valueOf(form.values[f.path] ?? '', f.kind));
  }
  // One CV or two: an empty second CV leaves one; an empty first one stays for the schema to name.
  if (Array.isArray(study.cvs)) study.cvs = study.cvs.filter((cv, i) => i === 0 || cv !== '');
  return study;
}

/** The fields problems map to (problemsByField's second argument). */
export const MOLECULE_FIELD_PATHS: readonly string[] = [...MOLECULE_FIELDS.map((f) => f.path), 'system', 'sampling.method'];
