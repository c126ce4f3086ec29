/**
 * The methods the app runs, each in one sentence with the paper it comes from. Every place where
 * a method is chosen or shown takes its tooltip from here (shared/ui/MethodInfo.svelte), so the
 * words and references are the same everywhere and a newcomer can look the method up.
 */

export interface MethodReference {
  /** "Kumar et al." / "Shirts & Chodera": as cited in the text. */
  authors: string;
  year: number;
  title: string;
  /** Journal, volume, first page. */
  where: string;
  doi: string;
}

export interface MethodDescription {
  name: string;
  /** What it does, in one or two plain sentences. */
  summary: string;
  reference: MethodReference;
}

export const METHODS = {
  umbrella: {
    name: 'Umbrella sampling',
    summary: 'Harmonic restraints ("windows") hold the system at a series of values of the collective variable, so high free-energy regions are sampled too; an estimator then unbiases and joins the windows.',
    reference: { authors: 'Torrie & Valleau', year: 1977, title: 'Nonphysical sampling distributions in Monte Carlo free-energy estimation: Umbrella sampling', where: 'J. Comput. Phys. 23, 187', doi: '10.1016/0021-9991(77)90121-8' },
  },
  wham: {
    name: 'WHAM',
    summary: 'The weighted histogram analysis method: joins the biased histograms of all windows into one free-energy profile by solving self-consistent equations for the window free energies (binned).',
    reference: { authors: 'Kumar et al.', year: 1992, title: 'The weighted histogram analysis method for free-energy calculations on biomolecules. I. The method', where: 'J. Comput. Chem. 13, 1011', doi: '10.1002/jcc.540130812' },
  },
  mbar: {
    name: 'MBAR',
    summary: 'The multistate Bennett acceptance ratio: the binless, statistically optimal version of WHAM, with error estimates from its asymptotic covariance.',
    reference: { authors: 'Shirts & Chodera', year: 2008, title: 'Statistically optimal analysis of samples from multiple equilibrium states', where: 'J. Chem. Phys. 129, 124105', doi: '10.1063/1.2978177' },
  },
  metad: {
    name: 'Well-tempered metadynamics',
    summary: 'Gaussian hills added along the collective variables push the system out of visited basins; their heights shrink as the bias grows (bias factor γ), so the bias converges to −(1 − 1/γ) F.',
    reference: { authors: 'Barducci, Bussi & Parrinello', year: 2008, title: 'Well-tempered metadynamics: a smoothly converging and tunable free-energy method', where: 'Phys. Rev. Lett. 100, 020603', doi: '10.1103/PhysRevLett.100.020603' },
  },
  reweighting: {
    name: 'c(t) reweighting',
    summary: 'Reweights the frames of a metadynamics run by exp((V_bias − c(t))/kT) to get free energies along any other variable.',
    reference: { authors: 'Tiwary & Parrinello', year: 2015, title: 'A time-independent free energy estimator for metadynamics', where: 'J. Phys. Chem. B 119, 736', doi: '10.1021/jp504920s' },
  },
  baoab: {
    name: 'BAOAB Langevin',
    summary: 'A splitting of underdamped Langevin dynamics (kick, drift, thermostat, drift, kick) with very accurate configurational averages at large time steps.',
    reference: { authors: 'Leimkuhler & Matthews', year: 2013, title: 'Rational construction of stochastic numerical methods for molecular sampling', where: 'Appl. Math. Res. Express 2013, 34', doi: '10.1093/amrx/abs010' },
  },
  middle: {
    name: 'LangevinMiddle',
    summary: 'A splitting of Langevin dynamics with the thermostat between two half drifts and one constraint pass per step (OpenMM\'s LangevinMiddleIntegrator); without constraints its positions are BAOAB\'s; with bonds to hydrogen constrained it needs one SHAKE per step (BAOAB two), so it is the default for constrained runs.',
    reference: { authors: 'Zhang et al.', year: 2019, title: 'Unified efficient thermostat scheme for the canonical ensemble with holonomic or isokinetic constraints via molecular dynamics', where: 'J. Phys. Chem. A 123, 6056', doi: '10.1021/acs.jpca.9b02771' },
  },
  overdamped: {
    name: 'Overdamped Langevin (Euler–Maruyama)',
    summary: 'Brownian dynamics: each step moves along the force times the mobility plus Gaussian noise of variance 2 kT mobility dt.',
    reference: { authors: 'Kloeden & Platen', year: 1992, title: 'Numerical Solution of Stochastic Differential Equations', where: 'Springer, Berlin', doi: '10.1007/978-3-662-12616-5' },
  },
  score: {
    name: 'Score-based generative model',
    summary: 'Learns the gradient of the log density of noised data at many noise levels and generates samples by integrating the reverse-time diffusion, here conditioned on the CV value.',
    reference: { authors: 'Song et al.', year: 2021, title: 'Score-based generative modeling through stochastic differential equations', where: 'ICLR 2021', doi: '10.48550/arXiv.2011.13456' },
  },
  gan: {
    name: 'Conditional GAN',
    summary: 'A generator and a discriminator trained against each other, both given the condition (the CV value), so the generator learns the conditional distribution of the other coordinates.',
    reference: { authors: 'Mirza & Osindero', year: 2014, title: 'Conditional generative adversarial nets', where: 'arXiv:1411.1784', doi: '10.48550/arXiv.1411.1784' },
  },
  dmap: {
    name: 'Diffusion maps',
    summary: 'Eigenvectors of a Markov matrix built from Gaussian kernels between frames: the slowest ones are candidate collective variables; new points are placed by the Nyström extension.',
    reference: { authors: 'Coifman & Lafon', year: 2006, title: 'Diffusion maps', where: 'Appl. Comput. Harmon. Anal. 21, 5', doi: '10.1016/j.acha.2006.04.006' },
  },
  inefficiency: {
    name: 'Statistical inefficiency',
    summary: 'g = 1 + 2 Σ autocorrelation: a correlated series of n samples carries about n/g independent ones; subsampling every g-th sample decorrelates it.',
    reference: { authors: 'Chodera et al.', year: 2007, title: 'Use of the weighted histogram analysis method for the analysis of simulated and parallel tempering simulations', where: 'J. Chem. Theory Comput. 3, 26', doi: '10.1021/ct0502864' },
  },
  bootstrap: {
    name: 'Block bootstrap',
    summary: 'Error bars from resampling blocks of consecutive samples (so correlations inside a block are kept) and repeating the whole estimate on each replicate.',
    reference: { authors: 'Künsch', year: 1989, title: 'The jackknife and the bootstrap for general stationary observations', where: 'Ann. Stat. 17, 1217', doi: '10.1214/aos/1176347265' },
  },
  rattle: {
    name: 'RATTLE constraints',
    summary: 'Holds bonds to hydrogen at fixed length (positions and velocities), which allows a 2 fs time step.',
    reference: { authors: 'Andersen', year: 1983, title: 'Rattle: a "velocity" version of the Shake algorithm for molecular dynamics calculations', where: 'J. Comput. Phys. 52, 24', doi: '10.1016/0021-9991(83)90014-1' },
  },
} as const satisfies Record<string, MethodDescription>;

export type MethodId = keyof typeof METHODS;

/** "Kumar et al. 1992, J. Comput. Chem. 13, 1011": the short citation. */
export function citation(id: MethodId): string {
  const r = METHODS[id].reference;
  return `${r.authors} ${r.year}, ${r.where}`;
}

/** The tooltip text: name, what it does, and the reference. */
export function methodTooltip(id: MethodId): string {
  const m = METHODS[id];
  return `${m.name}: ${m.summary} Reference: ${citation(id)} (doi:${m.reference.doi}).`;
}
