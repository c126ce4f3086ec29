// Whole-process timing for bench suites (not a suite itself: bench/run.mjs runs bench/suites/*.mjs).
// The machine may be shared and noisy, so commands are timed in paired rounds (A, B, A, B, ...)
// and compared by their medians; each timing is wall-clock (what a user waits) plus the child's
// CPU time (user + sys, from /usr/bin/time when present), which load on other cores disturbs less.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const haveTime = existsSync('/usr/bin/time');

/** Runs argv once; returns { wall, cpu (null without /usr/bin/time), stdout }. Throws on a non-zero exit. */
export function timeProcess(argv, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-'));
  const timeFile = join(dir, 'time');
  const full = haveTime ? ['/usr/bin/time', '-f', '%U %S', '-o', timeFile, ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), { encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpu = null;
  if (haveTime && existsSync(timeFile)) {
    const [u, s] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    cpu = u + s;
  }
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}: ${String(r.stderr).slice(0, 2000)}`);
  return { wall, cpu, stdout: r.stdout };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Paired rounds: `commands` is { name: argv | () => argv }; each round runs every command once,
 * in order. Returns { name: { wall: median, cpu: median|null, walls: [...], outs: [stdout...], last: stdout } }.
 */
export function pairedRounds(commands, rounds, options = {}) {
  const runs = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, argv] of Object.entries(commands)) runs[name].push(timeProcess(typeof argv === 'function' ? argv() : argv, options));
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, rs]) => [
      name,
      { wall: median(rs.map((x) => x.wall)), cpu: rs[0].cpu === null ? null : median(rs.map((x) => x.cpu)), walls: rs.map((x) => x.wall), outs: rs.map((x) => x.stdout), last: rs[rs.length - 1].stdout },
    ]),
  );
}

/** Fails the suite loudly (exit code 1) when a result differs from its reference. */
export function mustAgree(what, ours, reference, relTol) {
  const rel = Math.abs(ours - reference) / Math.max(Math.abs(reference), 1e-300);
  if (!(rel <= relTol)) {
    console.error(`\nBENCH FAILED: ${what}: Liftwell ${ours} vs reference ${reference} (relative difference ${rel.toExponential(2)} > ${relTol})`);
    process.exit(1);
  }
  return rel;
}

export const fmtSeconds = (s) => (s === null ? '-' : `${s.toFixed(3)} s`);
