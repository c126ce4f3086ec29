/**
 * Test harness for test/e2e/viewer-smoke.mjs (not part of the app bundle): mounts MoleculeViewer on
 * a bare page with alanine dipeptide and synthetic streamed frames. `?mode=` picks the scenario:
 *   play       100 frames: psi (N-CA-C-N) turns 3.6 degrees per frame while the molecule tumbles
 *   superpose  the same frames, 50 of them superposed on frame 0 (aligned on heavy atoms)
 *   large      ~10^4 atoms (a water lattice) and 10^5 frames generated on demand
 *   pdb        the PDB at ?src= (e.g. the 10^4-atom box latency.mjs writes), 1000 frames of small
 *              deterministic jitter around its coordinates
 * The mounted component's exports are on window.__viewer.
 */
import { mount } from 'svelte';
import MoleculeViewer from './MoleculeViewer.svelte';
import type { FrameSource } from './frames';
import type { ViewerAtom } from './topology';
import ala2 from '../../../../test/fixtures/viewer/ala2.json';
import '../../app.css';

/** 0-based atoms of psi in ACE-ALA-NME: N(ALA), CA, C, N(NME). */
export const PSI = [6, 8, 14, 16];
/** Atoms that move when psi turns: everything after the CA-C bond (C, O and the NME cap). */
const PSI_SIDE = [14, 15, 16, 17, 18, 19, 20, 21];
export const DEGREES_PER_FRAME = 3.6;
const FIXED_HEAVY = [1, 4, 5, 6, 8, 10];

/** Rotates `idx` atoms of p about the axis a->b (through a) by `deg`. Rodrigues' formula. */
function rotateAbout(p: Float32Array, a: number, b: number, idx: number[], deg: number): void {
  const t = (deg * Math.PI) / 180;
  const ox = p[3 * a], oy = p[3 * a + 1], oz = p[3 * a + 2];
  let kx = p[3 * b] - ox, ky = p[3 * b + 1] - oy, kz = p[3 * b + 2] - oz;
  const kl = Math.hypot(kx, ky, kz);
  kx /= kl; ky /= kl; kz /= kl;
  const c = Math.cos(t), s = Math.sin(t);
  for (const i of idx) {
    const vx = p[3 * i] - ox, vy = p[3 * i + 1] - oy, vz = p[3 * i + 2] - oz;
    const dot = kx * vx + ky * vy + kz * vz;
    const cx = ky * vz - kz * vy, cy = kz * vx - kx * vz, cz = kx * vy - ky * vx;
    p[3 * i] = ox + vx * c + cx * s + kx * dot * (1 - c);
    p[3 * i + 1] = oy + vy * c + cy * s + ky * dot * (1 - c);
    p[3 * i + 2] = oz + vz * c + cz * s + kz * dot * (1 - c);
  }
}

function ala2Frames(count: number): FrameSource {
  const base = Float32Array.from(ala2.frames[0]);
  const all = Array.from({ length: base.length / 3 }, (_, i) => i);
  return {
    count,
    // Asynchronous on purpose, like a decoder reading a DCD in a worker.
    get: (k) =>
      new Promise((resolve) =>
        setTimeout(() => {
          const p = base.slice();
          rotateAbout(p, 8, 14, PSI_SIDE, DEGREES_PER_FRAME * k);
          // A slow tumble about an axis through CA, removed again when a reference is set.
          const tumble = new Float32Array([p[24], p[25], p[26], p[24] + 0.3, p[25] + 1, p[26] + 0.2]);
          const q = new Float32Array(p.length + 6);
          q.set(p);
          q.set(tumble, p.length);
          rotateAbout(q, all.length, all.length + 1, all, 1.5 * k);
          resolve(q.subarray(0, p.length).slice());
        }, 2),
      ),
  };
}

