// Alanine dipeptide as the molecular generative tests use it: the shipped prmtop and inpcrd, and
// its Z-matrix with phi = C(ACE)-N-CA-C and psi = N-CA-C-N(NME) as the dihedral coordinates
// (0-based; PLUMED 5,7,9,15 / 7,9,15,17).
import { readFileSync } from 'node:fs';
import { parsePrmtop } from '../../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../../src-main/engine/molecules/amber/inpcrd';
import { buildZMatrix } from '../../../src-main/engine/generative/molecular-features';

const example = new URL('../../../resources/molecules/alanine-dipeptide/', import.meta.url);
export const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', example), 'utf8'));
export const x0 = parseInpcrd(readFileSync(new URL('ala2.inpcrd', example), 'utf8')).positions;
export const top = prm.topology;
export const PHI = [4, 6, 8, 14];
export const PSI = [6, 8, 14, 16];
export const spec = buildZMatrix(top.nAtoms, top.bonds, top.atomNames, [PHI, PSI]);
