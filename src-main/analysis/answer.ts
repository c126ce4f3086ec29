/**
 * Answers one analysis request (analysis/thread.ts): in the analysis thread that the worker
 * bundle starts for it (threads/worker.ts), or in the caller's own thread where nothing else
 * waits meanwhile (a CLI command: analysis/thread.ts runAnalysis). The same code either way, so
 * the same numbers.
 */
import type { AnalysisRequest, RegionsRequest } from './thread';
import type { AnalysisRuntime } from './runtime';
import type { ProgressSink } from './progress';
import type { UmbrellaFesInput } from './umbrella-fes/windows';
import type { MetadRunFile } from '../runs/run-file';
import { computeFes } from './umbrella-fes/compute';
import { computeDiffusionMapAnalysis } from './learned-cvs/diffusion-map';
import { answerLearnedCv } from './learned-cvs/use-map';
import { computeMetadRegions, computeUmbrellaRegions } from './regions';

/** Progress a few times a second at most (the last one of a phase may be dropped; the answer follows). */
export function throttledProgress(sink: ProgressSink): ProgressSink {
  let last = 0;
  return (progress) => {
    const now = performance.now();
    if (now - last < 200) return;
    last = now;
    sink(progress);
  };
}

/** Region free energies (analysis/regions.ts): umbrella runs by MBAR/WHAM, metadynamics runs from reweighted frames. */
function answerRegions(request: RegionsRequest, runtime: AnalysisRuntime): Promise<unknown> {
  const { projectPath, file, regions, options } = request;
  if (file.job.kind === 'metad') return computeMetadRegions(projectPath, file as MetadRunFile, regions);
  return computeUmbrellaRegions(projectPath, file as UmbrellaFesInput, regions, options, runtime);
}

export function answerAnalysisRequest(request: AnalysisRequest, runtime: AnalysisRuntime): Promise<unknown> {
  if (request.kind === 'regions') return answerRegions(request, runtime);
  if (request.kind === 'dmap') return computeDiffusionMapAnalysis(request.projectPath, request.file, request.options);
  if (request.kind === 'learned-cv') return answerLearnedCv(request.projectPath, request.file, request.call);
  return computeFes(request.projectPath, request.file, request.options, runtime);
}
