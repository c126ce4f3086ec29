/**
 * The umbrella free-energy analysis lives in analysis/umbrella-fes/ (the getFes handler runs it
 * in an analysis thread). These names are re-exported for code written against the old place.
 */
export {
  computeFes,
  DEFAULT_FES_BINS,
  DEFAULT_FES_BINS_2D,
  DEFAULT_MIN_DEPTH_KT,
  FEW_SAMPLES,
  MIN_OVERLAP_2D,
  type FesOptions,
} from '../analysis/umbrella-fes/compute';
export { fesReplicate, type FesReplicate, type FesReplicateJob, type Setup } from '../analysis/umbrella-fes/estimate';
export { defaultAxisRange, defaultRange, loadWindowColumns, loadWindowSeries, subsampleColumns, type UmbrellaFesInput } from '../analysis/umbrella-fes/windows';
export type { AnalysisRuntime } from '../analysis/runtime';
