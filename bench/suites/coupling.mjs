// Coupling bench (`npm run bench -- coupling`): total simulation steps and wall time (training
// included) that plain umbrella sampling and generation-assisted sampling (adaptive rounds,
// docs/generation-assisted.md) need to reach a stated FES accuracy: RMS of F against the exact F
// (offset removed) at most TARGET kT over the study range. Everything runs as a user would, one
// `liftwell run STUDY.json` process per study through the installed bin, in this one run; the
// ratio is reported whichever way it falls. No timing asserts.
//
// Systems: the hidden-barrier system (resources/examples/hidden-barrier.study.json) and the
// double well of resources/examples/double-well-lift.study.json. Plain sampling is a ladder of
// steps per walker (the first that reaches the target counts); generation-assisted is the study's
// adaptive rounds. Alanine dipeptide: bench/suites/coupling-alanine.mjs (runs with this suite).
// BENCH_COUPLING_TARGET (kT, default 0.2), BENCH_COUPLING_LADDER (steps per walker, comma list).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeProcess } from '../process-timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = join(root, 'bin', 'liftwell.mjs');
const TARGET = Number(process.env.BENCH_COUPLING_TARGET ?? 0.2);
const LADDER = (process.env.BENCH_COUPLING_LADDER ?? '5000,20000,80000').split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'lw-coupling-'));
const example = (name) => JSON.parse(readFileSync(join(root, 'resources', 'examples', name), 'utf8'));

/** Runs one study through the bin; returns { wall, steps, rms, rounds, report }. */
function runStudy(tag, study) {
  const file = join(work, `${tag}.study.json`);
  writeFileSync(file, JSON.stringify(study));
  const out = join(work, tag);
  const t = timeProcess([process.execPath, bin, 'run', file, '--out', out], { env: { ...process.env, LIFTWELL_HOME: join(work, 'home') } });
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const steps = report.rounds.reduce((n, r) => n + r.steps, 0);
  const last = report.fesRounds[report.fesRounds.length - 1];
  // Steps up to the first round whose FES (round 1: plain; later: the fold) reached the target.
  let cumulative = 0;
  let reachedAt = null;
  for (const r of report.rounds) {
    cumulative += r.steps;
    const rms = report.fesRounds.find((f) => f.round === r.round)?.rmsVsExact;
    if (reachedAt === null && rms !== null && rms !== undefined && rms <= TARGET) reachedAt = { round: r.round, steps: cumulative, rms };
  }
  return { wall: t.wall, steps, rms: last.rmsVsExact, rounds: report.rounds.length, reachedAt, report };
}

/** A study with only sampling and estimate (no model, no rounds): plain umbrella sampling. */
function plainOf(study, stepsPerWalker) {
  const { model: _m, lift: _l, closures: _c, dynamics: _d, seeding: _s, ...rest } = study;
  return { ...rest, name: `${study.name} (plain, ${stepsPerWalker} steps)`, sampling: { ...study.sampling, steps: stepsPerWalker } };
}

function plainLadder(tag, study) {
  const tried = [];
  for (const s of LADDER) {
    const r = runStudy(`${tag}-plain-${s}`, plainOf(study, s));
    tried.push({ stepsPerWalker: s, ...r });
    console.log(`  plain ${s} steps/walker: ${r.steps} steps, RMS ${r.rms.toFixed(3)} kT, ${r.wall.toFixed(1)} s`);
    if (r.rms <= TARGET) break;
  }
  return tried;
}

const systems = [
  { tag: 'hidden-barrier', study: example('hidden-barrier.study.json') },
  {
    tag: 'double-well',
    study: (() => {
      const s = example('double-well-lift.study.json');
      const { lift: _l, closures: _c, ...rest } = s;
      return {
        ...rest,
        // A short first round; the rounds add windows where the FES error is largest.
        sampling: { ...s.sampling, steps: 5000 },
        estimate: { estimator: 'wham', bins: 30, bootstrap: 20, subsample: true },
        model: { kind: 'score', epochs: 30, hidden: [64, 64] },
        seeding: { rounds: 3, select: 'adaptive', walkers: 8, steps: 5000, maxNewCentres: 6, retrain: false, targetUncertainty: 0.1 },
      };
    })(),
  },
];

const rows = [];
try {
  for (const { tag, study } of systems) {
    console.log(`${tag}:`);
    const ladder = plainLadder(tag, study);
    const reached = ladder.find((r) => r.rms <= TARGET) ?? null;
    const assisted = runStudy(`${tag}-assisted`, study);
    console.log(`  generation-assisted: ${assisted.rounds} rounds, ${assisted.steps} steps, RMS ${assisted.rms.toFixed(3)} kT, ${assisted.wall.toFixed(1)} s (stopped: ${assisted.report.adaptive?.stopReason}); per round RMS ${assisted.report.fesRounds.map((f) => f.rmsVsExact?.toFixed(3)).join(', ')}`);
    const aSteps = assisted.reachedAt?.steps ?? null;
    const plainSteps = reached ? reached.steps : ladder[ladder.length - 1].steps;
    const plainWall = ladder.reduce((s, r) => s + (r === reached || !reached ? r.wall : 0), 0);
    rows.push({
      system: tag,
      plain: reached ? `${reached.steps} steps, ${reached.wall.toFixed(1)} s (RMS ${reached.rms.toFixed(2)})` : `not reached: RMS ${ladder.at(-1).rms.toFixed(2)} kT at ${ladder.at(-1).steps} steps`,
      assisted: aSteps !== null
        ? `${aSteps} steps to round ${assisted.reachedAt.round} (RMS ${assisted.reachedAt.rms.toFixed(2)}); whole study ${assisted.steps} steps, ${assisted.wall.toFixed(1)} s (final RMS ${assisted.rms.toFixed(2)})`
        : `not reached: RMS ${assisted.rms.toFixed(2)} kT at ${assisted.steps} steps, ${assisted.wall.toFixed(1)} s`,
      stepRatio: aSteps === null ? 'n/a' : `${reached ? '' : '>= '}${(plainSteps / aSteps).toFixed(2)}`,
      // Wall: the plain run that reached the target (or the whole ladder) against the whole assisted study.
      wallRatio: reached ? (reached.wall / assisted.wall).toFixed(2) : `>= ${(plainWall / assisted.wall).toFixed(2)} (whole ladder ${plainWall.toFixed(1)} s)`,
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nFES accuracy target: RMS vs exact <= ${TARGET} kT (offset removed). Ratios are plain / generation-assisted (> 1: assisted needs less).`);
console.log('| system | plain umbrella | generation-assisted (training included) | steps ratio | wall ratio |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.system} | ${r.plain} | ${r.assisted} | ${r.stepRatio} | ${r.wallRatio} |`);
