/**
 * The API calls for molecules (issue 5; see docs/molecule-api.md): add the built-in example,
 * import AMBER files given as bytes, look at a molecule (atoms, bonds, positions, force-field
 * energy, suggested phi/psi CVs), start a 'molecular' run, read its result and stream its frames.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiError,
  MOLECULE_FILE_LIMIT_BYTES,
  type CallOutputs,
  type CallParsedInput,
  type MolecularResult,
  type MolecularRunRecord,
  type MoleculeRecord,
  type MoleculeView,
  type RunRecord,
} from './contract';
import { AmberForceField } from '../engine/molecules/forcefield/amber-forcefield';
import type { MolecularTopology } from '../engine/molecules/topology';
import { DcdReader } from '../engine/molecules/formats/dcd';
import { runKinds } from '../runs/registry';
import { runResults } from '../analysis/run-results';
import { molecularFiles } from '../runs/molecular/files';
import { joinedTrajectoryFrames } from '../runs/molecular/umbrella-frames';
import { metadWalkerCount } from '../runs/molecular/walker-files';
import { fdByteSource } from '../store/byte-source';
import { addMolecule, findMolecule, loadMoleculeRecordSync, readBytes } from '../store/molecules';
import { nowIso, RUN_SCHEMA_VERSION } from '../store/project';
import type { MolecularRunFile, RunFile } from '../runs/run-file';
import { withSeedFrames } from './seeding';

/** Built-in examples: folder under resources/molecules and the files to copy. */
const EXAMPLES = {
  'alanine-dipeptide': { name: 'Alanine dipeptide', folder: 'alanine-dipeptide', topology: 'ala2.prmtop', coordinates: 'ala2.inpcrd' },
} as const;

/**
 * resources/ of the app: next to the packaged app (electron-builder extraResources), else the
 * source tree (src-main/api and out/<target>/ are both two levels below the repository root).
 */
export function resourcesDir(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'resources', 'molecules'))) return join(packaged, 'resources');
  return fileURLToPath(new URL('../../resources/', import.meta.url));
}

