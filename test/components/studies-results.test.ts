// The Studies view's results (features/studies/StudyResults.svelte) from a study's detail: the
// closures and dynamics tables carry the numbers of the report, the consistency verdict shows,
// and report buttons appear only when the study has a report.
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { StudyDetail } from '../../src-main/api/contract';
import StudyResults from '../../src-renderer/src/features/studies/StudyResults.svelte';

function detail(over: Partial<StudyDetail> = {}): StudyDetail {
  return {
    id: 's1', name: 'study one', status: 'done', stages: [], error: null, updated: '2026-01-01T00:00:00.000Z',
    study: {}, folder: '/p/studies/s1', hasReport: true,
    fes: { cv: 'x', centers: [-1, 0, 1], F: [0, 2, 0.1], dF: [0.1, 0.2, 0.1], exact: null },
    runs: { sampling: 'run-1', model: 'run-2', seeded: null }, modelId: 'model-1',
    closures: [{ name: 'y', centers: [-1, 0, 1], mean: [0.4, 0, -0.4], sem: [0.01, 0.02, 0.01], exact: [0.42, 0, -0.42], generated: { conditions: [0.5], mean: [-0.2], sem: [0.05] } }],
    dynamics: { grid: [-1, 1], drift: [0.5, -0.5], diffusion: [1.01, 0.99], Feff: [0, 0.2], Fsampled: [0, 0.1] },
    consistencyVerdict: 'good', configurationKind: 'coordinates',
    ...over,
  };
}

describe('StudyResults', () => {
  it('shows the closures and dynamics numbers, the verdict and the report buttons', () => {
    render(StudyResults, { props: { detail: detail(), projectPath: '/p' } });
    const rows = [...screen.getByTestId('study-closure').querySelectorAll('tbody tr')].map((r) => r.textContent);
    expect(rows).toHaveLength(4); // three simulated bins and one lifted condition
    expect(rows[0]).toContain('0.4 ± 0.01');
    expect(rows[3]).toContain('(lifted)');
    expect(screen.getByTestId('study-dynamics').querySelectorAll('tbody tr')).toHaveLength(2);
    expect(screen.getByTestId('study-verdict').textContent).toContain('good');
    expect(screen.getByTestId('study-report-open')).toBeTruthy();
    expect(screen.getByTestId('study-configurations').textContent).toMatch(/Pick a point on the free energy/);
  });

  it('without a report or a model: no report or model buttons', () => {
    render(StudyResults, { props: { detail: detail({ hasReport: false, modelId: null, dynamics: null, closures: [] }), projectPath: '/p' } });
    expect(screen.queryByTestId('study-report-open')).toBeNull();
    expect(screen.queryByTestId('study-open-model')).toBeNull();
    expect(screen.queryByTestId('study-dynamics')).toBeNull();
  });
});
