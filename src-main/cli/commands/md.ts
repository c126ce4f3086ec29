/**
 * `liftwell md`: Langevin dynamics (BAOAB; with constraints LangevinMiddle unless --integrator
 * baoab) of an AMBER system in vacuum, optional SHAKE/RATTLE
 * on bonds to hydrogen and L-BFGS minimisation first. Prints steps, final per-term energies and
 * temperature statistics; --out writes final coordinates (inpcrd with velocities, and PDB) and
 * the energy time series (.npy).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../engine/io/npy';
import { formatInpcrd } from '../../engine/molecules/amber/inpcrd';
import { formatPdb } from '../../engine/molecules/formats/pdb';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { BondConstraints } from '../../engine/molecules/dynamics/constraints';
import { LANGEVIN_SCHEMES, LangevinDynamics, type LangevinScheme } from '../../engine/molecules/dynamics/langevin';
import { minimizeEnergy, type MinimizeResult } from '../../engine/molecules/minimize';
import { CliUsageError, integerOption, numberOption, parseCommandArgs, positiveOption, requireString } from '../args';
import { printJson } from '../output';
import { MIN_HELPER_STEPS, MdHelperThread } from '../../threads/md-helper';
import { COORDINATE_FORMATS, loadCoordinates, loadPrmtop } from './energy';

export const mdHelp = `liftwell md --top FILE.prmtop --coords FILE --steps N --dt PS --temperature K --friction PER_PS --seed S
            [--constraints hbonds|none] [--integrator baoab|middle] [--minimize] [--report N] [--cutoff NM] [--out DIR] --json

Langevin dynamics (BAOAB splitting; with constraints OpenMM's LangevinMiddle by default) in
vacuum, real units (nm, ps, amu, K, kJ/mol).
  --top FILE.prmtop    AMBER topology/parameters
  --coords FILE        start coordinates (first frame): ${COORDINATE_FORMATS};
                       velocities of an inpcrd/rst7 are used when present, else Maxwell-Boltzmann
  --steps N            number of time steps
  --dt PS              time step in ps (0.001 = 1 fs; 0.002 needs --constraints hbonds)
  --temperature K      bath temperature
  --friction PER_PS    collision rate in 1/ps (0 = constant energy, NVE)
  --seed S             non-negative integer; same seed, same trajectory
  --constraints MODE   hbonds (SHAKE/RATTLE on bonds to hydrogen) or none (default)
  --integrator NAME    middle (OpenMM's LangevinMiddle: one SHAKE and one RATTLE per step; the
                       default with --constraints hbonds) or baoab (constrained BAOAB: two SHAKE
                       and three RATTLE per step, full-step velocities; the default without
                       constraints, where both give the same positions)
  --minimize           L-BFGS minimisation (max force 1 kJ/mol/nm) before the dynamics
  --report N           steps between rows of the energy time series (default steps/1000, at least 1)
  --cutoff NM          nonbonded reaction-field cutoff (default none)
  --out DIR            writes final.inpcrd (positions + velocities), final.pdb, energies.npy
  --json               prints steps, time_ps, energy (final, per term), temperature {mean, std, ...}
  --threads N          1 or 2 (default 2 on a machine with 2+ cores for runs of ${MIN_HELPER_STEPS}+ steps): a
                       helper thread computes the torsions and part of the angles and draws
                       the random numbers ahead once it has warmed up (a few thousand steps);
                       the same trajectory bit for bit either way
Temperatures use dof = 3N - constraints - 3 and the kinetic energy after the thermostat step.`;

const isLangevinScheme = (s: string): s is LangevinScheme => (LANGEVIN_SCHEMES as readonly string[]).includes(s);

const SERIES_COLUMNS = ['step', 'time_ps', 'bond', 'angle', 'torsion', 'nonbonded', 'potential', 'kinetic', 'total', 'temperature'] as const;

export async function runMd(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    top: { type: 'string' },
    coords: { type: 'string' },
    steps: { type: 'string' },
    dt: { type: 'string' },
    temperature: { type: 'string' },
    friction: { type: 'string' },
    seed: { type: 'string' },
    constraints: { type: 'string' },
    integrator: { type: 'string' },
    minimize: { type: 'boolean' },
    threads: { type: 'string' },
    report: { type: 'string' },
    cutoff: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) {
    console.log(mdHelp);
    return 0;
  }
  const steps = integerOption(values, 'steps', undefined, 0);
  const dt = positiveOption(values, 'dt');
  const temperature = positiveOption(values, 'temperature');
  const friction = numberOption(values, 'friction');
  if (friction < 0) throw new CliUsageError(`--friction must be >= 0 (got ${friction})`);
  const seed = integerOption(values, 'seed', 0, 0);
  const mode = (values.constraints as string | undefined) ?? 'none';
  if (mode !== 'hbonds' && mode !== 'none') throw new CliUsageError(`--constraints must be hbonds or none (got ${mode})`);
  const integrator = (values.integrator as string | undefined) ?? (mode === 'hbonds' ? 'middle' : 'baoab');
  if (!isLangevinScheme(integrator)) throw new CliUsageError(`--integrator must be ${LANGEVIN_SCHEMES.join(' or ')} (got ${integrator})`);
  const scheme: LangevinScheme = integrator;
  if (dt > 0.01) throw new CliUsageError(`--dt is in ps: ${dt} ps is far too long for atomistic dynamics (use 0.001-0.002)`);
  const report = integerOption(values, 'report', Math.max(1, Math.floor(steps / 1000)), 1);
  const cutoff = values.cutoff === undefined ? undefined : positiveOption(values, 'cutoff');

  // Long runs use a second core (threads/md-helper.ts; the same numbers either way): start that
  // thread first, so that its start-up overlaps reading the system.
  const threads = integerOption(values, 'threads', availableParallelism() >= 2 ? 2 : 1, 1);
  if (threads > 2) throw new CliUsageError(`--threads must be 1 or 2 (got ${threads}): one run uses at most a helper thread`);
  const helperWorker = threads === 2 && steps >= MIN_HELPER_STEPS ? MdHelperThread.startWorker() : null;
  try {
    return runDynamics();
  } finally {
    void helperWorker?.terminate();
  }

  function runDynamics(): number {
    const prm = loadPrmtop(requireString(values, 'top'));
    const n = prm.topology.nAtoms;
    const coords = loadCoordinates(requireString(values, 'coords'), n);
    const positions = coords.frame(0).slice();
    coords.close();
    const ff = new AmberForceField(prm, { cutoff });
    const helper = helperWorker ? new MdHelperThread(helperWorker, ff, prm, { cutoff }, positions) : null;
    const began = performance.now();

    let minimization: MinimizeResult | null = null;
    if (values.minimize) minimization = minimizeEnergy(ff, positions, { tolerance: 1 });
    const constraints = mode === 'hbonds' ? BondConstraints.hydrogenBonds(prm) : null;
    const md = new LangevinDynamics({
      forceField: helper ?? ff, masses: prm.topology.masses, positions,
      velocities: minimization ? null : coords.velocities,
      temperature, friction, dt, seed, constraints, scheme,
    });
    if (helper && friction > 0) md.useNormalSource(helper.beginNormals(md.randomState()));

    const rows = Math.floor(steps / report) + 1;
    const series = new Float64Array(rows * SERIES_COLUMNS.length);
    let row = 0;
    const record = () => {
      const ke = md.kineticEnergy();
      const t = md.terms;
      const midT = Number.isNaN(md.midKineticEnergy) ? md.temperatureOf(ke) : md.temperatureOf(md.midKineticEnergy);
      series.set([md.step, md.time, t[0], t[1], t[2], t[3], md.potentialEnergy, ke, md.potentialEnergy + ke, midT], row * SERIES_COLUMNS.length);
      row++;
    };
    record();
    let sumT = 0;
    let sumT2 = 0;
    const mdBegan = performance.now();
    for (let s = 1; s <= steps; s++) {
      md.run(1);
      const temp = md.temperatureOf(md.midKineticEnergy);
      sumT += temp;
      sumT2 += temp * temp;
      if (s % report === 0) record();
    }
    const mdSeconds = (performance.now() - mdBegan) / 1000;
    const meanT = steps > 0 ? sumT / steps : null;
    const ke = md.kineticEnergy();
    const t = md.terms;
    const result: Record<string, unknown> = {
      atoms: n,
      steps,
      dt,
      integrator: scheme,
      time_ps: md.time,
      temperature: {
        target: temperature,
        mean: meanT,
        std: steps > 1 && meanT !== null ? Math.sqrt(Math.max(0, sumT2 / steps - meanT * meanT)) : null,
        final: md.temperatureOf(ke),
        degreesOfFreedom: md.degreesOfFreedom,
      },
      energy: { bond: t[0], angle: t[1], torsion: t[2], nonbonded: t[3], potential: md.potentialEnergy, kinetic: ke, total: md.potentialEnergy + ke },
      constraints: constraints ? { mode, count: constraints.count, maxRelativeError: constraints.maxRelativeError(md.positions) } : { mode, count: 0 },
      minimization,
      // Whether a helper thread ran, and where the split-off terms (torsions, part of the angles)
      // were computed (the numbers are the same; the keys keep their first name).
      threads: helper ? { helper: true, torsionsOnHelper: helper.evaluations.helper, torsionsHere: helper.evaluations.here } : { helper: false },
      seconds: (performance.now() - began) / 1000,
      stepsPerSecond: mdSeconds > 0 ? steps / mdSeconds : null,
      units: { energy: 'kJ/mol', temperature: 'K', time: 'ps' },
    };
    if (values.out) {
      const dir = String(values.out);
      mkdirSync(dir, { recursive: true });
      const top = prm.topology;
      writeFileSync(join(dir, 'final.inpcrd'), formatInpcrd(`liftwell md final step ${md.step}`, md.positions, md.velocities, md.time));
      writeFileSync(join(dir, 'final.pdb'), formatPdb(
        {
          atomNames: top.atomNames, elements: top.elements,
          residueNames: Array.from(top.residueOfAtom, (r) => top.residueNames[r]),
          residueNumbers: Int32Array.from(top.residueOfAtom, (r) => r + 1),
          chainIds: new Array<string>(n).fill('A'),
        },
        { nAtoms: n, nFrames: 1, positions: md.positions, cells: null },
        { title: `liftwell md final step ${md.step}` },
      ));
      writeFileSync(join(dir, 'energies.npy'), encodeNpy(series.subarray(0, row * SERIES_COLUMNS.length), [row, SERIES_COLUMNS.length]));
      result.out = { dir, coordinates: ['final.inpcrd', 'final.pdb'], energies: 'energies.npy', energyColumns: SERIES_COLUMNS };
    }
    if (values.json) printJson(result);
    else {
      console.log(`# ${steps} steps of ${dt} ps (${md.time.toFixed(3)} ps) in ${(result.seconds as number).toFixed(2)} s`);
      console.log(`temperature mean ${meanT?.toFixed(2)} K (target ${temperature} K); final potential ${md.potentialEnergy.toFixed(4)} kJ/mol`);
    }
    return 0;
  }
}
