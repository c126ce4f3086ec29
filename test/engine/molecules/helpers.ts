/** Shared loading of the molecule fixtures (read with fs in tests only; the engine sees text). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrmtop } from '../../../src-main/engine/molecules/amber/prmtop';

export const repo = join(import.meta.dirname, '../../..');
export const fixtures = join(repo, 'test/fixtures/molecules');
export const ala2Dir = join(repo, 'resources/molecules/alanine-dipeptide');

export const readText = (path: string) => readFileSync(path, 'utf8');
export const readJson = <T = any>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export const ala2Prmtop = () => parsePrmtop(readText(join(ala2Dir, 'ala2.prmtop')), 'ala2.prmtop');
export const gly2Prmtop = () => parsePrmtop(readText(join(fixtures, 'gly2.prmtop')), 'gly2.prmtop');

/** OpenMM force class -> our term name. */
export const OPENMM_TERMS = { bond: 'HarmonicBondForce', angle: 'HarmonicAngleForce', torsion: 'PeriodicTorsionForce', nonbonded: 'NonbondedForce' } as const;

export const flat = (rows: number[][]) => Float64Array.from(rows.flat());
