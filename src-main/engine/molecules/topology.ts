/**
 * A molecular topology: who the atoms are and how they are bonded. Shared by the force field,
 * the coordinate codecs, CVs and the viewer. Indices are 0-based throughout the engine.
 */
export interface MolecularTopology {
  readonly nAtoms: number;
  /** Atom names as in the source file (e.g. 'CA', 'HH31'), trimmed. */
  readonly atomNames: readonly string[];
  /** Element symbols ('C', 'H', ...); '' where unknown. */
  readonly elements: readonly string[];
  /** Atomic numbers (0 where unknown). */
  readonly atomicNumbers: Int32Array;
  /** Masses in amu (g/mol). */
  readonly masses: Float64Array;
  /** Partial charges in units of the elementary charge. */
  readonly charges: Float64Array;
  /** Residue index of every atom (0-based, into residueNames). */
  readonly residueOfAtom: Int32Array;
  /** Residue names ('ACE', 'ALA', ...), one per residue. */
  readonly residueNames: readonly string[];
  /** Covalent bonds as atom pairs: [i0, j0, i1, j1, ...]. */
  readonly bonds: Int32Array;
}

const SYMBOLS = ['', 'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar', 'K', 'Ca',
  'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr', 'Rb', 'Sr', 'Y', 'Zr', 'Nb', 'Mo',
  'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe'];
/** Standard atomic weights (amu) for Z = 1..54, index = Z. */
const WEIGHTS = [0, 1.008, 4.0026, 6.94, 9.0122, 10.81, 12.011, 14.007, 15.999, 18.998, 20.18, 22.99, 24.305, 26.982, 28.085,
  30.974, 32.06, 35.45, 39.948, 39.098, 40.078, 44.956, 47.867, 50.942, 51.996, 54.938, 55.845, 58.933, 58.693, 63.546, 65.38,
  69.723, 72.63, 74.922, 78.971, 79.904, 83.798, 85.468, 87.62, 88.906, 91.224, 92.906, 95.95, 98, 101.07, 102.91, 106.42,
  107.87, 112.41, 114.82, 118.71, 121.76, 127.6, 126.9, 131.29];

/** Element symbol of atomic number z ('' if unknown or out of the table). */
export function elementSymbol(z: number): string {
  return SYMBOLS[z] ?? '';
}

/** Atomic number of an element symbol (case-insensitive), 0 if unknown. */
export function atomicNumberOf(symbol: string): number {
  const s = symbol.trim().toLowerCase();
  const z = SYMBOLS.findIndex((e) => e.toLowerCase() === s);
  return z > 0 ? z : 0;
}

/**
 * Atomic number guessed from a mass (amu): the element whose standard weight is nearest, within
 * 0.6 amu (hydrogen-mass repartitioned files put 3 amu on H; those are recognised as H, heavy
 * atoms that lost 2 amu are matched by nearest weight). 0 if nothing is close.
 */
export function atomicNumberFromMass(mass: number): number {
  if (mass > 0.5 && mass < 3.5) return 1;
  let best = 0;
  let bestDiff = 0.6;
  for (let z = 1; z < WEIGHTS.length; z++) {
    const d = Math.abs(WEIGHTS[z] - mass);
    if (d < bestDiff) {
      best = z;
      bestDiff = d;
    }
  }
  return best;
}
