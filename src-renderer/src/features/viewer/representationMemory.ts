/**
 * The viewer's representation, remembered per project (a project opened again shows its molecules
 * as they were last drawn). Kept in the browser's storage under one key, a map from project path
 * to representation; a storage that throws (private mode, quota) or holds junk just forgets.
 */
import { parseAtomStyle, type AtomStyle } from './elements';

export const REPRESENTATION_KEY = 'liftwell.viewer.representation';

/** The subset of Web Storage used here (tests pass a Map-backed one). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function defaultStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function readMap(storage: KeyValueStorage): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(REPRESENTATION_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The representation last chosen in this project, or null (no project, nothing stored, unknown name). */
export function rememberedRepresentation(project: string | null | undefined, storage: KeyValueStorage | null = defaultStorage()): AtomStyle | null {
  if (!project || !storage) return null;
  return parseAtomStyle(readMap(storage)[project]);
}

/** Stores the representation chosen in a project (a no-op without a project or storage). */
export function rememberRepresentation(project: string | null | undefined, style: AtomStyle, storage: KeyValueStorage | null = defaultStorage()): void {
  if (!project || !storage) return;
  try {
    const map = readMap(storage);
    map[project] = style;
    storage.setItem(REPRESENTATION_KEY, JSON.stringify(map));
  } catch {
    // Storage full or refused: the choice holds for this session only.
  }
}
