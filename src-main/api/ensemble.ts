/** The ensemble result lives in analysis/ensemble-result.ts, its numerics in engine/; re-exported for the old place. */
export { computeEnsembleResult, RMS_CUTOFF_KT } from '../analysis/ensemble-result';
export { histogramFes, rmsAgainst } from '../engine/estimators/histogram-fes';
