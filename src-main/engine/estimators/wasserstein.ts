/**
 * Wasserstein-1 distances between empirical samples, for judging generated configurations
 * against simulation: the exact 1D distance, and the sliced distance for several coordinates
 * (the mean 1D distance of the projections onto random unit directions; Bonneel et al. 2015).
 */
import { EngineInputError } from '../errors';
import { Rng } from '../random';

/** 1-D Wasserstein-1 distance between two empirical samples: the integral of |F_a - F_b|. */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) throw new EngineInputError('Wasserstein distance needs two non-empty samples');
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let t = Math.min(sa[0], sb[0]);
  let w = 0;
  while (i < sa.length || j < sb.length) {
    const next = j >= sb.length || (i < sa.length && sa[i] <= sb[j]) ? sa[i] : sb[j];
    w += Math.abs(i / sa.length - j / sb.length) * (next - t);
    t = next;
    if (i < sa.length && sa[i] === next) i++;
    else j++;
  }
  return w;
}

/**
 * Sliced Wasserstein-1 distance between samples `a` (na x dim) and `b` (nb x dim), row-major:
 * the average over `projections` random unit directions theta (seeded) of W1(a.theta, b.theta).
 */
export function slicedWasserstein1(a: Float64Array, b: Float64Array, dim: number, opts: { projections?: number; seed?: number } = {}): number {
  if (!Number.isSafeInteger(dim) || dim < 1) throw new EngineInputError(`dim must be a positive integer (got ${dim})`);
  if (a.length % dim !== 0 || b.length % dim !== 0) throw new EngineInputError(`sample lengths must be multiples of dim = ${dim}`);
  const projections = opts.projections ?? 64;
  const rng = new Rng(opts.seed ?? 1, 0);
  const na = a.length / dim;
  const nb = b.length / dim;
  const pa = new Float64Array(na);
  const pb = new Float64Array(nb);
  const theta = new Float64Array(dim);
  let sum = 0;
  for (let p = 0; p < projections; p++) {
    // A uniform direction on the sphere: a normalised standard normal vector.
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      theta[d] = rng.normal();
      norm += theta[d] * theta[d];
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) theta[d] /= norm;
    for (let i = 0; i < na; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += a[i * dim + d] * theta[d];
      pa[i] = s;
    }
    for (let i = 0; i < nb; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += b[i * dim + d] * theta[d];
      pb[i] = s;
    }
    sum += wasserstein1(pa, pb);
  }
  return sum / projections;
}
