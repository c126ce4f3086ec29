/**
 * run.json migrations: older files are turned into the current schema in memory when read, with
 * their meaning unchanged. Nothing is written here: a migrated run is saved in the current
 * version only when the app writes that run anyway (a status change, a resume), so opening a
 * project, even a read-only one, never touches its files.
 *
 *   1 -> 2 (issue 9, one harmonic restraint): every spring becomes a list, one per CV in CV order,
 *   beside its centres (engine/bias/restraint.ts AT/KAPPA):
 *     umbrella  params.spring (+ params.secondCv.spring)  -> params.springs
 *               job.windows[].center/spring (+ centers/springs of 2D grids) -> centers/springs
 *     ensemble  params.umbrella and job.umbrella {cvIndex, center, spring}
 *               -> {cvIndices: [cvIndex], centers: [center], springs: [spring]}
 *     molecular params.umbrella.spring (a list)         -> params.umbrella.springs
 *   metadynamics and training runs carry no spring and pass through unchanged.
 *
 * Migrations work on the parsed JSON before the schema checks it: a field that is not of the
 * shape a migration expects is left alone, so a damaged file still gets the schema's message
 * naming the file and the field.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One step per version: migrations[v] turns a version-v file into version v + 1 (in place). */
const migrations: Record<number, (file: Json) => void> = {
  1: springsToLists,
};

/**
 * The file as the current schema (`current`) expects it. Files of the current version, of an
 * unknown older version (no migration path) or not objects at all come back unchanged, for the
 * schema check to judge; newer versions are refused before this is called.
 */
export function migrateRunFile(data: unknown, current: number): unknown {
  if (!isObject(data) || typeof data.schemaVersion !== 'number') return data;
  let version = data.schemaVersion;
  if (version >= current || !migrations[version]) return data;
  const file = structuredClone(data);
  while (version < current) {
    const step = migrations[version];
    if (!step) break;
    step(file);
    version += 1;
    file.schemaVersion = version;
  }
  return file;
}

/** 1 -> 2: springs and centres as lists, one per CV. */
function springsToLists(file: Json): void {
  const run = isObject(file.run) ? file.run : null;
  const job = isObject(file.job) ? file.job : null;
  const params = run && isObject(run.params) ? run.params : null;
  switch (job?.kind) {
    case 'umbrella':
      if (params) umbrellaParamsToSprings(params);
      if (Array.isArray(job.windows)) job.windows.forEach((w) => isObject(w) && umbrellaWindowToLists(w));
      break;
    case 'ensemble':
      if (params && isObject(params.umbrella)) coordinateRestraintToLists(params.umbrella);
      if (isObject(job.umbrella)) coordinateRestraintToLists(job.umbrella);
      break;
    case 'molecular':
      if (params && isObject(params.umbrella) && Array.isArray(params.umbrella.spring) && params.umbrella.springs === undefined) {
        params.umbrella.springs = params.umbrella.spring;
        delete params.umbrella.spring;
      }
      break;
  }
}

function umbrellaParamsToSprings(params: Json): void {
  if (typeof params.spring !== 'number' || params.springs !== undefined) return;
  const second = isObject(params.secondCv) ? params.secondCv : null;
  if (second && typeof second.spring !== 'number') return;
  params.springs = second ? [params.spring, second.spring] : [params.spring];
  delete params.spring;
  if (second) delete second.spring;
}

/** 1D windows held center/spring; 2D windows held centers/springs too (center/spring = the first CV's). */
function umbrellaWindowToLists(w: Json): void {
  if (w.centers === undefined && typeof w.center === 'number') w.centers = [w.center];
  if (w.springs === undefined && typeof w.spring === 'number') w.springs = [w.spring];
  if (Array.isArray(w.centers)) delete w.center;
  if (Array.isArray(w.springs)) delete w.spring;
}

function coordinateRestraintToLists(u: Json): void {
  if (typeof u.cvIndex !== 'number' || typeof u.center !== 'number' || typeof u.spring !== 'number') return;
  u.cvIndices = [u.cvIndex];
  u.centers = [u.center];
  u.springs = [u.spring];
  delete u.cvIndex;
  delete u.center;
  delete u.spring;
}
