/**
 * The names of every API call, without zod: the sandboxed Electron preload may only load
 * `electron` and its own bundle, so it takes the list from here. contract.ts checks at compile
 * time that this list and its schema table name exactly the same calls.
 */
export const callNames = [
  'getAppInfo',
  'listRecentProjects',
  'createProject',
  'openProject',
  'addSystem',
  'estimateUmbrellaCost',
  'startUmbrellaRun',
  'listRuns',
  'cancelRun',
  'resumeRun',
  'getFes',
  'startMetadRun',
  'getMetadResult',
  'startEnsembleRun',
  'getEnsembleResult',
  'addExampleMolecule',
  'importMolecule',
  'getMolecule',
  'startMolecularRun',
  'getMolecularResult',
  'getTrajectoryFrames',
  'startTraining',
  'listModels',
  'getModel',
  'getTraining',
  'lift',
  'consistencyReport',
  'liftMolecule',
  'regionFreeEnergies',
  'registerComputeProvider',
  'listComputeProviders',
  'claimComputeTask',
  'reportComputeProgress',
  'completeComputeTask',
  'failComputeTask',
  'computeDiffusionMap',
  'learnedCvFes',
  'restrictToLearnedCv',
  'sampleEmbeddedCheck',
] as const;

export type CallName = (typeof callNames)[number];
