/**
 * Multiple-walker molecular metadynamics (PLUMED's MULTIPLE_WALKERS idea), one task: N walkers
 * share one well-tempered bias and move in lock-step segments that end at every hill step (a
 * multiple of pace) and, between hills, every SYNC_ATOM_STEPS / atoms steps. Within a segment the
 * bias is frozen; at a hill step every walker deposits one hill at its CV value, in walker order
 * (metad-walkers.ts). Walker w draws from Rng(seed, stream w): its own velocities and noise, from
 * the same start structure (the molecule's coordinates, minimised once here with `minimize`).
 *
 * Threads: the walkers are split into contiguous slices (walkerRanges, as `liftwell sample`
 * splits overdamped walkers); the last slice runs in this thread, the others in helper threads
 * (walker-threads.ts). Every thread adds the same hills in the same order, so the bias, HILLS,
 * COLVAR, DCD and FES files are byte-identical for any thread count (test/runs/metad-walkers.test.ts).
 *
 * Checkpoints are taken at segment ends: every walker's dynamics state and frame count, the bias
 * grid and the hill count; resume cuts the files back to them, so a resumed run is bit-identical.
 *
 * Files: per walker walker-NNN.dcd (walker-files.ts); one hills.f64 -> HILLS with a `walker`
 * column; at the end cv.npy / energies.npy / COLVAR with every walker's frames (walker 0 first;
 * COLVAR with a `walker` column), the FES of the shared bias (-(gamma/(gamma-1)) V, as a single
 * walker's) and result.json last.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { cutBackToCheckpoint, readRows, readCheckpointJson } from '../runtime/raw-files';
import { RawRowsFile } from '../runtime/reporters/rows';
import { TaskClock } from '../runtime/task-clock';
import { walkerRanges } from '../runtime/walker-slices';
import { writeHillsFromRaw, writeStreamed } from '../runtime/stream-out';
import { encodeNpy } from '../../engine/io/npy';
import { plumedHeader, plumedRow } from '../../engine/io/plumed';
import type { Hill, MetadState } from '../../engine/bias/metad';
import { AmberForceField } from '../../engine/molecules/forcefield/amber-forcefield';
import { BOLTZMANN_KJ_PER_MOL_K } from '../../engine/molecules/dynamics/langevin';
import type { MinimizeResult } from '../../engine/molecules/minimize';
import { atomicWriteSync } from '../../store/atomic';
import { loadMoleculeSync } from '../../store/molecule-files';
import type { MolecularJob } from '../run-file';
import { ENERGY_COLUMNS, molecularFiles } from './files';
import { fesBasins } from './fes';
import type { MolecularRunSummary, MolecularTaskOptions } from './task';
import { molecularStart, seededPerWalker } from './start';
import { MetadWalkerSlice, type WalkerCheckpoint, type WalkerSliceInit } from './metad-walkers';
import { WalkerThread, type WalkerDeposit } from './walker-threads';
import { metadWalkerFiles } from './walker-files';

interface WalkersCheckpoint {
  schemaVersion: 1;
  runId: string;
  walkers: number;
  /** The step every walker has reached. */
  step: number;
  metad: MetadState;
  /** In walker order. */
  walkerStates: WalkerCheckpoint[];
  hillRows: number;
  minimization: MinimizeResult | null;
}

export interface MetadWalkersTaskOptions extends MolecularTaskOptions {
  /** Helper threads: the job worker bundle and how many threads to use in all (this one included); absent = this thread only. */
  threads?: { workerScript: URL | string; count: number };
}

const PREVIEW_INTERVAL_MS = 1000;
/** Atom-steps between segment ends when no hill is due sooner (progress, checkpoints). */
const SYNC_ATOM_STEPS = 200_000;

/** The next segment end after `step`: the next hill step, the next sync step or the last step. */
export function nextSegmentEnd(step: number, steps: number, pace: number, sync: number): number {
  const nextHill = (Math.floor(step / pace) + 1) * pace;
  const nextSync = (Math.floor(step / sync) + 1) * sync;
  return Math.min(steps, nextHill, nextSync);
}

