/**
 * `liftwell run` for a molecular study (schema-molecule.ts): through the same API handlers as the
 * app, every stage cached by a hash of its inputs (stage-runner.ts):
 *
 *   sampling   `replicas` molecular runs (metadynamics or MD), seeds seed, seed + 1, ...; in parallel
 *   model      a generative model of the structures given the CVs, trained on every replica's frames
 *   lift       structures at each condition (CVs imposed exactly, restrained relaxation), written to
 *              DIR/lifted/condition-K.pdb, with the restriction error |CV(x) - CV*|
 *   seeded     round 2: `runsPerCondition` runs per condition (the sampling's method and options),
 *              each started from its own lifted structure (runs/seeding/, provenance in run.json)
 *
 * report.json: the FES of round 1 (mean over replicas, dF their standard error), `basins`
 * [{name, F, dF}] of round 1 and `basinRounds` of both rounds (basins.ts), the lift summary, rounds and provenance.
 */
import { join } from 'node:path';
import type { MolecularResult, MolecularRunParamsInput, MoleculeView, RunRecord } from '../api/contract';
import { ApiError } from '../api/contract';
import { formatPdb } from '../engine/molecules/formats/pdb';
import { BOLTZMANN_KJ_PER_MOL_K } from '../engine/molecules/dynamics/langevin';
import { atomicWriteSync } from '../store/atomic';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { callApi } from './api-client';
import { basinsOverRuns, type BasinEstimate } from './basins';
import { allBasinDifferences } from './basin-differences';
import { basinDrifts, driftWarnings } from './metad-transient';
import { parseHills } from '../engine/io/plumed';
import { runDir } from '../store/project';
import type { LiftedCondition, MoleculeStudyReport } from './report-molecule';
import type { StudyRunOptions } from './pipeline';
import { renderMoleculeReportHtml } from './report-html-molecule';
import type { MoleculeStudy } from './schema-molecule';
import { contentHash } from './stage-cache';
import { StageRunner } from './stage-runner';

/** What to do when lifted structures are absurd (the lift's verdict is then 'poor'). */
const LIFT_ADVICE = 'train longer, use a larger network, or add simulation data near this condition';

/** One molecular run's outcome as the report keeps it. */
interface RunOutcome {
  runId: string;
  steps: number;
  basins: { label?: string; freeEnergy: number }[];
  fes: { cvNames: string[]; axes: number[][]; fes: (number | null)[] } | null;
}

/** The molecular start call's params for one run of the study. */
function runParams(study: MoleculeStudy, seed: number, over: Partial<MolecularRunParamsInput> = {}): MolecularRunParamsInput {
  const s = study.sampling;
  return {
    temperature: study.temperature, friction: s.friction, dt: s.dt, steps: s.steps, constraints: s.constraints, minimize: s.minimize,
    seed, frameInterval: s.frameInterval, cvs: study.cvs, ...(s.integrator ? { integrator: s.integrator } : {}),
    ...(s.method === 'metad' ? { metad: { sigma: s.sigma, height: s.height, pace: s.pace, biasFactor: s.biasFactor, ...(s.gridBins ? { gridBins: s.gridBins } : {}) } } : {}),
    ...over,
  };
}

/** Mean and standard error of the replicas' FES grids, cell by cell (cells empty in a replica are skipped). */
function meanFes(outcomes: RunOutcome[]): MoleculeStudyReport['fes'] {
  const grids = outcomes.map((o) => o.fes).filter((f): f is NonNullable<RunOutcome['fes']> => f !== null);
  if (!grids.length) return null;
  const cells = grids[0].fes.length;
  const F: (number | null)[] = [];
  const dF: (number | null)[] = [];
  for (let i = 0; i < cells; i++) {
    const v = grids.map((g) => g.fes[i]).filter((x): x is number => x !== null && Number.isFinite(x));
    const m = v.length ? v.reduce((a, x) => a + x, 0) / v.length : null;
    F.push(m);
    dF.push(v.length > 1 && m !== null ? Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1) / v.length) : null);
  }
  return { cv: grids[0].cvNames, axes: grids[0].axes, F, dF: grids.length > 1 ? dF : null, unit: 'kJ/mol', source: outcomes.length ? 'mean over replicas' : '', replicas: grids.length };
}

