// The Studies form <-> study.json (features/studies/studyForm.ts): a study opened and saved again
// is the same file, keys without a field survive, typed text reaches the schema as typed (so its
// message names the field), optional stages come and go, and problems land under their fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStudyJson, FIELDS, fieldApplies, formToStudy, problemsByField, setMethod, setSection, studyToForm } from '../../src-renderer/src/features/studies/studyForm';
import { checkStudyObject } from '../../src-main/study/check';
import { STAGE_LABELS, densities, isMolecularStudy, nearestCenter, stageRoute } from '../../src-renderer/src/features/studies/studyView';
import { choiceOf, coordinateNamesOf, systemChoices } from '../../src-renderer/src/features/studies/systemChoice';

const root = join(import.meta.dirname, '../..');
const example = (name: string) => JSON.parse(readFileSync(join(root, 'resources/examples', name), 'utf8'));

describe('study form', () => {
  it.each(['fast-slow-closures.study.json', 'double-well-lift.study.json', 'embedded-learned-cv.study.json', 'fast-slow-metad.study.json'])('opening and saving %s writes the same, valid study', (name) => {
    const study = example(name);
    expect(formToStudy(studyToForm(study))).toEqual(study);
    expect(checkStudyObject(study)).toEqual({ ok: true, problems: [] });
  });

  it('keeps keys the form has no field for (explicit centres, mfpt) and writes what is typed', () => {
    const study = example('fast-slow-closures.study.json');
    const form = studyToForm(study);
    form.values['sampling.spring'] = '55';
    form.values['model.hidden'] = '16, 8';
    const out = formToStudy(form) as { sampling: { spring: number }; model: { hidden: number[] }; dynamics: { mfpt: unknown } };
    expect(out.sampling.spring).toBe(55);
    expect(out.model.hidden).toEqual([16, 8]);
    expect(out.dynamics.mfpt).toEqual(study.dynamics.mfpt);
    const dw = example('double-well-lift.study.json');
    expect((formToStudy(studyToForm(dw)) as { sampling: { centers: number[] } }).sampling.centers).toEqual(dw.sampling.centers);
  });

  it('opens and saves an md study (and a metad study with a bias grid) unchanged', () => {
    const metad = example('fast-slow-metad.study.json');
    const md = { ...metad, name: 'plain md', sampling: { method: 'md', range: [-1.5, 1.5], walkers: 8, steps: 20000, dt: 0.0002, stride: 20 } };
    const gridded = { ...metad, sampling: { ...metad.sampling, grid: 300 } };
    for (const study of [md, gridded]) {
      expect(formToStudy(studyToForm(study))).toEqual(study);
      expect(checkStudyObject(study)).toEqual({ ok: true, problems: [] });
    }
  });

  it('switching the method writes only that method\'s keys, with starting values, and back again', () => {
    const form = studyToForm(defaultStudyJson({ kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 }, 'x'));
    setMethod(form, 'metad');
    const metad = formToStudy(form) as { sampling: Record<string, unknown> };
    // The umbrella-only keys are gone (the schema is strict); range, steps, walkers, dt, stride carry over as typed.
    expect(metad.sampling).toEqual({ method: 'metad', range: [-1.5, 1.5], steps: 10000, walkers: 4, dt: 0.0002, stride: 10, height: 0.05, sigma: 0.1, pace: 500, biasFactor: 6 });
    expect(checkStudyObject(metad)).toEqual({ ok: true, problems: [] });
    setMethod(form, 'md');
    const md = formToStudy(form) as { sampling: Record<string, unknown> };
    expect(md.sampling).toEqual({ method: 'md', range: [-1.5, 1.5], steps: 10000, walkers: 4, dt: 0.0002, stride: 10 });
    expect(checkStudyObject(md)).toEqual({ ok: true, problems: [] });
    setMethod(form, 'umbrella');
    expect(formToStudy(form)).toEqual(defaultStudyJson({ kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 }, 'x'));
    // Only the chosen method's fields are shown.
    const shown = (m: string) => FIELDS.filter((f) => f.section === 'sampling' && fieldApplies(f, m)).map((f) => f.path.replace('sampling.', ''));
    expect(shown('md')).toEqual(['range.0', 'range.1', 'steps', 'walkers', 'dt', 'stride']);
    expect(shown('metad')).toEqual(['range.0', 'range.1', 'steps', 'walkers', 'dt', 'stride', 'height', 'sigma', 'pace', 'biasFactor', 'grid']);
  });

  it('metad fields are checked as typed: the schema\'s message lands under the field', () => {
    const form = studyToForm(example('fast-slow-metad.study.json'));
    form.values['sampling.biasFactor'] = '1';
    form.values['sampling.pace'] = '500000';
    form.values['sampling.sigma'] = 'wide';
    const { byField } = problemsByField(checkStudyObject(formToStudy(form)).problems);
    expect(byField['sampling.biasFactor']).toEqual(['must be > 1']);
    expect(byField['sampling.sigma']?.[0]).toMatch(/expected number, received string/);
    form.values['sampling.biasFactor'] = '6';
    form.values['sampling.sigma'] = '0.1';
    expect(problemsByField(checkStudyObject(formToStudy(form)).problems).byField['sampling.pace']?.[0]).toMatch(/pace must not exceed steps/);
  });

  it('passes text that is not a number to the schema, whose message then names the field', () => {
    const form = studyToForm(defaultStudyJson({ kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 }, 'x'));
    form.values['sampling.steps'] = '1e4x';
    form.values['kT'] = '';
    const check = checkStudyObject(formToStudy(form));
    expect(check.ok).toBe(false);
    const { byField } = problemsByField(check.problems);
    expect(byField['sampling.steps']?.[0]).toMatch(/expected number, received string/);
    expect(byField['kT']?.[0]).toMatch(/expected number/);
  });

  it('the default study is valid; switching a stage off removes its key, on fills defaults', () => {
    const form = studyToForm(defaultStudyJson({ kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 }, 'x'));
    expect(checkStudyObject(formToStudy(form))).toEqual({ ok: true, problems: [] });
    setSection(form, 'model', false);
    // lift needs a model: the schema's rule, shown in the list below the form (no single field).
    const check = checkStudyObject(formToStudy(form));
    expect(formToStudy(form).model).toBeUndefined();
    expect(problemsByField(check.problems).other).toEqual([{ path: 'lift', message: 'lift needs a model stage' }]);
    setSection(form, 'dynamics', true);
    setSection(form, 'model', true);
    const on = formToStudy(form) as { dynamics: { times: number[]; grid: { count: number } } };
    expect(on.dynamics.times).toEqual([0.0004, 0.0008, 0.0016]);
    expect(on.dynamics.grid.count).toBe(5);
    expect(checkStudyObject(on).ok).toBe(true);
  });

  it('maps problems to fields: deeper paths to their field, a pair rule to both ends, the rest to the list', () => {
    const { byField, other } = problemsByField([
      { path: 'sampling.range', message: 'the second number must exceed the first' },
      { path: 'model.hidden.1', message: 'too big' },
      { path: 'system.a', message: 'bad' },
      { path: 'sampling.centers', message: 'give either range and windows, or centers' },
      { path: '', message: 'top' },
    ]);
    expect(byField['sampling.range.0']).toEqual(['the second number must exceed the first']);
    expect(byField['sampling.range.1']).toEqual(['the second number must exceed the first']);
    expect(byField['model.hidden']).toEqual(['too big']);
    expect(byField.system).toEqual(['bad']);
    expect(other.map((p) => p.path)).toEqual(['sampling.centers', '']);
  });
});

