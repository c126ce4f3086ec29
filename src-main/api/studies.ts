/**
 * The studies calls (contract/studies.ts) delegate to a StudyService. The service runs the study
 * pipeline, which lives in src-main/study: a transport above this layer (it drives the API
 * through the same dispatch). So the api layer only declares what it needs, and the server and
 * Electron transports register the implementation (study/service.ts) on their AppContext:
 * dependency inversion instead of an import that points back up. Without one (the CLI's context),
 * the calls say so in words.
 */
import { ApiError } from '../schema/errors';
import type { ApiEvent } from '../schema/events';
import type { CallOutput, CallParsedInput } from './contract';

export type StudyCallName = 'listStudies' | 'getStudy' | 'checkStudy' | 'saveStudy' | 'startStudy' | 'cancelStudy' | 'getStudyReportHtml' | 'studyConfigurations';

export type StudyService = { [K in StudyCallName]: (input: CallParsedInput<K>) => Promise<CallOutput<K>> } & {
  /** Stops running studies (their runs keep their checkpoints) when the app closes. */
  shutdown(): Promise<void>;
  /** Whether the study runs now (a delete is refused while it does: api/trash.ts). */
  isRunning(projectPath: string, studyId: string): boolean;
};

/** Makes the service once the context exists; emit pushes events on the context's one stream. */
export type StudyServiceFactory = (emit: (event: ApiEvent) => void) => StudyService;

export function studyHandlers(current: () => StudyService | null): Omit<StudyService, 'shutdown' | 'isRunning'> {
  const service = (): StudyService => {
    const s = current();
    if (!s) throw new ApiError('conflict', 'Studies run in the app (desktop or browser mode); from the command line use `liftwell run STUDY.json --out DIR`.');
    return s;
  };
  return {
    listStudies: (input) => service().listStudies(input),
    getStudy: (input) => service().getStudy(input),
    checkStudy: (input) => service().checkStudy(input),
    saveStudy: (input) => service().saveStudy(input),
    startStudy: (input) => service().startStudy(input),
    cancelStudy: (input) => service().cancelStudy(input),
    getStudyReportHtml: (input) => service().getStudyReportHtml(input),
    studyConfigurations: (input) => service().studyConfigurations(input),
  };
}
