#!/usr/bin/python3
"""Builds the AMBER prmtop files Liftwell ships and tests with (development only).

Run from the repository root with Debian's OpenMM 7.7 + ParmEd 3.4:
    /usr/bin/python3 scripts/reference/openmm_make_prmtops.py

1. Alanine dipeptide (ACE-ALA-NME), vacuum, AMBER ff99SB: the PDB /work/shared/reference/ala2.pdb
   (copied to resources/molecules/alanine-dipeptide/ala2.pdb) parameterised by OpenMM's
   amber99sb.xml (NoCutoff, no constraints), converted to a prmtop by ParmEd
   (parmed.openmm.load_topology(topology, system, xyz).save(...)).
   -> resources/molecules/alanine-dipeptide/ala2.prmtop, ala2.inpcrd
2. Capped glycine (ACE-GLY-NME), a second molecule for the tests: the same PDB with the
   alanine side chain replaced by a hydrogen (CB -> HA3 placed 1.09 A from CA along CA-CB,
   HB1-3 removed, HA -> HA2), parameterised and converted the same way.
   -> test/fixtures/molecules/gly2.prmtop, gly2.inpcrd, gly2.pdb
"""
import os
import sys

import numpy as np
import openmm
import openmm.app as app
import openmm.unit as u
import parmed

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ALA_DIR = os.path.join(ROOT, 'resources', 'molecules', 'alanine-dipeptide')
FIX = os.path.join(ROOT, 'test', 'fixtures', 'molecules')
SHARED_PDB = '/work/shared/reference/ala2.pdb'


def to_prmtop(pdb_path, prmtop_path, inpcrd_path):
    pdb = app.PDBFile(pdb_path)
    ff = app.ForceField('amber99sb.xml')
    system = ff.createSystem(pdb.topology, nonbondedMethod=app.NoCutoff, constraints=None, rigidWater=False)
    structure = parmed.openmm.load_topology(pdb.topology, system, xyz=pdb.positions)
    structure.save(prmtop_path, format='amber', overwrite=True)
    structure.save(inpcrd_path, format='rst7', overwrite=True)
    return pdb, system


def make_gly2_pdb(src, dst):
    lines = open(src).read().splitlines()
    atoms = {}
    for line in lines:
        if line.startswith('ATOM'):
            atoms[line[12:16].strip() + ':' + line[17:20]] = np.array([float(line[30:38]), float(line[38:46]), float(line[46:54])])
    ca, cb = atoms['CA:ALA'], atoms['CB:ALA']
    ha3 = ca + (cb - ca) / np.linalg.norm(cb - ca) * 1.09
    out, serial = [], 0
    for line in lines:
        if not line.startswith('ATOM'):
            if line.startswith('TER') or line.startswith('END'):
                out.append(line)
            continue
        name, res = line[12:16].strip(), line[17:20]
        if res == 'ALA' and name in ('HB1', 'HB2', 'HB3'):
            continue
        serial += 1
        if res == 'ALA':
            if name == 'CB':
                name, xyz, elem = 'HA3', ha3, 'H'
                line = line[:30] + '%8.3f%8.3f%8.3f' % tuple(xyz) + line[54:76] + elem.rjust(2)
            elif name == 'HA':
                name = 'HA2'
            line = line[:12] + (' %-3s' % name) + line[16:17] + 'GLY' + line[20:]
        line = line[:6] + '%5d' % serial + line[11:]
        out.append(line)
    open(dst, 'w').write('\n'.join(out) + '\n')


def main():
    os.makedirs(ALA_DIR, exist_ok=True)
    os.makedirs(FIX, exist_ok=True)
    ala_pdb = os.path.join(ALA_DIR, 'ala2.pdb')
    open(ala_pdb, 'w').write(open(SHARED_PDB).read())
    to_prmtop(ala_pdb, os.path.join(ALA_DIR, 'ala2.prmtop'), os.path.join(ALA_DIR, 'ala2.inpcrd'))
    gly_pdb = os.path.join(FIX, 'gly2.pdb')
    make_gly2_pdb(SHARED_PDB, gly_pdb)
    to_prmtop(gly_pdb, os.path.join(FIX, 'gly2.prmtop'), os.path.join(FIX, 'gly2.inpcrd'))
    print('openmm', openmm.__version__, 'parmed', parmed.__version__, file=sys.stderr)


if __name__ == '__main__':
    main()