export function decodeBase64(base64: string, what: string): Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MOLECULE_FILE_LIMIT_BYTES) throw new ApiError('invalid-input', `${what}: the file is larger than 64 MiB.`);
  if (bytes.length === 0) throw new ApiError('invalid-input', `${what}: the file is empty.`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const toBase64Float32 = (values: ArrayLike<number>) => {
  const f = Float32Array.from(values);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
};

/**
 * Backbone dihedrals from atom names: phi_i = C(i-1)-N(i)-CA(i)-C(i), psi_i = N(i)-CA(i)-C(i)-N(i+1)
 * for consecutive residues. One residue with both: "phi"/"psi"; several: "phi2", "psi2" (residue number).
 */
export function suggestBackboneCvs(top: MolecularTopology): { name: string; definition: string }[] {
  const nRes = top.residueNames.length;
  const find = (res: number, name: string) => {
    for (let a = 0; a < top.nAtoms; a++) if (top.residueOfAtom[a] === res && top.atomNames[a] === name) return a;
    return -1;
  };
  const found: { res: number; phi: number[] | null; psi: number[] | null }[] = [];
  for (let r = 0; r < nRes; r++) {
    const n = find(r, 'N'), ca = find(r, 'CA'), c = find(r, 'C');
    if (n < 0 || ca < 0 || c < 0) continue;
    const cPrev = r > 0 ? find(r - 1, 'C') : -1;
    const nNext = r + 1 < nRes ? find(r + 1, 'N') : -1;
    found.push({ res: r, phi: cPrev >= 0 ? [cPrev, n, ca, c] : null, psi: nNext >= 0 ? [n, ca, c, nNext] : null });
  }
  const single = found.filter((f) => f.phi || f.psi).length === 1;
  const out: { name: string; definition: string }[] = [];
  const def = (atoms: number[]) => `dihedral(${atoms.map((a) => a + 1).join(',')})`;
  for (const f of found) {
    const suffix = single ? '' : String(f.res + 1);
    if (f.phi) out.push({ name: `phi${suffix}`, definition: `phi${suffix}=${def(f.phi)}` });
    if (f.psi) out.push({ name: `psi${suffix}`, definition: `psi${suffix}=${def(f.psi)}` });
  }
  return out;
}

export interface MoleculeHandlerDeps {
  requireProject(path: string): Promise<string>;
  getRunFile(projectPath: string, runId: string): Promise<RunFile>;
  createAndStartRun(projectPath: string, file: RunFile): Promise<RunRecord>;
  requireCompleted(projectPath: string, file: RunFile, needs: string): void;
  newRunFields(name: string): Pick<RunRecord, 'id' | 'name' | 'status' | 'created' | 'progress' | 'provenance'>;
}

type MoleculeCalls = 'addExampleMolecule' | 'importMolecule' | 'getMolecule' | 'startMolecularRun' | 'getMolecularResult' | 'getTrajectoryFrames';

export function createMoleculeHandlers(deps: MoleculeHandlerDeps): { [K in MoleculeCalls]: (input: CallParsedInput<K>) => Promise<CallOutputs[K]> } {
  const molecularRun = async (projectPath: string, runId: string): Promise<MolecularRunFile> => {
    const file = await deps.getRunFile(projectPath, runId);
    if (file.job.kind !== 'molecular') throw new ApiError('invalid-input', `The run "${file.run.name}" is not a molecular run.`);
    return file as MolecularRunFile;
  };

  return {
    async addExampleMolecule({ projectPath, example }): Promise<MoleculeRecord> {
      const path = await deps.requireProject(projectPath);
      const ex = EXAMPLES[example];
      const dir = join(resourcesDir(), 'molecules', ex.folder);
      const [topology, coordinates] = await Promise.all([readBytes(join(dir, ex.topology)), readBytes(join(dir, ex.coordinates))]);
      return addMolecule(path, {
        name: ex.name,
        source: 'example',
        topology: { fileName: ex.topology, bytes: topology },
        coordinates: { fileName: ex.coordinates, bytes: coordinates },
        provenance: `Liftwell example "${example}" (resources/molecules/${ex.folder}; see its PROVENANCE.md)`,
      });
    },

    async importMolecule({ projectPath, name, topology, coordinates }): Promise<MoleculeRecord> {
      const path = await deps.requireProject(projectPath);
      return addMolecule(path, {
        name,
        source: 'imported',
        topology: { fileName: topology.fileName, bytes: decodeBase64(topology.base64, 'topology') },
        coordinates: { fileName: coordinates.fileName, bytes: decodeBase64(coordinates.base64, 'coordinates') },
        provenance: `imported ${nowIso()} from ${topology.fileName} and ${coordinates.fileName}`,
      });
    },

    async getMolecule({ projectPath, moleculeId }): Promise<MoleculeView> {
      const path = await deps.requireProject(projectPath);
      const record = await findMolecule(path, moleculeId);
      const { prmtop, positions } = loadMoleculeRecordSync(path, record);
      const top = prmtop.topology;
      const terms = new Float64Array(4);
      const total = new AmberForceField(prmtop).compute(positions, null, terms);
      const bonds: [number, number][] = [];
      for (let b = 0; b + 1 < top.bonds.length; b += 2) bonds.push([top.bonds[b], top.bonds[b + 1]]);
      return {
        id: record.id,
        name: record.name,
        atoms: top.atomNames.map((name, a) => ({
          name,
          element: top.elements[a],
          residue: top.residueNames[top.residueOfAtom[a]],
          resid: top.residueOfAtom[a] + 1,
        })),
        bonds,
        positions: toBase64Float32(positions),
        energy: { bond: terms[0], angle: terms[1], torsion: terms[2], nonbonded: terms[3], total },
        suggestedCvs: suggestBackboneCvs(top),
      };
    },

    async startMolecularRun({ projectPath, moleculeId, name, params: given }): Promise<RunRecord> {
      const path = await deps.requireProject(projectPath);
      const params = await withSeedFrames(path, given, deps.getRunFile);
      const record = await findMolecule(path, moleculeId);
      const job = await runKinds.molecular.plan({ record, molecule: loadMoleculeRecordSync(path, record) }, params);
      const run: MolecularRunRecord = {
        ...deps.newRunFields(name),
        kind: 'molecular',
        moleculeId,
        moleculeName: record.name,
        // The scheme the plan chose (a missing one defaults by constraints), so run.params says it too;
        // runs stored before the choice existed have none and ran BAOAB.
        params: { ...params, integrator: job.integrator },
      };
      return deps.createAndStartRun(path, { schemaVersion: RUN_SCHEMA_VERSION, run, job });
    },

    async getMolecularResult({ projectPath, runId }): Promise<MolecularResult> {
      const path = await deps.requireProject(projectPath);
      const file = await molecularRun(path, runId);
      deps.requireCompleted(path, file, 'its result needs a completed run (frames can be read meanwhile with getTrajectoryFrames)');
      return runResults.molecular(path, file);
    },

    async getTrajectoryFrames({ projectPath, runId, start, count }) {
      const path = await deps.requireProject(projectPath);
      const run = await molecularRun(path, runId);
      if (run.job.umbrella || metadWalkerCount(run.job) > 1) {
        // The windows' (walkers') DCDs read as one trajectory, windows (walkers) in order.
        const got = joinedTrajectoryFrames(path, runId, run.job, start, count);
        if (got.total === 0) throw new ApiError('not-found', `Run "${run.run.name}" has saved no frames yet.`);
        if (start >= got.total) throw new ApiError('invalid-input', `start: the trajectory has ${got.total} frame${got.total === 1 ? '' : 's'} (0..${got.total - 1}).`);
        return { start, count: got.positions.length / (3 * got.atoms), atoms: got.atoms, positions: toBase64Float32(got.positions) };
      }
      const dcd = molecularFiles(path, runId).trajectory;
      let fd: number;
      try {
        fd = openSync(dcd, 'r');
      } catch {
        throw new ApiError('not-found', `${dcd} does not exist yet; the run has saved no frames.`, { path: dcd });
      }
      try {
        const reader = new DcdReader(fdByteSource(fd), dcd);
        const total = reader.nFrames;
        if (start >= total) throw new ApiError('invalid-input', `start: the trajectory has ${total} frame${total === 1 ? '' : 's'} (0..${total - 1}).`);
        const take = Math.min(count, total - start);
        const frames = reader.readFrames(start, take);
        return { start, count: take, atoms: frames.nAtoms, positions: toBase64Float32(frames.positions) };
      } finally {
        closeSync(fd);
      }
    },
  };
}
