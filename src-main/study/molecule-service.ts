/**
 * The study service's molecular side (service.ts): a molecular study (schema-molecule.ts) runs with
 * molecule-pipeline.ts in the open project; this module maps its cache stages onto the Studies
 * view's pipeline, gives the view its 2D FES, and answers "which structures sit at this (phi, psi)":
 * simulated frames of the study's runs in the clicked FES cell, and the structures the lift stage
 * wrote at the lift condition nearest the point.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../api/handlers';
import type { StudyConfigurations, StudyDetail, StudyStageName, StudyStageView } from '../api/contract';
import { ApiError } from '../api/contract';
import { parseAtomicCv } from '../engine/molecules/cv';
import { periodicDifference, type AtomicCv } from '../engine/molecules/cv/atomic';
import { parsePdb } from '../engine/molecules/formats/pdb';
import { callApi } from './api-client';
import type { MoleculeStudyReport } from './report-molecule';
import type { MoleculeStudy } from './schema-molecule';

/** The pipeline stage a cache stage of molecule-pipeline.ts belongs to ('molecule' is setup, shown with none). */
export function moleculeStageGroup(stage: string): StudyStageName | null {
  if (/^sampling-\d+$/.test(stage)) return 'sampling';
  if (/^seeded-\d+-\d+$/.test(stage)) return 'seeding';
  if (stage === 'model' || stage === 'lift') return stage;
  return null;
}

/** The cache stage whose run a pipeline stage opens (its first replica / seeded run). */
export function firstMemberOf(group: StudyStageName): string {
  return group === 'sampling' ? 'sampling-1' : group === 'seeding' ? 'seeded-1-1' : group;
}

export function moleculePendingStages(study: MoleculeStudy | null): StudyStageView[] {
  const names: StudyStageName[] = ['sampling'];
  if (study?.model) names.push('model');
  if (study?.lift) names.push('lift');
  if (study?.seeding && study.seeding.rounds >= 2) names.push('seeding');
  return names.map((name) => ({ name, status: 'pending', seconds: null, fraction: null, etaSeconds: null, runId: null }));
}

interface SubStage {
  status: 'running' | 'cached' | 'done';
  seconds: number | null;
  fraction: number;
  eta: number | null;
}

/**
 * Several cache stages shown as one pipeline stage (the replicas of round 1 as "Sampling", the
 * seeded runs as "Seeded round"). They run in parallel, so the group is running while any member
 * runs, its wall time is the longest member's, and its progress is the members' mean.
 */
export class StageGroups {
  private readonly groups = new Map<StudyStageName, Map<string, SubStage>>();

  private members(group: StudyStageName): Map<string, SubStage> {
    let m = this.groups.get(group);
    if (!m) this.groups.set(group, (m = new Map()));
    return m;
  }

  stage(name: string, status: SubStage['status'], seconds: number | null): { group: StudyStageName; status: SubStage['status']; seconds: number | null } | null {
    const group = moleculeStageGroup(name);
    if (!group) return null;
    const members = this.members(group);
    members.set(name, { status, seconds, fraction: status === 'running' ? 0 : 1, eta: null });
    const all = [...members.values()];
    if (all.some((s) => s.status === 'running')) return { group, status: 'running', seconds: null };
    const longest = Math.max(...all.map((s) => s.seconds ?? 0));
    return { group, status: all.every((s) => s.status === 'cached') ? 'cached' : 'done', seconds: longest };
  }

