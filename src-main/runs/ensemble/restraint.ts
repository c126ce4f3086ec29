/**
 * The umbrella restraint of a walker-ensemble job as the engine's HarmonicRestraint (one
 * coordinate: AT = centers, KAPPA = springs). Memoised per job object: the analysis evaluates
 * it at every point of its quadratures.
 */
import { HarmonicRestraint } from '../../engine/bias/restraint';
import type { EnsembleJob } from './schema';

const built = new WeakMap<object, HarmonicRestraint>();

export function ensembleRestraint(umbrella: NonNullable<EnsembleJob['umbrella']>): HarmonicRestraint {
  let r = built.get(umbrella);
  if (!r) built.set(umbrella, (r = new HarmonicRestraint({ at: umbrella.centers, kappa: umbrella.springs })));
  return r;
}
