// The molecular study form component (features/studies/MoleculeFormFields.svelte): typing changes
// the study it writes, a problem from the molecular schema shows under its field, the method choice
// shows that method's fields and note (metadynamics, or the Langevin scheme plain MD runs), and
// picking a toy system hands over to the toy form; the toy form offers the molecule the other way.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import MoleculeFormFields from '../../src-renderer/src/features/studies/MoleculeFormFields.svelte';
import StudyFormFields from '../../src-renderer/src/features/studies/StudyFormFields.svelte';
import { defaultMoleculeStudyJson, moleculeFormToStudy, moleculeStudyToForm, type MoleculeForm } from '../../src-renderer/src/features/studies/moleculeForm';
import { defaultStudyJson, studyToForm, type StudyForm } from '../../src-renderer/src/features/studies/studyForm';

const kinds = [{ kind: 'double-well', label: 'Double well', description: '', coordinateNames: ['x'], parameters: [{ name: 'a', label: 'a', description: '', type: 'number', default: 1 }], domain: [], hasExactProfile: true }] as never;

function setup(problems: { path: string; message: string }[] = []) {
  const onToy = vi.fn();
  const props = $state({ form: moleculeStudyToForm(defaultMoleculeStudyJson('alanine-dipeptide')) as MoleculeForm, problems, systems: [], kinds, onToy });
  render(MoleculeFormFields, { props });
  return props;
}

describe('MoleculeFormFields', () => {
  it('writes what is typed into the study; problems show under their fields', async () => {
    const props = setup([{ path: 'sampling.steps', message: 'Invalid input: expected number, received string' }, { path: 'seeding', message: 'seeded runs start from lifted structures: they need a lift stage' }]);
    await fireEvent.input(screen.getByTestId('study-field-sampling.steps'), { target: { value: '20000' } });
    await fireEvent.input(screen.getByTestId('study-field-lift.conditions'), { target: { value: '1.0, -0.9\n-1.5, 1.2' } });
    const study = moleculeFormToStudy(props.form) as { sampling: { steps: number }; lift: { conditions: number[][] } };
    expect(study.sampling.steps).toBe(20000);
    expect(study.lift.conditions).toEqual([[1, -0.9], [-1.5, 1.2]]);
    const input = screen.getByTestId('study-field-sampling.steps');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(screen.getByTestId('study-error-sampling.steps').id);
    expect(screen.getByTestId('study-problems').textContent).toContain('seeding: seeded runs start from lifted structures');
  });

  it('the method choice shows that method\'s fields and note', async () => {
    const props = setup();
    const notes = () => screen.getAllByTestId('method-info').map((e) => e.getAttribute('data-method'));
    expect(notes()).toEqual(['metad', 'middle']);
    await fireEvent.change(screen.getByTestId('study-field-sampling.method'), { target: { value: 'md' } });
    flushSync();
    expect(screen.queryByTestId('study-field-sampling.height')).toBeNull();
    expect(notes()).toEqual(['middle', 'middle']);
    await fireEvent.change(screen.getByTestId('study-field-sampling.constraints'), { target: { value: 'none' } });
    flushSync();
    expect(notes()).toEqual(['baoab', 'baoab']);
    expect((moleculeFormToStudy(props.form) as { sampling: Record<string, unknown> }).sampling).toMatchObject({ method: 'md', constraints: 'none' });
  });

  it('a stage checkbox removes its fields and key; a toy system hands over', async () => {
    const props = setup();
    await fireEvent.click(screen.getByTestId('study-section-seeding'));
    flushSync();
    expect(screen.queryByTestId('study-field-seeding.rounds')).toBeNull();
    expect(moleculeFormToStudy(props.form).seeding).toBeUndefined();
    await fireEvent.change(screen.getByTestId('study-field-system'), { target: { value: 'kind:double-well' } });
    expect(props.onToy).toHaveBeenCalledWith({ kind: 'double-well', a: 1 });
  });

  it('the toy form offers the built-in molecule', async () => {
    const onMolecule = vi.fn();
    const props = $state({ form: studyToForm(defaultStudyJson({ kind: 'double-well', a: 1 }, 'x')) as StudyForm, problems: [], systems: [], kinds, onMolecule });
    render(StudyFormFields, { props });
    await fireEvent.change(screen.getByTestId('study-field-system'), { target: { value: 'molecule:alanine-dipeptide' } });
    expect(onMolecule).toHaveBeenCalledWith('alanine-dipeptide');
  });
});
