/** Using a stored diffusion map as a CV lives in analysis/learned-cvs/use-map.ts; re-exported for the old place. */
export { answerLearnedCv, type LearnedCvCall, type LearnedCvResult } from '../analysis/learned-cvs/use-map';
export { isotonic } from '../engine/stats/isotonic';
