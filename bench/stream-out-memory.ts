/**
 * Peak memory of writing a metadynamics run's HILLS file from its raw hill rows, streamed
 * (runs/runtime/stream-out.ts) against the in-memory way it was done before (one object per hill, one
 * string). Usage: npx tsx bench/stream-out-memory.ts streamed|in-memory HILLS_COUNT
 * Prints the process's peak resident memory (maxRSS) in MB; run each mode in its own process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHillsFromRaw } from '../src-main/runs/runtime/stream-out';
import { formatHills } from '../src-main/engine/io/plumed';
import { atomicWriteSync } from '../src-main/store/atomic';

const [mode, countText] = process.argv.slice(2);
const n = Number(countText);
const d = 2;
const width = 2 + 2 * d;
const dir = mkdtempSync(join(tmpdir(), 'liftwell-stream-bench-'));
const raw = join(dir, 'hills.f64');
// Written in slices so the input itself does not set the peak.
for (let start = 0; start < n; start += 65_536) {
  const rows = Math.min(65_536, n - start);
  const chunk = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) chunk.set([(start + r) * 0.2, Math.sin(r), Math.cos(r), 0.35, 0.35, 1.2 / (1 + r * 1e-5)], r * width);
  writeFileSync(raw, new Uint8Array(chunk.buffer), { flag: 'a' });
}
const baseline = process.resourceUsage().maxRSS / 1024;
const began = performance.now();
if (mode === 'streamed') {
  writeHillsFromRaw(join(dir, 'HILLS'), raw, ['phi', 'psi'], [null, null], 6);
} else {
  // What runs/metad/task.ts did before: every hill an object, then one string for the whole file.
  const bytes = new Float64Array(new Uint8Array(readFileSync(raw)).buffer);
  const hills = [];
  for (let r = 0; r < bytes.length; r += width) hills.push({ time: bytes[r], center: Array.from(bytes.subarray(r + 1, r + 1 + d)), sigma: Array.from(bytes.subarray(r + 1 + d, r + 1 + 2 * d)), height: bytes[r + 1 + 2 * d] });
  const centers = new Float64Array(n * d);
  const sigmas = new Float64Array(n * d);
  hills.forEach((h, k) => {
    centers.set(h.center, k * d);
    sigmas.set(h.sigma, k * d);
  });
  const text = formatHills({ cvNames: ['phi', 'psi'], periodic: [null, null], time: Float64Array.from(hills, (h) => h.time), centers, sigmas, heights: Float64Array.from(hills, (h) => h.height), biasFactor: new Float64Array(n).fill(6) });
  atomicWriteSync(join(dir, 'HILLS'), text);
}
const seconds = (performance.now() - began) / 1000;
console.log(JSON.stringify({ mode, hills: n, peakMB: Math.round(process.resourceUsage().maxRSS / 1024), beforeWriteMB: Math.round(baseline), seconds: Number(seconds.toFixed(2)) }));
rmSync(dir, { recursive: true, force: true });
