/**
 * Well-tempered metadynamics (Barducci, Bussi & Parrinello, PRL 100, 020603, 2008) on one or
 * two coordinates of a toy system, with the bias kept on a Hermite grid (bias/grid.ts).
 *
 * Every `pace` steps each walker (in walker order, sharing one bias as PLUMED's multiple
 * walkers do) deposits a Gaussian hill at its CV value s:
 *   height = w exp(-V(s) / (kT (gamma - 1))),   G(s') = height prod_d exp(-(s'_d - s_d)^2 / (2 sigma_d^2))
 * The hill is added once to the grid values and analytic derivatives on nodes within
 * CUTOFF sigma of its centre (per axis). Running FES estimate: F = -(gamma/(gamma-1)) V (min 0).
 *
 * Determinism: hills are added in a fixed order with fixed arithmetic, and getState/setState
 * copy the grid arrays exactly (JSON round-trips doubles exactly), so a resumed run is
 * bit-identical to an uninterrupted one.
 */
import { EngineInputError, requireInteger, requirePositive } from '../errors';
import { HermiteGrid, type GridAxis, type OutsideGrid } from './grid';

/** A collective variable that is one coordinate of the system, optionally periodic on [min, max). */
export interface MetadCv {
  index: number;
  periodic?: { min: number; max: number };
}

export interface MetadGridOptions {
  /** Per CV; required for non-periodic CVs (periodic ones default to their period). */
  min?: number[];
  max?: number[];
  /** Bins per CV; default: bin width sigma/2. */
  bins?: number[];
}

export interface MetadOptions {
  cvs: MetadCv[];
  sigma: number[];
  /** Initial hill height w (energy units). */
  height: number;
  /** Steps between depositions. */
  pace: number;
  /** gamma > 1: well-tempered bias factor. */
  biasFactor: number;
  kT: number;
  grid?: MetadGridOptions;
  outside?: OutsideGrid;
  /** Hill times are step * timeStep (default 1: time in steps). */
  timeStep?: number;
  /** Keep the hill list (HILLS export, state); false keeps memory flat on very long runs. */
  keepHills?: boolean;
}

export interface Hill {
  time: number;
  center: number[];
  sigma: number[];
  /** The height actually added to the bias (not PLUMED's rescaled HILLS column). */
  height: number;
}

export interface MetadState {
  version: 1;
  nHills: number;
  value: number[];
  d0: number[];
  d1: number[];
  d01: number[];
  /** Flat: per hill time, centre (d), sigma (d), height; null when hills are not kept. */
  hills: number[] | null;
}

/** Hills are truncated at CUTOFF sigma per axis: the neglected tail is < exp(-18) = 1.5e-8 of the height. */
export const HILL_CUTOFF = 6;

/** Anything the walkers' positions can be read from (both integrators satisfy it). */
export interface WalkerView {
  readonly positions: Float64Array;
  readonly nWalkers: number;
  readonly dim: number;
  readonly step: number;
}

export class WellTemperedMetad {
  readonly cvs: readonly MetadCv[];
  readonly sigma: readonly number[];
  readonly height: number;
  readonly pace: number;
  readonly biasFactor: number;
  readonly kT: number;
  readonly timeStep: number;
  readonly keepHills: boolean;
  readonly grid: HermiteGrid;
  /** Called after every deposited hill (e.g. to stream a HILLS file). */
  onHill: ((hill: Hill) => void) | null = null;
  private nHills = 0;
  private hillData: number[] = [];
  private rctCache: number | null = null;
  private readonly idx: Int32Array[];
  private readonly g: Float64Array[];
  private readonly dg: Float64Array[];
  private readonly grad: Float64Array;
  private readonly s: Float64Array;
  private readonly cvIdx: Int32Array;
  private readonly heightDamping: number;

