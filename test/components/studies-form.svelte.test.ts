// The Studies form component (features/studies/StudyFormFields.svelte): typing changes the
// study it writes, a problem from the study schema shows under its own field (aria-invalid,
// described by the message), the rest in the list, and an optional stage's checkbox adds or
// removes its fields and its key.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import StudyFormFields from '../../src-renderer/src/features/studies/StudyFormFields.svelte';
import { defaultStudyJson, formToStudy, studyToForm, type StudyForm } from '../../src-renderer/src/features/studies/studyForm';

const fastSlow = { kind: 'fast-slow', a: 2, s: 0.5, epsilon: 0.01, f: 'sin', c: 0.5 };
const kinds = [
  { kind: 'fast-slow', label: 'Fast/slow', description: '', coordinateNames: ['x', 'y'], parameters: [], domain: [], hasExactProfile: true },
  { kind: 'double-well', label: 'Double well', description: '', coordinateNames: ['x'], parameters: [{ name: 'a', label: 'a', description: '', type: 'number', default: 1 }], domain: [], hasExactProfile: true },
] as never;

function setup(problems: { path: string; message: string }[] = []) {
  const props = $state({ form: studyToForm(defaultStudyJson(fastSlow, 'x')) as StudyForm, problems, systems: [], kinds });
  render(StudyFormFields, { props });
  return props;
}

describe('StudyFormFields', () => {
  it('writes what is typed into the study', async () => {
    const props = setup();
    await fireEvent.input(screen.getByTestId('study-field-sampling.spring'), { target: { value: '75' } });
    await fireEvent.input(screen.getByTestId('study-field-closures.observables'), { target: { value: 'y: y\ny2: y^2' } });
    const study = formToStudy(props.form) as { sampling: { spring: number }; closures: { observables: unknown[] } };
    expect(study.sampling.spring).toBe(75);
    expect(study.closures.observables).toEqual([{ name: 'y', expr: 'y' }, { name: 'y2', expr: 'y^2' }]);
  });

  it('shows each problem under its field and the others in the list', () => {
    setup([
      { path: 'sampling.spring', message: 'must be > 0' },
      { path: 'lift', message: 'lift needs a model stage' },
    ]);
    const input = screen.getByTestId('study-field-sampling.spring');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const err = screen.getByTestId('study-error-sampling.spring');
    expect(err.textContent).toBe('must be > 0');
    expect(input.getAttribute('aria-describedby')).toBe(err.id);
    expect(screen.getByTestId('study-field-sampling.steps').getAttribute('aria-invalid')).toBe('false');
    expect(screen.getByTestId('study-problems').textContent).toContain('lift: lift needs a model stage');
  });

  it('a stage checkbox removes and restores its fields and key', async () => {
    const props = setup();
    expect(screen.queryByTestId('study-field-dynamics.bursts')).toBeNull();
    await fireEvent.click(screen.getByTestId('study-section-dynamics'));
    flushSync();
    expect(screen.getByTestId('study-field-dynamics.bursts')).toBeTruthy();
    expect((formToStudy(props.form) as { dynamics?: { bursts: number } }).dynamics?.bursts).toBe(500);
    await fireEvent.click(screen.getByTestId('study-section-model'));
    flushSync();
    expect(screen.queryByTestId('study-field-model.epochs')).toBeNull();
    expect(formToStudy(props.form).model).toBeUndefined();
  });

  it('the method choice shows that method\'s fields, its note, and writes its keys', async () => {
    const props = setup();
    expect(screen.queryByTestId('study-field-sampling.height')).toBeNull();
    expect(screen.getByTestId('method-info').getAttribute('data-method')).toBe('umbrella');
    await fireEvent.change(screen.getByTestId('study-field-sampling.method'), { target: { value: 'metad' } });
    flushSync();
    expect(screen.queryByTestId('study-field-sampling.spring')).toBeNull();
    expect(screen.getByTestId('method-info').getAttribute('data-method')).toBe('metad');
    expect(screen.getByLabelText('Steps per walker')).toBe(screen.getByTestId('study-field-sampling.steps'));
    await fireEvent.input(screen.getByTestId('study-field-sampling.height'), { target: { value: '0.2' } });
    const study = formToStudy(props.form) as { sampling: Record<string, unknown> };
    expect(study.sampling.method).toBe('metad');
    expect(study.sampling.height).toBe(0.2);
    expect(study.sampling.spring).toBeUndefined();
    await fireEvent.change(screen.getByTestId('study-field-sampling.method'), { target: { value: 'md' } });
    flushSync();
    expect(screen.queryByTestId('study-field-sampling.height')).toBeNull();
    expect(screen.getByTestId('method-info').getAttribute('data-method')).toBe('overdamped');
  });

  it('a hint reads apart from its label, in brackets', () => {
    setup();
    expect(screen.getByLabelText('kT (energy units)')).toBe(screen.getByTestId('study-field-kT'));
    expect(screen.getByLabelText('Spring (energy / CV²)')).toBe(screen.getByTestId('study-field-sampling.spring'));
  });

  it('choosing another system keeps a CV of that system', async () => {
    const props = setup();
    await fireEvent.change(screen.getByTestId('study-field-system'), { target: { value: 'kind:double-well' } });
    expect(props.form.system).toEqual({ kind: 'double-well', a: 1 });
    expect(props.form.cv).toBe('x');
    expect([...screen.getByTestId('study-field-cv').querySelectorAll('option')].map((o) => o.textContent)).toEqual(['x']);
  });
});
