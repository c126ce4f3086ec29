/** Kept for callers of the old place: analysis progress lives in analysis/progress.ts. */
export { replicateProgress, type AnalysisProgress, type ProgressSink } from '../analysis/progress';