  constructor(opts: MetadOptions) {
    const problems: string[] = [];
    const cvs = opts.cvs;
    if (!Array.isArray(cvs) || (cvs.length !== 1 && cvs.length !== 2)) throw new EngineInputError('metadynamics needs 1 or 2 CVs');
    const d = cvs.length;
    cvs.forEach((cv, i) => {
      if (!Number.isSafeInteger(cv.index) || cv.index < 0) problems.push(`cvs[${i}].index must be a non-negative integer (got ${String(cv.index)})`);
      if (cv.periodic && !(Number.isFinite(cv.periodic.min) && Number.isFinite(cv.periodic.max) && cv.periodic.max > cv.periodic.min)) {
        problems.push(`cvs[${i}].periodic needs finite min < max`);
      }
    });
    if (d === 2 && cvs[0].index === cvs[1].index) problems.push('the two CVs must be different coordinates');
    if (!Array.isArray(opts.sigma) || opts.sigma.length !== d) problems.push(`sigma needs ${d} value(s)`);
    else opts.sigma.forEach((s, i) => (Number.isFinite(s) && s > 0) || problems.push(`sigma[${i}] must be a finite number > 0 (got ${String(s)})`));
    if (!(Number.isFinite(opts.biasFactor) && opts.biasFactor > 1)) problems.push(`biasFactor must be a finite number > 1 (got ${String(opts.biasFactor)})`);
    if (problems.length) throw new EngineInputError(problems);
    this.height = requirePositive(opts.height, 'height');
    this.pace = requireInteger(opts.pace, 'pace', 1);
    this.kT = requirePositive(opts.kT, 'kT');
    this.timeStep = requirePositive(opts.timeStep ?? 1, 'timeStep');
    this.biasFactor = opts.biasFactor;
    this.cvs = cvs.map((cv) => ({ index: cv.index, periodic: cv.periodic ? { ...cv.periodic } : undefined }));
    this.sigma = [...opts.sigma];
    this.keepHills = opts.keepHills ?? true;

    const axes: GridAxis[] = this.cvs.map((cv, i) => {
      const per = cv.periodic;
      const min = per ? per.min : opts.grid?.min?.[i];
      const max = per ? per.max : opts.grid?.max?.[i];
      if (min === undefined || max === undefined) throw new EngineInputError(`grid min and max are required for non-periodic CV ${i}`);
      if (per && ((opts.grid?.min?.[i] ?? min) !== min || (opts.grid?.max?.[i] ?? max) !== max)) {
        throw new EngineInputError(`CV ${i} is periodic: its grid range is its period [${min}, ${max}]`);
      }
      const bins = opts.grid?.bins?.[i] ?? Math.max(2, Math.ceil((max - min) / (this.sigma[i] / 2)));
      return { min, max, bins, periodic: per !== undefined };
    });
    this.grid = new HermiteGrid(axes, opts.outside ?? 'error');
    this.heightDamping = 1 / (this.kT * (this.biasFactor - 1));
    this.idx = [];
    this.g = [];
    this.dg = [];
    for (let i = 0; i < d; i++) {
      const len = Math.min(this.grid.n[i], 2 * Math.ceil((HILL_CUTOFF * this.sigma[i]) / this.grid.h[i]) + 3);
      this.idx.push(new Int32Array(len));
      this.g.push(new Float64Array(len));
      this.dg.push(new Float64Array(len));
    }
    this.grad = new Float64Array(2);
    this.s = new Float64Array(2);
    this.cvIdx = Int32Array.from(this.cvs.map((c) => c.index));
  }

  get dim(): number {
    return this.cvs.length;
  }

  get hillCount(): number {
    return this.nHills;
  }

  /** Throws unless every CV index exists in a system of dimension `dim`. */
  checkDimension(dim: number): void {
    for (const cv of this.cvs) {
      if (cv.index >= dim) throw new EngineInputError(`metadynamics CV index ${cv.index} does not exist in a ${dim}-dimensional system`);
    }
  }

  /** Bias at CV values s (and its gradient into grad when given). */
  biasAtCv(s0: number, s1 = 0, grad?: Float64Array): number {
    const out = grad ?? this.grad;
    return this.grid.dim === 1 ? this.grid.eval1(s0, out) : this.grid.eval2(s0, s1, out);
  }

  /** Bias W(x) of the point x[offset..]. */
  energy(x: Float64Array, offset: number): number {
    const c = this.cvIdx;
    return this.grid.dim === 1 ? this.grid.eval1(x[offset + c[0]], this.grad) : this.grid.eval2(x[offset + c[0]], x[offset + c[1]], this.grad);
  }

  /** Adds -grad W of the point x[offset..] to out[outOffset..]; returns W. */
  addForce(x: Float64Array, offset: number, out: Float64Array, outOffset: number): number {
    const c = this.cvIdx;
    const g = this.grad;
    if (this.grid.dim === 1) {
      const v = this.grid.eval1(x[offset + c[0]], g);
      out[outOffset + c[0]] -= g[0];
      return v;
    }
    const v = this.grid.eval2(x[offset + c[0]], x[offset + c[1]], g);
    out[outOffset + c[0]] -= g[0];
    out[outOffset + c[1]] -= g[1];
    return v;
  }

  /** CV value of coordinate `value` on axis i, wrapped into [min, max) when periodic. */
  wrap(i: number, value: number): number {
    const per = this.cvs[i].periodic;
    if (!per) return value;
    const p = per.max - per.min;
    const w = value - p * Math.floor((value - per.min) / p);
    return w >= per.max ? per.min : w;
  }