export async function runMolecularWalkersTask(o: MetadWalkersTaskOptions): Promise<void> {
  const { job } = o;
  const m = job.metad;
  if (!m || m.walkers < 2) throw new Error('runMolecularWalkersTask: a metadynamics job with 2 or more walkers');
  const N = m.walkers;
  const files = molecularFiles(o.projectPath, o.runId);
  const molecule = loadMoleculeSync(o.projectPath, job.topologyFile, job.coordinatesFile);
  const n = molecule.prmtop.topology.nAtoms;
  const d = m.cvIndices.length;

  let ck: WalkersCheckpoint | null = null;
  if (existsSync(files.checkpoint)) {
    ck = readCheckpointJson<WalkersCheckpoint>(files.checkpoint);
    if (ck.schemaVersion !== 1 || ck.runId !== o.runId || ck.walkers !== N) throw new Error(`checkpoint ${files.checkpoint} does not belong to this run`);
  }
  // Every walker starts from the same structure (seeded or the molecule's), minimised once, or
  // each from its own seeded structure (each minimised; the run records walker 0's minimisation).
  // Their velocities differ.
  const forceField = () => new AmberForceField(molecule.prmtop);
  const resumed = ck ? ck.minimization : undefined;
  const starts = seededPerWalker(job, molecule)
    ? Array.from({ length: N }, (_, w) => molecularStart(job, molecule, 0, forceField, resumed, w))
    : [molecularStart(job, molecule, 0, forceField, resumed)];
  const minimization = starts[0].minimization;
  const startOf = (w: number) => starts[starts.length === 1 ? 0 : w].positions;

  const hillFile = new RawRowsFile(files.hillsRaw, 2 + 2 * d, ck?.hillRows ?? 0);
  cutBackToCheckpoint([hillFile.cutBack(ck?.hillRows ?? 0)], ck !== null);

  const threadCount = o.threads ? Math.max(1, Math.min(o.threads.count, N)) : 1;
  const ranges = walkerRanges(N, threadCount);
  const initOf = ([first, end]: [number, number]): WalkerSliceInit => ({
    projectPath: o.projectPath,
    runId: o.runId,
    job,
    first,
    count: end - first,
    starts: Array.from({ length: end - first }, (_, k) => startOf(first + k)),
    resume: ck ? { metad: ck.metad, walkers: ck.walkerStates.slice(first, end) } : null,
  });
  // The last slice runs here, the others in helper threads (started first, so they load while this one does).
  const helpers = ranges.slice(0, -1).map(() => new WalkerThread(o.threads!.workerScript));
  try {
    const ready = helpers.map((h, t) => h.request({ type: 'metad-walkers', op: 'init', init: initOf(ranges[t]) }));
    const local = new MetadWalkerSlice(initOf(ranges[ranges.length - 1]));
    await Promise.all(ready);
    local.bias.metad.onHill = (hill: Hill) => hillFile.push([hill.time, ...hill.center, ...hill.sigma, hill.height]);

    // A deposit the helpers have not made yet (they make it with their next message).
    let pending: WalkerDeposit | null = null;
    const saveAll = async (): Promise<WalkerCheckpoint[]> => {
      const replies = await Promise.all(helpers.map((h) => h.request({ type: 'metad-walkers', op: 'save', deposit: pending })));
      pending = null;
      local.flush();
      hillFile.flush();
      return [...replies.flatMap((r) => r.states!), ...local.states()];
    };
    const writeCheckpoint = async () => {
      const walkerStates = await saveAll();
      const state: WalkersCheckpoint = { schemaVersion: 1, runId: o.runId, walkers: N, step: local.step, metad: local.bias.getState(), walkerStates, hillRows: hillFile.rows, minimization };
      atomicWriteSync(files.checkpoint, JSON.stringify(state));
      o.onCheckpoint?.(local.step);
    };
    let checkpointDue = false;
    const clock = new TaskClock(
      { progressIntervalMs: o.progressIntervalMs, checkpointIntervalMs: o.checkpointIntervalMs, previewIntervalMs: PREVIEW_INTERVAL_MS, now: o.now },
      {
        progress: () => o.onProgress?.(local.step),
        preview: () => previewOf(local, o),
        checkpoint: () => {
          checkpointDue = true;
        },
      },
    );
    const sync = Math.max(1, Math.floor(SYNC_ATOM_STEPS / n));
    o.onProgress?.(local.step);
    while (local.step < job.steps) {
      const to = nextSegmentEnd(local.step, job.steps, m.pace, sync);
      const inHelpers = helpers.map((h) => h.request({ type: 'metad-walkers', op: 'run', deposit: pending, to }));
      pending = null;
      const own = local.runTo(to);
      const theirs = await Promise.all(inHelpers);
      if (to % m.pace === 0) {
        const centers = new Float64Array(N * d);
        let at = 0;
        for (const part of [...theirs.map((r) => r.centers!), own]) {
          centers.set(part, at);
          at += part.length;
        }
        local.deposit(centers, to);
        pending = { centers, step: to };
      }
      clock.tick();
      if (checkpointDue) {
        checkpointDue = false;
        await writeCheckpoint();
      }
    }
    await saveAll();
    previewOf(local, o);
    writeProducts(o, job, local, minimization);
  } finally {
    for (const h of helpers) h.terminate();
  }
  o.onProgress?.(job.steps);
}

