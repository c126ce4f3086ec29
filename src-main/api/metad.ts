/** The metadynamics result and reweighting live in analysis/metad-result.ts; re-exported for the old place. */
export { computeMetadResult, exactOnGrid, REWEIGHT_DISCARD_FRACTION } from '../analysis/metad-result';