function pdbText(molecule: MoleculeView, positions: Float64Array, n: number, title: string): string {
  return formatPdb(
    {
      atomNames: molecule.atoms.map((a) => a.name),
      elements: molecule.atoms.map((a) => a.element),
      residueNames: molecule.atoms.map((a) => a.residue),
      residueNumbers: Int32Array.from(molecule.atoms, (a) => a.resid),
      chainIds: molecule.atoms.map(() => 'A'),
    },
    { nAtoms: molecule.atoms.length, nFrames: n, positions, cells: null },
    { title },
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

export async function runMoleculeStudy(study: MoleculeStudy, studyFileText: string, opts: StudyRunOptions): Promise<MoleculeStudyReport> {
  const { context, log } = opts;
  const runner = new StageRunner(opts);
  const t0 = Date.now();
  await runner.openProject(study.name);
  const projectPath = runner.projectPath;
  const kT = BOLTZMANN_KJ_PER_MOL_K * study.temperature;

  // The molecule: added once (its id kept with the stage output).
  const molecule = await runner.stage('molecule', { molecule: study.system.molecule }, async () => {
    const record = await callApi(context, 'addExampleMolecule', { projectPath, example: study.system.molecule });
    return { moleculeId: record.id };
  });
  const moleculeId = molecule.value.moleculeId;

  /** One molecular run as a cached stage: start (or resume), wait, read its basins and FES. */
  const runStage = (name: string, inputs: unknown, params: MolecularRunParamsInput, label: string) =>
    runner.stage(name, inputs, async (key): Promise<RunOutcome> => {
      const run: RunRecord = await runner.followRun(name, key, () => callApi(context, 'startMolecularRun', { projectPath, moleculeId, name: label, params }));
      const result: MolecularResult = await callApi(context, 'getMolecularResult', { projectPath, runId: run.id });
      return {
        runId: run.id, steps: params.steps,
        basins: (result.basins ?? []).map((b) => ({ ...(b.label ? { label: b.label } : {}), freeEnergy: b.freeEnergy })),
        fes: result.fes ? { cvNames: result.fes.cvNames, axes: result.fes.axes, fes: result.fes.fes } : null,
      };
    });

  // Round 1: independent replicas, started together (the job manager runs them on every worker).
  const replicas = study.sampling.replicas;
  const samplingInputs = { system: study.system, temperature: study.temperature, cvs: study.cvs, sampling: study.sampling, seed: study.seed };
  const roundStart = Date.now();
  const sampling = await Promise.all(
    Array.from({ length: replicas }, (_, r) => runStage(`sampling-${r + 1}`, { ...samplingInputs, replica: r }, runParams(study, study.seed + r), `${study.name}: ${study.sampling.method} ${r + 1}`)),
  );
  const round1Seconds = (Date.now() - roundStart) / 1000;
  runner.checkCancel('sampling');
  const samplingKeys = sampling.map((s) => s.key);
  const round1 = sampling.map((s) => s.value);

  const model = study.model
    ? await runner.stage('model', { upstream: samplingKeys, model: study.model, seed: study.seed }, async (key) => {
        const m = study.model!;
        const run = await runner.followRun('model', key, () =>
          callApi(context, 'startTraining', {
            projectPath, name: `${study.name}: model`, sourceRunIds: round1.map((o) => o.runId), model: m.kind, epochs: m.epochs, seed: study.seed,
            ...(m.hidden ? { hidden: m.hidden } : {}), ...(m.batchSize ? { batchSize: m.batchSize } : {}), ...(m.learningRate ? { learningRate: m.learningRate } : {}),
            ...(m.discardFraction !== undefined ? { discardFraction: m.discardFraction } : {}), device: 'cpu',
          }),
        );
        if (run.kind !== 'train') throw new ApiError('internal', 'model: the training run has no model');
        return { runId: run.id, modelId: run.modelId };
      })
    : null;

  const liftSeed = study.seed + 1000;
  const runsPerCondition = study.seeding?.runsPerCondition ?? 2;
  const lift = model && study.lift
    ? await runner.stage('lift', { upstream: model.key, lift: study.lift, seed: liftSeed, runsPerCondition }, async () => {
        const view = await callApi(context, 'getMolecule', { projectPath, moleculeId });
        const dir = join(opts.outDir, 'lifted');
        mkdirSync(dir, { recursive: true });
        const out: LiftedCondition[] = [];
        let backend: string | null = null;
        for (const [k, cond] of study.lift!.conditions.entries()) {
          runner.checkCancel('lift');
          const n = Math.max(study.lift!.n, runsPerCondition);
          const lifted = await callApi(context, 'liftMolecule', {
            projectPath, modelId: model.value.modelId, cond, n, seed: liftSeed + k, ...(study.lift!.relaxPs > 0 ? { relax: { ps: study.lift!.relaxPs } } : {}),
          });
          backend = lifted.backend;
          const bytes = Buffer.from(lifted.positions, 'base64');
          const positions = Float64Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
          const n3 = 3 * lifted.atoms;
          const kept = lifted.n; // absurd structures are excluded by the lift itself, with a warning
          const pdb = join(dir, `condition-${k + 1}.pdb`);
          const at = study.cvs.map((c, i) => `${c.split('=')[0]} = ${cond[i]}`).join(', ');
          if (kept > 0) atomicWriteSync(pdb, pdbText(view, positions, kept, `liftwell run: ${kept} structures lifted at ${at} (rad)`));
          else rmSync(pdb, { force: true }); // a stale file from an earlier run would be shown as this one's
          const errors = (lifted.restrictionErrors.relaxed ?? lifted.restrictionErrors.generated).flat();
          const excluded = lifted.excluded.length;
          out.push({
            cond, pdb, n: kept, requested: lifted.requested, excluded,
            verdict: excluded > 0 ? 'poor' : 'ok', advice: excluded > 0 ? LIFT_ADVICE : null,
            restrictionError: errors.length ? Math.max(...errors) : null, imposition: lifted.imposition,
            energyMedian: kept > 0 ? median(lifted.energies.relaxed ?? lifted.energies.generated) : null,
            starts: Array.from({ length: Math.min(runsPerCondition, kept) }, (_, j) => Array.from(positions.subarray(j * n3, (j + 1) * n3))),
            warnings: lifted.warnings,
          });
          for (const w of lifted.warnings) log(`warning: lift: condition ${k + 1}: ${w}`);
          log(kept > 0
            ? `lift: condition ${k + 1} (${cond.join(', ')}): ${kept} of ${lifted.requested} structures, restriction error ${Math.max(...errors).toExponential(1)}, ${pdb}${excluded ? ' (poor model here)' : ''}`
            : `lift: condition ${k + 1} (${cond.join(', ')}): all ${lifted.requested} lifted structures were absurd; no file written, no seeded run from here (poor model: ${LIFT_ADVICE})`);
        }
        return { conditions: out, backend };
      })
    : null;

  // Round 2: runs started from the lifted structures, the same method and options (no minimisation:
  // a seeded run starts where it was lifted), seeds after round 1's.
  const seededRuns: { value: RunOutcome }[] = [];
  let round2Seconds = 0;
  if (lift && model && (study.seeding?.rounds ?? 1) >= 2) {
    const started = Date.now();
    const steps = study.seeding!.steps ?? study.sampling.steps;
    const jobs = lift.value.conditions.flatMap((c, k) =>
      c.starts.map((structure, j) => {
        const seed = study.seed + 100 + k * runsPerCondition + j;
        const params = runParams(study, seed, {
          steps, minimize: false,
          seeding: { source: 'lifted', modelId: model.value.modelId, conditions: [c.cond], seed: liftSeed + k, starts: [structure] },
        });
        return runStage(`seeded-${k + 1}-${j + 1}`, { upstream: lift.key, params: contentHash(params) }, params, `${study.name}: seeded ${k + 1}.${j + 1}`);
      }),
    );
    seededRuns.push(...(await Promise.all(jobs)));
    round2Seconds = (Date.now() - started) / 1000;
  }

  const round1Basins = basinsOverRuns(round1.map((o) => o.basins));
  const round2 = seededRuns.map((s) => s.value);
  const round2Basins = basinsOverRuns(round2.map((o) => o.basins));
  // Metadynamics rounds: did the basin differences still move over the second half of the runs?
  const drift = (outcomes: RunOutcome[]) =>
    study.sampling.method === 'metad' && outcomes.length
      ? basinDrifts(outcomes.map((o) => { const f = join(runDir(projectPath, o.runId), 'HILLS'); return parseHills(readFileSync(f, 'utf8'), f); }), kT)
      : undefined;
  const drift1 = drift(round1);
  const drift2 = round2.length ? drift(round2) : undefined;
  const warnings = [...driftWarnings(drift1 ?? [], kT, 'round 1'), ...driftWarnings(drift2 ?? [], kT, 'round 2 (seeded)')];
  for (const w of warnings) log(`warning: ${w}`);
  const differences: MoleculeStudyReport['basinDifferences'] = {
    rounds: [
      { round: 1, seeded: false, differences: allBasinDifferences(round1.map((o) => o.basins)), ...(drift1 ? { drift: drift1 } : {}) },
      ...(round2.length ? [{ round: 2, seeded: true, differences: allBasinDifferences(round2.map((o) => o.basins)), ...(drift2 ? { drift: drift2 } : {}) }] : []),
    ],
    allRounds: allBasinDifferences([...round1, ...round2].map((o) => o.basins)),
    warnings,
  };
  const worstDf = (b: BasinEstimate[]) => {
    const v = b.map((x) => x.dF).filter((x): x is number => x !== null);
    return v.length ? Math.max(...v) / kT : null;
  };
  const report: MoleculeStudyReport = {
    reportVersion: 1,
    kind: 'molecule',
    name: study.name,
    system: study.system,
    temperature: study.temperature,
    kT,
    projectPath,
    fes: meanFes(round1),
    basins: round1Basins,
    basinRounds: [
      { round: 1, seeded: false, runIds: round1.map((o) => o.runId), basins: round1Basins },
      ...(round2.length ? [{ round: 2, seeded: true, runIds: round2.map((o) => o.runId), basins: round2Basins }] : []),
    ],
    basinDifferences: differences,
    lift: lift?.value.conditions ?? null,
    rounds: [
      { round: 1, steps: round1.reduce((a, o) => a + o.steps, 0), wallSeconds: round1Seconds, newCentres: [], fesUncertainty: worstDf(round1Basins), seeded: false },
      ...(round2.length ? [{ round: 2, steps: round2.reduce((a, o) => a + o.steps, 0), wallSeconds: round2Seconds, newCentres: lift!.value.conditions.map((c) => c.cond), fesUncertainty: worstDf(round2Basins), seeded: true }] : []),
    ],
    provenance: {
      version: opts.appVersion,
      backend: lift?.value.backend ?? null,
      // Replica r runs with seed sampling + r; seeded run (k, j) with seeded + k * runsPerCondition + j; condition k lifts with lift + k.
      seeds: { study: study.seed, sampling: study.seed, lift: liftSeed, seeded: study.seed + 100 },
      studyHash: contentHash(JSON.parse(studyFileText)),
      stages: runner.wall,
      runs: { sampling: round1.map((o) => o.runId), model: model?.value.runId ?? null, seeded: round2.map((o) => o.runId) },
      modelId: model?.value.modelId ?? null,
      wallSeconds: (Date.now() - t0) / 1000,
      created: new Date().toISOString(),
    },
  };
  atomicWriteSync(join(opts.outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  atomicWriteSync(join(opts.outDir, 'report.html'), renderMoleculeReportHtml(report));
  log(`report: ${join(opts.outDir, 'report.json')}, ${join(opts.outDir, 'report.html')}`);
  return report;
}