  /** Each walker deposits one well-tempered hill at its current CV value, in walker order. */
  depositFrom(positions: Float64Array, nWalkers: number, dim: number, step: number): void {
    const d = this.dim;
    const s = this.s;
    const time = step * this.timeStep;
    for (let w = 0; w < nWalkers; w++) {
      for (let i = 0; i < d; i++) s[i] = this.wrap(i, positions[w * dim + this.cvIdx[i]]);
      const v = this.biasAtCv(s[0], s[1]);
      const h = this.height * Math.exp(-v * this.heightDamping);
      this.addHill(time, d === 1 ? [s[0]] : [s[0], s[1]], this.sigma as number[], h);
    }
  }

  /** A reporter (for either integrator) that deposits hills every `pace` steps. */
  reporter(): { interval: number; report(sim: WalkerView): void } {
    return { interval: this.pace, report: (sim: WalkerView) => this.depositFrom(sim.positions, sim.nWalkers, sim.dim, sim.step) };
  }

  /** Adds one Gaussian of the given (actual) height to the grid; also used to load HILLS files. */
  addHill(time: number, center: readonly number[], sigma: readonly number[], height: number): void {
    const d = this.dim;
    if (center.length !== d || sigma.length !== d) throw new EngineInputError(`a hill needs ${d} centre and sigma value(s)`);
    if (!Number.isFinite(height) || !Number.isFinite(time)) throw new EngineInputError(`hill height and time must be finite (got ${height}, ${time})`);
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(center[i]) || !(sigma[i] > 0) || !Number.isFinite(sigma[i])) {
        throw new EngineInputError(`hill centre must be finite and sigma > 0 (CV ${i}: ${center[i]}, ${sigma[i]})`);
      }
    }
    const grid = this.grid;
    if (d === 1) {
      const n = this.axisKernel(0, center[0], sigma[0]);
      const idx = this.idx[0], g = this.g[0], dg = this.dg[0];
      const v = grid.value, d0 = grid.d0;
      for (let k = 0; k < n; k++) {
        v[idx[k]] += height * g[k];
        d0[idx[k]] += height * dg[k];
      }
    } else {
      const nx = this.axisKernel(0, center[0], sigma[0]);
      const ny = this.axisKernel(1, center[1], sigma[1]);
      const ix = this.idx[0], gx = this.g[0], dgx = this.dg[0];
      const iy = this.idx[1], gy = this.g[1], dgy = this.dg[1];
      const n1 = grid.n[1];
      const v = grid.value, d0 = grid.d0, d1 = grid.d1, d01 = grid.d01;
      for (let a = 0; a < nx; a++) {
        const row = ix[a] * n1;
        const hg = height * gx[a];
        const hdg = height * dgx[a];
        for (let b = 0; b < ny; b++) {
          const k = row + iy[b];
          v[k] += hg * gy[b];
          d0[k] += hdg * gy[b];
          d1[k] += hg * dgy[b];
          d01[k] += hdg * dgy[b];
        }
      }
    }
    this.nHills++;
    this.rctCache = null;
    if (this.keepHills) {
      this.hillData.push(time, ...center, ...sigma, height);
    }
    if (this.onHill) this.onHill({ time, center: [...center], sigma: [...sigma], height });
  }

  /** Fills idx/g/dg of an axis with the nodes within the cutoff of a hill; returns their count. */
  private axisKernel(axis: number, c: number, sigma: number): number {
    const a = this.grid.axes[axis];
    const h = this.grid.h[axis];
    const n = this.grid.n[axis];
    const cut = HILL_CUTOFF * sigma;
    const inv = 1 / (sigma * sigma);
    let idx = this.idx[axis], g = this.g[axis], dg = this.dg[axis];
    let count = 0;
    const need = Math.min(n, 2 * Math.ceil(cut / h) + 3);
    if (need > idx.length) {
      // A loaded hill wider than this run's sigma: grow the scratch once.
      this.idx[axis] = idx = new Int32Array(need);
      this.g[axis] = g = new Float64Array(need);
      this.dg[axis] = dg = new Float64Array(need);
    }
    const put = (node: number, dist: number): void => {
      const e = Math.exp(-0.5 * dist * dist * inv);
      idx[count] = node;
      g[count] = e;
      dg[count] = -dist * inv * e;
      count++;
    };
    if (a.periodic) {
      const period = a.max - a.min;
      if (2 * cut >= period) {
        for (let i = 0; i < n; i++) {
          let dist = a.min + i * h - c;
          dist -= period * Math.round(dist / period);
          put(i, dist);
        }
      } else {
        const lo = Math.ceil((c - cut - a.min) / h);
        const hi = Math.floor((c + cut - a.min) / h);
        for (let k = lo; k <= hi; k++) put(((k % n) + n) % n, a.min + k * h - c);
      }
    } else {
      const lo = Math.max(0, Math.ceil((c - cut - a.min) / h));
      const hi = Math.min(n - 1, Math.floor((c + cut - a.min) / h));
      for (let k = lo; k <= hi; k++) put(k, a.min + k * h - c);
    }
    return count;
  }

  /** Grid nodes per CV. */
  axes(): Float64Array[] {
    return this.cvs.map((_, i) => this.grid.nodes(i));
  }

  /** Running FES estimate on the grid nodes: -(gamma/(gamma-1)) V, shifted to min 0 (flat, first CV slowest). */
  freeEnergy(): { axes: Float64Array[]; fes: Float64Array } {
    const f = -this.biasFactor / (this.biasFactor - 1);
    const v = this.grid.value;
    const fes = new Float64Array(v.length);
    let min = Infinity;
    for (let k = 0; k < v.length; k++) {
      fes[k] = f * v[k];
      if (fes[k] < min) min = fes[k];
    }
    for (let k = 0; k < v.length; k++) fes[k] -= min;
    return { axes: this.axes(), fes };
  }

  /**
   * Tiwary-Parrinello c(t) = kT ln( sum_s exp(gamma V(s)/((gamma-1) kT)) / sum_s exp(V(s)/((gamma-1) kT)) )
   * over the grid nodes, for the current bias (cached until the next hill).
   */
  rct(): number {
    if (this.rctCache !== null) return this.rctCache;
    const v = this.grid.value;
    const b = 1 / (this.kT * (this.biasFactor - 1));
    const bg = this.biasFactor * b;
    let max = -Infinity;
    for (let k = 0; k < v.length; k++) if (v[k] > max) max = v[k];
    let num = 0;
    let den = 0;
    for (let k = 0; k < v.length; k++) {
      num += Math.exp(bg * (v[k] - max));
      den += Math.exp(b * (v[k] - max));
    }
    // ln(num * e^{bg max}) - ln(den * e^{b max}) = ln num - ln den + (bg - b) max, and (bg - b) kT = 1.
    this.rctCache = this.kT * (Math.log(num) - Math.log(den)) + max;
    return this.rctCache;
  }

  /** The deposited hills (empty when keepHills is false). */
  hills(): Hill[] {
    const d = this.dim;
    const stride = 2 * d + 2;
    const out: Hill[] = [];
    const h = this.hillData;
    for (let k = 0; k + stride <= h.length; k += stride) {
      out.push({ time: h[k], center: h.slice(k + 1, k + 1 + d), sigma: h.slice(k + 1 + d, k + 1 + 2 * d), height: h[k + 1 + 2 * d] });
    }
    return out;
  }

  /** JSON-safe checkpoint: grid arrays, hill count and (if kept) the hill list. */
  getState(): MetadState {
    return {
      version: 1,
      nHills: this.nHills,
      value: Array.from(this.grid.value),
      d0: Array.from(this.grid.d0),
      d1: Array.from(this.grid.d1),
      d01: Array.from(this.grid.d01),
      hills: this.keepHills ? this.hillData.slice() : null,
    };
  }

  setState(s: MetadState): void {
    if (!s || s.version !== 1) throw new EngineInputError('metadynamics state: unknown version');
    const g = this.grid;
    const check = (name: string, arr: unknown, len: number): number[] => {
      if (!Array.isArray(arr) || arr.length !== len) throw new EngineInputError(`metadynamics state: ${name} must have ${len} numbers (this grid)`);
      for (let i = 0; i < arr.length; i++) if (typeof arr[i] !== 'number' || !Number.isFinite(arr[i])) throw new EngineInputError(`metadynamics state: ${name}[${i}] is not finite`);
      return arr as number[];
    };
    const value = check('value', s.value, g.size);
    const d0 = check('d0', s.d0, g.size);
    const d1 = check('d1', s.d1, g.d1.length);
    const d01 = check('d01', s.d01, g.d01.length);
    if (!Number.isSafeInteger(s.nHills) || s.nHills < 0) throw new EngineInputError('metadynamics state: nHills must be a non-negative integer');
    let hills: number[] = [];
    if (this.keepHills) {
      hills = check('hills', s.hills, s.nHills * (2 * this.dim + 2));
    }
    g.value.set(value);
    g.d0.set(d0);
    g.d1.set(d1);
    g.d01.set(d01);
    this.nHills = s.nHills;
    this.hillData = hills.slice();
    this.rctCache = null;
  }
}
