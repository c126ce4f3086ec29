/**
 * Langevin dynamics in real units (nm, ps, amu, K, kJ/mol) with the BAOAB splitting
 * (Leimkuhler & Matthews 2013): B = half kick, A = half drift, O = exact Ornstein-Uhlenbeck
 * velocity update v <- c1 v + sqrt((1 - c1^2) kT/m) N(0,1), c1 = exp(-friction dt).
 * friction = 0 gives velocity Verlet (NVE).
 *
 * Constraints (bonds to hydrogen): SHAKE after each drift, with the velocity corrected by the
 * same displacement, and RATTLE projection of velocities after each kick and the O step
 * (the constrained BAOAB of Leimkuhler & Matthews 2016).
 *
 * Kinetic energy: `kineticEnergy()` uses the current (full-step) velocities, which is what total
 * energy conservation is judged with; the thermostat estimate `midKineticEnergy` is taken right
 * after the O step, where BAOAB velocities carry no O(dt^2) bias for harmonic modes (the
 * full-step velocities undersample <v^2> by the factor 1 - (omega dt/2)^2, ~8% for an X-H
 * stretch at 1 fs). Temperatures use dof = 3N - constraints - 3 (centre-of-mass motion removed).
 *
 * Scheme 'middle' (OpenMM's LangevinMiddleIntegrator: Zhang, Liu, Yan, Tuckerman & Liu, J. Phys.
 * Chem. A 123, 6056 (2019); the default for constrained runs since the run's `integrator` param):
 * one full kick, RATTLE on the velocities, half drift, O, half drift, one SHAKE of the new
 * positions, and the velocities corrected by the constraint displacement / dt. Its velocities are
 * half-step (leapfrog) velocities, and it does one position and one velocity constraint per step
 * where the constrained BAOAB above does two and three. Positions sample the same distribution
 * (both are BAOAB in the positions); the kinetic energy estimator is the one of those velocities
 * (what OpenMM reports). See docs/md-speed.md.
 */
import { EngineInputError, SimulationDivergedError, requireFinite, requireInteger, requirePositive } from '../../errors';
import { Rng, type RngState } from '../../random';
import type { BondConstraints } from './constraints';

/** Boltzmann constant in kJ/mol/K (CODATA 2018 exact k_B N_A, as OpenMM). */
export const BOLTZMANN_KJ_PER_MOL_K = 0.0083144626181532;

export interface ForceProvider {
  readonly nAtoms: number;
  /** Overwrites `forces` (kJ/mol/nm) when given, writes per-term energies into `terms` when given; returns the potential energy. */
  compute(positions: Float64Array, forces: Float64Array | null, terms?: Float64Array | null): number;
}

/**
 * Where the O step's standard normals come from: `Rng` itself, or a source that hands out the
 * same stream from elsewhere (threads/md-helper.ts draws it ahead on another core). It must
 * give exactly the numbers `Rng.normals(out, n)` would, block after block, so the trajectory is
 * the same whichever source runs.
 */
export interface NormalSource {
  /** Writes the stream's next n standard normals to out[0..n). */
  normals(out: Float64Array, n: number): void;
  /** The stream's state after the normals handed out so far (for getState and checkpoints). */
  getState(): RngState;
}

/** 'baoab': the constrained BAOAB of Leimkuhler & Matthews (default; what older runs used). 'middle': OpenMM's LangevinMiddle. */
export type LangevinScheme = 'baoab' | 'middle';
export const LANGEVIN_SCHEMES: readonly LangevinScheme[] = ['baoab', 'middle'];

export interface LangevinOptions {
  forceField: ForceProvider;
  masses: Float64Array;
  /** nm, atom-major xyz (copied). */
  positions: Float64Array;
  /** nm/ps (copied); drawn from Maxwell-Boltzmann at `temperature` when absent. */
  velocities?: Float64Array | null;
  temperature: number;
  /** Collision rate in 1/ps; 0 = NVE. */
  friction: number;
  /** Time step in ps. */
  dt: number;
  seed: number;
  stream?: number;
  constraints?: BondConstraints | null;
  /** Remove centre-of-mass velocity every step (default true). */
  removeCmMotion?: boolean;
  /** Splitting (default 'baoab'; runs made before 'middle' existed keep it). */
  scheme?: LangevinScheme;
}

