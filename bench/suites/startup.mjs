// bench suite `startup`: how long a user waits before `liftwell` does any work. Whole processes
// through the bin (node bin/liftwell.mjs), paired with a bare `node -e 0` in the same rounds:
// `--help`, each command's `--help` (loads that command's code), and small real runs of the
// main commands (fixed overhead: parsing, file reads, module loading, a few steps; the `tiny`
// rows do almost no work, so their time over bare Node is the command's fixed overhead). Targets
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

// A tiny exported model for `lift --model` (a few seconds of training, once, outside the timing).
const toyModel = join(mkdtempSync(join(tmpdir(), 'lw-startup-model-')), 'model');
{
  const n = 200;
  const cond = Float64Array.from({ length: n }, (_, i) => -1 + (2 * i) / n);
  const x = cond.map((c, i) => c + 0.1 * Math.sin(7 * i));
  const npyDir = dirname(toyModel);
  writeFileSync(join(npyDir, 'x.npy'), npy(x));
  writeFileSync(join(npyDir, 'c.npy'), npy(cond));
  timeProcess(lw('train', '--x', join(npyDir, 'x.npy'), '--cond', join(npyDir, 'c.npy'), '--model', 'score', '--epochs', '2', '--hidden', '8', '--out', toyModel), { cwd: repo });
}
/** A float64 vector as .npy (version 1.0). */
function npy(values) {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${values.length},), }`;
  header = header.padEnd(64 * Math.ceil((header.length + 11) / 64) - 11) + '\n';
  const bytes = Buffer.alloc(10 + header.length + 8 * values.length);
  bytes.write('\x93NUMPY', 0, 'latin1');
  bytes[6] = 1;
  bytes.writeUInt16LE(header.length, 8);
  bytes.write(header, 10, 'latin1');
  values.forEach((v, i) => bytes.writeDoubleLE(v, 10 + header.length + 8 * i));
  return bytes;
}
// Commands that write a project or an --out folder get a fresh one each round.
let fresh = 0;
const freshDir = (name) => join(dir, `${name}-${fresh++}`);

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
  // Tiny real runs of each user command (issue 15: fixed overhead <= 0.25 s over bare Node).
  'tiny md: ala2, 10 steps': lw('md', '--top', join(ala, 'ala2.prmtop'), '--coords', join(ala, 'ala2.inpcrd'), '--steps', '10', '--dt', '0.001', '--temperature', '300', '--friction', '1', '--json'),
  'tiny metad --top: ala2 on phi, 10 steps (API + job thread)': () => lw('metad', '--top', join(ala, 'ala2.prmtop'), '--crd', join(ala, 'ala2.inpcrd'), '--cv', 'phi=dihedral(5,7,9,15)', '--sigma', '0.35', '--height', '1', '--pace', '5', '--biasfactor', '10', '--temperature', '300', '--dt', '0.001', '--steps', '10', '--frame-interval', '5', '--out', freshDir('metad'), '--json'),
  'tiny sample: 10 walkers x 10 steps': lw('sample', '--system', 'muller-brown', '--walkers', '10', '--steps', '10', '--dt', '1e-4', '--kT', '15', '--json'),
  // Springs weak enough (1) that the two windows' biases reach each other's samples, so WHAM
  // converges in a few iterations as in any well-posed umbrella set-up; with spring 10 the pair
  // did not overlap and WHAM ran to its 100,000-iteration cap (~0.02 s of work, not overhead).
  'tiny umbrella: 2 windows x 10 steps (API + job threads)': () => lw('umbrella', '--project', join(freshDir('umbrella'), 'p.liftwell'), '--system', 'double-well', '--range=-1,1', '--windows', '2', '--spring', '1', '--steps', '10', '--walkers', '1', '--equilibration', '0', '--stride', '1', '--bins', '10', '--json'),
  'tiny lift --model: 10 samples, 10 score steps (tfjs)': lw('lift', '--model', toyModel, '--cond=0.2', '--n', '10', '--steps', '10', '--json'),
  'md, 1,000 steps of ala2': lw('md', '--top', join(ala, 'ala2.prmtop'), '--coords', join(ala, 'ala2.inpcrd'), '--steps', '1000', '--dt', '0.001', '--temperature', '300', '--friction', '1', '--json'),
};
const r = pairedRounds(commands, rounds, { cwd: repo });
const bare = r['node -e 0 (bare Node start, reference)'].wall;
const bareCpu = r['node -e 0 (bare Node start, reference)'].cpu;

console.log(`\n## startup: whole processes, median of ${rounds} paired rounds (node ${process.version})`);
console.log('| command | wall | CPU (user+sys) | over bare node: wall (CPU) | target |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, t] of Object.entries(r)) {
  const target = name === 'liftwell --help' ? 0.15 : name.startsWith('node') ? null : 0.25;
  // Wall time is what the target is about; on a loaded machine CPU time shows what an idle one would.
  // `liftwell --help` is judged whole; every command by its time over bare Node (fixed overhead).
  const whole = name === 'liftwell --help';
  const [wall, cpu] = whole ? [t.wall, t.cpu] : [t.wall - bare, t.cpu === null ? null : t.cpu - bareCpu];
  const verdict = target === null ? '' : `${whole ? '' : 'over bare '}<= ${target} s: wall ${wall <= target ? 'met' : 'MISSED'}${cpu === null ? '' : `, CPU ${cpu <= target ? 'met' : 'MISSED'}`}`;
  console.log(`| ${name} | ${fmtSeconds(t.wall)} | ${fmtSeconds(t.cpu)} | ${name.startsWith('node') ? '' : `+${(t.wall - bare).toFixed(3)} s${t.cpu === null ? '' : ` (+${(t.cpu - bareCpu).toFixed(3)} s)`}`} | ${verdict} |`);
}
// Through npx as a user in the project folder would type it (npx itself takes most of this).
try {
  const npx = timeProcess(['npx', '--no-install', 'liftwell', '--help'], { cwd: repo });
  console.log(`npx liftwell --help: ${fmtSeconds(npx.wall)} (npm's own start-up included)`);
} catch (e) {
  console.log(`npx liftwell --help skipped: ${String(e.message).split('\n')[0]}`);
}
