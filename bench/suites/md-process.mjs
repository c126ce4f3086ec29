// bench suite `md-process`: a whole `liftwell md` process (through the bin: Node start-up, prmtop
// parse, 300,000 BAOAB steps, output) against OpenMM's Reference platform doing the same
// dynamics in the same rounds (/usr/bin/python3; LangevinMiddleIntegrator = BAOAB, 300 K,
// friction 1/ps, CMMotionRemover, vacuum, no cutoff), without constraints at 1 fs and with
// RATTLE/SHAKE on bonds to hydrogen (OpenMM: HBonds) at 2 fs (our default integrator there is
// 'middle', OpenMM's LangevinMiddle scheme: docs/md-speed.md). The ratio that counts is OpenMM's
// integration loop alone (timed inside Python, start-up and set-up excluded) over Liftwell's whole
// process; OpenMM's whole process is shown too. Paired rounds, medians (BENCH_REPS, default 3;
// BENCH_MD_PROCESS_STEPS to change 300,000).
// Long runs use a helper thread (torsions and random normals; same numbers: docs/md-speed.md);
// BENCH_MD_THREADS=1 times one thread (`liftwell md --threads 1`). With constraints both sides
// hold them to the same relative tolerance, 1e-10 (Liftwell's SHAKE tolerance; OpenMM's default
// of 1e-5 measured ~5% faster on its side): the same dynamics to the same accuracy.
// Fails loudly when the start energy differs from OpenMM's (> 1e-6 relative) or the mean
// temperature of our run is off 300 K by more than 5% (its statistical error here is < 1%).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtSeconds, median, mustAgree, pairedRounds } from '../process-timing.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ala = join(repo, 'resources/molecules/alanine-dipeptide');
const top = join(ala, 'ala2.prmtop');
const crd = join(ala, 'ala2.inpcrd');
const STEPS = Number(process.env.BENCH_MD_PROCESS_STEPS ?? 300_000);
const rounds = Number(process.env.BENCH_REPS ?? 3);
const bin = join(repo, 'bin', 'liftwell.mjs');

const py = String.raw`
import sys, time, json
t0 = time.perf_counter()
import openmm, openmm.app as app, openmm.unit as u
top, crd, mode, dt, n = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
prmtop = app.AmberPrmtopFile(top); inpcrd = app.AmberInpcrdFile(crd)
system = prmtop.createSystem(nonbondedMethod=app.NoCutoff, constraints=app.HBonds if mode == 'hbonds' else None, rigidWater=False)
integ = openmm.LangevinMiddleIntegrator(300*u.kelvin, 1/u.picosecond, dt*u.picoseconds)
integ.setConstraintTolerance(1e-10)  # Liftwell's SHAKE tolerance (OpenMM's default is 1e-5)
ctx = openmm.Context(system, integ, openmm.Platform.getPlatformByName('Reference'))
ctx.setPositions(inpcrd.positions)
e0 = ctx.getState(getEnergy=True).getPotentialEnergy().value_in_unit(u.kilojoule_per_mole)
ctx.setVelocitiesToTemperature(300*u.kelvin, 1)
t = time.perf_counter(); c = time.process_time(); integ.step(n); loop = time.perf_counter() - t; loopCpu = time.process_time() - c
print(json.dumps({'version': openmm.__version__, 'loop': loop, 'loopCpu': loopCpu, 'e0': e0, 'total': time.perf_counter() - t0}))
`;
if (spawnSync('/usr/bin/python3', ['-c', 'import openmm'], { stdio: 'ignore' }).status !== 0) {
  console.log('md-process: OpenMM (/usr/bin/python3 -c "import openmm") not found; suite skipped');
  process.exit(0);
}
const energy = JSON.parse(spawnSync(process.execPath, [bin, 'energy', '--top', top, '--coords', crd, '--json'], { encoding: 'utf8' }).stdout);
const e0 = energy.frames[0].energy.total;

console.log(`\n## md-process: alanine dipeptide, ${STEPS.toLocaleString('en-US')} steps, whole \`liftwell md\` vs OpenMM Reference, median of ${rounds} paired rounds`);
console.log('| case | Liftwell whole process | OpenMM Reference loop | OpenMM whole process | ratio (OpenMM loop / Liftwell whole) | ratio (whole / whole) |');
console.log('| --- | --- | --- | --- | --- | --- |');
const prefetched = [];
for (const [mode, dt] of [['none', '0.001'], ['hbonds', '0.002']]) {
  const r = pairedRounds(
    {
      liftwell: [process.execPath, bin, 'md', '--top', top, '--coords', crd, '--steps', String(STEPS), '--dt', dt, '--temperature', '300', '--friction', '1', '--seed', '1', '--constraints', mode, '--threads', process.env.BENCH_MD_THREADS ?? '2', '--json'],
      openmm: ['/usr/bin/python3', '-c', py, top, crd, mode, dt, String(STEPS)],
    },
    rounds,
  );
  const omms = r.openmm.outs.map((o) => JSON.parse(o));
  const loops = omms.map((o) => o.loop);
  const version = omms[0].version;
  // OpenMM drops the harmonic terms of constrained bonds, so the energies compare without constraints.
  if (mode === 'none') mustAgree('start potential energy', e0, omms[0].e0, 1e-6);
  const ours = JSON.parse(r.liftwell.last);
  const t = ours.threads;
  prefetched.push(`${mode}: ${ours.integrator} integrator, ${t.helper ? `helper thread (torsions of ${t.torsionsOnHelper.toLocaleString('en-US')} force evaluations on it, ${t.torsionsHere.toLocaleString('en-US')} in the main thread while it warmed up or was away)` : 'one thread'}`);
  mustAgree(`mean temperature over the run (${mode})`, ours.temperature.mean, 300, 0.05);
  const loop = median(loops);
  const loopCpu = median(omms.map((o) => o.loopCpu));
  console.log(
    `| ${mode === 'none' ? 'no constraints, 1 fs' : 'RATTLE on X-H, 2 fs (tolerance 1e-10 both)'} | ${fmtSeconds(r.liftwell.wall)} (CPU ${fmtSeconds(r.liftwell.cpu)}) | ${fmtSeconds(loop)} (CPU ${fmtSeconds(loopCpu)}; OpenMM ${version}) | ${fmtSeconds(r.openmm.wall)} (CPU ${fmtSeconds(r.openmm.cpu)}) | **${(loop / r.liftwell.wall).toFixed(2)}x** (CPU ${(loopCpu / r.liftwell.cpu).toFixed(2)}x) | ${(r.openmm.wall / r.liftwell.wall).toFixed(2)}x |`,
  );
}
console.log('(target: OpenMM Reference loop / Liftwell whole process >= 2; the OpenMM loop is timed inside Python, median over the rounds)');
// Runs of 20,000+ steps use a helper thread (torsions and random normals; same numbers:
// threads/md-helper.ts); the CPU column counts both threads.
console.log(`(Liftwell: ${prefetched.join('; ')}; Liftwell CPU counts all its threads)`);