function waterLattice(side: number, frames: number): { atoms: ViewerAtom[]; source: FrameSource } {
  const atoms: ViewerAtom[] = [];
  const base: number[] = [];
  const a = 0.31;
  let resid = 1;
  for (let x = 0; x < side; x++)
    for (let y = 0; y < side; y++)
      for (let z = 0; z < side; z++) {
        atoms.push({ name: 'OW', element: 'O', residue: 'HOH', resid }, { name: 'HW1', element: 'H', residue: 'HOH', resid }, { name: 'HW2', element: 'H', residue: 'HOH', resid });
        resid++;
        base.push(x * a, y * a, z * a, x * a + 0.0957, y * a, z * a, x * a - 0.024, y * a + 0.0927, z * a);
      }
  const b = Float32Array.from(base);
  return {
    atoms,
    source: {
      count: frames,
      get: (k) => {
        const p = b.slice();
        for (let i = 0; i < p.length; i += 9) {
          const d = 0.02 * Math.sin(0.1 * k + i * 0.001);
          for (let j = 0; j < 9; j += 3) p[i + j] += d;
        }
        return p;
      },
    },
  };
}

/**
 * ATOM/HETATM records of a PDB file (fixed columns, PDB format v3.3: name 13-16, residue 18-20,
 * residue number 23-26, x/y/z 31-54 in Å, element 77-78) as viewer atoms and nm positions.
 * Enough for the generated test systems; the app imports molecules through the server.
 */
function readPdb(text: string): { atoms: ViewerAtom[]; positions: Float32Array } {
  const atoms: ViewerAtom[] = [];
  const xyz: number[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('ATOM') && !line.startsWith('HETATM')) continue;
    const name = line.slice(12, 16).trim();
    atoms.push({ name, element: line.slice(76, 78).trim() || name[0], residue: line.slice(17, 20).trim(), resid: Number(line.slice(22, 26)) });
    xyz.push(Number(line.slice(30, 38)) / 10, Number(line.slice(38, 46)) / 10, Number(line.slice(46, 54)) / 10);
  }
  return { atoms, positions: Float32Array.from(xyz) };
}

function jitterFrames(base: Float32Array, count: number): FrameSource {
  return {
    count,
    get: (k) => {
      const p = base.slice();
      for (let i = 0; i < p.length; i++) p[i] += 0.01 * Math.sin(0.37 * k + i * 0.61);
      return p;
    },
  };
}

const mode = new URLSearchParams(location.search).get('mode') ?? 'play';
const target = document.getElementById('app')!;
async function mountMode(): Promise<Record<string, unknown>> {
  if (mode === 'pdb') {
    const src = new URLSearchParams(location.search).get('src') ?? '';
    const { atoms, positions } = readPdb(await (await fetch(src)).text());
    return mount(MoleculeViewer, { target, props: { atoms, frames: jitterFrames(positions, 1000), height: '640px', testid: 'viewer', filename: 'pdb' } });
  }
  if (mode === 'large') {
    const { atoms, source } = waterLattice(15, 100_000);
    return mount(MoleculeViewer, { target, props: { atoms, frames: source, height: '640px', testid: 'viewer', filename: 'water-lattice' } });
  }
  const atoms = ala2.atoms as ViewerAtom[];
  const frames = ala2Frames(100);
  const superpose = mode === 'superpose' ? Array.from({ length: 50 }, (_, i) => i * 2) : null;
  return mount(MoleculeViewer, {
    target,
    props: { atoms, frames, superpose, reference: mode === 'superpose' ? 0 : null,
      // Align on the heavy atoms that psi does not move (ACE CH3, C, O; ALA N, CA, CB).
      alignOn: mode === 'superpose' ? FIXED_HEAVY : null, height: '640px', testid: 'viewer', filename: 'ala2' },
  });
}
void mountMode().then((exports) => {
  (window as unknown as { __viewer: unknown }).__viewer = { ...exports, mode, psi: PSI, degreesPerFrame: DEGREES_PER_FRAME };
});
