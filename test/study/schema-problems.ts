/** The problems parseStudy names for a study object ('' when it parses): for tests of the study schema's refusals. */
import { parseStudy, StudyFileError } from '../../src-main/study/schema';

export function studyProblems(study: unknown): string {
  try {
    parseStudy(JSON.stringify(study), 'bad.study.json');
  } catch (e) {
    if (e instanceof StudyFileError) return e.problems.join('\n');
    throw e;
  }
  return '';
}
