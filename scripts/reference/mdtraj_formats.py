#!/usr/bin/python3
"""Reference trajectories and CV values for the molecular format codecs and atomic CVs.

Makes test/fixtures/molecules/formats/ from the 30 alanine-dipeptide conformations in
../shared/reference/ala2_amber99sb_energies.json (positions in nm) and ala2.pdb:
  ala2.pdb              the 22-atom topology/structure (copy of the shared ala2.pdb)
  ala2_mdtraj.dcd       30 frames written by MDTraj, with a triclinic unit cell varying per frame
  ala2_mdtraj_nocell.dcd  the same frames without unit cell
  ala2_openmm.dcd       the first 5 frames written by OpenMM's DCDFile (box, dt = 2 fs, interval 10, firstStep 100)
  ala2_big_endian.dcd   ala2_mdtraj.dcd with every number byte-swapped (big-endian)
  ala2_mdtraj.pdb       first 5 frames as a multi-model PDB written by MDTraj
  ala2_mdtraj.xyz       first 5 frames as multi-frame XYZ written by MDTraj
  ala2_mdtraj_reference.json  what MDTraj reads back from ala2_mdtraj.dcd (positions nm, cell) and
                        MDTraj's phi, psi (compute_phi/compute_psi), distances, angles, dihedrals on it

Run: /usr/bin/python3 scripts/reference/mdtraj_formats.py   (MDTraj 1.9.7, OpenMM 7.7 used)
"""
import json
import os
import shutil
import struct
import sys

