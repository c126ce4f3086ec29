#!/usr/bin/python3
"""Reference energies and forces for Liftwell's AMBER force field (development only).

Run from the repository root after scripts/reference/openmm_make_prmtops.py:
    /usr/bin/python3 scripts/reference/openmm_energies.py

Every number comes from OpenMM 7.7 on the Reference platform (double precision), force groups
per force class (HarmonicBondForce, HarmonicAngleForce, PeriodicTorsionForce, NonbondedForce).

Writes into test/fixtures/molecules/:
  ala2_prmtop_openmm.json  the 30 conformations of ala2_amber99sb_energies.json evaluated through
                           our committed ala2.prmtop read by OpenMM's AmberPrmtopFile (validates
                           the prmtop file, and through it our reader, against the amber99sb.xml
                           reference); per-term energies + the max |difference| from the xml path.
  gly2_openmm.json         capped glycine (gly2.prmtop): 12 conformations (PDB start, minimised,
                           Langevin frames at 300 K and 600 K), per-term energies and forces through
                           AmberPrmtopFile (NoCutoff), the same through amber99sb.xml (as a cross
                           check), and energies/forces with CutoffNonPeriodic 0.5 nm (reaction field,
                           OpenMM's default solvent dielectric 78.3).
"""
import json
import os

import numpy as np
import openmm
import openmm.app as app
import openmm.unit as u

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FIX = os.path.join(ROOT, 'test', 'fixtures', 'molecules')
ALA_PRMTOP = os.path.join(ROOT, 'resources', 'molecules', 'alanine-dipeptide', 'ala2.prmtop')
TERMS = ['HarmonicBondForce', 'HarmonicAngleForce', 'PeriodicTorsionForce', 'NonbondedForce']
KJ = u.kilojoule_per_mole
KJNM = u.kilojoule_per_mole / u.nanometer


def grouped(system):
    for i, f in enumerate(system.getForces()):
        name = f.__class__.__name__
        f.setForceGroup(TERMS.index(name) if name in TERMS else 31)
    return openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName('Reference'))


def evaluate(context, xyz_nm):
    context.setPositions(np.asarray(xyz_nm) * u.nanometer)
    energies, forces = {}, {}
    for g, name in enumerate(TERMS):
        s = context.getState(getEnergy=True, getForces=True, groups={g})
        energies[name] = s.getPotentialEnergy().value_in_unit(KJ)
        forces[name] = s.getForces(asNumpy=True).value_in_unit(KJNM).tolist()
    return energies, forces


def ala2():
    ref = json.load(open(os.path.join(FIX, 'ala2_amber99sb_energies.json')))
    prmtop = app.AmberPrmtopFile(ALA_PRMTOP)
    context = grouped(prmtop.createSystem(nonbondedMethod=app.NoCutoff, constraints=None, rigidWater=False))
    frames, max_e, max_f = [], 0.0, 0.0
    for fr in ref['frames']:
        e, f = evaluate(context, fr['positions_nm'])
        frames.append({'index': fr['index'], 'energy_terms': e})
        for t in TERMS:
            max_e = max(max_e, abs(e[t] - fr['energy_terms'][t]))
            max_f = max(max_f, float(np.max(np.abs(np.array(f[t]) - np.array(fr['forces_by_term'][t])))))
    out = {
        'description': 'ala2.prmtop (resources/molecules/alanine-dipeptide) read by OpenMM AmberPrmtopFile, NoCutoff, no constraints, Reference platform, evaluated on the 30 positions of ala2_amber99sb_energies.json',
        'openmm_version': openmm.__version__,
        'units': {'energy': 'kJ/mol'},
        'max_abs_energy_difference_vs_xml_path': max_e,
        'max_abs_force_difference_vs_xml_path': max_f,
        'frames': frames,
    }
    json.dump(out, open(os.path.join(FIX, 'ala2_prmtop_openmm.json'), 'w'), indent=1)
    print('ala2 prmtop vs xml: max |dE| %.3g kJ/mol, max |dF| %.3g kJ/mol/nm' % (max_e, max_f))


