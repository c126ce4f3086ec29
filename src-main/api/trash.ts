/**
 * Delete with undo: the handlers of planDelete, deleteToTrash, listTrash, restoreFromTrash and
 * emptyTrash. This module decides what may go and what goes with it; store/trash.ts moves the
 * folders and the project.json entries, crash-safely.
 *
 * What depends on what: a system is used by the runs made on it; an imported molecule by the
 * molecular runs on it and the training runs on their frames; a training run is needed by the
 * models it trained (their record is read through its run.json). A delete is refused while any
 * run it would take is queued or running (here or in another process), and while dependents
 * exist unless the caller asks to delete them too (the GUI's confirmation dialog names them).
 *
 * A study (<project>/studies/<id>/) is the other way round: nothing depends on it, but it made
 * runs (sampling, rounds, training) and a model. Those are its companions: a plain delete moves
 * only the study's folder and they stay in the project; withDependents takes them (and the
 * models they trained) too. Refused while the study runs (the study service says so, or one of
 * its runs is active, here or in another process).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { studyIdSchema } from './contract/studies';
import { ApiError, type CallOutputs, type CallParsedInput, type DeletePlan, type TrashEntries, type TrashKind } from './contract';
import type { JobManager } from '../runs/runtime/manager';
import { readAllRuns, readRunFile } from '../runs/run-file';
import { checkId, exists, readProjectFile, runOwnerLockPath, type ProjectFile } from '../store/project';
import { lockHolder, describeOwner } from '../store/lock-file';
import { emptyTrash, listTrash, moveToTrash, restoreFromTrash, trashItemFiles, type MoveToTrashRequest } from '../store/trash';

export interface TrashHandlerDeps {
  requireProject(path: string): Promise<string>;
  jobs: JobManager;
  /** Whether the study runs in this app (the study service knows; false where none is registered). */
  studyRunning(projectPath: string, studyId: string): boolean;
}

/** A study's folder, relative to the project (study/project-studies.ts lays it out; api cannot import it). */
const studyFolder = (studyId: string) => `studies/${studyId}`;

/**
 * The run ids a study's files name: every `runId` in its finished stages (stages/<stage>.json:
 * sampling, model, seeded and adaptive rounds) and in last-run.json (a stage cut short).
 */
async function studyRunIds(projectPath: string, studyId: string): Promise<Set<string>> {
  const dir = join(projectPath, studyFolder(studyId));
  const ids = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'runId' && typeof v === 'string') ids.add(v);
        else collect(v);
      }
    }
  };
  const stageFiles = await readdir(join(dir, 'stages')).catch(() => [] as string[]);
  for (const file of [...stageFiles.filter((f) => f.endsWith('.json')).map((f) => join('stages', f)), 'last-run.json']) {
    // A damaged or missing stage file names no run: the study itself can still go.
    const text = await readFile(join(dir, file), 'utf8').catch(() => null);
    try {
      if (text) collect(JSON.parse(text));
    } catch {
      /* not JSON: names nothing */
    }
  }
  return ids;
}

type TrashCalls = 'planDelete' | 'deleteToTrash' | 'listTrash' | 'restoreFromTrash' | 'emptyTrash';

interface RunInfo {
  id: string;
  name: string;
  created: string;
  systemId: string | null;
  /** Molecular runs: the molecule they simulate (training runs on molecules carry it as systemId). */
  moleculeId: string | null;
  status: string;
}

/** Everything a delete would take, worked out from project.json and the runs' run.json files. */
interface Deletion {
  plan: DeletePlan;
  request: MoveToTrashRequest;
}