import mdtraj as md
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SHARED = os.path.abspath(os.path.join(ROOT, '..', 'shared', 'reference'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'molecules', 'formats')
os.makedirs(OUT, exist_ok=True)

shutil.copy(os.path.join(SHARED, 'ala2.pdb'), os.path.join(OUT, 'ala2.pdb'))
data = json.load(open(os.path.join(SHARED, 'ala2_amber99sb_energies.json')))
xyz = np.array([f['positions_nm'] for f in data['frames']], dtype=np.float64)
top = md.load(os.path.join(OUT, 'ala2.pdb')).topology
n_frames = xyz.shape[0]

# A triclinic cell that changes per frame exercises the cell record and its angle convention.
lengths = np.array([[3.0 + 0.01 * f, 3.1, 3.2 - 0.005 * f] for f in range(n_frames)])
angles = np.array([[80.0 + 0.2 * f, 85.0, 95.0 - 0.1 * f] for f in range(n_frames)])
traj = md.Trajectory(xyz, top, unitcell_lengths=lengths, unitcell_angles=angles)
traj.save_dcd(os.path.join(OUT, 'ala2_mdtraj.dcd'))
md.Trajectory(xyz, top).save_dcd(os.path.join(OUT, 'ala2_mdtraj_nocell.dcd'))
md.Trajectory(xyz[:5], top).save_pdb(os.path.join(OUT, 'ala2_mdtraj.pdb'))
md.Trajectory(xyz[:5], top).save_xyz(os.path.join(OUT, 'ala2_mdtraj.xyz'))

# OpenMM's own DCD writer (the "OpenMM flavour": cosines in the cell record, dt in AKMA units).
import openmm.app as app
import openmm.unit as u
from openmm import Vec3
omm_top = app.PDBFile(os.path.join(OUT, 'ala2.pdb')).topology
omm_top.setPeriodicBoxVectors((Vec3(2.5, 0, 0), Vec3(0, 2.6, 0), Vec3(0, 0, 2.7)) * u.nanometer)
with open(os.path.join(OUT, 'ala2_openmm.dcd'), 'wb') as fh:
    dcd = app.DCDFile(fh, omm_top, 0.002 * u.picoseconds, firstStep=100, interval=10)
    for f in range(5):
        dcd.writeModel([Vec3(*p) for p in xyz[f]] * u.nanometer)


def byteswap_dcd(src, dst):
    """Rewrites a little-endian DCD big-endian, record by record (ints, float32 and float64 swapped)."""
    raw = open(src, 'rb').read()
    out = bytearray()
    at = 0
    index = 0
    while at < len(raw):
        (length,) = struct.unpack_from('<i', raw, at)
        payload = raw[at + 4: at + 4 + length]
        if index == 0:  # 'CORD' + 20 int32/float32
            body = payload[:4] + b''.join(payload[k:k + 4][::-1] for k in range(4, length, 4))
        elif index == 1:  # NTITLE + text
            body = payload[:4][::-1] + payload[4:]
        elif length == 48 and index >= 3:  # unit cell: 6 float64
            body = b''.join(payload[k:k + 8][::-1] for k in range(0, 48, 8))
        else:  # int32 or float32 arrays
            body = b''.join(payload[k:k + 4][::-1] for k in range(0, length, 4))
        marker = struct.pack('>i', length)
        out += marker + body + marker
        at += 8 + length
        index += 1
    open(dst, 'wb').write(bytes(out))


byteswap_dcd(os.path.join(OUT, 'ala2_mdtraj.dcd'), os.path.join(OUT, 'ala2_big_endian.dcd'))

back = md.load_dcd(os.path.join(OUT, 'ala2_mdtraj.dcd'), top=top)
be = md.load_dcd(os.path.join(OUT, 'ala2_big_endian.dcd'), top=top)
assert np.array_equal(back.xyz, be.xyz), 'MDTraj reads the byte-swapped file differently'
phi_atoms, phi = md.compute_phi(back)
psi_atoms, psi = md.compute_psi(back)
dist_pairs = np.array([[0, 21], [4, 16], [6, 14], [8, 10]])
angle_triples = np.array([[4, 6, 8], [6, 8, 14], [8, 14, 16], [0, 1, 4]])
dihedral_quads = np.array([[4, 6, 8, 14], [6, 8, 14, 16], [1, 4, 6, 8], [8, 14, 16, 18], [10, 8, 14, 15]])
ref = {
    'provenance': 'scripts/reference/mdtraj_formats.py with MDTraj %s from ala2_amber99sb_energies.json positions' % md.version.version,
    'units': {'positions': 'nm', 'cell_lengths': 'nm', 'cell_angles': 'deg', 'angles': 'rad', 'distances': 'nm'},
    'atom_indices_note': '0-based',
    'n_atoms': int(back.n_atoms), 'n_frames': int(back.n_frames),
    'positions_nm': back.xyz.astype(float).round(9).tolist(),
    'cell_lengths': back.unitcell_lengths.astype(float).tolist(),
    'cell_angles': back.unitcell_angles.astype(float).tolist(),
    'cell_written_lengths': lengths.tolist(), 'cell_written_angles': angles.tolist(),
    'phi_atoms': phi_atoms.tolist(), 'phi': phi.astype(float).tolist(),
    'psi_atoms': psi_atoms.tolist(), 'psi': psi.astype(float).tolist(),
    'distance_pairs': dist_pairs.tolist(), 'distances': md.compute_distances(back, dist_pairs).astype(float).tolist(),
    'angle_triples': angle_triples.tolist(), 'angles': md.compute_angles(back, angle_triples).astype(float).tolist(),
    'dihedral_quads': dihedral_quads.tolist(), 'dihedrals': md.compute_dihedrals(back, dihedral_quads).astype(float).tolist(),
}
omm = md.load_dcd(os.path.join(OUT, 'ala2_openmm.dcd'), top=top)
ref['openmm_dcd'] = {'n_frames': int(omm.n_frames), 'cell_lengths': omm.unitcell_lengths.astype(float).tolist(),
                     'cell_angles': omm.unitcell_angles.astype(float).tolist(), 'timestep_ps': 0.002, 'istart': 100, 'nsavc': 10,
                     'positions_nm': omm.xyz.astype(float).round(9).tolist()}
with open(os.path.join(OUT, 'ala2_mdtraj_reference.json'), 'w') as fh:
    json.dump(ref, fh, indent=1)
print('wrote', sorted(os.listdir(OUT)), file=sys.stderr)
