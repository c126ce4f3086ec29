// Diffusion-maps bench: the engine (TypeScript, Float64Array, dense kernel + thick-restart Lanczos)
// vs NumPy/SciPy (pdist + vectorised kernel + scipy.sparse.linalg.eigsh/ARPACK) on the same data
// in the same run. Data: exact samples of the embedded fast/slow system (SCIENCE.md 7) observed in
// R^3, n = 5000 (BENCH_DMAP_N), K = 4 components, alpha = 1. The SciPy side is given the engine's
// automatic epsilon so both solve the same eigenproblem (eigenvalues are compared); its own
// epsilon scan is timed separately. Prints a table and ratios; no timing asserts.
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, '..', '.build', 'dmap');
mkdirSync(out, { recursive: true });
const entry = join(out, 'entry.ts');
writeFileSync(
  entry,
  `export { diffusionMap, chooseEpsilon } from '../../../src-main/engine/cv';
export { sampleEmbedded } from '../../../src-main/engine/systems';
export { encodeNpy } from '../../../src-main/engine/io/npy';\n`,
);
await build({ entryPoints: [entry], outfile: join(out, 'engine.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
const eng = await import(pathToFileURL(join(out, 'engine.mjs')).href);

const N = Number(process.env.BENCH_DMAP_N ?? 5000);
const K = 4;
const spec = { kind: 'embedded', a: 1, s: 0.1, epsilon: 0.01, f: 'sin', c: 0.5, curvature: 1, angle: 0.7 };
const data = eng.sampleEmbedded(spec, N, 1, 2024);
const npy = join(out, `embedded_${N}.npy`);
writeFileSync(npy, eng.encodeNpy(data.observed, [N, 3]));

function spearman(a, b) {
  const rank = (v) => {
    const idx = Array.from(v.keys()).sort((i, j) => v[i] - v[j]);
    const r = new Float64Array(v.length);
    idx.forEach((i, k) => (r[i] = k));
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const m = (n - 1) / 2;
  let s = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    s += (ra[i] - m) * (rb[i] - m);
    q += (ra[i] - m) ** 2;
  }
  return s / q;
}
const time = (fn) => {
  const t0 = performance.now();
  const r = fn();
  return [r, (performance.now() - t0) / 1000];
};

eng.diffusionMap(data.observed.subarray(0, 600), 200, 3, { components: K }); // JIT warm-up
const [auto, tAuto] = time(() => eng.diffusionMap(data.observed, N, 3, { components: K }));
const eps = auto.epsilon;
const [scan, tScan] = time(() => eng.chooseEpsilon(data.observed, N, 3));
const [fixed, tFixed] = time(() => eng.diffusionMap(data.observed, N, 3, { components: K, epsilon: eps }));
const [lm, tLm] = time(() => eng.diffusionMap(data.observed, N, 3, { components: K, epsilon: eps, landmarks: 1000 }));
const psi1 = Float64Array.from({ length: N }, (_, i) => auto.coordinates[i * K]);
const psi1lm = Float64Array.from({ length: N }, (_, i) => lm.coordinates[i * K]);

const rows = [
  ['engine: auto epsilon + map', `${N} x 3, all points (${auto.solver}, ${auto.matVecs} mat-vecs)`, tAuto],
  ['engine: epsilon scan only', '1000-point subset + NN floor on all', tScan],
  ['engine: map at fixed epsilon', `${N} x 3, all points`, tFixed],
  ['engine: 1000 landmarks + Nystrom', `${N} x 3`, tLm],
];
let py = null;
if (spawnSync('/usr/bin/python3', ['-c', 'import numpy, scipy'], { stdio: 'ignore' }).status === 0) {
  py = JSON.parse(execFileSync('/usr/bin/python3', [join(root, 'scripts/reference/dmap_reference.py'), 'bench', npy, String(K), String(eps)], { encoding: 'utf8' }));
  const pyFixed = py.secondsDistances + py.secondsKernel + py.secondsEigen;
  rows.push(['SciPy: map at fixed epsilon', 'pdist + kernel + eigsh(k=5, LA)', pyFixed]);
  rows.push(['SciPy: epsilon scan', 'first 1000 points + NN floor (from pdist)', py.secondsEpsilon]);
  rows.push(['SciPy: auto epsilon + map', '', pyFixed + py.secondsEpsilon]);
} else console.log('NumPy/SciPy reference skipped: /usr/bin/python3 with numpy+scipy not found');

console.log(`\nDiffusion maps, embedded fast/slow data (node ${process.version})\n`);
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2].toFixed(3)} s`);
console.log('');
console.log(`epsilon = ${eps.toPrecision(6)} (max-slope ${scan.maxSlopeEpsilon.toPrecision(4)}, NN floor ${scan.nearestNeighbourFloor.toPrecision(4)})`);
console.log(`eigenvalues (engine) ${Array.from(auto.eigenvalues, (v) => v.toFixed(10)).join(' ')}`);
if (py) {
  console.log(`eigenvalues (SciPy)  ${py.eigenvalues.map((v) => v.toFixed(10)).join(' ')}`);
  const diff = Math.max(...py.eigenvalues.map((v, k) => Math.abs(v - fixed.eigenvalues[k])));
  console.log(`max |eigenvalue difference| = ${diff.toExponential(2)}`);
  const pyFixed = py.secondsDistances + py.secondsKernel + py.secondsEigen;
  console.log(`ratio (time SciPy / time engine, >1 = engine faster): fixed epsilon ${(pyFixed / tFixed).toFixed(2)}x, ` + `with auto epsilon ${((pyFixed + py.secondsEpsilon) / tAuto).toFixed(2)}x`);
}
console.log(`|Spearman(psi_1, hidden x)| = ${Math.abs(spearman(psi1, data.x)).toFixed(5)} (all points), ${Math.abs(spearman(psi1lm, data.x)).toFixed(5)} (1000 landmarks)`);
