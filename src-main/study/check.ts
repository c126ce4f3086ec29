/**
 * study.json checked as the Studies form is typed: the study schema's own messages, one per
 * problem with its key path, plus the one check the schema cannot make alone (the CV must be a
 * coordinate of the chosen system, as runStudy requires).
 */
import type { StudyCheck } from '../api/contract';
import { createSystem } from '../engine/systems';
import { STUDY_SCHEMA_VERSION, studySchema } from './schema';
import { isMoleculeStudyJson, moleculeStudySchema } from './schema-molecule';

export function checkStudyObject(raw: unknown): StudyCheck {
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > STUDY_SCHEMA_VERSION) {
    return { ok: false, problems: [{ path: 'schemaVersion', message: `${version} is newer than this Liftwell understands (${STUDY_SCHEMA_VERSION}); update Liftwell` }] };
  }
  if (isMoleculeStudyJson(raw)) {
    // A molecular study (system.molecule): its own schema; its CV definitions are checked when it runs.
    const molecular = moleculeStudySchema.safeParse(raw);
    return molecular.success ? { ok: true, problems: [] } : { ok: false, problems: molecular.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
  }
  const parsed = studySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
  const study = parsed.data;
  const names = createSystem(study.system).coordinateNames;
  // A learned-CV study names its CV psi1 (the schema checks that); the others name a coordinate.
  if (!study.learnedCv && !names.includes(study.cvs[0])) {
    return { ok: false, problems: [{ path: 'cvs.0', message: `"${study.cvs[0]}" is not a coordinate of the ${study.system.kind} system (${names.join(', ')})` }] };
  }
  return { ok: true, problems: [] };
}
