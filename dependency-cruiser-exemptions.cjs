/**
 * Import edges that break the rules of .dependency-cruiser.cjs today (issue 9), one entry per
 * edge (a cycle: one entry per circle, matched whatever edge of it is reported). Each names the
 * branch expected to remove it: when that branch merges, delete its entries here;
 * `npm run check:imports` lists entries that no longer match anything, and fails on any
 * violation not listed here. Do not add entries for new code: fix the import instead.
 */
const edge = (rule, from, to) => ({ type: 'dependency', from, to, rule: { severity: 'error', name: rule } });
const cycle = (...modules) => ({ type: 'cycle', from: modules[0], to: modules[1], rule: { severity: 'error', name: 'no-circular' }, cycle: modules.map((name) => ({ name })) });

module.exports = [
  // ---- "analysis" branch: the analyses move from api/ to src-main/analysis/, below the API.
  // The worker thread runs them; today it reaches up into api/ for them.
  edge('runs-analysis-below-api', 'src-main/runs/runtime/worker.ts', 'src-main/api/fes.ts'),
  edge('runs-analysis-below-api', 'src-main/runs/runtime/worker.ts', 'src-main/api/regions.ts'),
  edge('runs-analysis-below-api', 'src-main/runs/runtime/worker.ts', 'src-main/api/learned-cvs.ts'),
  edge('runs-analysis-below-api', 'src-main/runs/runtime/worker.ts', 'src-main/api/learned-cvs-analysis.ts'),
  edge('runs-analysis-below-api', 'src-main/runs/runtime/worker.ts', 'src-main/api/analysis-progress.ts'),
  // The analysis thread's request and reply types come from the same api/ modules.
  edge('runs-analysis-below-api', 'src-main/runs/runtime/analysis-thread.ts', 'src-main/api/fes.ts'),
  edge('runs-analysis-below-api', 'src-main/runs/runtime/analysis-thread.ts', 'src-main/api/regions.ts'),
  edge('runs-analysis-below-api', 'src-main/runs/runtime/analysis-thread.ts', 'src-main/api/learned-cvs.ts'),
  edge('runs-analysis-below-api', 'src-main/runs/runtime/analysis-thread.ts', 'src-main/api/learned-cvs-analysis.ts'),
  edge('runs-analysis-below-api', 'src-main/runs/runtime/analysis-thread.ts', 'src-main/api/analysis-progress.ts'),
  // api/learned-cvs <-> api/learned-cvs-analysis <-> runs/runtime/analysis-thread (the first circle).
  cycle('src-main/api/learned-cvs.ts', 'src-main/api/learned-cvs-analysis.ts'),
  cycle('src-main/api/learned-cvs.ts', 'src-main/runs/runtime/analysis-thread.ts'),
  cycle('src-main/runs/runtime/analysis-thread.ts', 'src-main/api/learned-cvs-analysis.ts', 'src-main/api/learned-cvs.ts'),

  // ---- "registry" branch: each run kind owns its files; store/ stops importing runs/train.
  // runs/train circles (named in issue 9; owner: whoever reorganises runs/train, "registry" by default).
  cycle('src-main/runs/train/data.ts', 'src-main/runs/train/molecular-data.ts'),
  cycle('src-main/runs/train/lift.ts', 'src-main/runs/train/lift-molecular.ts'),

  // ---- "renderer" branch.
  cycle('src-renderer/src/lib/molecules.ts', 'src-renderer/src/lib/moleculesFes.ts'),
  // Value imports of engine code into the app bundle (a constant list; the expression checker the system form runs as you type).
  edge('renderer-only-contract', 'src-renderer/src/lib/ensemble.ts', 'src-main/engine/integrators/executor.ts'),
  edge('renderer-only-contract', 'src-renderer/src/views/SystemView.svelte', 'src-main/engine/systems/expression.ts'),
];