describe('system picker and view helpers', () => {
  const kinds = [
    { kind: 'fast-slow', label: 'Fast/slow', description: '', coordinateNames: ['x', 'y'], parameters: [{ name: 'a', label: 'a', description: '', type: 'number', default: 2 }], domain: [], hasExactProfile: true },
    { kind: 'expression', label: 'Expression', description: '', coordinateNames: ['x'], parameters: [], domain: [], hasExactProfile: true, extraDefaults: { parameters: { a: 1 } } },
  ] as never;
  const systems = [{ id: 'sys-1', name: 'mine', spec: { kind: 'fast-slow', a: 3 }, created: '' }] as never;

  it('names the project system or catalogue kind a study uses, or custom', () => {
    const choices = systemChoices(systems, kinds);
    expect(choiceOf({ a: 3, kind: 'fast-slow' }, choices)).toBe('project:sys-1');
    expect(choiceOf({ kind: 'fast-slow', a: 2 }, choices)).toBe('kind:fast-slow');
    expect(choices.find((c) => c.value === 'kind:expression')!.spec).toEqual({ kind: 'expression', parameters: { a: 1 } });
    expect(choiceOf({ kind: 'fast-slow', a: 7 }, choices)).toBe('custom');
    expect(coordinateNamesOf({ kind: 'expression', dim: 2 }, kinds, 'x')).toEqual(['x', 'y']);
    expect(coordinateNamesOf({ kind: 'fast-slow' }, kinds, 'q')).toEqual(['x', 'y', 'q']);
  });

  it('routes stage runs, snaps clicks to bins and normalises densities', () => {
    expect(STAGE_LABELS.meanForce).toBe('Mean force');
    expect(stageRoute({ name: 'model', status: 'done', seconds: 1, fraction: null, etaSeconds: null, runId: 'r' }, 'm-1')).toEqual({ view: 'models', item: 'm-1' });
    expect(stageRoute({ name: 'sampling', status: 'done', seconds: 1, fraction: null, etaSeconds: null, runId: 'r' }, null)).toEqual({ view: 'fes', item: 'r' });
    // A molecular study's runs open in the molecular-run page.
    expect(stageRoute({ name: 'seeding', status: 'done', seconds: 1, fraction: null, etaSeconds: null, runId: 'r' }, null, true)).toEqual({ view: 'molecular', item: 'r' });
    expect(isMolecularStudy({ system: { molecule: 'alanine-dipeptide' } })).toBe(true);
    expect(isMolecularStudy({ system: { kind: 'fast-slow' } })).toBe(false);
    expect(nearestCenter([-1, -0.5, 0, 0.5], 0.3)).toBe(3);
    const { edges, series } = densities([[0, 0.1, 0.9, 1], [0.5]], 4);
    expect(edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // Each density integrates to 1 (sum of p * width), exactly.
    for (const s of series) expect(s.reduce((a, p) => a + p * 0.25, 0)).toBeCloseTo(1, 12);
  });
});

describe('command palette', () => {
  it('offers each study of the project, opening it in the Studies view', async () => {
    const { buildCommands } = await import('../../src-renderer/src/shared/shell/commands');
    const went: unknown[] = [];
    const commands = buildCommands({
      views: [], runs: [], studies: [{ id: 'fs-1', name: 'fast slow' }], theme: 'light', energy: 'kT',
      go: (view, item) => went.push([view, item]), setTheme: () => undefined, setEnergy: () => undefined, about: () => undefined,
    });
    const open = commands.find((c) => c.id === 'study:fs-1')!;
    expect(open.label).toBe('Open study fast slow');
    open.run();
    expect(went).toEqual([['studies', 'fs-1']]);
  });
});
