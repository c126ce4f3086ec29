/**
 * Per-element display data: Jmol (CPK-derived) colours, van der Waals radii and covalent radii.
 * Radii are in nm, the unit of the frames the viewer draws.
 *
 * Sources: colours from Jmol's element table (jmol.sourceforge.net/jscolors); van der Waals radii
 * from Bondi (J. Phys. Chem. 68, 441, 1964), Mantina et al. (J. Phys. Chem. A 113, 5806, 2009) for
 * Be/B/Ca and 0.20 nm for transition metals Bondi does not list; covalent radii from Cordero et al.
 * (Dalton Trans. 2832, 2008; sp3 carbon, low-spin Mn/Fe/Co).
 */

export interface ElementInfo {
  symbol: string;
  /** 0xRRGGBB */
  color: number;
  /** van der Waals radius, nm */
  vdw: number;
  /** covalent radius, nm */
  covalent: number;
}

// symbol, colour, vdW (Å), covalent (Å)
const TABLE: [string, number, number, number][] = [
  ['H', 0xffffff, 1.2, 0.31],
  ['He', 0xd9ffff, 1.4, 0.28],
  ['Li', 0xcc80ff, 1.82, 1.28],
  ['Be', 0xc2ff00, 1.53, 0.96],
  ['B', 0xffb5b5, 1.92, 0.84],
  ['C', 0x909090, 1.7, 0.76],
  ['N', 0x3050f8, 1.55, 0.71],
  ['O', 0xff0d0d, 1.52, 0.66],
  ['F', 0x90e050, 1.47, 0.57],
  ['Ne', 0xb3e3f5, 1.54, 0.58],
  ['Na', 0xab5cf2, 2.27, 1.66],
  ['Mg', 0x8aff00, 1.73, 1.41],
  ['Al', 0xbfa6a6, 1.84, 1.21],
  ['Si', 0xf0c8a0, 2.1, 1.11],
  ['P', 0xff8000, 1.8, 1.07],
  ['S', 0xffff30, 1.8, 1.05],
  ['Cl', 0x1ff01f, 1.75, 1.02],
  ['Ar', 0x80d1e3, 1.88, 1.06],
  ['K', 0x8f40d4, 2.75, 2.03],
  ['Ca', 0x3dff00, 2.31, 1.76],
  ['Mn', 0x9c7ac7, 2.0, 1.39],
  ['Fe', 0xe06633, 2.0, 1.32],
  ['Co', 0xf090a0, 2.0, 1.26],
  ['Ni', 0x50d050, 1.63, 1.24],
  ['Cu', 0xc88033, 1.4, 1.32],
  ['Zn', 0x7d80b0, 1.39, 1.22],
  ['Se', 0xffa100, 1.9, 1.2],
  ['Br', 0xa62929, 1.85, 1.2],
  ['I', 0x940094, 1.98, 1.39],
];

/** Drawn for symbols not in the table (Jmol's colour for unknown elements is a pink). */
export const UNKNOWN_ELEMENT: ElementInfo = { symbol: 'X', color: 0xff1493, vdw: 0.2, covalent: 0.15 };

const BY_SYMBOL = new Map<string, ElementInfo>(
  TABLE.map(([symbol, color, vdw, cov]) => [symbol.toLowerCase(), { symbol, color, vdw: vdw / 10, covalent: cov / 10 }]),
);

/** Two-letter names that, written alone, mean an ion rather than e.g. an alpha carbon (CA). */
const ION_NAMES = new Set(['cl', 'br', 'na', 'mg', 'fe', 'zn', 'mn', 'cu', 'co', 'ni', 'li', 'se']);

/** Looks up an element by symbol (case-insensitive); unknown symbols get UNKNOWN_ELEMENT. */
export function elementInfo(symbol: string): ElementInfo {
  return BY_SYMBOL.get(symbol.trim().toLowerCase()) ?? UNKNOWN_ELEMENT;
}

export function isKnownElement(symbol: string): boolean {
  return BY_SYMBOL.has(symbol.trim().toLowerCase());
}

/**
 * The element of an atom: its `element` field when that is a known symbol, else a guess from the
 * atom name as PDB readers do (leading digits dropped, "1HB2" -> H; "CA" -> C but "CL"/"ZN" alone
 * -> Cl/Zn).
 */
export function resolveElement(element: string | undefined, atomName: string): ElementInfo {
  if (element && isKnownElement(element)) return elementInfo(element);
  const letters = atomName.replace(/[^A-Za-z]/g, '').toLowerCase();
  if (letters.length === 0) return UNKNOWN_ELEMENT;
  if (letters.length === 2 && ION_NAMES.has(letters)) return BY_SYMBOL.get(letters)!;
  return BY_SYMBOL.get(letters[0]) ?? UNKNOWN_ELEMENT;
}

/**
 * Representations: ball-and-stick (small balls, thin sticks), licorice (sticks and atoms of one
 * radius, so joints are round), spheres (van der Waals spheres, no bonds).
 */
export const ATOM_STYLES = ['ball-and-stick', 'licorice', 'spheres'] as const;
export type AtomStyle = (typeof ATOM_STYLES)[number];

export const STYLE_LABELS: Record<AtomStyle, string> = {
  'ball-and-stick': 'Ball and stick',
  licorice: 'Licorice',
  spheres: 'Spheres (van der Waals)',
};

/** A stored representation name (older names included) as a style; null when unknown. */
export function parseAtomStyle(name: unknown): AtomStyle | null {
  if (name === 'sticks') return 'licorice';
  if (name === 'spacefill') return 'spheres';
  return (ATOM_STYLES as readonly unknown[]).includes(name) ? (name as AtomStyle) : null;
}

/** Stick radius (nm) for ball-and-stick: Jmol's default 0.15 Å bond radius. */
export const BOND_RADIUS = 0.015;
/** Licorice radius (nm) of sticks and atoms alike: VMD's default licorice bond radius, 0.3 Å. */
export const LICORICE_RADIUS = 0.03;

/** Drawn sphere radius (nm) of an element in a style. */
export function atomRadius(info: ElementInfo, style: AtomStyle): number {
  if (style === 'spheres') return info.vdw;
  if (style === 'licorice') return LICORICE_RADIUS;
  // Ball-and-stick: a quarter of the van der Waals radius, so bonds stay visible between balls.
  return info.vdw * 0.25;
}

/** Cylinder radius (nm) of the bonds in a style (0 when the style draws none). */
export function bondRadius(style: AtomStyle): number {
  if (style === 'spheres') return 0;
  return style === 'licorice' ? LICORICE_RADIUS : BOND_RADIUS;
}

export function showsBonds(style: AtomStyle): boolean {
  return style !== 'spheres';
}
