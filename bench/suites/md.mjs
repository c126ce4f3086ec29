// bench suite `md`: alanine dipeptide (22 atoms, AMBER ff99SB, vacuum, no cutoff) Langevin dynamics,
// 1 fs, no constraints, 300 K, friction 1/ps, centre-of-mass removal every step: steps/s of the
// engine (BAOAB, JS) against OpenMM 7.7 in the same run (/usr/bin/python3): the Reference platform and
// the CPU platform with 1 thread, both with LangevinMiddleIntegrator (OpenMM's BAOAB) and
// CMMotionRemover. Prints a table and the ratios. No timing asserts.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const out = join(repo, 'bench', '.build', 'md');
mkdirSync(out, { recursive: true });
await build({
  stdin: {
    contents: `
      export { parsePrmtop } from './src-main/engine/molecules/amber/prmtop';
      export { parseInpcrd } from './src-main/engine/molecules/amber/inpcrd';
      export { AmberForceField } from './src-main/engine/molecules/forcefield/amber-forcefield';
      export { LangevinDynamics } from './src-main/engine/molecules/dynamics/langevin';
      export { minimizeEnergy } from './src-main/engine/molecules/minimize';`,
    resolveDir: repo,
    loader: 'ts',
  },
  outfile: join(out, 'md-engine.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
const k = await import(pathToFileURL(join(out, 'md-engine.mjs')).href);

const prmtopFile = join(repo, 'resources/molecules/alanine-dipeptide/ala2.prmtop');
const inpcrdFile = join(repo, 'resources/molecules/alanine-dipeptide/ala2.inpcrd');
const STEPS = Number(process.env.BENCH_MD_STEPS ?? 200_000);
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1));

// --- engine (JS) ---
const prm = k.parsePrmtop(readFileSync(prmtopFile, 'utf8'), prmtopFile);
const ff = new k.AmberForceField(prm);
const x = k.parseInpcrd(readFileSync(inpcrdFile, 'utf8'), inpcrdFile).positions;
k.minimizeEnergy(ff, x, { tolerance: 1 });
const md = new k.LangevinDynamics({ forceField: ff, masses: prm.topology.masses, positions: x, temperature: 300, friction: 1, dt: 0.001, seed: 1 });
md.run(20_000); // warm-up (JIT) and equilibration
const jsRuns = [0, 1, 2].map(() => {
  const t0 = performance.now();
  md.run(STEPS);
  return STEPS / ((performance.now() - t0) / 1000);
});
const jsRate = Math.max(...jsRuns);
const rows = [['engine (JS, BAOAB)', `${STEPS} x 3, best`, jsRate, md.temperatureOf(md.midKineticEnergy)]];

// --- OpenMM ---
const py = String.raw`
import json, sys, time, os
import openmm, openmm.app as app, openmm.unit as u
prmtop = app.AmberPrmtopFile(sys.argv[1]); inpcrd = app.AmberInpcrdFile(sys.argv[2])
res = {'version': openmm.__version__}
for name, props in (('Reference', {}), ('CPU', {'Threads': '1'})):
    try:
        system = prmtop.createSystem(nonbondedMethod=app.NoCutoff, constraints=None, rigidWater=False)
        integ = openmm.LangevinMiddleIntegrator(300*u.kelvin, 1/u.picosecond, 0.001*u.picoseconds)
        ctx = openmm.Context(system, integ, openmm.Platform.getPlatformByName(name), props)
        ctx.setPositions(inpcrd.positions)
        openmm.LocalEnergyMinimizer.minimize(ctx, 1.0)
        ctx.setVelocitiesToTemperature(300*u.kelvin, 1)
        integ.step(2000)
        t = time.perf_counter(); integ.step(1000); probe = 1000 / (time.perf_counter() - t)
        n = max(2000, int(probe * 2.0))   # about 2 s per run
        best = 0
        for rep in range(3):
            t = time.perf_counter(); integ.step(n); best = max(best, n / (time.perf_counter() - t))
        res[name] = {'steps': n, 'rate': best, 'threads': ctx.getPlatform().getPropertyValue(ctx, 'Threads') if name == 'CPU' else None}
    except Exception as e:
        res[name] = {'error': str(e)}
print(json.dumps(res))
`;
let omm = null;
try {
  omm = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, prmtopFile, inpcrdFile], { encoding: 'utf8', env: { ...process.env, OPENMM_CPU_THREADS: '1' }, stdio: ['ignore', 'pipe', 'ignore'] }));
} catch (e) {
  console.log(`OpenMM reference skipped: ${String(e.message ?? e).split('\n')[0]}`);
}
for (const name of ['Reference', 'CPU']) {
  const r = omm?.[name];
  if (r?.rate) rows.push([`OpenMM ${omm.version} ${name}${name === 'CPU' ? ` (Threads=${r.threads})` : ''}`, `${r.steps} x 3, best`, r.rate, null]);
  else if (r?.error) console.log(`OpenMM ${name} skipped: ${r.error}`);
}

console.log('\n## md: alanine dipeptide Langevin, 1 fs, no constraints, 300 K (steps/s, higher is better)');
console.log('| implementation | steps | steps/s |');
console.log('| --- | --- | --- |');
for (const [impl, steps, rate] of rows) console.log(`| ${impl} | ${steps} | ${fmt(rate)} |`);
const ref = omm?.Reference?.rate;
const cpu = omm?.CPU?.rate;
if (ref) console.log(`ratio engine / OpenMM Reference: ${(jsRate / ref).toFixed(2)}`);
if (cpu) console.log(`ratio engine / OpenMM CPU (1 thread): ${(jsRate / cpu).toFixed(2)}`);
if (ref || cpu) {
  const fastest = Math.max(ref ?? 0, cpu ?? 0);
  console.log(`ratio engine / fastest OpenMM platform here: ${(jsRate / fastest).toFixed(2)} (target > 1)`);
}
