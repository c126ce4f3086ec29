// bench suite `startup`: how long a user waits before `liftwell` does any work. Whole processes
// through the bin (node bin/liftwell.mjs), paired with a bare `node -e 0` in the same rounds:
// `--help`, each command's `--help` (loads that command's code), and small real runs of the
// main commands (fixed overhead: parsing, file reads, module loading, a few steps). Targets
// (issue 15): --help <= 0.15 s, any command's fixed overhead <= 0.25 s. Reports, never asserts time.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fmtSeconds, pairedRounds, timeProcess } from '../process-timing.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(repo, 'bin', 'liftwell.mjs');
const ala = join(repo, 'resources/molecules/alanine-dipeptide');
const rounds = Number(process.env.BENCH_REPS ?? 7);
const node = process.execPath;
const lw = (...args) => [node, bin, ...args];

// A tiny Grossfield input for `fes`.
const dir = mkdtempSync(join(tmpdir(), 'lw-startup-'));
const meta = [];
for (let k = 0; k < 3; k++) {
  const c = -0.5 + 0.5 * k;
  writeFileSync(join(dir, `w${k}.txt`), Array.from({ length: 200 }, (_, i) => `${i} ${c + 0.1 * Math.sin(i * (k + 1))}`).join('\n') + '\n');
  meta.push(`w${k}.txt ${c} 30`);
}
writeFileSync(join(dir, 'meta.txt'), meta.join('\n') + '\n');

const commands = {
  'node -e 0 (bare Node start, reference)': [node, '-e', '0'],
  'liftwell --help': lw('--help'),
  'liftwell sample --help': lw('sample', '--help'),
  'liftwell umbrella --help': lw('umbrella', '--help'),
  'liftwell metad --help': lw('metad', '--help'),
  'liftwell fes --help': lw('fes', '--help'),
  'liftwell energy --help': lw('energy', '--help'),
  'liftwell md --help': lw('md', '--help'),
  'liftwell cv --help': lw('cv', '--help'),
  'liftwell dmap --help': lw('dmap', '--help'),
  'liftwell train --help': lw('train', '--help'),
  'liftwell lift --help': lw('lift', '--help'),
  'sample, 10 walkers x 100 steps': lw('sample', '--system', 'muller-brown', '--walkers', '10', '--steps', '100', '--dt', '1e-4', '--kT', '15', '--json'),
  'fes, 3 windows x 200 samples (WHAM)': lw('fes', '--metadata', join(dir, 'meta.txt'), '--bins', '30', '--range=-1,1', '--json'),
  'energy of ala2.inpcrd': lw('energy', '--top', join(ala, 'ala2.prmtop'), '--coords', join(ala, 'ala2.inpcrd'), '--json'),
  'md, 1,000 steps of ala2': lw('md', '--top', join(ala, 'ala2.prmtop'), '--coords', join(ala, 'ala2.inpcrd'), '--steps', '1000', '--dt', '0.001', '--temperature', '300', '--friction', '1', '--json'),
};
const r = pairedRounds(commands, rounds, { cwd: repo });
const bare = r['node -e 0 (bare Node start, reference)'].wall;

console.log(`\n## startup: whole processes, median of ${rounds} paired rounds (node ${process.version})`);
console.log('| command | wall | CPU (user+sys) | over bare node | target |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, t] of Object.entries(r)) {
  const target = name === 'liftwell --help' ? 0.15 : name.startsWith('node') ? null : 0.25;
  // Wall time is what the target is about; on a loaded machine CPU time shows what an idle one would.
  const verdict = target === null ? '' : `<= ${target} s: wall ${t.wall <= target ? 'met' : 'MISSED'}${t.cpu === null ? '' : `, CPU ${t.cpu <= target ? 'met' : 'MISSED'}`}`;
  console.log(`| ${name} | ${fmtSeconds(t.wall)} | ${fmtSeconds(t.cpu)} | ${name.startsWith('node') ? '' : `+${(t.wall - bare).toFixed(3)} s`} | ${verdict} |`);
}
// Through npx as a user in the project folder would type it (npx itself takes most of this).
try {
  const npx = timeProcess(['npx', '--no-install', 'liftwell', '--help'], { cwd: repo });
  console.log(`npx liftwell --help: ${fmtSeconds(npx.wall)} (npm's own start-up included)`);
} catch (e) {
  console.log(`npx liftwell --help skipped: ${String(e.message).split('\n')[0]}`);
}