export function createTrashHandlers(deps: TrashHandlerDeps): { [K in TrashCalls]: (input: CallParsedInput<K>) => Promise<CallOutputs[K]> } {
  async function runInfos(projectPath: string, project: ProjectFile): Promise<RunInfo[]> {
    const { runs } = await readAllRuns(projectPath, project);
    const byId = new Map(runs.map((f) => [f.run.id, f.run]));
    // A run whose run.json cannot be read can still be deleted (that is often why one deletes it).
    return project.runs.map((entry) => {
      const run = byId.get(entry.id);
      const live = deps.jobs.activeRecord(projectPath, entry.id);
      return {
        ...entry,
        systemId: run && 'systemId' in run ? run.systemId : null,
        moleculeId: run && 'moleculeId' in run ? run.moleculeId : null,
        status: live?.status ?? run?.status ?? 'unreadable',
      };
    });
  }

  /** Why a run cannot go now, or null. A run.json saying 'running' with no live owner is an interrupted run: it can go. */
  function runBlocker(projectPath: string, run: RunInfo): string | null {
    if (deps.jobs.isActive(projectPath, run.id)) return `The run "${run.name}" is ${run.status}; cancel it first.`;
    const owner = lockHolder(runOwnerLockPath(projectPath, run.id));
    if (owner) return `The run "${run.name}" is being computed by ${describeOwner(owner)}; cancel it there first.`;
    return null;
  }

  /** A study, and with `withCompanions` the runs it made (and their models). */
  async function planStudyDeletion(projectPath: string, id: string, withCompanions: boolean): Promise<Deletion> {
    if (!studyIdSchema.safeParse(id).success) throw new ApiError('invalid-input', `id: "${id}" is not a valid study id.`);
    const folder = studyFolder(id);
    const studyJson = join(projectPath, folder, 'study.json');
    if (!(await exists(studyJson))) throw new ApiError('not-found', `id: there is no study ${id} in ${projectPath}.`);
    let name = id;
    try {
      const parsed = JSON.parse(await readFile(studyJson, 'utf8')) as { name?: unknown };
      if (typeof parsed.name === 'string' && parsed.name.trim()) name = parsed.name;
    } catch {
      /* a study.json that does not parse is deleted under its id */
    }
    const project = await readProjectFile(projectPath);
    const named = await studyRunIds(projectPath, id);
    const runs = (await runInfos(projectPath, project)).filter((r) => named.has(r.id));
    const models = (project.models ?? []).filter((m) => runs.some((r) => r.id === m.runId));
    const companions: DeletePlan['dependents'] = [...runs.map((r) => ({ kind: 'run' as const, id: r.id, name: r.name })), ...models.map((m) => ({ kind: 'model' as const, id: m.id, name: m.name }))];
    const blockers: string[] = [];
    if (deps.studyRunning(projectPath, id)) blockers.push(`The study "${name}" is running; cancel it first.`);
    // One of its runs active (here or in another process: an app running the study while a CLI
    // deletes it) means the study is running too: refused even when the runs would stay.
    for (const run of runs) {
      const blocker = runBlocker(projectPath, run);
      if (blocker) blockers.push(blocker);
    }
    const entries: TrashEntries = { systems: [], runs: [], models: [] };
    if (withCompanions) {
      entries.runs = runs.map((r) => ({ id: r.id, name: r.name, created: r.created }));
      entries.models = models;
    }
    const folders = [folder, ...entries.runs.flatMap((r) => [`runs/${r.id}`, `analyses/${r.id}`]), ...entries.models.map((m) => `models/${m.id}`)];
    return {
      plan: { kind: 'study', id, name, dependents: [], blockers, ...(companions.length ? { companions } : {}) },
      request: { kind: 'study', id, name, entries, folders },
    };
  }

  async function planDeletion(projectPath: string, kind: TrashKind, id: string, withDependents = false): Promise<Deletion> {
    if (kind === 'study') return planStudyDeletion(projectPath, id, withDependents);
    checkId(id, 'id');
    const project = await readProjectFile(projectPath);
    const models = project.models ?? [];
    const entries: TrashEntries = { systems: [], runs: [], models: [] };
    const moleculeFolders: string[] = [];
    const dependents: DeletePlan['dependents'] = [];
    const blockers: string[] = [];
    let name: string;
    let runsGoing: RunInfo[] = [];
    if (kind === 'model') {
      const model = models.find((m) => m.id === id);
      if (!model) throw new ApiError('not-found', `id: there is no model ${id} in ${projectPath}.`);
      name = model.name;
      entries.models.push(model);
      if (deps.jobs.isActive(projectPath, model.runId)) blockers.push(`The model "${model.name}" is still training; cancel its training run first.`);
    } else {
      const runs = await runInfos(projectPath, project);
      if (kind === 'system') {
        const system = project.systems.find((s) => s.id === id);
        if (!system) throw new ApiError('not-found', `id: there is no system ${id} in ${projectPath}.`);
        name = system.name;
        entries.systems.push(system);
        runsGoing = runs.filter((r) => r.systemId === id);
      } else if (kind === 'molecule') {
        const molecule = (project.molecules ?? []).find((m) => m.id === id);
        if (!molecule) throw new ApiError('not-found', `id: there is no molecule ${id} in ${projectPath}.`);
        name = molecule.name;
        entries.molecules = [molecule];
        moleculeFolders.push(`systems/${id}`);
        runsGoing = runs.filter((r) => r.moleculeId === id || r.systemId === id);
      } else {
        const run = runs.find((r) => r.id === id);
        if (!run) throw new ApiError('not-found', `id: there is no run ${id} in ${projectPath}.`);
        name = run.name;
        runsGoing = [run];
      }
      for (const run of runsGoing) {
        entries.runs.push({ id: run.id, name: run.name, created: run.created });
        if (run.id !== id) dependents.push({ kind: 'run', id: run.id, name: run.name });
        const blocker = runBlocker(projectPath, run);
        if (blocker) blockers.push(blocker);
      }
      for (const model of models.filter((m) => runsGoing.some((r) => r.id === m.runId))) {
        entries.models.push(model);
        dependents.push({ kind: 'model', id: model.id, name: model.name });
      }
    }
    const folders = [
      ...entries.runs.flatMap((r) => [`runs/${r.id}`, `analyses/${r.id}`]),
      ...entries.models.map((m) => `models/${m.id}`),
      ...moleculeFolders,
    ];
    return { plan: { kind, id, name, dependents, blockers }, request: { kind, id, name, entries, folders } };
  }

  /** A run comes back only with its system: refused, naming it, when the system was deleted meanwhile. */
  async function requireSystemsOf(projectPath: string, itemId: string): Promise<void> {
    const items = await listTrash(projectPath);
    const item = items.find((t) => t.itemId === itemId);
    if (!item) return; // restoreFromTrash says why
    const project = await readProjectFile(projectPath);
    // Molecules count as systems here: a training run on a molecule's frames carries its id as systemId.
    const have = new Set([...project.systems, ...item.entries.systems, ...(project.molecules ?? []), ...(item.entries.molecules ?? [])].map((s) => s.id));
    for (const entry of item.entries.runs) {
      const file = await readRunFile(trashItemFiles(projectPath, itemId), entry.id).catch(() => null);
      const systemId = file && 'systemId' in file.run ? file.run.systemId : file && 'moleculeId' in file.run ? file.run.moleculeId : null;
      if (systemId && !have.has(systemId)) {
        const trashedSystem = items.flatMap((t) => t.entries.systems).find((s) => s.id === systemId);
        const trashedMolecule = items.flatMap((t) => t.entries.molecules ?? []).find((m) => m.id === systemId);
        const trashed = trashedSystem ? { what: 'system', name: trashedSystem.name } : trashedMolecule ? { what: 'molecule', name: trashedMolecule.name } : null;
        const where = trashed ? `restore the ${trashed.what} "${trashed.name}" from the trash first` : 'it cannot be restored';
        throw new ApiError('conflict', `Cannot restore "${item.name}": the run "${entry.name}" needs the ${trashed?.what ?? 'system'} ${trashed ? `"${trashed.name}"` : systemId}, which is no longer in the project; ${where}.`);
      }
    }
  }

  const what = (d: DeletePlan['dependents'][number]) => `${d.kind} "${d.name}"`;

  return {
    async planDelete({ projectPath, kind, id }) {
      return (await planDeletion(await deps.requireProject(projectPath), kind, id)).plan;
    },

    async deleteToTrash({ projectPath, kind, id, withDependents }) {
      const path = await deps.requireProject(projectPath);
      const { plan, request } = await planDeletion(path, kind, id, withDependents);
      if (plan.blockers.length) throw new ApiError('conflict', plan.blockers.join(' '));
      if (plan.dependents.length && !withDependents) {
        throw new ApiError(
          'conflict',
          `The ${kind} "${plan.name}" is used by ${plan.dependents.map(what).join(', ')}; delete those too (withDependents) or delete them first.`,
          { dependents: plan.dependents },
        );
      }
      return moveToTrash(path, request);
    },

    async listTrash({ projectPath }) {
      return listTrash(await deps.requireProject(projectPath));
    },

    async restoreFromTrash({ projectPath, itemId }) {
      const path = await deps.requireProject(projectPath);
      await requireSystemsOf(path, itemId);
      return restoreFromTrash(path, itemId);
    },

    async emptyTrash({ projectPath, itemId }) {
      return { removed: await emptyTrash(await deps.requireProject(projectPath), itemId) };
    },
  };
}
