/**
 * Molecules in the renderer: the calls of the molecule API, base64 <-> typed arrays, angle
 * helpers for periodic dihedral CVs, Ramachandran basin names and the
 * nearest trajectory frame to a point of the surface (the surface itself: fesGrid.ts).
 */
import { DEG_PER_RAD } from '../../shared/angles';

// ------------------------------------------------------------------ bytes

/** Base64 of a little-endian Float32Array (the server's encoding of positions), as a Float32Array. */
export function decodeFloat32(base64: string): Float32Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (bytes.length % 4 !== 0) throw new Error(`positions: ${bytes.length} bytes is not a whole number of float32 values`);
  return new Float32Array(bytes.buffer, 0, bytes.length / 4);
}

/** Base64 of arbitrary bytes, in chunks (String.fromCharCode on a whole file overflows the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(out);
}

/** The import size limit of the API (64 MiB), checked before reading a file. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export async function fileToBase64(file: File): Promise<{ fileName: string; base64: string }> {
  if (file.size > MAX_IMPORT_BYTES) throw new Error(`${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; the limit is 64 MiB`);
  const buf = new Uint8Array(await file.arrayBuffer());
  return { fileName: file.name, base64: bytesToBase64(buf) };
}

// ------------------------------------------------------------------ angles


/** Degrees wrapped to [-180, 180). */
export function wrapDegrees(d: number): number {
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

/** Shortest periodic difference in degrees. */
export function periodicDeltaDegrees(a: number, b: number): number {
  return wrapDegrees(a - b);
}

/** A CV definition "NAME=kind(args)": its name and whether it is a (periodic) dihedral. */
export function parseCvDefinition(def: string): { name: string; kind: string; atoms: number[] } | null {
  const m = /^\s*([A-Za-z_][\w.-]*)\s*=\s*([a-z]+)\s*\(([^)]*)\)\s*$/.exec(def);
  if (!m) return null;
  const atoms = m[3].split(',').map((s) => Number(s.trim()));
  if (atoms.some((a) => !Number.isInteger(a) || a < 1)) return null;
  return { name: m[1], kind: m[2], atoms };
}

/** Atoms each CV kind takes, as the backend's parser wants them. */
const CV_ARITY: Record<string, number> = { distance: 2, angle: 3, dihedral: 4 };

/** Why a CV definition is not acceptable (null when it is), checked against the atom count. */
export function cvDefinitionError(def: string, atomCount: number): string | null {
  const p = parseCvDefinition(def);
  if (!p) return 'write NAME=dihedral(i,j,k,l), angle(i,j,k) or distance(i,j) with 1-based atom numbers';
  const n = CV_ARITY[p.kind];
  if (n === undefined) return `unknown CV kind "${p.kind}" (distance, angle, dihedral)`;
  if (p.atoms.length !== n) return `${p.kind} takes ${n} atoms, got ${p.atoms.length}`;
  const bad = p.atoms.find((a) => a > atomCount);
  if (bad !== undefined) return `atom ${bad} does not exist (the molecule has ${atomCount})`;
  if (new Set(p.atoms).size !== p.atoms.length) return 'the atoms must be different';
  return null;
}

// ------------------------------------------------------------------ Ramachandran basins

/**
 * Conformer names of alanine dipeptide in vacuum, at the minima of the ff99SB Ramachandran
 * surface (degrees), the names the server gives its basins. Used for the minima the renderer finds
 * itself (live preview); a minimum within NAME_RADIUS of one of these gets its name.
 */
export const RAMACHANDRAN_BASINS: { label: string; phi: number; psi: number }[] = [
  { label: 'C7eq', phi: -83, psi: 74 },
  { label: 'C5', phi: -155, psi: 160 },
  { label: 'C7ax', phi: 73, psi: -60 },
  { label: 'alphaR', phi: -65, psi: -40 },
  { label: 'alphaL', phi: 60, psi: 40 },
];
const NAME_RADIUS = 45;

/** The conformer name of a (phi, psi) point in degrees, or null when none is near. */
export function basinLabel(phi: number, psi: number): string | null {
  let best: string | null = null;
  let bestD = NAME_RADIUS;
  for (const b of RAMACHANDRAN_BASINS) {
    const d = Math.hypot(periodicDeltaDegrees(phi, b.phi), periodicDeltaDegrees(psi, b.psi));
    if (d < bestD) {
      bestD = d;
      best = b.label;
    }
  }
  return best;
}

// ------------------------------------------------------------------ trajectory lookups

/**
 * The row of `values` (rows x 2, display units) nearest to (a, b); periodic axes use the
 * shortest angular difference, other axes are scaled by their spread so both count alike.
 */
export function nearestRow(values: number[][], a: number, b: number, periodic: [boolean, boolean]): number {
  if (values.length === 0) return -1;
  const spread = [0, 1].map((k) => {
    if (periodic[k]) return 1;
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of values) {
      lo = Math.min(lo, r[k]);
      hi = Math.max(hi, r[k]);
    }
    return hi > lo ? (hi - lo) / 360 : 1;
  });
  let best = 0;
  let bestD = Infinity;
  for (let r = 0; r < values.length; r++) {
    const da = (periodic[0] ? periodicDeltaDegrees(values[r][0], a) : values[r][0] - a) / spread[0];
    const db = (periodic[1] ? periodicDeltaDegrees(values[r][1], b) : values[r][1] - b) / spread[1];
    const d = da * da + db * db;
    if (d < bestD) {
      bestD = d;
      best = r;
    }
  }
  return best;
}

/** Trajectory frame of CV row r when the CV series and the trajectory are sampled differently. */
export function rowToFrame(row: number, rows: number, frames: number): number {
  if (frames <= 0 || rows <= 0) return 0;
  if (rows === frames) return row;
  return Math.min(frames - 1, Math.max(0, Math.round((row * (frames - 1)) / Math.max(1, rows - 1))));
}

/** `count` frame indices spread evenly over [0, frames). */
export function evenlySpaced(frames: number, count: number): number[] {
  const n = Math.max(0, Math.min(frames, Math.floor(count)));
  if (n === 0) return [];
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, k) => Math.round((k * (frames - 1)) / (n - 1)));
}

// ------------------------------------------------------------------ umbrella windows

/**
 * Window centres from a range and a count, evenly spaced with both ends included (count 1: the
 * start). Angular CVs: the range is in degrees and the centres come back in radians; a range
 * spanning a whole turn drops its last point (-180 and 180 are one window).
 */
export function windowCenters(from: number, to: number, count: number, angular: boolean): number[] {
  if (!(count >= 1) || !Number.isFinite(from) || !Number.isFinite(to)) return [];
  const n = Math.floor(count);
  const fullTurn = angular && Math.abs(Math.abs(to - from) - 360) < 1e-9 && n > 1;
  const step = n === 1 ? 0 : (to - from) / (fullTurn ? n : n - 1);
  const out = Array.from({ length: n }, (_, i) => from + i * step);
  return angular ? out.map((d) => wrapDegrees(d) / DEG_PER_RAD) : out;
}
