// The Studies form for molecular studies (features/studies/moleculeForm.ts): its fields are
// exactly the keys of study/schema-molecule.ts, the shipped alanine-dipeptide example and the
// tiny test study open and save to the same file (same keys in the same order), typed text reaches
// the molecular schema as typed (its message lands under the field), the method choice writes only
// that method's keys, and the stages come and go with their checkboxes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultMoleculeStudyJson, MOLECULE_FIELD_PATHS, MOLECULE_FIELDS, moleculeFormToStudy, moleculeStudyToForm, setMoleculeMethod, setMoleculeSection,
} from '../../src-renderer/src/features/studies/moleculeForm';
import { problemsByField } from '../../src-renderer/src/features/studies/studyForm';
import { checkStudyObject } from '../../src-main/study/check';
import { moleculeStudySchema } from '../../src-main/study/schema-molecule';

const root = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const FILES = ['resources/examples/alanine-dipeptide.study.json', 'test/fixtures/studies/tiny-ala2.study.json'];
const fieldsOf = (study: Record<string, unknown>) => problemsByField(checkStudyObject(study).problems, MOLECULE_FIELD_PATHS);

/** A zod schema as far as this test looks into it: an object's shape under optional / refine wrappers. */
interface SchemaNode {
  shape?: Record<string, SchemaNode>;
  options?: SchemaNode[];
  _def: { schema?: SchemaNode; innerType?: SchemaNode };
}
function objectShape(schema: unknown): Record<string, SchemaNode> {
  let s = schema as SchemaNode;
  while (!s.shape) s = (s._def.schema ?? s._def.innerType) as SchemaNode;
  return s.shape;
}

