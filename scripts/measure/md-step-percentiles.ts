// Alanine-dipeptide MD step time, robust to preemption (docs/md-speed.md): batches of 1,000 steps
// timed in one process, low percentiles reported (a batch the host or scheduler interrupted is
// slower, never faster). The helper thread always on (no stall policy), so this measures the
// split of the force field between the threads, not the policy.
//   npm run build:node && npx tsx scripts/measure/md-step-percentiles.ts '{"constraints":"hbonds","threads":2}'
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parsePrmtop } from '../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../src-main/engine/molecules/amber/inpcrd';
import { AmberForceField } from '../../src-main/engine/molecules/forcefield/amber-forcefield';
import { LangevinDynamics } from '../../src-main/engine/molecules/dynamics/langevin';
import { BondConstraints } from '../../src-main/engine/molecules/dynamics/constraints';
import { MdHelperThread } from '../../src-main/threads/md-helper';

const opts = { constraints: 'hbonds', threads: 2, batches: 250, ...JSON.parse(process.argv[2] ?? '{}') } as { constraints: 'hbonds' | 'none'; threads: 1 | 2; batches: number };
const repo = join(import.meta.dirname, '../..');
const ala2 = join(repo, 'resources/molecules/alanine-dipeptide');
const prm = parsePrmtop(readFileSync(join(ala2, 'ala2.prmtop'), 'utf8'));
const start = Float64Array.from(parseInpcrd(readFileSync(join(ala2, 'ala2.inpcrd'), 'utf8')).positions);
const hbonds = opts.constraints === 'hbonds';
const ff = new AmberForceField(prm);
const worker = opts.threads === 2 ? MdHelperThread.startWorker(pathToFileURL(join(repo, 'out/node/md-helper.mjs'))) : null;
if (opts.threads === 2 && worker === null) throw new Error('out/node/md-helper.mjs missing: npm run build:node');
const helper = worker ? new MdHelperThread(worker, ff, prm, {}, start, { next: () => 'helper', absent: () => {} }) : null;
if (helper && !helper.waitUntilReady()) throw new Error('the helper thread did not warm up in 10 s');
const md = new LangevinDynamics({
  forceField: helper ?? ff, masses: prm.topology.masses, positions: start.slice(), velocities: null,
  temperature: 300, friction: 1, dt: hbonds ? 0.002 : 0.001, seed: 1,
  constraints: hbonds ? BondConstraints.hydrogenBonds(prm) : null, scheme: hbonds ? 'middle' : 'baoab',
});
if (helper) md.useNormalSource(helper.beginNormals(md.randomState()));
const times: number[] = [];
for (let b = 0; b < opts.batches; b++) {
  const t = performance.now();
  md.run(1000);
  times.push(performance.now() - t); // ms per 1,000 steps = us per step
}
times.splice(0, Math.floor(opts.batches / 8)); // warm-up (JIT)
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.floor(p * (times.length - 1))].toFixed(3);
console.log(`${opts.constraints}, ${opts.threads} thread(s), split angles from ${ff.splitAngleFrom} of ${prm.angleK.length}: us/step p10 ${q(0.1)} p25 ${q(0.25)} p50 ${q(0.5)}`);
helper?.close();
process.exit(0);