  progress(name: string, fraction: number, eta: number | null): { group: StudyStageName; fraction: number; eta: number | null } | null {
    const group = moleculeStageGroup(name);
    if (!group) return null;
    const members = this.members(group);
    const s = members.get(name);
    if (s) Object.assign(s, { fraction, eta });
    const all = [...members.values()];
    const etas = all.map((m) => m.eta).filter((e): e is number => e !== null);
    return { group, fraction: all.reduce((a, m) => a + m.fraction, 0) / Math.max(1, all.length), eta: etas.length ? Math.max(...etas) : null };
  }
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Whether a CV definition is periodic (a dihedral): parsed with the engine's own rules. */
function isPeriodicCv(definition: string): boolean {
  try {
    return parseAtomicCv(definition, { nAtoms: 1_000_000 }).periodic !== null;
  } catch {
    return false; // rmsd needs a reference structure: not periodic anyway
  }
}

/** The molecular part of getStudy: the 2D FES and the runs behind the pipeline. */
export function moleculeDetail(dir: string, study: MoleculeStudy | null, report: MoleculeStudyReport | null): Pick<StudyDetail, 'fes' | 'fes2d' | 'runs' | 'modelId' | 'closures' | 'dynamics' | 'consistencyVerdict' | 'configurationKind'> {
  const stage = <T>(name: string) => readJson<T>(join(dir, 'stages', `${name}.json`));
  const model = stage<{ runId: string; modelId: string }>('model');
  const fes = report?.fes ?? null;
  return {
    fes: null,
    fes2d: fes && fes.axes.length === 2
      ? { cvNames: fes.cv, axes: fes.axes, F: fes.F, dF: fes.dF, unit: 'kJ/mol', periodic: (study?.cvs ?? []).map(isPeriodicCv) }
      : null,
    runs: { sampling: stage<{ runId: string }>(firstMemberOf('sampling'))?.runId ?? null, model: model?.runId ?? null, seeded: stage<{ runId: string }>(firstMemberOf('seeding'))?.runId ?? null },
    modelId: model?.modelId ?? null,
    closures: [],
    dynamics: null,
    consistencyVerdict: null,
    configurationKind: 'molecule',
  };
}

/** Run ids of the study's molecular runs (round 1 replicas, then the seeded runs), from its finished stages. */
function studyRunIds(dir: string): string[] {
  const stagesDir = join(dir, 'stages');
  if (!existsSync(stagesDir)) return [];
  const names = readdirSync(stagesDir).filter((f) => /^(sampling-\d+|seeded-\d+-\d+)\.json$/.test(f)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return names.map((f) => readJson<{ runId?: string }>(join(stagesDir, f))?.runId).filter((id): id is string => !!id);
}

const decodeFloat32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

/** Largest per-CV periodic distance, and whether every CV lies within its half width. */
function within(at: number[], point: number[], halfWidths: number[], cvs: AtomicCv[]): boolean {
  return at.every((v, c) => Math.abs(periodicDifference(v - point[c], cvs[c].periodic)) <= halfWidths[c]);
}

function distance(a: number[], b: number[], cvs: AtomicCv[]): number {
  return Math.sqrt(a.reduce((s, v, c) => s + periodicDifference(v - b[c], cvs[c].periodic) ** 2, 0));
}

/** Evenly spaced picks (deterministic: the same click shows the same structures). */
function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const step = items.length / n;
  return Array.from({ length: n }, (_, k) => items[Math.floor(k * step)]);
}

/**
 * Structures at (point[0], point[1]): the frames of every run of the study whose CVs lie in the
 * clicked FES cell (half a cell each way per CV, periodic), and the lifted structures of the lift
 * condition nearest the point.
 */
export async function moleculeConfigurations(
  context: AppContext, projectPath: string, dir: string, study: MoleculeStudy, point: number[], n: number,
): Promise<StudyConfigurations> {
  if (point.length !== study.cvs.length) {
    throw new ApiError('invalid-input', `cv2: this study has ${study.cvs.length} CVs (${study.cvs.map((c) => c.split('=')[0]).join(', ')}); give ${study.cvs.length === 2 ? 'cv and cv2' : 'cv only'}.`);
  }
  const molecule = readJson<{ moleculeId: string }>(join(dir, 'stages', 'molecule.json'));
  const runIds = studyRunIds(dir);
  if (!molecule || !runIds.length) throw new ApiError('not-found', `The study has no finished sampling stage yet: run it first.`);
  const view = await callApi(context, 'getMolecule', { projectPath, moleculeId: molecule.moleculeId });
  const nAtoms = view.atoms.length;
  const reference = Float64Array.from(decodeFloat32(view.positions));
  const cvs = study.cvs.map((c) => parseAtomicCv(c, { nAtoms, reference }));
  const cvNames = cvs.map((c) => c.name);

  // Half an FES cell per CV (the grid of the first replica's FES), as the heat map draws it.
  const firstRun = readJson<{ fes: { axes: number[][] } | null }>(join(dir, 'stages', 'sampling-1.json'));
  const axes = firstRun?.fes?.axes;
  const halfWidths = cvs.map((_, c) => (axes?.[c] && axes[c].length > 1 ? Math.abs(axes[c][1] - axes[c][0]) / 2 : 0.1));

  const near: { runId: string; frame: number; at: number[]; positions: number[] }[] = [];
  const x = new Float64Array(nAtoms * 3);
  for (const runId of runIds) {
    const frames = await callApi(context, 'getTrajectoryFrames', { projectPath, runId, start: 0, count: 100_000 });
    const pos = decodeFloat32(frames.positions);
    for (let f = 0; f < frames.count; f++) {
      for (let k = 0; k < x.length; k++) x[k] = pos[f * x.length + k];
      const at = cvs.map((cv) => cv.value(x));
      if (within(at, point, halfWidths, cvs)) near.push({ runId, frame: frames.start + f, at, positions: Array.from(x) });
    }
  }
  const simulated = spread(near, n);

  // The lift stage's structures at the condition nearest the point (lifted/condition-K.pdb).
  const lift = readJson<{ conditions: { cond: number[]; pdb: string; n: number; requested?: number; excluded?: number; advice?: string | null }[] }>(join(dir, 'stages', 'lift.json'));
  let lifted: StudyConfigurations['lifted'] = null;
  let liftedAt: { condition: number[]; distance: number } | null = null;
  const candidates = (lift?.conditions ?? []).filter((c) => existsSync(c.pdb));
  if (candidates.length) {
    const best = candidates.reduce((a, b) => (distance(b.cond, point, cvs) < distance(a.cond, point, cvs) ? b : a));
    const pdb = parsePdb(readFileSync(best.pdb, 'utf8'), best.pdb);
    const rows = Array.from({ length: Math.min(pdb.nFrames, n) }, (_, i) => Array.from(pdb.positions.subarray(i * nAtoms * 3, (i + 1) * nAtoms * 3)));
    lifted = { condition: best.cond[0], rows };
    liftedAt = { condition: best.cond, distance: distance(best.cond, point, cvs) };
  }
  // A weak model's absurd structures were excluded by the lift (molecule-pipeline.ts): say so rather than "no lift stage".
  const poor = (lift?.conditions ?? []).filter((c) => (c.excluded ?? 0) > 0);
  const liftPoor = poor.length
    ? `The lift stage excluded ${poor.reduce((a, c) => a + c.excluded!, 0)} of ${poor.reduce((a, c) => a + (c.requested ?? c.n), 0)} lifted structures as absurd at ${poor.length} of ${lift!.conditions.length} condition(s): the model is poor there; ${poor[0].advice ?? 'train longer, use a larger network, or add simulation data near the condition'}.`
    : null;
  return {
    cv: point[0], cvName: cvNames[0], coordinateNames: cvNames, simulated: simulated.map((s) => s.positions), halfWidth: halfWidths[0], lifted, kind: 'molecule',
    molecule: {
      atoms: view.atoms, bonds: view.bonds, cvs: study.cvs, point, halfWidths,
      simulatedAt: simulated.map(({ runId, frame, at }) => ({ runId, frame, at })), liftedAt,
      ...(liftPoor ? { liftPoor } : {}),
    },
  };
}