export interface LangevinState {
  step: number;
  positions: number[];
  velocities: number[];
  rng: RngState;
}

export class LangevinDynamics {
  readonly nAtoms: number;
  readonly positions: Float64Array;
  readonly velocities: Float64Array;
  readonly forces: Float64Array;
  /** Per-term energies of the current positions (the force provider's order). */
  readonly terms = new Float64Array(8);
  readonly degreesOfFreedom: number;
  readonly kT: number;
  readonly dt: number;
  readonly scheme: LangevinScheme;
  step = 0;
  potentialEnergy = 0;
  /** Kinetic energy right after the last O step (thermostat estimator); NaN before the first step. */
  midKineticEnergy = Number.NaN;

  private readonly ff: ForceProvider;
  private readonly masses: Float64Array;
  private readonly invMass: Float64Array;
  private readonly noiseScale: Float64Array;
  private readonly c1: number;
  private readonly constraints: BondConstraints | null;
  private readonly removeCm: boolean;
  private readonly scratch: Float64Array;
  /** The 'middle' scheme's unconstrained end positions (allocated only for it). */
  private readonly unconstrained: Float64Array;
  /** One O step's standard normals, drawn as a block (Rng.normals: same numbers as normal() calls). */
  private readonly noise: Float64Array;
  private rng: NormalSource;

