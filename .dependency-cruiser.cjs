/**
 * Import boundaries and cycles (issue 9), checked by `npm run check:imports` (scripts/check-imports.mjs)
 * at the start of `npm test`. The layers, arrows pointing down only (skipping a layer is fine):
 *
 *   src-renderer                      -> src-main/api/contract* (import type only)
 *   electron | server | cli | study   (transports; study is the `liftwell run` orchestrator on the API client)
 *     -> api                          (the contract and thin handlers)
 *   threads                           (worker-thread entry points: run tasks, analyses, model calls)
 *       -> analysis                   (pipelines over stored runs, and each kind's result reader)
 *         -> runs                     (run kinds and their runtime)
 *           -> store                  (project folders on disk)
 *             -> schema               (the shared vocabulary: specs, params, records, events, errors)
 *               -> engine             (pure numerics: imports nothing outside src-main/engine)
 *
 * analysis sits above runs: an analysis reads the files a run kind wrote (runs/<kind>/files.ts),
 * and a run kind never needs an analysis. Edges that break these rules are listed in
 * ./dependency-cruiser-exemptions.cjs, one per edge with its reason (none today).
 */
// LIFTWELL_IMPORTS_NO_EXEMPTIONS=1: report every violation (scripts/check-imports.mjs matches them to the exemptions itself).
const exemptions = process.env.LIFTWELL_IMPORTS_NO_EXEMPTIONS ? [] : require('./dependency-cruiser-exemptions.cjs');

const TRANSPORTS = '^src-main/(electron|server|cli|study)/';

/** A layer rule: modules under src-main/(from)/ may import from src-main only the folders `allowed` (and nothing from the renderer). */
const onlyBelow = (name, from, allowed, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: `^src-main/(${from})/` },
  to: { path: '^src-(main|renderer)/', pathNot: `^src-main/(${allowed})/` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: modules that cannot be understood, tested or loaded one without the other.',
      from: {},
      to: { circular: true },
    },
    onlyBelow('engine-self-contained', 'engine', 'engine', 'engine/ is pure numerics: it imports nothing from the rest of the app (npm packages are fine).'),
    onlyBelow('schema-below-store', 'schema', 'schema|engine', 'schema/ is the vocabulary under store, runs and api: it may import engine types and zod, nothing above.'),
    onlyBelow('store-below-runs', 'store', 'store|schema|engine', 'store/ reads and writes project folders; it must not know run kinds, analyses, the API or transports.'),
    onlyBelow(
      'runs-below-analysis',
      'runs',
      'runs|store|schema|engine',
      'runs/ (run kinds and their runtime) imports store, schema and engine: never analysis (which reads runs), api, threads or transports.',
    ),
    onlyBelow(
      'analysis-below-api',
      'analysis',
      'analysis|runs|store|schema|engine',
      'analysis/ reads stored runs (runs/<kind>/files.ts, store) and calls engine: it never imports api, threads or transports.',
    ),
    onlyBelow(
      'threads-below-api',
      'threads',
      'threads|analysis|runs|store|schema|engine',
      'threads/ are worker-thread entry points: they run tasks, analyses and model calls, and answer in error shapes; never the API or transports.',
    ),
    {
      name: 'api-below-transports',
      severity: 'error',
      comment: 'api/ is called by the transports; it never imports them (or the renderer).',
      from: { path: '^src-main/api/' },
      to: { path: `${TRANSPORTS}|^src-renderer/` },
    },
    {
      name: 'main-not-renderer',
      severity: 'error',
      comment: 'The main process never imports renderer code.',
      from: { path: '^src-main/' },
      to: { path: '^src-renderer/' },
    },
    {
      name: 'renderer-only-contract',
      severity: 'error',
      comment:
        'The renderer talks to the main process only through the API: from src-main it imports the contract, plus the ' +
        "client's zod-free wire constants (api/call-names.ts: the call list; api/wire.ts: the socket path and frames), " +
        'and two pure engine modules that check input while it is typed with the same code the server runs: the potential ' +
        "parser (engine/systems/expression.ts: 'column 11' as the server would say it) and the ensemble executor limits " +
        '(engine/integrators/executor.ts: which backends are GPUs, the walker count the tensor path needs).',
      from: { path: '^src-renderer/', pathNot: '^src-renderer/src/compute/' },
      to: { path: '^src-main/', pathNot: '^src-main/(api/(contract(\\.ts$|/)|call-names\\.ts$|wire\\.ts$)|engine/systems/expression\\.ts$|engine/integrators/executor\\.ts$)' },
    },
    {
      name: 'renderer-contract-types-only',
      severity: 'error',
      comment: 'The renderer imports the contract with `import type` only (no zod, no main-process code in the bundle).',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/api/contract(\\.ts$|/)', dependencyTypesNot: ['type-only', 'type-import'] },
    },
    {
      name: 'compute-page-engine-only',
      severity: 'error',
      comment:
        'The WebGPU compute page (compute.html, docs/webgpu-training.md) trains models in the browser: besides the contract it ' +
        'may import the engine and its message shapes (runs/runtime/compute-protocol.ts, no Node or DOM imports), nothing else.',
      from: { path: '^src-renderer/src/compute/' },
      to: { path: '^src-main/', pathNot: '^src-main/(api/contract(\\.ts$|/)|runs/runtime/compute-protocol\\.ts$|engine/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^out/|^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.svelte', '.json'],
    },
    knownViolations: exemptions,
  },
};
