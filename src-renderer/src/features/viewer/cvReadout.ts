/**
 * The CV read-out of the viewer: the values of a run's CVs (phi, psi, any defined distance, angle,
 * dihedral or linear combination) for the frame on screen, computed from the positions drawn.
 * Definitions are the strings runs store (`phi=dihedral(5,7,9,15)`, 1-based atoms, as the CLI and
 * PLUMED write them; `torsion` = `dihedral`; `s=0.5*distance(1,2)-angle(3,4,5)`). rmsd(...) needs
 * the run's reference structure, which the viewer does not have: it is listed without a value.
 * The values equal the engine's (test/renderer/viewer-cv-readout.test.ts checks them against
 * engine/molecules/cv on the same frames); dihedrals use geometry.ts's IUPAC sign convention.
 */
import { angle, dihedral, distance } from './geometry';

type TermKind = 'distance' | 'angle' | 'dihedral';

interface CvTerm {
  coefficient: number;
  kind: TermKind;
  /** 0-based */
  atoms: number[];
}

export interface CvReadoutDef {
  name: string;
  /** null: the CV is shown by name only, with `reason`. */
  terms: CvTerm[] | null;
  reason?: string;
  /** 'rad' (angles, dihedrals), 'nm' (distances) or 'mixed' (a combination of both). */
  units: 'rad' | 'nm' | 'mixed';
  /** A single dihedral: periodic on (-180, 180] degrees. */
  periodic: boolean;
}

export interface CvReading {
  name: string;
  /** rad or nm as the engine reports (null when it cannot be computed here). */
  value: number | null;
  /** "-63.4°", "0.2871 nm", "1.234" (mixed), "—" */
  text: string;
  units: CvReadoutDef['units'];
}

const ARITY: Record<string, number> = { distance: 2, angle: 3, dihedral: 4, torsion: 4 };
const TERM_RE = /^\s*([+-]?)\s*(?:((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*\*\s*)?([A-Za-z]+)\s*\(([^()]*)\)\s*/;

/** Reads one stored CV definition; a definition it cannot evaluate keeps its name and a reason. */
export function parseCvReadout(text: string, nAtoms: number): CvReadoutDef {
  const eq = text.indexOf('=');
  const name = eq > 0 ? text.slice(0, eq).trim() : text.trim();
  const fail = (reason: string): CvReadoutDef => ({ name, terms: null, reason, units: 'mixed', periodic: false });
  if (eq < 0) return fail('not NAME=KIND(ATOMS)');
  let rest = text.slice(eq + 1);
  const terms: CvTerm[] = [];
  while (rest.trim() !== '') {
    const m = TERM_RE.exec(rest);
    if (!m) return fail(`cannot read "${rest.trim()}"`);
    const [whole, sign, coef, kindText, args] = m;
    const kind = kindText.toLowerCase();
    if (kind === 'rmsd') return fail('rmsd needs the run’s reference structure');
    const arity = ARITY[kind];
    if (arity === undefined) return fail(`unknown CV kind "${kindText}"`);
    const atoms = args.split(',').map((a) => Number(a.trim()) - 1);
    if (atoms.length !== arity || atoms.some((a) => !Number.isInteger(a) || a < 0 || a >= nAtoms)) return fail(`${kind} needs ${arity} atoms of 1..${nAtoms}`);
    terms.push({ coefficient: (sign === '-' ? -1 : 1) * (coef === undefined ? 1 : Number(coef)), kind: kind === 'torsion' ? 'dihedral' : (kind as TermKind), atoms });
    rest = rest.slice(whole.length);
  }
  if (terms.length === 0) return fail('nothing after "="');
  const unitSet = new Set(terms.map((t) => (t.kind === 'distance' ? 'nm' : 'rad')));
  const units = unitSet.size === 1 ? ([...unitSet][0] as 'rad' | 'nm') : 'mixed';
  // As the engine: one plain dihedral is periodic; a combination is not.
  const periodic = terms.length === 1 && terms[0].coefficient === 1 && terms[0].kind === 'dihedral';
  return { name, terms, units, periodic };
}

const RAD = Math.PI / 180;

function termValue(t: CvTerm, p: ArrayLike<number>): number {
  const [i, j, k, l] = t.atoms;
  if (t.kind === 'distance') return distance(p, i, j);
  if (t.kind === 'angle') return angle(p, i, j, k) * RAD;
  return dihedral(p, i, j, k, l) * RAD;
}

/** The CV's value (rad or nm, as the engine's) at positions (nm, atoms x 3); null when not computable here. */
export function cvValue(def: CvReadoutDef, positions: ArrayLike<number>): number | null {
  if (!def.terms) return null;
  let v = 0;
  for (const t of def.terms) v += t.coefficient * termValue(t, positions);
  return v;
}

/** Degrees for angles and dihedrals (shown as the app shows angles), nm for distances. */
export function formatCvValue(def: CvReadoutDef, value: number | null): string {
  if (value === null) return '—';
  if (def.units === 'rad') return `${(value / RAD).toFixed(1)}°`;
  if (def.units === 'nm') return `${value.toFixed(4)} nm`;
  return value.toFixed(4);
}

/** Every CV's reading at one frame. */
export function readCvs(defs: readonly CvReadoutDef[], positions: ArrayLike<number>): CvReading[] {
  return defs.map((d) => {
    const value = cvValue(d, positions);
    return { name: d.name, value, text: formatCvValue(d, value), units: d.units };
  });
}
