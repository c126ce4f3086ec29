// Coupling bench, alanine dipeptide (`npm run bench -- coupling` runs it after coupling.mjs; alone:
// `npm run bench -- coupling-alanine`). Total MD steps, wall and CPU time (training included) that
// plain well-tempered metadynamics and the generation-assisted molecular study (round 1 ->
// model -> structures lifted in C7ax -> seeded metadynamics, docs/molecular-studies.md) need to
// reach Delta-F(C7ax - C7eq) within TOL of a reference, in one run, through the installed bin.
//
// Reference: bench/reference/ala2-openmm-metad.json, two independent 5 ns OpenMM well-tempered
// metadynamics runs with the example's settings (made once with
// scripts/reference/openmm_ala2_metad_reference.py); Delta-F is computed here from those grids with
// liftwell's own basin code (runs/molecular/fes.ts), so both sides use one basin definition.
// Delta-F of a liftwell study: paired within each run (study/basin-differences.ts), mean and
// standard error over the runs (report.json basinDifferences).
//
// "Reached": |Delta-F - ref| <= TOL and the estimate's own standard error <= TOL (a wide, lucky
// estimate does not count). Plain: a ladder of steps per replica (first rung that reaches counts;
// REPLICAS replicas each). Assisted: round 1 alone (counts if it already reaches), then rounds 1 + 2
// together (all runs pooled). Fails loudly (exit 1) when a reference or a run lacks either basin,
// when a value is not finite, or when the two reference runs disagree by more than REF_SPREAD.
//
// Env: BENCH_COUPLING_ALA2_TOL (kJ/mol, default 0.75 = 0.3 kT at 300 K),
// BENCH_COUPLING_ALA2_LADDER (steps per replica, default 250000,500000,1000000),
// BENCH_COUPLING_ALA2_ROUND1 / _SEEDED (steps per run, default 250000 / 500000: seeded runs of
// 0.5 ns are still in the metadynamics transient that starting in C7ax causes, docs/coupling-alanine.md),
// BENCH_COUPLING_ALA2_EPOCHS (default 10), BENCH_COUPLING_ALA2_REPLICAS (default 4).
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { timeProcess } from '../process-timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = join(root, 'bin', 'liftwell.mjs');
const env = (k, d) => process.env[`BENCH_COUPLING_ALA2_${k}`] ?? d;
const TOL = Number(env('TOL', 0.75));
const LADDER = String(env('LADDER', '250000,500000,1000000')).split(',').map(Number);
const ROUND1 = Number(env('ROUND1', 250000));
const SEEDED = Number(env('SEEDED', 500000));
const EPOCHS = Number(env('EPOCHS', 10));
const REPLICAS = Number(env('REPLICAS', 4));
/** The two 5 ns reference runs' Delta-F may differ by sampling noise; more than this means a broken fixture or basin code (kJ/mol). */
const REF_SPREAD = 2;
const BASIN = 'C7ax';
const REFERENCE_BASIN = 'C7eq';

function fail(message) {
  console.error(`coupling-alanine: FAILED: ${message}`);
  process.exit(1);
}
for (const [k, v] of Object.entries({ TOL, ROUND1, SEEDED, EPOCHS, REPLICAS })) if (!(v > 0)) fail(`BENCH_COUPLING_ALA2_${k}: expected a positive number, got ${env(k, '')}`);
if (!LADDER.every((s) => Number.isInteger(s) && s > 0)) fail(`BENCH_COUPLING_ALA2_LADDER: expected positive integers separated by commas, got ${env('LADDER', '')}`);
if (REPLICAS < 2) fail('BENCH_COUPLING_ALA2_REPLICAS: at least 2 (the error bar comes from the replicas)');