function previewOf(slice: MetadWalkerSlice, o: MolecularTaskOptions): void {
  const { axes, fes } = slice.bias.metad.freeEnergy();
  o.onPreview?.({ axes: axes.map((a) => Array.from(a)), fes: Array.from(fes), hills: slice.bias.metad.hillCount });
}

/** cv.npy, energies.npy, COLVAR (every walker, walker 0 first), HILLS, the FES and result.json last. */
function writeProducts(o: MetadWalkersTaskOptions, job: MolecularJob, slice: MetadWalkerSlice, minimization: MinimizeResult | null): void {
  const m = job.metad!;
  const N = m.walkers;
  const files = molecularFiles(o.projectPath, o.runId);
  const nCv = job.cvs.length;
  const cvWidth = 2 + nCv;
  const walkerFiles = Array.from({ length: N }, (_, w) => metadWalkerFiles(o.projectPath, o.runId, w));
  const cvRows = walkerFiles.map((f) => readRows(f.cvRaw, cvWidth));
  const energyRows = walkerFiles.map((f) => readRows(f.energiesRaw, ENERGY_COLUMNS.length));
  const frames = cvRows.reduce((a, r) => a + r.length / cvWidth, 0);

  const cvOnly = new Float64Array(frames * nCv);
  let row = 0;
  for (const rows of cvRows) {
    for (let r = 0; r < rows.length / cvWidth; r++, row++) for (let c = 0; c < nCv; c++) cvOnly[row * nCv + c] = rows[r * cvWidth + 1 + c];
  }
  atomicWriteSync(files.cvNpy, encodeNpy(cvOnly, [frames, nCv]));
  const energies = new Float64Array(frames * ENERGY_COLUMNS.length);
  let at = 0;
  for (const rows of energyRows) {
    energies.set(rows, at);
    at += rows.length;
  }
  atomicWriteSync(files.energiesNpy, encodeNpy(energies, [frames, ENERGY_COLUMNS.length]));
  // COLVAR: time walker cvs... metad.bias (as `liftwell metad --colvar-out` with walkers).
  const fields = ['time', 'walker', ...job.cvs.map((c) => c.name), 'metad.bias'];
  writeStreamed(files.colvarText, (out) => {
    out.text(plumedHeader(fields));
    const line = new Float64Array(fields.length);
    cvRows.forEach((rows, w) => {
      const lines: string[] = [];
      for (let r = 0; r < rows.length / cvWidth; r++) {
        line[0] = rows[r * cvWidth];
        line[1] = w;
        for (let c = 0; c <= nCv; c++) line[2 + c] = rows[r * cvWidth + 1 + c];
        lines.push(plumedRow(line, 0, fields.length));
      }
      if (lines.length) out.text(lines.join('\n') + '\n');
    });
  });

  const fesNames = m.cvIndices.map((i) => job.cvs[i].name);
  const metad = slice.bias.metad;
  const hills = writeHillsFromRaw(files.hillsText, files.hillsRaw, fesNames, metad.cvs.map((c) => (c.periodic ? { ...c.periodic } : null)), metad.biasFactor, N);
  atomicWriteSync(files.biasState, JSON.stringify({ schemaVersion: 1, state: slice.bias.getState() }));
  const { axes, fes } = metad.freeEnergy();
  const grid = { axes, fes, periodic: m.cvIndices.map((i) => job.cvs[i].periodic) };
  const shape = axes.map((a) => a.length);
  atomicWriteSync(files.fesNpy, encodeNpy(fes, shape));
  const kT = BOLTZMANN_KJ_PER_MOL_K * job.temperature;
  const summary: MolecularRunSummary = {
    schemaVersion: 1,
    frames,
    hills,
    minimization,
    walkers: N,
    fes: { cvNames: fesNames, axes: axes.map((a) => Array.from(a)), shape, source: 'metad' },
    basins: fesBasins(grid, fesNames, kT),
  };
  atomicWriteSync(files.result, JSON.stringify(summary, null, 2) + '\n');
  for (const path of [files.checkpoint, files.hillsRaw, ...walkerFiles.flatMap((f) => [f.cvRaw, f.energiesRaw])]) {
    try {
      unlinkSync(path);
    } catch {
      /* not there */
    }
  }
}
