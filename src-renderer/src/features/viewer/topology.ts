/**
 * Turns the viewer's atom list (+ bonds) into what the scene draws: per-atom colours and radii for
 * a style, a flat bond array, and the labels shown on picking.
 */
import { SOURCE_COLORS, type ColorBy, type StructureSource } from './sourcePalette';
import { atomRadius, bondRadius, resolveElement, showsBonds, type AtomStyle, type ElementInfo } from './elements';

export interface ViewerAtom {
  name: string;
  element: string;
  residue?: string;
  resid?: number;
}

export interface DrawTopology {
  elements: ElementInfo[];
  colors: Uint32Array;
  radii: Float32Array;
  bonds: Uint32Array;
  bondRadius: number;
  showBonds: boolean;
}

/**
 * What the scene draws for a representation. Colours are the elements' (Jmol), or with
 * colorBy 'source' one colour for every atom: the palette colour of `source`.
 */
export function buildTopology(
  atoms: readonly ViewerAtom[],
  bonds: readonly (readonly [number, number])[],
  style: AtomStyle,
  colorBy: ColorBy = 'element',
  source: StructureSource = 'simulated',
): DrawTopology {
  const elements = atoms.map((a) => resolveElement(a.element, a.name));
  const colors = new Uint32Array(atoms.length);
  const radii = new Float32Array(atoms.length);
  for (let i = 0; i < atoms.length; i++) {
    colors[i] = colorBy === 'source' ? SOURCE_COLORS[source] : elements[i].color;
    radii[i] = atomRadius(elements[i], style);
  }
  const flat = new Uint32Array(bonds.length * 2);
  for (let b = 0; b < bonds.length; b++) {
    flat[2 * b] = bonds[b][0];
    flat[2 * b + 1] = bonds[b][1];
  }
  return { elements, colors, radii, bonds: flat, bondRadius: bondRadius(style), showBonds: showsBonds(style) };
}

/** Atoms used for alignment when none are given: the heavy atoms, or all if there are none. */
export function defaultFitAtoms(atoms: readonly ViewerAtom[]): number[] {
  const heavy: number[] = [];
  for (let i = 0; i < atoms.length; i++) if (resolveElement(atoms[i].element, atoms[i].name).symbol !== 'H') heavy.push(i);
  return heavy.length >= 3 ? heavy : atoms.map((_, i) => i);
}

/** "CA 9 (C) · ALA 2": name, 1-based index as in PDB files, element, residue. */
export function atomLabel(atoms: readonly ViewerAtom[], i: number): string {
  const a = atoms[i];
  if (!a) return `atom ${i + 1}`;
  const el = resolveElement(a.element, a.name).symbol;
  const res = a.residue ? ` · ${a.residue}${a.resid !== undefined ? ` ${a.resid}` : ''}` : a.resid !== undefined ? ` · residue ${a.resid}` : '';
  return `${a.name} ${i + 1} (${el})${res}`;
}
