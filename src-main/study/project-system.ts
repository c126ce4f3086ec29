/**
 * The project system a study's runs use: the one whose spec equals the study's `system` by value
 * (parameters the study leaves out take the kind's defaults, key order does not matter), added
 * only when the project has none. Studies used to call addSystem for every stage that starts a run,
 * so running a study from the Studies view gave the project a second copy of its own system.
 */
import type { SystemRecord } from '../api/contract';
import type { AppContext } from '../api/handlers';
import { defaultSystemSpec } from '../engine/systems';
import type { AnySystemSpec } from '../engine/systems/specs';
import { readProjectFile } from '../store/project';
import { callApi } from './api-client';

/** The spec with defaults filled in, as JSON with sorted keys: equal for specs that mean the same system. */
export function canonicalSystemSpec(spec: AnySystemSpec): string {
  const full: Record<string, unknown> = { ...defaultSystemSpec(spec.kind), ...spec };
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
      : Array.isArray(v) ? v.map(sorted) : v;
  return JSON.stringify(sorted(full));
}

/** One lookup-or-add at a time per project, so stages started together do not both add the system. */
const pending = new Map<string, Promise<unknown>>();

export function projectSystemFor(context: AppContext, projectPath: string, spec: AnySystemSpec): Promise<SystemRecord> {
  const previous = pending.get(projectPath) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(async () => {
    const wanted = canonicalSystemSpec(spec);
    const project = await readProjectFile(projectPath);
    const same = project.systems.find((s) => canonicalSystemSpec(s.spec as AnySystemSpec) === wanted);
    return same ?? callApi(context, 'addSystem', { projectPath, name: spec.kind, spec });
  });
  pending.set(projectPath, next);
  void next.finally(() => {
    if (pending.get(projectPath) === next) pending.delete(projectPath);
  }).catch(() => undefined);
  return next;
}
