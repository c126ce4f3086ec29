"""Reference free-energy surface of alanine dipeptide on (phi, psi) for the coupling bench.

Long well-tempered metadynamics with OpenMM 7.7 (openmm.app.Metadynamics) on the same system and
settings as resources/examples/alanine-dipeptide.study.json: resources/molecules/alanine-dipeptide
(AMBER ff99SB, vacuum, NoCutoff), X-H bonds constrained, LangevinMiddleIntegrator 300 K,
friction 1/ps, 2 fs; hills sigma 0.35 rad on phi = dihedral(5,7,9,15) and psi = dihedral(7,9,15,17)
(1-based atoms), height 1.2 kJ/mol, pace 250 steps, bias factor 6. The FES is -(gamma/(gamma-1)) V
of the final bias on a 36 x 36 periodic grid (the grid liftwell uses for these hills). Several
independent runs (one seed each) give the spread. Development only: the bench reads the output.

Usage: /usr/bin/python3 scripts/reference/openmm_ala2_metad_reference.py NS RUNS FIRST_SEED OUT.json
"""
import json
import math
import sys
import time

import numpy as np
import openmm
import openmm.app as app
import openmm.unit as u

ns, runs, first_seed, out = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
root = 'resources/molecules/alanine-dipeptide/'
prmtop = app.AmberPrmtopFile(root + 'ala2.prmtop')
inpcrd = app.AmberInpcrdFile(root + 'ala2.inpcrd')
DT_PS, PACE, BINS = 0.002, 250, 36
steps = int(round(ns * 1000 / DT_PS))


def torsion(atoms):
    f = openmm.CustomTorsionForce('theta')
    f.addTorsion(*[a - 1 for a in atoms])
    return f


grids, walls = [], []
for k in range(runs):
    seed = first_seed + k
    system = prmtop.createSystem(nonbondedMethod=app.NoCutoff, constraints=app.HBonds)
    phi = app.BiasVariable(torsion((5, 7, 9, 15)), -math.pi, math.pi, 0.35, True, gridWidth=BINS + 1)
    psi = app.BiasVariable(torsion((7, 9, 15, 17)), -math.pi, math.pi, 0.35, True, gridWidth=BINS + 1)
    meta = app.Metadynamics(system, [phi, psi], 300 * u.kelvin, 6.0, 1.2 * u.kilojoules_per_mole, PACE)
    integ = openmm.LangevinMiddleIntegrator(300 * u.kelvin, 1 / u.picosecond, DT_PS * u.picoseconds)
    integ.setRandomNumberSeed(seed)
    sim = app.Simulation(prmtop.topology, system, integ, openmm.Platform.getPlatformByName('CPU'), {'Threads': '1'})
    sim.context.setPositions(inpcrd.positions)
    sim.minimizeEnergy()
    sim.context.setVelocitiesToTemperature(300 * u.kelvin, seed)
    t0 = time.time()
    meta.step(sim, steps)
    walls.append(time.time() - t0)
    fes = np.asarray(meta.getFreeEnergy().value_in_unit(u.kilojoules_per_mole))  # [psi, phi], endpoints repeated
    fes = fes[:BINS, :BINS].T  # [phi, psi], the periodic duplicate row/column dropped
    grids.append(np.round(fes - fes.min(), 4).flatten().tolist())
    print(f'run {k + 1}/{runs} seed {seed}: {walls[-1]:.0f} s', file=sys.stderr, flush=True)

axis = [-math.pi + i * 2 * math.pi / BINS for i in range(BINS)]
json.dump({
    'description': 'alanine dipeptide (phi, psi) FES, kJ/mol, row-major phi slowest, min 0 per run; '
                   'well-tempered metadynamics, OpenMM (see scripts/reference/openmm_ala2_metad_reference.py)',
    'openmm': openmm.__version__, 'command': ' '.join(['/usr/bin/python3'] + sys.argv),
    'settings': {'temperatureK': 300, 'dtPs': DT_PS, 'frictionPerPs': 1, 'constraints': 'hbonds', 'sigma': [0.35, 0.35],
                 'heightKjMol': 1.2, 'pace': PACE, 'biasFactor': 6, 'nsPerRun': ns, 'stepsPerRun': steps},
    'cvNames': ['phi', 'psi'], 'axes': [axis, axis], 'seeds': list(range(first_seed, first_seed + runs)),
    'wallSecondsPerRun': [round(w, 1) for w in walls], 'fes': grids,
}, open(out, 'w'))
