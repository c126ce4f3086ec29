// Runs every end-to-end journey in turn (each starts its own browser-mode server and Chromium),
// then prints one closing line with the totals: `N passed, M failed`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Order: the core journey first (foundations), then feature journeys.
const journeys = ['run.mjs', 'metad.mjs', 'molecules.mjs', 'molecules-walkers.mjs', 'models.mjs', 'molecular-lift.mjs', 'learned-cvs.mjs', 'webgpu.mjs', 'viewer-smoke.mjs', 'cluster.mjs', 'workbench.mjs', 'energy-units.mjs', 'trash.mjs', 'plots.mjs', 'sysux.mjs', 'viewer3d.mjs', 'extras.mjs', 'studies.mjs', 'studies-molecule.mjs', 'imports.mjs'];

let passed = 0;
let failed = 0;
for (const file of journeys) {
  const path = join(here, file);
  if (!existsSync(path)) {
    console.log(`(${file}: not present, skipped)`);
    continue;
  }
  const result = spawnSync(process.execPath, [path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  const out = result.stdout ?? '';
  process.stdout.write(out.replace(/^(\d+) passed, (\d+) failed[^\S\n]*$/m, (_m, p, f) => `[${file}] ${p} passed, ${f} failed`));
  const m = [...out.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (!m || result.status !== 0) {
    if (!m || Number(m[2]) === 0) failed += 1; // crashed or timed out without reporting a failure
    console.log(`[${file}] exited with ${result.status ?? result.signal}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
