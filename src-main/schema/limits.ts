/**
 * One set of size limits for the API and the CLI (issue 14): the zod schemas in schema/ and
 * the CLI commands both read these, so `liftwell sample --walkers` and the app's ensemble form
 * refuse the same sizes. Only constants here (the params schemas in schema/ import this file while they load);
 * the checks with their messages and the memory estimate are in limit-checks.ts.
 *
 * Why these numbers: each is far above what a study on one machine uses (the README's examples
 * use 1 to 1000 walkers, 10^5 steps, 100 bins) and low enough that the arrays they size fit in
 * memory; the memory check against the machine's free memory catches the combinations.
 */
export const LIMITS = {
  /** Walker ensembles (`liftwell sample`, ensemble runs). */
  ensembleWalkers: 1_000_000,
  /** Walkers per umbrella window. */
  umbrellaWalkers: 4096,
  /** Walkers sharing one metadynamics bias. */
  metadWalkers: 1024,
  /** Integration steps of one walker (umbrella window, sample, molecular). */
  steps: 1e9,
  /** Integration steps of one metadynamics walker. */
  metadSteps: 1e10,
  /** Umbrella windows of one CV. */
  windows: 1000,
  /** Metadynamics grid bins per CV. */
  metadGridBins: 4000,
  /** Histogram bins per axis of a free-energy estimate (`liftwell fes`). */
  fesBins: 100_000,
  /** Histogram cells of a 2D free-energy estimate (NX * NY). */
  fesCells: 4_000_000,
  /** Bootstrap replicates. */
  bootstrap: 10_000,
  /** Generated samples of one lift. */
  liftSamples: 10_000_000,
  /** Hidden-layer width and number of hidden layers of a generative model. */
  hiddenWidth: 4096,
  hiddenLayers: 8,
  epochs: 100_000,
  batchSize: 65_536,
} as const;
