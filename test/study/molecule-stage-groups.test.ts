/**
 * How a molecular study's cache stages show in the Studies view's pipeline (molecule-service.ts):
 * replicas as one Sampling stage, seeded runs as one Seeded round, running while any member runs,
 * the longest member's wall time, progress the members' mean; setup stages shown with none.
 */
import { describe, expect, it } from 'vitest';
import { moleculePendingStages, moleculeStageGroup, StageGroups } from '../../src-main/study/molecule-service';

describe('molecular study stages in the pipeline', () => {
  it('maps cache stages to pipeline stages', () => {
    expect(['sampling-1', 'sampling-12', 'model', 'lift', 'seeded-2-3', 'molecule'].map(moleculeStageGroup)).toEqual(['sampling', 'sampling', 'model', 'lift', 'seeding', null]);
    expect(moleculePendingStages(null).map((s) => s.name)).toEqual(['sampling']);
  });

  it('a group runs while any member runs; done with the longest wall time; cached only when every member was', () => {
    const g = new StageGroups();
    expect(g.stage('molecule', 'done', 1)).toBeNull();
    expect(g.stage('sampling-1', 'running', null)).toEqual({ group: 'sampling', status: 'running', seconds: null });
    g.stage('sampling-2', 'running', null);
    expect(g.progress('sampling-1', 0.5, 10)).toEqual({ group: 'sampling', fraction: 0.25, eta: 10 });
    expect(g.progress('sampling-2', 0.1, 40)).toEqual({ group: 'sampling', fraction: 0.3, eta: 40 });
    expect(g.stage('sampling-1', 'done', 3)).toEqual({ group: 'sampling', status: 'running', seconds: null });
    expect(g.stage('sampling-2', 'done', 5)).toEqual({ group: 'sampling', status: 'done', seconds: 5 });
    g.stage('seeded-1-1', 'cached', 2);
    expect(g.stage('seeded-1-2', 'cached', 4)).toEqual({ group: 'seeding', status: 'cached', seconds: 4 });
    expect(g.stage('seeded-2-1', 'done', 1)).toEqual({ group: 'seeding', status: 'done', seconds: 4 });
  });
});
