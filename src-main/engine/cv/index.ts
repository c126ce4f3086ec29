/** Learned collective variables: diffusion maps, landmarks, automatic epsilon, geometric harmonics. */
export { diffusionMap, extendDiffusionMap, checkPoints, DENSE_LIMIT, DEFAULT_MAX_LANDMARKS } from './dmap';
export type { DiffusionMapOptions, DiffusionMapModel, DiffusionMapResult } from './dmap';
export { chooseEpsilon, maxNearestNeighbourDistance2, EPSILON_GRID_SIZE } from './epsilon';
export type { EpsilonScan } from './epsilon';
export { selectLandmarks, randomSubset } from './landmarks';
export type { LandmarkMethod } from './landmarks';
export { fitGeometricHarmonics, extendGeometricHarmonics, MAX_GH_POINTS } from './geometric-harmonics';
export type { GeometricHarmonicsModel, GeometricHarmonicsOptions } from './geometric-harmonics';
export { symmetricEigen, lanczosTop, denseMatVec, denseMatMulRows } from './linalg';
export type { EigenResult, LanczosOptions, LanczosResult } from './linalg';
