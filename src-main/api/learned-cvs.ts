/**
 * Learned collective variables in the app: the handlers of computeDiffusionMap and of the three
 * calls that use a stored map. The work runs in an analysis thread (analysis/thread.ts):
 * analysis/learned-cvs/diffusion-map.ts computes and stores the map, analysis/learned-cvs/use-map.ts
 * uses it as a CV.
 */
import { ApiError } from './contract';
import type { Handlers } from './dispatch';
import { runAnalysis, type AnalysisPlace } from '../analysis/run-analysis';
import type { LearnedCvCall } from '../analysis/learned-cvs/use-map';
import type { MetadRunFile, RunFile } from '../runs/run-file';
import { projectWriteProblem } from '../store/write-access';

// ---------------------------------------------------------------- the call

export interface LearnedCvDeps {
  requireProject(path: string): Promise<string>;
  getRunFile(projectPath: string, runId: string): Promise<RunFile>;
  requireCompleted(projectPath: string, file: RunFile, needs: string): void;
  analyses: AnalysisPlace;
}

type LearnedCvCalls = 'computeDiffusionMap' | 'learnedCvFes' | 'restrictToLearnedCv' | 'sampleEmbeddedCheck';

export function createLearnedCvHandlers(deps: LearnedCvDeps): Pick<Handlers, LearnedCvCalls> {
  /** A completed metadynamics run (the map, and everything that uses it, comes from its frames). */
  async function completedMetad(projectPath: string, runId: string, needs: string): Promise<{ path: string; file: MetadRunFile }> {
    const path = await deps.requireProject(projectPath);
    const file = await deps.getRunFile(path, runId);
    if (file.job.kind !== 'metad') {
      throw new ApiError('invalid-input', `runId: the run "${file.run.name}" is a ${file.job.kind} run; learned CVs come from the frames of a metadynamics run.`);
    }
    deps.requireCompleted(path, file, needs);
    return { path, file: file as MetadRunFile };
  }
  /** The three calls that use a stored map: answered in an analysis thread (analysis/learned-cvs/use-map.ts). */
  async function useMap<R>(projectPath: string, runId: string, call: LearnedCvCall): Promise<R> {
    const { path, file } = await completedMetad(projectPath, runId, 'its learned CV needs a completed run');
    return (await runAnalysis(deps.analyses, { kind: 'learned-cv', projectPath: path, file, call })) as R;
  }
  return {
    learnedCvFes: ({ projectPath, runId, ...options }) => useMap(projectPath, runId, { op: 'fes', ...options }),
    restrictToLearnedCv: ({ projectPath, runId, points }) => useMap(projectPath, runId, { op: 'restrict', points }),
    sampleEmbeddedCheck: ({ projectPath, runId, ...options }) => useMap(projectPath, runId, { op: 'sample-check', ...options }),
    async computeDiffusionMap({ projectPath, runId, ...options }) {
      const path = await deps.requireProject(projectPath);
      const file = await deps.getRunFile(path, runId);
      if (file.job.kind !== 'metad') {
        throw new ApiError('invalid-input', `runId: the run "${file.run.name}" is a ${file.job.kind} run; diffusion maps are computed from the frames of a metadynamics run.`);
      }
      deps.requireCompleted(path, file, 'a diffusion map needs the frames of a completed run');
      // The map is saved in the run's analyses folder (the other learned-CV calls read it): refused where that cannot be written.
      const writeProblem = await projectWriteProblem(path);
      if (writeProblem) throw new ApiError('conflict', `Read-only project: ${writeProblem} A diffusion map is saved in the project, so it cannot be computed here.`);
      return runAnalysis(deps.analyses, { kind: 'dmap', projectPath: path, file: file as MetadRunFile, options });
    },
  };
}