  constructor(opts: LangevinOptions) {
    const n = opts.forceField.nAtoms;
    this.nAtoms = n;
    this.ff = opts.forceField;
    if (opts.masses.length !== n) throw new EngineInputError(`masses hold ${opts.masses.length} atoms, the force field ${n}`);
    if (opts.positions.length !== 3 * n) throw new EngineInputError(`positions hold ${opts.positions.length / 3} atoms, the force field ${n}`);
    requirePositive(opts.temperature, 'temperature');
    requireFinite(opts.friction, 'friction');
    if (opts.friction < 0) throw new EngineInputError(`friction must be >= 0 (got ${opts.friction})`);
    this.dt = requirePositive(opts.dt, 'dt');
    this.scheme = opts.scheme ?? 'baoab';
    if (!LANGEVIN_SCHEMES.includes(this.scheme)) throw new EngineInputError(`scheme must be ${LANGEVIN_SCHEMES.join(' or ')} (got ${String(opts.scheme)})`);
    requireInteger(opts.seed, 'seed', 0);
    this.kT = BOLTZMANN_KJ_PER_MOL_K * opts.temperature;
    this.masses = Float64Array.from(opts.masses);
    this.invMass = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      if (!(this.masses[a] > 0)) throw new EngineInputError(`atom ${a} has mass ${this.masses[a]}; dynamics needs positive masses`);
      this.invMass[a] = 1 / this.masses[a];
    }
    this.c1 = Math.exp(-opts.friction * this.dt);
    const c2 = Math.sqrt(1 - this.c1 * this.c1);
    this.noiseScale = new Float64Array(n);
    for (let a = 0; a < n; a++) this.noiseScale[a] = c2 * Math.sqrt(this.kT * this.invMass[a]);
    this.constraints = opts.constraints ?? null;
    this.removeCm = opts.removeCmMotion ?? true;
    this.degreesOfFreedom = 3 * n - (this.constraints?.count ?? 0) - (this.removeCm ? 3 : 0);
    if (this.degreesOfFreedom <= 0) throw new EngineInputError('no degrees of freedom left after constraints and centre-of-mass removal');
    const rng = new Rng(opts.seed, opts.stream ?? 0);
    this.rng = rng;
    this.positions = Float64Array.from(opts.positions);
    this.forces = new Float64Array(3 * n);
    this.scratch = new Float64Array(3 * n);
    this.unconstrained = new Float64Array(this.scheme === 'middle' ? 3 * n : 0);
    this.noise = new Float64Array(3 * n);
    if (this.constraints) {
      this.scratch.set(this.positions);
      this.constraints.shakePositions(this.scratch, this.positions);
    }
    if (opts.velocities) {
      if (opts.velocities.length !== 3 * n) throw new EngineInputError(`velocities hold ${opts.velocities.length / 3} atoms, the force field ${n}`);
      this.velocities = Float64Array.from(opts.velocities);
    } else {
      this.velocities = new Float64Array(3 * n);
      for (let a = 0; a < n; a++) {
        const s = Math.sqrt(this.kT * this.invMass[a]);
        for (let c = 0; c < 3; c++) this.velocities[3 * a + c] = s * rng.normal();
      }
    }
    if (this.removeCm) this.removeCmVelocity();
    if (this.constraints) this.constraints.projectVelocities(this.positions, this.velocities);
    this.computeForces();
  }

  private computeForces(): void {
    this.potentialEnergy = this.ff.compute(this.positions, this.forces, this.terms);
    if (!Number.isFinite(this.potentialEnergy)) throw new SimulationDivergedError(0, this.step, `dynamics diverged (non-finite energy) at step ${this.step}; reduce dt or minimise first`);
  }

  private kick(): void {
    const { velocities: v, forces: f, invMass } = this;
    const h = 0.5 * this.dt;
    for (let a = 0, k = 0; a < this.nAtoms; a++) {
      const s = h * invMass[a];
      v[k] += s * f[k++];
      v[k] += s * f[k++];
      v[k] += s * f[k++];
    }
    if (this.constraints) this.constraints.projectVelocities(this.positions, v);
  }

  private drift(): void {
    const { positions: x, velocities: v } = this;
    const h = 0.5 * this.dt;
    if (this.constraints) {
      this.scratch.set(x);
      for (let k = 0; k < x.length; k++) x[k] += h * v[k];
      this.constraints.shakePositions(this.scratch, x);
      // The velocity that makes the constrained move: (x_new - x_old) / h.
      const ih = 1 / h;
      for (let k = 0; k < x.length; k++) v[k] = (x[k] - this.scratch[k]) * ih;
    } else {
      for (let k = 0; k < x.length; k++) x[k] += h * v[k];
    }
  }

  private thermostat(): void {
    const { velocities: v, noiseScale, c1, noise } = this;
    if (c1 !== 1) {
      this.rng.normals(noise, noise.length);
      for (let a = 0, k = 0; a < this.nAtoms; a++) {
        const s = noiseScale[a];
        v[k] = c1 * v[k] + s * noise[k];
        k++;
        v[k] = c1 * v[k] + s * noise[k];
        k++;
        v[k] = c1 * v[k] + s * noise[k];
        k++;
      }
      if (this.removeCm) this.removeCmVelocity();
      if (this.constraints) this.constraints.projectVelocities(this.positions, v);
    }
    this.midKineticEnergy = this.kineticEnergy();
  }

  /** Subtracts the centre-of-mass velocity (keeps constraints: a uniform shift changes no relative velocity). */
  removeCmVelocity(): void {
    const { velocities: v, masses: m } = this;
    let px = 0, py = 0, pz = 0, mt = 0;
    for (let a = 0; a < this.nAtoms; a++) {
      px += m[a] * v[3 * a];
      py += m[a] * v[3 * a + 1];
      pz += m[a] * v[3 * a + 2];
      mt += m[a];
    }
    px /= mt;
    py /= mt;
    pz /= mt;
    for (let a = 0; a < this.nAtoms; a++) {
      v[3 * a] -= px;
      v[3 * a + 1] -= py;
      v[3 * a + 2] -= pz;
    }
  }

  /** Advances nSteps BAOAB steps. */
  run(nSteps: number): void {
    if (this.scheme === 'middle') {
      for (let s = 0; s < nSteps; s++) this.middleStep();
      return;
    }
    if (this.c1 !== 1) {
      if (this.constraints === null) for (let s = 0; s < nSteps; s++) this.fusedStep();
      else for (let s = 0; s < nSteps; s++) this.fusedConstrainedStep(this.constraints);
      return;
    }
    for (let s = 0; s < nSteps; s++) {
      this.kick();
      this.drift();
      this.thermostat();
      this.drift();
      this.computeForces();
      this.kick();
      if (this.removeCm && this.c1 === 1) this.removeCmVelocity();
      this.step++;
    }
  }

  /** Stepper (integrators/simulation.ts): the same as run(nSteps); the shared step loop calls it between reports. */
  integrate(nSteps: number): void {
    this.run(nSteps);
  }

  /**
   * One unconstrained BAOAB step with the loops fused (B+A, O with the momentum sum, centre-of-mass
   * removal with the kinetic energy and the second A): the same operations in the same order per
   * element as kick/drift/thermostat/drift, so the same bits, with three passes over the atoms
   * instead of seven.
   */
  private fusedStep(): void {
    const { positions: x, velocities: v, forces: f, invMass, masses: m, noiseScale, c1, noise } = this;
    const n = this.nAtoms;
    const h = 0.5 * this.dt;
    this.rng.normals(noise, noise.length);
    let px = 0, py = 0, pz = 0, mt = 0;
    for (let a = 0, k = 0; a < n; a++, k += 3) {
      const s = h * invMass[a];
      const ns = noiseScale[a];
      v[k] += s * f[k];
      v[k + 1] += s * f[k + 1];
      v[k + 2] += s * f[k + 2];
      x[k] += h * v[k];
      x[k + 1] += h * v[k + 1];
      x[k + 2] += h * v[k + 2];
      v[k] = c1 * v[k] + ns * noise[k];
      v[k + 1] = c1 * v[k + 1] + ns * noise[k + 1];
      v[k + 2] = c1 * v[k + 2] + ns * noise[k + 2];
      px += m[a] * v[k];
      py += m[a] * v[k + 1];
      pz += m[a] * v[k + 2];
      mt += m[a];
    }
    const removeCm = this.removeCm;
    if (removeCm) {
      px /= mt;
      py /= mt;
      pz /= mt;
    }
    let ke = 0;
    for (let a = 0, k = 0; a < n; a++, k += 3) {
      if (removeCm) {
        v[k] -= px;
        v[k + 1] -= py;
        v[k + 2] -= pz;
      }
      const vx = v[k], vy = v[k + 1], vz = v[k + 2];
      ke += m[a] * (vx * vx + vy * vy + vz * vz);
      x[k] += h * vx;
      x[k + 1] += h * vy;
      x[k + 2] += h * vz;
    }
    this.midKineticEnergy = 0.5 * ke;
    this.computeForces();
    for (let a = 0, k = 0; a < n; a++, k += 3) {
      const s = h * invMass[a];
      v[k] += s * f[k];
      v[k + 1] += s * f[k + 1];
      v[k + 2] += s * f[k + 2];
    }
    this.step++;
  }

  /**
   * One constrained BAOAB step with the loops fused (B; A with the copy of the old positions; O
   * with the momentum sum; centre-of-mass removal; the kinetic energy with the second A's copy
   * and drift): per element the operations and their order of kick/drift/thermostat/drift/kick,
   * so the same bits, with fewer passes over the atoms.
   */
  private fusedConstrainedStep(constraints: BondConstraints): void {
    const { positions: x, velocities: v, forces: f, invMass, masses: m, noiseScale, c1, noise, scratch: old } = this;
    const n = this.nAtoms;
    const n3 = 3 * n;
    const h = 0.5 * this.dt;
    const ih = 1 / h;
    this.kickOnly(v, f, invMass, h);
    constraints.projectVelocities(x, v);
    for (let k = 0; k < n3; k++) {
      old[k] = x[k];
      x[k] += h * v[k];
    }
    constraints.shakePositions(old, x);
    for (let k = 0; k < n3; k++) v[k] = (x[k] - old[k]) * ih;
    this.rng.normals(noise, n3);
    let px = 0, py = 0, pz = 0, mt = 0;
    for (let a = 0, k = 0; a < n; a++, k += 3) {
      const ns = noiseScale[a];
      v[k] = c1 * v[k] + ns * noise[k];
      v[k + 1] = c1 * v[k + 1] + ns * noise[k + 1];
      v[k + 2] = c1 * v[k + 2] + ns * noise[k + 2];
      px += m[a] * v[k];
      py += m[a] * v[k + 1];
      pz += m[a] * v[k + 2];
      mt += m[a];
    }
    if (this.removeCm) {
      px /= mt;
      py /= mt;
      pz /= mt;
      for (let k = 0; k < n3; k += 3) {
        v[k] -= px;
        v[k + 1] -= py;
        v[k + 2] -= pz;
      }
    }
    constraints.projectVelocities(x, v);
    let ke = 0;
    for (let a = 0, k = 0; a < n; a++, k += 3) {
      const vx = v[k], vy = v[k + 1], vz = v[k + 2];
      ke += m[a] * (vx * vx + vy * vy + vz * vz);
      old[k] = x[k];
      old[k + 1] = x[k + 1];
      old[k + 2] = x[k + 2];
      x[k] += h * vx;
      x[k + 1] += h * vy;
      x[k + 2] += h * vz;
    }
    this.midKineticEnergy = 0.5 * ke;
    constraints.shakePositions(old, x);
    for (let k = 0; k < n3; k++) v[k] = (x[k] - old[k]) * ih;
    this.computeForces();
    this.kickOnly(v, f, invMass, h);
    constraints.projectVelocities(x, v);
    this.step++;
  }

  /**
   * One step of the 'middle' scheme (OpenMM's LangevinMiddleIntegrator, the same order of
   * operations as its reference implementation): v += dt f/m; RATTLE(v); x += dt/2 v; O (with
   * the centre-of-mass removal of the CMMotionRemover); x += dt/2 v; SHAKE(x) against the start
   * positions; v += (constrained x - unconstrained x) / dt. The kinetic energy estimator is that
   * of the final (half-step) velocities. Without constraints, RATTLE and SHAKE drop out; without
   * friction, the O step (and its random numbers).
   */
  private middleStep(): void {
    const { positions: x, velocities: v, forces: f, invMass, masses: m, noiseScale, c1, noise, scratch: old, unconstrained: xu, constraints } = this;
    const n = this.nAtoms;
    const n3 = 3 * n;
    const dt = this.dt;
    const h = 0.5 * dt;
    this.kickOnly(v, f, invMass, dt);
    if (constraints !== null) constraints.projectVelocities(x, v);
    // Loops fused where the order per element allows: (A, O, momentum sum), (centre-of-mass
    // removal, A, copy of the unconstrained positions), (constraint correction, kinetic energy);
    // written out per coordinate (~0.1 us a step faster than a loop over the three, measured).
    const thermostat = c1 !== 1;
    if (thermostat) this.rng.normals(noise, n3);
    let px = 0, py = 0, pz = 0, mt = 0;
    for (let a = 0, k = 0; a < n; a++, k += 3) {
      const vx0 = v[k], vy0 = v[k + 1], vz0 = v[k + 2];
      const xx = x[k], xy = x[k + 1], xz = x[k + 2];
      old[k] = xx;
      old[k + 1] = xy;
      old[k + 2] = xz;
      x[k] = xx + h * vx0;
      x[k + 1] = xy + h * vy0;
      x[k + 2] = xz + h * vz0;
      let vx = vx0, vy = vy0, vz = vz0;
      if (thermostat) {
        const ns = noiseScale[a];
        vx = v[k] = c1 * vx0 + ns * noise[k];
        vy = v[k + 1] = c1 * vy0 + ns * noise[k + 1];
        vz = v[k + 2] = c1 * vz0 + ns * noise[k + 2];
      }
      const ma = m[a];
      px += ma * vx;
      py += ma * vy;
      pz += ma * vz;
      mt += ma;
    }
    if (this.removeCm) {
      px /= mt;
      py /= mt;
      pz /= mt;
    } else {
      px = py = pz = 0;
    }
    const keepUnconstrained = constraints !== null;
    for (let k = 0; k < n3; k += 3) {
      const vx = (v[k] -= px);
      const vy = (v[k + 1] -= py);
      const vz = (v[k + 2] -= pz);
      const ux = (x[k] += h * vx);
      const uy = (x[k + 1] += h * vy);
      const uz = (x[k + 2] += h * vz);
      if (keepUnconstrained) {
        xu[k] = ux;
        xu[k + 1] = uy;
        xu[k + 2] = uz;
      }
    }
    let ke = 0;
    if (constraints !== null) {
      constraints.shakePositions(old, x);
      // SHAKE moves atoms in pairs along bond vectors with mass-weighted steps: no net momentum.
      const idt = 1 / dt;
      for (let a = 0, k = 0; a < n; a++, k += 3) {
        const vx = (v[k] += (x[k] - xu[k]) * idt);
        const vy = (v[k + 1] += (x[k + 1] - xu[k + 1]) * idt);
        const vz = (v[k + 2] += (x[k + 2] - xu[k + 2]) * idt);
        ke += m[a] * (vx * vx + vy * vy + vz * vz);
      }
      this.midKineticEnergy = 0.5 * ke;
    } else {
      this.midKineticEnergy = this.kineticEnergy();
    }
    this.computeForces();
    this.step++;
  }

  /** v += h/m f, atom by atom (the B step without constraints). */
  private kickOnly(v: Float64Array, f: Float64Array, invMass: Float64Array, h: number): void {
    for (let a = 0, k = 0; a < this.nAtoms; a++, k += 3) {
      const s = h * invMass[a];
      v[k] += s * f[k];
      v[k + 1] += s * f[k + 1];
      v[k + 2] += s * f[k + 2];
    }
  }

  /** Kinetic energy (kJ/mol) of the current velocities. */
  kineticEnergy(): number {
    const { velocities: v, masses: m } = this;
    let ke = 0;
    for (let a = 0; a < this.nAtoms; a++) {
      const vx = v[3 * a], vy = v[3 * a + 1], vz = v[3 * a + 2];
      ke += m[a] * (vx * vx + vy * vy + vz * vz);
    }
    return 0.5 * ke;
  }

  /** Instantaneous temperature (K) of a kinetic energy: 2 KE / (dof k_B). */
  temperatureOf(kineticEnergy: number): number {
    return (2 * kineticEnergy) / (this.degreesOfFreedom * BOLTZMANN_KJ_PER_MOL_K);
  }

  get time(): number {
    return this.step * this.dt;
  }

  /** The random stream's state now (what getState() saves): where a NormalSource must continue. */
  randomState(): RngState {
    return this.rng.getState();
  }

  /**
   * Draws the O step's normals from `source` from now on; it must continue the stream at
   * randomState() (see NormalSource). setState() goes back to a plain Rng.
   */
  useNormalSource(source: NormalSource): void {
    this.rng = source;
  }

  getState(): LangevinState {
    return { step: this.step, positions: Array.from(this.positions), velocities: Array.from(this.velocities), rng: this.rng.getState() };
  }

  setState(state: LangevinState): void {
    if (state.positions.length !== 3 * this.nAtoms || state.velocities.length !== 3 * this.nAtoms) {
      throw new EngineInputError(`state holds ${state.positions.length / 3} atoms, the simulation ${this.nAtoms}`);
    }
    this.step = state.step;
    this.positions.set(state.positions);
    this.velocities.set(state.velocities);
    this.rng = Rng.fromState(state.rng);
    this.midKineticEnergy = Number.NaN;
    this.computeForces();
  }
}
