/** Where the work of an analysis may go: bootstrap threads, and a progress sink (the analysis thread's). */
import type { PoolOptions } from '../runs/runtime/bootstrap-pool';
import type { ProgressSink } from './progress';

export interface AnalysisRuntime {
  pool?: PoolOptions;
  onProgress?: ProgressSink;
}
