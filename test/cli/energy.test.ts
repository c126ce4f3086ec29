/**
 * `liftwell energy` through the real bin script: per-term energies and forces against OpenMM
 * (fixtures from scripts/reference/openmm_energies.py), every coordinate reader, and exit code 2
 * with a message naming the file for bad input.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeDcd } from '../../src-main/engine/molecules/formats/dcd';

const repo = join(import.meta.dirname, '../..');
const bin = join(repo, 'bin/liftwell.mjs');
const ala2 = join(repo, 'resources/molecules/alanine-dipeptide');
const fixtures = join(repo, 'test/fixtures/molecules');

function liftwell(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TERMS = { bond: 'HarmonicBondForce', angle: 'HarmonicAngleForce', torsion: 'PeriodicTorsionForce', nonbonded: 'NonbondedForce' } as const;

describe('liftwell energy', () => {
  let dir: string;
  const ref = JSON.parse(readFileSync(join(fixtures, 'ala2_amber99sb_energies.json'), 'utf8'));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liftwell-energy-'));
  });

  it('inpcrd: energies per term and forces as OpenMM (1e-4 kJ/mol, 1e-3 kJ/mol/nm)', () => {
    const r = liftwell(['energy', '--top', join(ala2, 'ala2.prmtop'), '--coords', join(ala2, 'ala2.inpcrd'), '--forces', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.frames).toHaveLength(1);
    const { energy, forces } = out.frames[0];
    const frame = ref.frames[0]; // the PDB start, the same coordinates as ala2.inpcrd
    for (const [name, omm] of Object.entries(TERMS)) expect(Math.abs(energy[name] - frame.energy_terms[omm])).toBeLessThan(1e-4);
    expect(Math.abs(energy.total - frame.potential_energy)).toBeLessThan(4e-4);
    expect(forces).toHaveLength(22);
    forces.forEach((row: number[], i: number) => row.forEach((v, c) => expect(Math.abs(v - frame.forces[i][c])).toBeLessThan(1e-3)));
  });

  it('multi-model PDB, XYZ and DCD (Angstrom): one energy per frame', () => {
    // Frames 0-2 of the reference written as PDB models and XYZ frames (8.3f / 10.5f in Angstrom).
    const frames = ref.frames.slice(0, 3);
    const pdb = frames.map((f: { positions_nm: number[][] }, m: number) => [`MODEL     ${m + 1}`,
      ...f.positions_nm.map((p, i) => {
        const a = ref.atoms[i];
        const name = a.pdb_name.length >= 4 ? a.pdb_name : ` ${a.pdb_name}`.padEnd(4);
        return `ATOM  ${String(i + 1).padStart(5)} ${name} ${a.residue.padEnd(3)} A${String(a.residue_index + 1).padStart(4)}    ${p.map((v) => (v * 10).toFixed(3).padStart(8)).join('')}  1.00  0.00          ${a.element.padStart(2)}`;
      }), 'ENDMDL'].join('\n')).join('\n') + '\nEND\n';
    writeFileSync(join(dir, 'three.pdb'), pdb);
    const xyz = frames.map((f: { positions_nm: number[][] }) => `22\nframe\n${f.positions_nm.map((p, i) => `${ref.atoms[i].element} ${p.map((v) => (v * 10).toFixed(5)).join(' ')}`).join('\n')}`).join('\n') + '\n';
    writeFileSync(join(dir, 'three.xyz'), xyz);
    const positions = Float64Array.from(frames.flatMap((f: { positions_nm: number[][] }) => f.positions_nm.flat()));
    writeFileSync(join(dir, 'three.dcd'), encodeDcd({ nAtoms: 22, nFrames: 3, positions, cells: null }));
    // Rounding moves each coordinate by at most half the last digit (delta = 5e-5 nm in PDB 8.3f,
    // 5e-7 nm in XYZ 10.5f, float32 rounding of < 10 A = 6e-7 A = 6e-8 nm in DCD). First order: at most delta sum_k |F_k|. Second order: at most
    // 0.5 delta^2 x 66 coordinates x the stiffest curvature (bond, 2 x 340 kcal/mol/A^2 = 2.9e5
    // kJ/mol/nm^2) x 2 bonds per coordinate. Bookkeeping, not a fudge; a unit or order error is far larger.
    const bound = (f: { forces: number[][] }, delta: number) => delta * f.forces.flat().reduce((s, v) => s + Math.abs(v), 0) + 0.5 * delta * delta * 66 * 2.9e5 * 2 + 1e-6;
    for (const [file, delta] of [['three.pdb', 5e-5], ['three.xyz', 5e-7], ['three.dcd', 6e-8]] as const) {
      const r = liftwell(['energy', '--top', join(ala2, 'ala2.prmtop'), '--coords', join(dir, file), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.frames).toHaveLength(3);
      out.frames.forEach((f: { energy: { total: number } }, k: number) => expect(Math.abs(f.energy.total - frames[k].potential_energy)).toBeLessThan(bound(frames[k], delta)));
    }
  });

  it('bad input exits 2 and names the file and problem', () => {
    const broken = readFileSync(join(ala2, 'ala2.prmtop'), 'utf8').replace('%FLAG BONDS_INC_HYDROGEN', '%FLAG BONDS_INC_HYDROGEM');
    writeFileSync(join(dir, 'broken.prmtop'), broken);
    let r = liftwell(['energy', '--top', join(dir, 'broken.prmtop'), '--coords', join(ala2, 'ala2.inpcrd'), '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken.prmtop: missing section %FLAG BONDS_INC_HYDROGEN');
    r = liftwell(['energy', '--top', join(fixtures, 'gly2.prmtop'), '--coords', join(ala2, 'ala2.inpcrd'), '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ala2.inpcrd: has 22 atoms, the topology has 19');
    r = liftwell(['energy', '--top', join(dir, 'nothere.prmtop'), '--coords', join(ala2, 'ala2.inpcrd')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothere.prmtop: cannot read: ENOENT');
    r = liftwell(['energy', '--top', join(ala2, 'ala2.prmtop'), '--coords', join(dir, 'x.mol2')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unsupported extension');
  });
});
