/**
 * Turns validated molecular-run parameters into the job stored in run.json: the molecule's
 * files, the CVs (parsed here so bad definitions are refused before anything runs) and the
 * metadynamics grid (periodic CVs: their period; others: the given or default range).
 */
import { ApiError, defaultMolecularIntegrator, type MolecularRunParams, type MoleculeRecord } from '../../schema';
import { EngineInputError } from '../../engine/errors';
import { parseCvDefinition, createAtomicCv, type AtomicCvSpec } from '../../engine/molecules/cv';
import { moleculeRelativePath, type ParsedMolecule } from '../../store/molecules';
import type { MolecularJob } from '../run-file';
import { planMolecularUmbrella } from './umbrella-plan';
import { seededStartBlocks } from '../seeding';
import { checkConstrainedStarts } from '../seeding/constraints';
import { BondConstraints } from '../../engine/molecules/dynamics/constraints';

/** Largest time step without constraints: X-H stretches need about 1 fs. */
export const MAX_DT_WITHOUT_CONSTRAINTS = 0.0015;

function defaultRange(spec: AtomicCvSpec): [number, number] | null {
  if (spec.kind === 'angle') return [0, Math.PI];
  if (spec.kind === 'distance' || spec.kind === 'rmsd') return [0, 3];
  return null;
}

export function planMolecularJob(record: MoleculeRecord, molecule: ParsedMolecule, p: MolecularRunParams): MolecularJob {
  const nAtoms = molecule.prmtop.topology.nAtoms;
  if (p.constraints === 'none' && p.dt > MAX_DT_WITHOUT_CONSTRAINTS) {
    throw new ApiError('invalid-input', `params.dt: ${p.dt} ps is too long without constraints (at most ${MAX_DT_WITHOUT_CONSTRAINTS} ps); use constraints 'hbonds' for 2 fs steps.`);
  }
  const parsed = p.cvs.map((definition, i) => {
    try {
      const { name, spec } = parseCvDefinition(definition, { nAtoms, reference: molecule.positions });
      const cv = createAtomicCv(name, spec, nAtoms);
      return { name, definition, spec, periodic: cv.periodic !== null };
    } catch (error) {
      if (error instanceof EngineInputError) throw new ApiError('invalid-input', `params.cvs.${i}: ${error.message}`);
      throw error;
    }
  });
  const names = parsed.map((c) => c.name);
  if (new Set(names).size !== names.length) throw new ApiError('invalid-input', `params.cvs: CV names must differ (got ${names.join(', ')}).`);

  let metad: MolecularJob['metad'] = null;
  if (p.metad) {
    const m = p.metad;
    const cvIndices = m.cvIndices ?? m.sigma.map((_, i) => i);
    const d = cvIndices.length;
    for (const [key, arr] of [['gridBins', m.gridBins], ['gridMin', m.gridMin], ['gridMax', m.gridMax]] as const) {
      if (arr && arr.length !== d) throw new ApiError('invalid-input', `params.metad.${key}: give one value per biased CV (${d}).`);
    }
    const min: number[] = [];
    const max: number[] = [];
    const bins: number[] = [];
    cvIndices.forEach((ci, i) => {
      const cv = parsed[ci];
      let lo: number, hi: number;
      if (cv.periodic) {
        [lo, hi] = [-Math.PI, Math.PI];
      } else {
        const range = m.gridMin && m.gridMax ? ([m.gridMin[i], m.gridMax[i]] as [number, number]) : defaultRange(cv.spec);
        if (!range) throw new ApiError('invalid-input', `params.metad.gridMin: CV "${cv.name}" is a combination; give its grid range (gridMin and gridMax).`);
        [lo, hi] = range;
        if (!(hi > lo)) throw new ApiError('invalid-input', `params.metad.gridMax: must be greater than gridMin for CV "${cv.name}".`);
      }
      min.push(lo);
      max.push(hi);
      bins.push(m.gridBins?.[i] ?? Math.max(8, Math.ceil((hi - lo) / (m.sigma[i] / 2))));
    });
    const cells = bins.reduce((a, b) => a * (b + 1), 1);
    if (cells > 4_000_000) throw new ApiError('invalid-input', `params.metad.gridBins: the bias grid would have ${cells} nodes; use wider hills or fewer bins (limit 4,000,000).`);
    metad = { cvIndices, sigma: [...m.sigma], height: m.height, pace: m.pace, biasFactor: m.biasFactor, grid: { min, max, bins }, walkers: m.walkers ?? 1 };
  }

  const umbrella = planMolecularUmbrella(parsed, p);
  // Metadynamics walkers start from one structure each, or all from one (runs/molecular/start.ts).
  const walkers = metad?.walkers ?? 1;
  const shared = walkers === 1 || (p.seeding?.starts?.length === 1 && p.seeding.starts[0].length === 3 * nAtoms);
  const starts = p.seeding
    ? seededStartBlocks(p.seeding, { tasks: umbrella?.windows.length ?? 1, walkers: shared ? 1 : walkers, dim: 3 * nAtoms, taskWord: umbrella ? 'window' : 'run', dimWord: `coordinates (${nAtoms} atoms x 3)` })
    : null;
  if (starts && p.constraints === 'hbonds') checkConstrainedStarts(starts, BondConstraints.hydrogenBonds(molecule.prmtop), 3 * nAtoms);
  return {
    kind: 'molecular',
    moleculeId: record.id,
    topologyFile: moleculeRelativePath(record.id, record.topologyFile),
    coordinatesFile: moleculeRelativePath(record.id, record.coordinatesFile),
    temperature: p.temperature,
    friction: p.friction,
    dt: p.dt,
    steps: p.steps,
    constraints: p.constraints,
    integrator: p.integrator ?? defaultMolecularIntegrator(p.constraints),
    minimize: p.minimize,
    seed: p.seed,
    frameInterval: p.frameInterval,
    cvs: parsed.map(({ name, definition, periodic }) => ({ name, definition, periodic })),
    metad,
    umbrella,
    ...(starts ? { starts } : {}),
  };
}
