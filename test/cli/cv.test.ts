/** `liftwell cv` through the real bin script: values against MDTraj, exit codes and messages for bad input. */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../..');
const bin = join(repo, 'bin/liftwell.mjs');
const fx = join(repo, 'test/fixtures/molecules/formats');
const ala2 = join(repo, 'resources/molecules/alanine-dipeptide');
const ref = JSON.parse(readFileSync(join(fx, 'ala2_mdtraj_reference.json'), 'utf8'));

function liftwell(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const wrap = (d: number) => Math.abs(d - 2 * Math.PI * Math.round(d / (2 * Math.PI)));

describe('liftwell cv', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liftwell-cv-'));
  });

  it('phi, psi and a distance along a DCD agree with MDTraj', () => {
    const { code, stdout, stderr } = liftwell(['cv', '--top', join(fx, 'ala2.pdb'), '--traj', join(fx, 'ala2_mdtraj.dcd'),
      '--cv', 'phi=dihedral(5,7,9,15)', '--cv', 'psi=torsion(7,9,15,17)', '--cv', 'd=distance(1,22)', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.names).toEqual(['phi', 'psi', 'd']);
    expect(out.values).toHaveLength(30);
    expect(out.units).toEqual(['rad', 'rad', 'nm']);
    expect(out.periodic[0][0]).toBeCloseTo(-Math.PI, 12);
    expect(out.periodic[2]).toBeNull();
    // MDTraj computes in float32 (see test/engine/molecules/cv.test.ts): 1e-5 rad, 1e-6 nm.
    out.values.forEach((row: number[], f: number) => {
      expect(wrap(row[0] - ref.phi[f][0])).toBeLessThan(1e-5);
      expect(wrap(row[1] - ref.psi[f][0])).toBeLessThan(1e-5);
      expect(Math.abs(row[2] - ref.distances[f][0])).toBeLessThan(1e-6);
    });
  });

  it('reads a prmtop topology with inpcrd, PDB and XYZ coordinates', () => {
    const phiOf = (traj: string) => {
      const r = liftwell(['cv', '--top', join(ala2, 'ala2.prmtop'), '--traj', traj, '--cv', 'phi=dihedral(5,7,9,15)', '--json']);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout).values as number[][];
    };
    // The extended start structure has phi = 180 degrees (the 3-decimal Angstrom coordinates make it ~1e-3 off at most).
    expect(wrap(phiOf(join(ala2, 'ala2.inpcrd'))[0][0] - Math.PI)).toBeLessThan(1e-3);
    const fromPdb = phiOf(join(fx, 'ala2_mdtraj.pdb'));
    const fromXyz = phiOf(join(fx, 'ala2_mdtraj.xyz'));
    expect(fromPdb).toHaveLength(5);
    // Same 3-decimal Angstrom coordinates in both files (5e-5 nm rounding moves phi by < 1e-3 rad).
    fromPdb.forEach((row, f) => {
      expect(Math.abs(row[0] - fromXyz[f][0])).toBeLessThan(1e-12);
      expect(wrap(row[0] - ref.phi[f][0])).toBeLessThan(2e-3);
    });
  });

  it('RMSD to the first frame is 0 there, and --stride picks frames', () => {
    const r = liftwell(['cv', '--top', join(fx, 'ala2.pdb'), '--traj', join(fx, 'ala2_mdtraj.dcd'), '--cv', 'r=rmsd(1-22)', '--stride', '7', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.frames).toEqual([0, 7, 14, 21, 28]);
    expect(out.values[0][0]).toBeLessThan(1e-12);
    expect(out.values[1][0]).toBeGreaterThan(0.01);
  });

  it('bad input exits 2 with a message naming the problem, file and position', () => {
    const top = join(fx, 'ala2.pdb');
    const dcd = join(fx, 'ala2_mdtraj.dcd');
    let r = liftwell(['cv', '--top', top, '--traj', dcd, '--cv', 'phi=dihedral(5,7,9,23)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('atom 23 does not exist (molecule has 22 atoms)');

    const truncated = join(dir, 'cut.dcd');
    const bytes = readFileSync(dcd);
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 10));
    r = liftwell(['cv', '--top', top, '--traj', truncated, '--cv', 'phi=dihedral(5,7,9,15)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut\.dcd: byte \d+ \(frame 30\): truncated/);

    const badPdb = join(dir, 'bad.pdb');
    writeFileSync(badPdb, readFileSync(top, 'utf8').replace('  2.090', '  2.0x0'));
    r = liftwell(['cv', '--top', top, '--traj', badPdb, '--cv', 'phi=dihedral(5,7,9,15)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.pdb:3: y in columns 39-46 is not a number/);

    const small = join(dir, 'small.xyz');
    writeFileSync(small, '2\n\nC 0 0 0\nO 1 0 0\n');
    r = liftwell(['cv', '--top', top, '--traj', small, '--cv', 'd=distance(1,2)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('small.xyz: has 2 atoms, the topology ala2.pdb has 22');

    r = liftwell(['cv', '--top', top, '--traj', join(dir, 'missing.dcd'), '--cv', 'd=distance(1,2)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.dcd: cannot read: file not found');

    r = liftwell(['cv', '--top', top, '--traj', dcd]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cv is required');
  });

  it('is listed in the help', () => {
    expect(liftwell(['--help']).stdout).toContain('cv ');
    expect(liftwell(['cv', '--help']).stdout).toContain('1-based');
  });
});
