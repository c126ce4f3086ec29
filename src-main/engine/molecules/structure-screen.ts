/**
 * Screening lifted (or relaxed) structures for absurd geometry before anyone uses them: a weak
 * generative model can emit internal coordinates that rebuild into structures with stretched bonds,
 * and restrained dynamics from such a structure can blow up (atoms hundreds of nm away) without any
 * step producing a non-finite number. Such structures are not samples of p(x | xi*): callers drop
 * them from files and statistics and say how many and why.
 *
 * A structure is absurd when
 *  - a coordinate is non-finite or beyond MAX_ABS_COORDINATE_NM,
 *  - any force-field bond is more than MAX_BOND_DEVIATION off its equilibrium length: at 300 K the
 *    thermal spread of an Amber bond is sqrt(kT / 2k) ~ 0.003-0.005 nm, i.e. 2-5% of r0 for
 *    k ~ 1e5-3e5 kJ/mol/nm^2; 25% is > 5 thermal widths for every such bond and costs
 *    k (0.25 r0)^2 ~ 100-1000 kJ/mol for that bond alone,
 *  - the energy is non-finite or above MAX_ENERGY_KJ_MOL (atoms overlapping: thermal structures of
 *    small molecules sit at -100..+100 kJ/mol; 1e5 is far beyond anything relaxation thermalises).
 */

/** Relative deviation of a bond from its force-field equilibrium length beyond which the structure is absurd. */
export const MAX_BOND_DEVIATION = 0.25;
/** Energies above this (kJ/mol) mark a structure as absurd (overlapping atoms, exploded bonds). */
export const MAX_ENERGY_KJ_MOL = 1e5;
/** Coordinates beyond this (nm) mark a structure as exploded (the PDB field holds |x| < 100 nm). */
export const MAX_ABS_COORDINATE_NM = 50;

/** The force field's bonds: atom pairs (0-based, 2 per bond) and equilibrium lengths (nm). */
export interface EquilibriumBonds {
  atoms: ArrayLike<number>;
  r0: ArrayLike<number>;
}

/** Why one structure (atoms x 3, nm) is absurd, in words with 1-based atom numbers, or null when it is not. */
export function absurdStructureReason(x: ArrayLike<number>, energy: number, bonds: EquilibriumBonds): string | null {
  const coordinate = (k: number) => `atom ${Math.floor(k / 3) + 1} ${'xyz'[k % 3]} = ${x[k]} nm (exploded)`;
  for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k])) return coordinate(k);
  let worst = -1;
  let worstDev = 0;
  let worstR = 0;
  for (let b = 0; b < bonds.r0.length; b++) {
    const i = 3 * bonds.atoms[2 * b];
    const j = 3 * bonds.atoms[2 * b + 1];
    const r = Math.hypot(x[i] - x[j], x[i + 1] - x[j + 1], x[i + 2] - x[j + 2]);
    const dev = Math.abs(r - bonds.r0[b]) / bonds.r0[b];
    if (dev > worstDev) {
      worstDev = dev;
      worst = b;
      worstR = r;
    }
  }
  if (worst >= 0 && worstDev > MAX_BOND_DEVIATION) {
    const a = bonds.atoms[2 * worst] + 1;
    const c = bonds.atoms[2 * worst + 1] + 1;
    return `bond ${a}-${c} is ${worstR.toFixed(3)} nm against ${bonds.r0[worst].toFixed(3)} nm at equilibrium (${Math.round(100 * worstDev)}% off, limit ${100 * MAX_BOND_DEVIATION}%)`;
  }
  // Bonds first (the more telling reason); a structure can sit far out with sane bonds after a blow-up.
  for (let k = 0; k < x.length; k++) if (Math.abs(x[k]) > MAX_ABS_COORDINATE_NM) return coordinate(k);
  if (!Number.isFinite(energy)) return `the force-field energy is ${energy}`;
  if (energy > MAX_ENERGY_KJ_MOL) return `the force-field energy is ${energy.toExponential(2)} kJ/mol (limit ${MAX_ENERGY_KJ_MOL.toExponential(0)})`;
  return null;
}

/** Tally of excluded structures by kind of reason, for one warning line ("3 stretched bond, 1 energy"). */
export function summariseReasons(reasons: readonly string[]): string {
  const kinds = new Map<string, number>();
  for (const r of reasons) {
    const kind = r.startsWith('bond') ? 'a bond far from equilibrium' : r.startsWith('atom') ? 'exploded coordinates' : r.startsWith('relaxation') ? 'relaxation diverged' : 'absurd energy';
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([k, c]) => `${c} ${k}`).join(', ');
}