def gly2():
    prmtop = app.AmberPrmtopFile(os.path.join(FIX, 'gly2.prmtop'))
    pdb = app.PDBFile(os.path.join(FIX, 'gly2.pdb'))
    system = prmtop.createSystem(nonbondedMethod=app.NoCutoff, constraints=None, rigidWater=False)
    # Conformations: PDB start, minimised, Langevin frames at 300 K and 600 K.
    sim = app.Simulation(prmtop.topology, system, openmm.LangevinIntegrator(300 * u.kelvin, 1 / u.picosecond, 0.001 * u.picoseconds),
                         openmm.Platform.getPlatformByName('Reference'))
    sim.context.setPositions(pdb.positions)
    labels, positions = ['pdb_start'], [np.array(pdb.positions.value_in_unit(u.nanometer))]
    sim.minimizeEnergy(tolerance=0.1)
    labels.append('minimized')
    positions.append(sim.context.getState(getPositions=True).getPositions(asNumpy=True).value_in_unit(u.nanometer))
    sim.context.setVelocitiesToTemperature(300 * u.kelvin, 2024)
    sim.integrator.setRandomNumberSeed(2024)
    for temperature, count in ((300, 6), (600, 4)):
        sim.integrator.setTemperature(temperature * u.kelvin)
        for k in range(count):
            sim.step(500)
            labels.append('md_%dK_%d' % (temperature, k))
            positions.append(sim.context.getState(getPositions=True).getPositions(asNumpy=True).value_in_unit(u.nanometer))

    prm_ctx = grouped(prmtop.createSystem(nonbondedMethod=app.NoCutoff, constraints=None, rigidWater=False))
    xml_ctx = grouped(app.ForceField('amber99sb.xml').createSystem(pdb.topology, nonbondedMethod=app.NoCutoff, constraints=None, rigidWater=False))
    cut_ctx = grouped(prmtop.createSystem(nonbondedMethod=app.CutoffNonPeriodic, nonbondedCutoff=0.5 * u.nanometer, constraints=None, rigidWater=False))
    nb = [f for f in cut_ctx.getSystem().getForces() if isinstance(f, openmm.NonbondedForce)][0]
    frames, max_e = [], 0.0
    for label, xyz in zip(labels, positions):
        e, f = evaluate(prm_ctx, xyz)
        ex, _ = evaluate(xml_ctx, xyz)
        ec, fc = evaluate(cut_ctx, xyz)
        max_e = max(max_e, max(abs(e[t] - ex[t]) for t in TERMS))
        frames.append({'label': label, 'positions_nm': np.asarray(xyz).tolist(), 'energy_terms': e, 'forces_by_term': f,
                       'energy_terms_xml_path': ex,
                       'cutoff_nonbonded_energy': ec['NonbondedForce'], 'cutoff_nonbonded_forces': fc['NonbondedForce']})
    out = {
        'description': 'Capped glycine (ACE-GLY-NME), gly2.prmtop read by OpenMM AmberPrmtopFile, vacuum, NoCutoff, no constraints, Reference platform (double precision); energy_terms_xml_path: the same positions through amber99sb.xml; cutoff_*: CutoffNonPeriodic (reaction field) with the cutoff and dielectric below',
        'openmm_version': openmm.__version__,
        'units': {'positions': 'nm', 'energy': 'kJ/mol', 'forces': 'kJ/mol/nm'},
        'cutoff_nm': 0.5,
        'reaction_field_dielectric': nb.getReactionFieldDielectric(),
        'max_abs_energy_difference_prmtop_vs_xml_path': max_e,
        'frames': frames,
    }
    json.dump(out, open(os.path.join(FIX, 'gly2_openmm.json'), 'w'), indent=1)
    print('gly2 prmtop vs xml: max |dE| %.3g kJ/mol; %d frames' % (max_e, len(frames)))


if __name__ == '__main__':
    ala2()
    gly2()
