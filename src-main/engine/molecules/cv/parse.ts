/**
 * CV definition strings, as the CLI and scripts write them:
 *   phi=dihedral(5,7,9,15)        psi=torsion(7,9,15,17)      d=distance(1,22)     a=angle(5,7,9)
 *   r=rmsd(1-22)   or   r=rmsd(5,7,9,15-17)      (RMSD to the reference structure after fitting)
 *   s=0.5*distance(1,2)-0.5*distance(3,4)+dihedral(5,7,9,15)      (linear combinations)
 * Atom numbers are 1-BASED as in PDB files and PLUMED; the specs produced are 0-based.
 */
import { EngineInputError } from '../../errors';
import { createAtomicCv, type AtomicCv, type AtomicCvSpec } from './atomic';

export interface CvParseContext {
  nAtoms: number;
  /** Full reference structure (nAtoms*3, nm) for rmsd(...); rmsd is an error without it. */
  reference?: Float64Array;
}

const ARITY: Record<string, number> = { distance: 2, angle: 3, dihedral: 4, torsion: 4 };
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const TERM_RE = /^\s*([+-]?)\s*(?:((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*\*\s*)?([A-Za-z]+)\s*\(([^()]*)\)\s*/;

/** Parses "NAME=expression" into a name and a 0-based spec; errors name the definition. */
export function parseCvDefinition(text: string, context: CvParseContext): { name: string; spec: AtomicCvSpec } {
  const bad = (problem: string): never => {
    throw new EngineInputError(`cv "${text}": ${problem}`);
  };
  const eq = text.indexOf('=');
  if (eq < 0) bad('expected NAME=KIND(ATOMS), e.g. phi=dihedral(5,7,9,15)');
  const name = text.slice(0, eq).trim();
  if (!NAME_RE.test(name)) bad(`"${name}" is not a valid name (letters, digits, '_' and '.', starting with a letter or '_')`);
  let rest = text.slice(eq + 1);
  const terms: { coefficient: number; cv: AtomicCvSpec }[] = [];
  while (rest.trim() !== '') {
    const m = TERM_RE.exec(rest);
    if (!m) bad(`cannot read "${rest.trim()}": expected [COEFFICIENT*]KIND(ATOMS) with KIND one of distance, angle, dihedral, torsion, rmsd`);
    const [whole, sign, coef, kindText, args] = m!;
    if (terms.length > 0 && sign === '') bad(`expected '+' or '-' before "${rest.trim()}"`);
    const kind = kindText.toLowerCase();
    const atoms = parseAtomList(args, kind === 'rmsd', context.nAtoms, bad);
    let cv: AtomicCvSpec;
    if (kind === 'rmsd') {
      if (!context.reference) bad('rmsd needs a reference structure');
      const ref = context.reference!;
      const reference = new Float64Array(atoms.length * 3);
      atoms.forEach((a, k) => reference.set(ref.subarray(3 * a, 3 * a + 3), 3 * k));
      if (new Set(atoms).size !== atoms.length) bad('rmsd lists an atom twice');
      cv = { kind: 'rmsd', atoms, reference: Array.from(reference) };
    } else {
      const arity = ARITY[kind];
      if (arity === undefined) bad(`unknown CV kind "${kindText}" (distance, angle, dihedral, torsion, rmsd)`);
      if (atoms.length !== arity) bad(`${kind} needs ${arity} atoms, got ${atoms.length}`);
      if (new Set(atoms).size !== atoms.length) bad(`${kind} atoms must be distinct`);
      cv = kind === 'distance' ? { kind, atoms: [atoms[0], atoms[1]] }
        : kind === 'angle' ? { kind, atoms: [atoms[0], atoms[1], atoms[2]] }
          : { kind: 'dihedral', atoms: [atoms[0], atoms[1], atoms[2], atoms[3]] };
    }
    const coefficient = (sign === '-' ? -1 : 1) * (coef === undefined ? 1 : Number(coef));
    terms.push({ coefficient, cv });
    rest = rest.slice(whole.length);
  }
  if (terms.length === 0) bad('nothing after "="');
  const spec: AtomicCvSpec = terms.length === 1 && terms[0].coefficient === 1 ? terms[0].cv : { kind: 'combination', terms };
  return { name, spec };
}

/** "5,7,9" or "1-22" or "1,3-5" (1-based) -> 0-based indices, each checked against nAtoms. */
function parseAtomList(args: string, allowRanges: boolean, nAtoms: number, bad: (p: string) => never): number[] {
  const out: number[] = [];
  const check = (n: number) => {
    if (n < 1 || n > nAtoms) bad(`atom ${n} does not exist (molecule has ${nAtoms} atoms)`);
    return n - 1;
  };
  for (const raw of args.split(',')) {
    const t = raw.trim();
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(t);
    if (range && allowRanges) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a) bad(`range ${t} is empty`);
      check(a);
      check(b);
      for (let n = a; n <= b; n++) out.push(n - 1);
    } else if (/^\d+$/.test(t)) {
      out.push(check(Number(t)));
    } else {
      bad(`"${t}" is not an atom number (1-based integers${allowRanges ? ' or ranges like 1-22' : ''})`);
    }
  }
  return out;
}

/** parseCvDefinition + createAtomicCv. */
export function parseAtomicCv(text: string, context: CvParseContext): AtomicCv {
  const { name, spec } = parseCvDefinition(text, context);
  return createAtomicCv(name, spec, context.nAtoms);
}
