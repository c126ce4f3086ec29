// The method descriptions (shared/methods.ts): the references the app cites are the right papers
// (authors and year as in the literature), each entry is complete, and each place that chooses a
// method shows its description (a MethodInfo in that view; literal ids must exist). Exact strings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHODS, citation, methodTooltip, type MethodId } from '../../src-renderer/src/shared/methods';

describe('method references', () => {
  it('cite the original papers', () => {
    const expected: [MethodId, string, number][] = [
      ['wham', 'Kumar et al.', 1992],
      ['mbar', 'Shirts & Chodera', 2008],
      ['metad', 'Barducci, Bussi & Parrinello', 2008],
      ['umbrella', 'Torrie & Valleau', 1977],
      ['baoab', 'Leimkuhler & Matthews', 2013],
      ['middle', 'Zhang et al.', 2019],
      ['score', 'Song et al.', 2021],
      ['gan', 'Mirza & Osindero', 2014],
      ['dmap', 'Coifman & Lafon', 2006],
    ];
    for (const [id, authors, year] of expected) {
      expect(METHODS[id].reference.authors, id).toBe(authors);
      expect(METHODS[id].reference.year, id).toBe(year);
    }
    expect(citation('wham')).toBe('Kumar et al. 1992, J. Comput. Chem. 13, 1011');
  });

  it('every entry has a name, a summary, a venue and a DOI', () => {
    for (const [id, m] of Object.entries(METHODS)) {
      expect(m.name.length, id).toBeGreaterThan(2);
      expect(m.summary.length, id).toBeGreaterThan(40);
      expect(m.reference.where.length, id).toBeGreaterThan(3);
      expect(m.reference.doi, id).toMatch(/^10\.\d{4,}\/\S+$/);
      expect(methodTooltip(id as MethodId)).toContain(m.reference.doi);
    }
  });
});

describe('where a method is chosen, its description is shown', () => {
  const src = (rel: string) => readFileSync(join(import.meta.dirname, '../../src-renderer/src', rel), 'utf8');
  const places: [string, RegExp][] = [
    ['features/fes/FesView.svelte', /<MethodInfo id=\{estimator\} \/>/],
    ['features/metad/MetadSetup.svelte', /<MethodInfo id="metad" \/>/],
    ['features/metad/MetadSetup.svelte', /<MethodInfo id=\{integrator === 'baoab' \? 'baoab' : 'overdamped'\} \/>/],
    ['features/umbrella/UmbrellaView.svelte', /<MethodInfo id="umbrella" \/>/],
    ['features/molecules/MolecularRunSetup.svelte', /<MethodInfo id=\{integrator\} \/>/],
    ['features/models/TrainForm.svelte', /<MethodInfo id=\{model\} \/>/],
    ['features/learned-cvs/LearnedCvView.svelte', /<MethodInfo id="dmap" \/>/],
    ['features/fes/FesView.svelte', /<MethodInfo id="bootstrap" \/>/],
    ['features/fes/FesView.svelte', /<MethodInfo id="inefficiency" \/>/],
    ['features/metad/MetadResultPanel.svelte', /<MethodInfo id="reweighting" \/>/],
  ];
  for (const [file, pattern] of places) it(file, () => expect(src(file)).toMatch(pattern));

  it('the selects offering estimators, integrators and model families use ids of METHODS', () => {
    expect(src('features/fes/FesView.svelte')).toMatch(/<option value="wham">[\s\S]*<option value="mbar">/);
    expect(src('features/models/TrainForm.svelte')).toMatch(/<option value="score">[\s\S]*<option value="gan">/);
    expect(Object.keys(METHODS)).toEqual(expect.arrayContaining(['wham', 'mbar', 'score', 'gan', 'baoab', 'overdamped']));
  });
});
