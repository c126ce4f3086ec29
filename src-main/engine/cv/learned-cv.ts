/**
 * A learned CV as a function of the coordinates the dynamics run in: xi(x) = Psi_k(observe(x)),
 * with grad xi = J(x)^T dPsi_k/dq (J = dq/dx of the observation map). It is a CoordinateFunction,
 * so the same object serves a bias along the learned CV (engine/bias/cv-restraint.ts), the
 * generalised mean force (engine/workflows/mean-force.ts) and the restriction of lifted samples.
 */
import { EngineInputError } from '../errors';
import type { CoordinateFunction } from '../workflows/observables';
import type { DiffusionMapModel } from './dmap';
import { NystromCoordinate } from './nystrom-gradient';

/** What a learned CV needs to know of the system: how coordinates are observed, and the Jacobian. */
export interface ObservationMap {
  /** Coordinates of the dynamics. */
  dim: number;
  /** Observed coordinates (the diffusion map's input). */
  observedDim: number;
  /** q of the point x[offset..]. */
  observe(x: ArrayLike<number>, offset: number, q: Float64Array): void;
  /** dq/dx (observedDim x dim, row-major) at x[offset..]. */
  jacobian(x: ArrayLike<number>, offset: number, J: Float64Array): void;
}

/** The identity observation (the map was computed on the coordinates themselves). */
export function identityObservation(dim: number): ObservationMap {
  return {
    dim,
    observedDim: dim,
    observe: (x, offset, q) => {
      for (let d = 0; d < dim; d++) q[d] = x[offset + d];
    },
    jacobian: (_x, _offset, J) => {
      J.fill(0);
      for (let d = 0; d < dim; d++) J[d * dim + d] = 1;
    },
  };
}

export function learnedCvFunction(model: DiffusionMapModel, component: number, observation: ObservationMap, name = `psi${component}`): CoordinateFunction {
  if (model.dim !== observation.observedDim) {
    throw new EngineInputError(`the diffusion map was computed on ${model.dim} coordinates, but the observation has ${observation.observedDim}`);
  }
  const psi = new NystromCoordinate(model, component);
  const { dim, observedDim } = observation;
  const q = new Float64Array(observedDim);
  const dq = new Float64Array(observedDim);
  const J = new Float64Array(observedDim * dim);
  return {
    text: name,
    dim,
    value: (x, offset = 0) => {
      observation.observe(x, offset, q);
      return psi.evaluate(q, 0);
    },
    valueAndGradient: (x, offset, grad, gradOffset) => {
      observation.observe(x, offset, q);
      const v = psi.evaluate(q, 0, dq, 0);
      observation.jacobian(x, offset, J);
      for (let d = 0; d < dim; d++) {
        let s = 0;
        for (let r = 0; r < observedDim; r++) s += J[r * dim + d] * dq[r];
        grad[gradOffset + d] = s;
      }
      return v;
    },
  };
}
