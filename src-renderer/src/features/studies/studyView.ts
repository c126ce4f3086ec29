/** Labels and small helpers of the Studies view (no Svelte: unit-testable). */
import type { StudyStageName, StudyStageView } from '../../../../src-main/api/contract';
import type { ViewId } from '../../shared/app.svelte';

export const STAGE_LABELS: Record<StudyStageName, string> = {
  learnedCv: 'Learned CV loop',
  sampling: 'Sampling',
  estimate: 'Free energy',
  model: 'Model',
  lift: 'Lift',
  consistency: 'Consistency',
  seeding: 'Seeded round',
  closures: 'Closures',
  meanForce: 'Mean force',
  dynamics: 'Dynamics',
};

/**
 * Where a stage's run opens: umbrella rounds in Free energy, training in Models (by model id),
 * a molecular study's runs in the molecular-run page.
 */
export function stageRoute(stage: StudyStageView, modelId: string | null, molecular = false): { view: ViewId; item: string } | null {
  if (!stage.runId) return null;
  if (stage.name === 'model') return modelId ? { view: 'models', item: modelId } : null;
  return { view: molecular ? 'molecular' : 'fes', item: stage.runId };
}

/** The index of the FES bin nearest to x (the clicked CV value snaps to a bin centre). */
export function nearestCenter(centers: readonly number[], x: number): number {
  let best = 0;
  for (let i = 1; i < centers.length; i++) if (Math.abs(centers[i] - x) < Math.abs(centers[best] - x)) best = i;
  return best;
}

/** Histogram densities of values on shared bins (the fast coordinate at a CV value, simulated vs lifted). */
export function densities(samples: readonly (readonly number[])[], bins: number): { edges: number[]; series: number[][] } {
  const all = samples.flat().filter(Number.isFinite);
  if (!all.length) return { edges: [], series: samples.map(() => []) };
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const w = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  const series = samples.map((xs) => {
    const counts = new Array<number>(bins).fill(0);
    for (const x of xs) if (Number.isFinite(x)) counts[Math.min(bins - 1, Math.floor((x - lo) / w))]++;
    const n = xs.length || 1;
    return counts.map((c) => c / (n * w));
  });
  return { edges, series };
}

/** Whether a study file describes a molecule (its system names one; study/schema-molecule.ts). */
export function isMolecularStudy(study: Record<string, unknown>): boolean {
  const system = study.system;
  return !!system && typeof system === 'object' && 'molecule' in system;
}