// Liftwell's basin code, bundled for the reference grids.
const out = join(here, '..', '.build', 'coupling-alanine');
mkdirSync(out, { recursive: true });
const entry = join(out, 'entry.ts');
writeFileSync(entry, `export { fesBasins } from '../../../src-main/runs/molecular/fes';\nexport { meanAndSem } from '../../../src-main/study/basin-differences';\n`);
await build({ entryPoints: [entry], outfile: join(out, 'basins.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
const { fesBasins, meanAndSem } = await import(pathToFileURL(join(out, 'basins.mjs')).href);

const example = JSON.parse(readFileSync(join(root, 'resources', 'examples', 'alanine-dipeptide.study.json'), 'utf8'));
const kT = 0.0083144626 * example.temperature;

/** Delta-F(C7ax - C7eq) of each OpenMM reference run, by liftwell's basin code; mean and s.e. over the runs. */
function referenceDeltaF() {
  const ref = JSON.parse(readFileSync(join(root, 'bench', 'reference', 'ala2-openmm-metad.json'), 'utf8'));
  const s = ref.settings;
  const e = example.sampling;
  if (s.temperatureK !== example.temperature || s.biasFactor !== e.biasFactor || s.heightKjMol !== e.height || s.pace !== e.pace || s.sigma.join() !== e.sigma.join()) {
    fail('the reference was made with other metadynamics settings than resources/examples/alanine-dipeptide.study.json');
  }
  const axes = ref.axes.map((a) => Float64Array.from(a));
  const perRun = ref.fes.map((grid, r) => {
    const basins = fesBasins({ axes, fes: Float64Array.from(grid), periodic: [true, true] }, ref.cvNames, kT);
    const a = basins.find((b) => b.label === BASIN);
    const b = basins.find((x) => x.label === REFERENCE_BASIN);
    if (!a || !b) fail(`reference run ${r + 1} (seed ${ref.seeds[r]}): no ${!a ? BASIN : REFERENCE_BASIN} basin`);
    return a.freeEnergy - b.freeEnergy;
  });
  if (!perRun.every(Number.isFinite)) fail(`reference Delta-F not finite: ${perRun}`);
  if (Math.max(...perRun) - Math.min(...perRun) > REF_SPREAD) fail(`reference runs disagree: ${perRun.map((d) => d.toFixed(2)).join(', ')} kJ/mol`);
  const { mean, sem } = meanAndSem(perRun);
  return { deltaF: mean, dF: sem, perRun, ns: s.nsPerRun, seeds: ref.seeds };
}

const work = mkdtempSync(join(tmpdir(), 'lw-coupling-ala2-'));

/** One study through the bin: wall and CPU seconds, and its report. */
function runStudy(tag, study) {
  const file = join(work, `${tag}.study.json`);
  writeFileSync(file, JSON.stringify(study));
  const dir = join(work, tag);
  const t = timeProcess([process.execPath, bin, 'run', file, '--out', dir], { env: { ...process.env, LIFTWELL_HOME: join(work, 'home') } });
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  // The study's own transient check (study/metad-transient.ts): shown, not counted against reaching.
  for (const w of report.basinDifferences?.warnings ?? []) if (w.includes(BASIN) && w.includes(REFERENCE_BASIN)) console.log(`    (${tag}) ${w}`);
  return { wall: t.wall, cpu: t.cpu, report };
}

/** Delta-F(C7ax - C7eq) of one round (or all rounds: 'all') of a report; fails loudly when missing. */
function deltaFOf(report, round, expectRuns, tag) {
  const d = report.basinDifferences;
  if (!d) fail(`${tag}: report.json has no basinDifferences`);
  const list = round === 'all' ? d.allRounds : d.rounds.find((r) => r.round === round)?.differences;
  const x = list?.find((b) => b.name === BASIN && b.reference === REFERENCE_BASIN);
  if (!x || !Number.isFinite(x.deltaF) || x.dF === null || !Number.isFinite(x.dF)) fail(`${tag}: no finite ${BASIN} - ${REFERENCE_BASIN} with an error bar (round ${round})`);
  if (x.n !== expectRuns) fail(`${tag}: ${BASIN} found together with ${REFERENCE_BASIN} in ${x.n} of ${expectRuns} runs (round ${round})`);
  return x;
}

const reached = (x, ref) => Math.abs(x.deltaF - ref.deltaF) <= TOL && x.dF <= TOL;
const fmt = (x) => `${x.deltaF.toFixed(2)} +- ${x.dF.toFixed(2)}`;
const cpu = (c) => (c === null ? 'n/a' : `${c.toFixed(0)} s`);

const ref = referenceDeltaF();
console.log(`reference Delta-F(${BASIN} - ${REFERENCE_BASIN}) = ${ref.deltaF.toFixed(2)} +- ${ref.dF.toFixed(2)} kJ/mol (OpenMM, ${ref.perRun.length} x ${ref.ns} ns, seeds ${ref.seeds.join(', ')}: ${ref.perRun.map((d) => d.toFixed(2)).join(', ')})`);
console.log(`target: |Delta-F - ref| <= ${TOL} kJ/mol and s.e. <= ${TOL} kJ/mol; ${REPLICAS} replicas; plain ladder ${LADDER.join(', ')} steps/replica; assisted: round 1 ${ROUND1}, ${EPOCHS}-epoch model, seeded ${SEEDED} steps/run`);

let row;
try {
  const { model: _m, lift: _l, seeding: _s, ...base } = example;
  const plain = [];
  for (const steps of LADDER) {
    const r = runStudy(`plain-${steps}`, { ...base, name: `ala2 plain ${steps}`, sampling: { ...base.sampling, steps, replicas: REPLICAS } });
    const total = r.report.rounds.reduce((a, q) => a + q.steps, 0);
    console.log(`  plain ${steps} steps/replica: ${total} steps, ${r.wall.toFixed(1)} s wall, CPU ${cpu(r.cpu)}; basins (mean over replicas) ${r.report.basins.map((b) => `${b.name} ${b.F.toFixed(2)}`).join(', ')}`);
    const x = deltaFOf(r.report, 1, REPLICAS, `plain ${steps}`);
    plain.push({ steps: total, wall: r.wall, cpu: r.cpu, x, ok: reached(x, ref) });
    console.log(`    Delta-F ${fmt(x)} kJ/mol${plain.at(-1).ok ? ' (reached)' : ''}`);
    if (plain.at(-1).ok) break;
  }

  const study = {
    ...example,
    name: 'ala2 assisted',
    sampling: { ...example.sampling, steps: ROUND1, replicas: REPLICAS },
    model: { ...example.model, epochs: EPOCHS },
    lift: { ...example.lift, n: Math.max(REPLICAS, 8) },
    seeding: { rounds: 2, runsPerCondition: REPLICAS, steps: SEEDED },
  };
  const a = runStudy('assisted', study);
  const r1 = deltaFOf(a.report, 1, REPLICAS, 'assisted round 1');
  const r2 = deltaFOf(a.report, 2, REPLICAS, 'assisted round 2');
  const all = deltaFOf(a.report, 'all', 2 * REPLICAS, 'assisted rounds 1 + 2');
  const [s1, s2] = a.report.rounds.map((q) => q.steps);
  const stages = a.report.provenance.stages ?? {};
  console.log(`  assisted: round 1 ${s1} steps, Delta-F ${fmt(r1)}; seeded round ${s2} steps, Delta-F ${fmt(r2)}; rounds 1 + 2 ${fmt(all)} kJ/mol; ${a.wall.toFixed(1)} s wall, CPU ${cpu(a.cpu)}; stages ${JSON.stringify(stages)}`);
  const aReached = reached(r1, ref) ? { steps: s1, at: 'round 1', x: r1 } : reached(all, ref) ? { steps: s1 + s2, at: 'rounds 1 + 2', x: all } : null;

  const p = plain.find((q) => q.ok) ?? null;
  const pLast = plain.at(-1);
  const plainWall = plain.reduce((s, q) => s + q.wall, 0);
  row = {
    plain: p ? `${p.steps} steps, ${p.wall.toFixed(0)} s wall, CPU ${cpu(p.cpu)} (Delta-F ${fmt(p.x)})` : `not reached: Delta-F ${fmt(pLast.x)} at ${pLast.steps} steps`,
    assisted: aReached
      ? `${aReached.steps} steps (${aReached.at}, Delta-F ${fmt(aReached.x)}); whole study ${s1 + s2} steps, ${a.wall.toFixed(0)} s wall, CPU ${cpu(a.cpu)}`
      : `not reached: Delta-F ${fmt(all)} at ${s1 + s2} steps, ${a.wall.toFixed(0)} s wall, CPU ${cpu(a.cpu)}`,
    stepRatio: p && aReached ? (p.steps / aReached.steps).toFixed(2) : !p && aReached ? `>= ${(pLast.steps / aReached.steps).toFixed(2)}` : p && !aReached ? `<= ${(p.steps / (s1 + s2)).toFixed(2)}` : 'n/a (neither reached)',
    wallRatio: p && aReached ? (p.wall / a.wall).toFixed(2) : `n/a (plain ladder ${plainWall.toFixed(0)} s in all, assisted ${a.wall.toFixed(0)} s)`,
  };
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nDelta-F(${BASIN} - ${REFERENCE_BASIN}) target: within ${TOL} kJ/mol of ${ref.deltaF.toFixed(2)} kJ/mol (OpenMM reference), s.e. <= ${TOL}. Ratios are plain / generation-assisted (> 1: assisted needs less).`);
console.log('| system | plain metadynamics | generation-assisted (training included) | steps ratio | wall ratio |');
console.log('|---|---|---|---|---|');
console.log(`| alanine dipeptide | ${row.plain} | ${row.assisted} | ${row.stepRatio} | ${row.wallRatio} |`);
