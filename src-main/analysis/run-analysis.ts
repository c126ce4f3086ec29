/**
 * Where an analysis runs (analysis/thread.ts): by default a fresh worker thread per request, so
 * the app's main process keeps answering calls meanwhile; with `inThisThread`, the caller's own
 * thread, for a one-shot CLI command that has nothing else to do meanwhile: starting a thread
 * loads the whole worker bundle (~0.15 s CPU), more than a small analysis takes. The same code
 * (analysis/answer.ts), so the same numbers, either way.
 */
import type { AnalysisProgress } from './progress';
import { runAnalysisInWorker, type AnalysisRequest, type AnalysisResults } from './thread';

/** A fresh worker thread of `workerScript` per request, or (inThisThread) the caller's thread. */
export interface AnalysisPlace {
  workerScript: URL | string;
  inThisThread?: boolean;
}

/** One analysis where `place` says (analysis/answer.ts is loaded only when it runs here). */
export async function runAnalysis<K extends AnalysisRequest['kind']>(
  place: AnalysisPlace,
  request: Extract<AnalysisRequest, { kind: K }>,
  onProgress?: (p: AnalysisProgress) => void,
): Promise<AnalysisResults[K]> {
  if (!place.inThisThread) return runAnalysisInWorker(place.workerScript, request, onProgress);
  const { answerAnalysisRequest, throttledProgress } = await import('./answer');
  const runtime = { pool: { workerScript: place.workerScript }, ...(onProgress ? { onProgress: throttledProgress(onProgress) } : {}) };
  return (await answerAnalysisRequest(request, runtime)) as AnalysisResults[K];
}
