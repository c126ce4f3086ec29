/**
 * Analyses that can take seconds (MBAR on hundreds of thousands of samples, bootstraps) run in
 * a worker thread of their own, so the main process keeps answering calls and streaming
 * progress meanwhile. Each request gets a fresh thread from the same worker bundle the runs
 * use; it exits when the answer is back. (A one-shot CLI command computes in its own thread
 * instead: analysis/run-analysis.ts.)
 */
import { Worker } from 'node:worker_threads';
import type { RegionFreeEnergiesResult, RegionSpec } from '../schema';
import type { RegionOptions } from './regions';
import type { MetadRunFile as MetadRunFileForRegions } from '../runs/run-file';
import { ApiError, LiftwellError, type ApiErrorShape, type DiffusionMapOutput, type FesResult } from '../schema';
import type { FesOptions } from './umbrella-fes/compute';
import type { UmbrellaFesInput } from './umbrella-fes/windows';
import type { DiffusionMapOptions } from './learned-cvs/diffusion-map';
import type { LearnedCvCall, LearnedCvResult } from './learned-cvs/use-map';
import type { MetadRunFile } from '../runs/run-file';
import type { AnalysisProgress } from './progress';

export type AnalysisRequest =
  | RegionsRequest
  | { kind: 'fes'; projectPath: string; file: UmbrellaFesInput; options: FesOptions }
  | { kind: 'dmap'; projectPath: string; file: MetadRunFile; options: DiffusionMapOptions }
  | LearnedCvRequest;
export interface AnalysisResults { fes: FesResult; dmap: DiffusionMapOutput }

/** Free energies of user-drawn regions of an umbrella or metadynamics run (analysis/regions.ts). */
export type RegionsRequest = { kind: 'regions'; projectPath: string; file: UmbrellaFesInput | MetadRunFileForRegions; regions: RegionSpec[]; options: RegionOptions };
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged with the declaration above
export interface AnalysisResults { regions: RegionFreeEnergiesResult }

/** Uses of a stored diffusion map (analysis/learned-cvs/use-map.ts): FES along psi_k, restriction of new points. */
export type LearnedCvRequest = { kind: 'learned-cv'; projectPath: string; file: MetadRunFile; call: LearnedCvCall };
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged with the declarations above
export interface AnalysisResults { 'learned-cv': LearnedCvResult }

export type AnalysisMessage = { type: 'analysis'; request: AnalysisRequest };
export type AnalysisReply = { type: 'analysis-result'; ok: true; result: unknown } | { type: 'analysis-result'; ok: false; error: ApiErrorShape };
/** Posted by the analysis thread while it works (throttled there to a few per second). */
export type AnalysisProgressMessage = { type: 'analysis-progress'; progress: AnalysisProgress };

export function runAnalysisInWorker<K extends AnalysisRequest['kind']>(
  workerScript: URL | string,
  request: Extract<AnalysisRequest, { kind: K }>,
  onProgress?: (p: AnalysisProgress) => void,
): Promise<AnalysisResults[K]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: AnalysisReply | AnalysisProgressMessage | { type: string }) => {
      if (m.type === 'analysis-progress') {
        if (!settled) onProgress?.((m as AnalysisProgressMessage).progress);
        return;
      }
      if (m.type !== 'analysis-result') return;
      const reply = m as AnalysisReply;
      settle(() => (reply.ok ? resolve(reply.result as AnalysisResults[K]) : reject(LiftwellError.fromShape(reply.error))));
    });
    worker.on('error', (error) => settle(() => reject(new ApiError('internal', `The analysis thread failed: ${error.message}`))));
    worker.on('exit', (code) => settle(() => reject(new ApiError('internal', `The analysis thread stopped unexpectedly (exit code ${code}).`))));
    worker.postMessage({ type: 'analysis', request } satisfies AnalysisMessage);
  });
}

