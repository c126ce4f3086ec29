/** Batched tensor execution of the overdamped integrator (GPU tfjs backends; see integrators/executor.ts). */
export { numberAlgebra, tensorAlgebra, type Algebra } from './algebra';
export { forceFormula, biasedForceFormula, harmonicBiasForce, tensorUnsupportedReason, TENSOR_SYSTEM_KINDS, type ForceFormula } from './forces';
export { TensorOverdamped, stepNoiseSeed, type TensorOverdampedOptions, type TensorReporter } from './overdamped';
export { createEnsemble, tensorUnsupportedForOptions, type WalkerEnsemble } from './ensemble';