describe('molecular study form', () => {
  it.each(FILES)('opening and saving %s writes the same file, valid', (path) => {
    const study = JSON.parse(read(path));
    const saved = moleculeFormToStudy(moleculeStudyToForm(study));
    expect(saved).toEqual(study);
    // Key order too: Save writes JSON.stringify of this object.
    expect(JSON.stringify(saved, null, 2)).toBe(JSON.stringify(study, null, 2));
    expect(checkStudyObject(saved)).toEqual({ ok: true, problems: [] });
  });

  it('has a field for exactly the keys of the molecular schema', () => {
    const top = objectShape(moleculeStudySchema);
    const paths = new Set(MOLECULE_FIELDS.map((f) => f.path));
    const expected = new Set<string>();
    for (const key of Object.keys(top)) {
      if (['$schema', 'schemaVersion', 'system', 'sampling'].includes(key)) continue;
      if (key === 'cvs') ['cvs.0', 'cvs.1'].forEach((p) => expected.add(p));
      else if (['model', 'lift', 'seeding'].includes(key)) Object.keys(objectShape(top[key])).forEach((k) => expected.add(`${key}.${k}`));
      else expected.add(key);
    }
    for (const option of top.sampling.options ?? []) for (const k of Object.keys(objectShape(option))) if (k !== 'method') expected.add(`sampling.${k}`);
    expect([...paths].sort()).toEqual([...expected].sort());
  });

  it('a new molecular study is valid and runs the example\'s settings', () => {
    const study = moleculeFormToStudy(moleculeStudyToForm(defaultMoleculeStudyJson('alanine-dipeptide')));
    expect(checkStudyObject(study)).toEqual({ ok: true, problems: [] });
    expect(study.cvs).toEqual(JSON.parse(read(FILES[0])).cvs);
  });

  it('typed text reaches the schema: its messages land under the fields', () => {
    const form = moleculeStudyToForm(JSON.parse(read(FILES[1])));
    form.values['sampling.steps'] = '3000x';
    form.values['temperature'] = '-5';
    const typo = fieldsOf(moleculeFormToStudy(form)).byField;
    expect(typo['sampling.steps']?.[0]).toMatch(/expected number, received string/);
    expect(typo.temperature).toEqual(['must be > 0']);
    // The rules across keys (zod runs them once the keys themselves parse).
    form.values['sampling.steps'] = '4000';
    form.values['temperature'] = '300';
    form.values['sampling.sigma'] = '0.35';
    form.values['lift.conditions'] = '1.0, -0.9\n0.5';
    const rules = fieldsOf(moleculeFormToStudy(form)).byField;
    expect(rules['sampling.sigma']).toEqual(['give one sigma per CV (every CV is biased)']);
    expect(rules['lift.conditions']).toEqual(['every condition needs one value per CV']);
    expect(rules['sampling.steps']).toBeUndefined();
    expect((moleculeFormToStudy(form) as { sampling: { steps: number } }).sampling.steps).toBe(4000);
  });

  it('one CV: an empty second CV writes one, and then one sigma and one value per condition', () => {
    const form = moleculeStudyToForm(JSON.parse(read(FILES[1])));
    form.values['cvs.1'] = '';
    expect(fieldsOf(moleculeFormToStudy(form)).byField['sampling.sigma']).toEqual(['give one sigma per CV (every CV is biased)']);
    form.values['sampling.sigma'] = '0.35';
    form.values['lift.conditions'] = '1.0';
    const study = moleculeFormToStudy(form) as { cvs: string[]; lift: { conditions: number[][] } };
    expect(study.cvs).toEqual(['phi=dihedral(5,7,9,15)']);
    expect(study.lift.conditions).toEqual([[1]]);
    expect(checkStudyObject(study)).toEqual({ ok: true, problems: [] });
  });

  it('plain MD writes only its keys; metadynamics again gets starting values', () => {
    const form = moleculeStudyToForm(JSON.parse(read(FILES[1])));
    setMoleculeMethod(form, 'md');
    const md = moleculeFormToStudy(form) as { sampling: Record<string, unknown> };
    expect(md.sampling).toEqual({ method: 'md', steps: 3000, dt: 0.001, friction: 1, constraints: 'none', minimize: true, frameInterval: 10, replicas: 2 });
    expect(checkStudyObject(md)).toEqual({ ok: true, problems: [] });
    form.values['sampling.sigma'] = '';
    setMoleculeMethod(form, 'metad');
    const metad = moleculeFormToStudy(form) as { sampling: Record<string, unknown> };
    expect(metad.sampling.sigma).toEqual([0.35, 0.35]);
    expect(checkStudyObject(metad)).toEqual({ ok: true, problems: [] });
  });

  it('keys left empty stay out (the schema\'s defaults); the stages come and go', () => {
    const form = moleculeStudyToForm(JSON.parse(read(FILES[1])));
    form.values['sampling.minimize'] = '';
    form.values['model.hidden'] = '';
    form.values['sampling.integrator'] = 'baoab';
    const study = moleculeFormToStudy(form) as { sampling: Record<string, unknown>; model: Record<string, unknown> };
    expect('minimize' in study.sampling).toBe(false);
    expect('hidden' in study.model).toBe(false);
    expect(study.sampling.integrator).toBe('baoab');
    setMoleculeSection(form, 'model', false);
    const check = checkStudyObject(moleculeFormToStudy(form));
    expect(fieldsOf(moleculeFormToStudy(form)).other).toEqual([{ path: 'lift', message: 'lift needs a model stage' }]);
    expect(check.ok).toBe(false);
    setMoleculeSection(form, 'seeding', false);
    setMoleculeSection(form, 'lift', false);
    const samplingOnly = moleculeFormToStudy(form);
    expect(Object.keys(samplingOnly)).not.toContain('lift');
    expect(checkStudyObject(samplingOnly)).toEqual({ ok: true, problems: [] });
    setMoleculeSection(form, 'model', true);
    expect((moleculeFormToStudy(form) as { model: unknown }).model).toEqual({ kind: 'score', epochs: 150, hidden: [256, 256, 256], batchSize: 32 });
  });
});
