// Hash routes (src-renderer/src/shared/route.ts): round trips, fall-backs for junk, and where each
// run kind's result lives (the Free energy view used to be offered for metadynamics runs).
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-main/api/contract';
import { HOME, VIEW_IDS, formatHash, parseHash, resultRoute } from '../../src-renderer/src/shared/route';

describe('hash routes', () => {
  it('round-trips every view with a project path holding spaces, & and #', () => {
    for (const view of VIEW_IDS) {
      const r = { view, project: '/home/a b/x&y#1.liftwell', item: view === 'projects' ? null : 'run-12' };
      expect(parseHash(formatHash(r))).toEqual(r);
    }
  });

  it('falls back to the projects view for junk', () => {
    expect(parseHash('')).toEqual(HOME);
    expect(parseHash('#/nonsense?project=%2Fp')).toEqual({ view: 'projects', project: '/p', item: null });
    expect(parseHash('#%%%')).toEqual(HOME);
  });

  it('sends each run kind to the view that shows its result', () => {
    const run = (kind: string, extra = {}) => ({ id: 'r1', kind, ...extra }) as unknown as RunRecord;
    expect(resultRoute(run('umbrella')).view).toBe('fes');
    expect(resultRoute(run('metad')).view).toBe('metad');
    expect(resultRoute(run('ensemble')).view).toBe('ensemble');
    expect(resultRoute(run('molecular')).view).toBe('molecular');
    expect(resultRoute(run('train', { modelId: 'm7' }))).toMatchObject({ view: 'models', item: 'm7' });
  });
});
