// bench suite `overdamped`: `liftwell sample` (whole process through the bin) against the C
// reference kernel (bench/c/overdamped_mb.c, cc -O2, single thread, same xoshiro128** streams and
// Marsaglia normals) on Muller-Brown, kT 15, dt 1e-4, every walker starting at (-0.558, 1.442),
// seed 2024: 1,000 walkers x 50,000 steps and 64 walkers x 200,000 steps; Liftwell on 1 thread
// and on every core (--threads, walkers split across worker threads). Paired rounds, medians.
// Fails loudly when a checksum (sum of all final coordinates) differs from C's beyond 1e-9
// relative: the same streams give the same trajectories up to exp() rounding (V8 vs libm).
// Targets (issue 15): 1 thread >= 0.6x C; all cores >= 1.1x single-threaded C.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtSeconds, mustAgree, pairedRounds } from '../process-timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const out = join(repo, 'bench', '.build');
mkdirSync(out, { recursive: true });
const exe = join(out, 'overdamped_mb');
execFileSync('cc', ['-O2', '-o', exe, join(repo, 'bench', 'c', 'overdamped_mb.c'), '-lm']);
const rounds = Number(process.env.BENCH_REPS ?? 3);
const cores = availableParallelism();
const bin = join(repo, 'bin', 'liftwell.mjs');

const sample = (walkers, steps, threads) => [process.execPath, bin, 'sample', '--system', 'muller-brown', '--walkers', String(walkers), '--steps', String(steps), '--dt', '1e-4', '--kT', '15', '--seed', '2024', '--start=-0.558,1.442', '--threads', String(threads), '--json'];
const checksum = (stdout) => JSON.parse(stdout).positions.flat().reduce((s, v) => s + v, 0);

console.log(`\n## overdamped: whole \`liftwell sample\` processes vs C -O2 (1 thread), median of ${rounds} paired rounds; ${cores} cores`);
console.log('| size | C -O2 (1 thread) | Liftwell 1 thread | ratio | Liftwell ' + cores + ' threads | ratio | checksum C / Liftwell |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [walkers, steps] of [[1000, 50_000], [64, 200_000]]) {
  const r = pairedRounds({ c: [exe, String(walkers), String(steps)], one: sample(walkers, steps, 1), all: sample(walkers, steps, cores) }, rounds);
  const cSum = Number(r.c.last.trim().split(/\s+/)[2]);
  const oneSum = checksum(r.one.last);
  const allSum = checksum(r.all.last);
  mustAgree(`${walkers} walkers x ${steps}: checksum, 1 thread vs C`, oneSum, cSum, 1e-9);
  if (oneSum !== allSum) {
    console.error(`BENCH FAILED: ${walkers} walkers: 1 thread and ${cores} threads differ (${oneSum} vs ${allSum}); they must be bit-identical`);
    process.exit(1);
  }
  const ws = walkers * steps;
  const rate = (s) => `${(ws / s / 1e6).toFixed(2)} M/s`;
  console.log(
    `| ${walkers} walkers x ${steps.toLocaleString('en-US')} | ${fmtSeconds(r.c.wall)} (${rate(r.c.wall)}) | ${fmtSeconds(r.one.wall)} | **${(r.c.wall / r.one.wall).toFixed(2)}x** | ${fmtSeconds(r.all.wall)} | **${(r.c.wall / r.all.wall).toFixed(2)}x** | ${cSum.toPrecision(12)} / ${oneSum.toPrecision(12)} |`,
  );
  if (r.c.cpu !== null) console.log(`|   CPU time (user+sys) | ${fmtSeconds(r.c.cpu)} | ${fmtSeconds(r.one.cpu)} | ${(r.c.cpu / r.one.cpu).toFixed(2)}x | ${fmtSeconds(r.all.cpu)} | (all threads) | |`);
}
console.log('ratio = C seconds / Liftwell seconds (higher is better; targets: 1 thread >= 0.6, all cores >= 1.1). Liftwell times include Node start-up.');
