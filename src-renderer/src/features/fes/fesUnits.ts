/**
 * A free-energy result re-expressed in the unit the user chose (shared/units.ts). Every energy of
 * a FesResult is a difference of -kT ln P (source: the toy system's energy units), so one factor
 * converts them all; compare() and the plots are linear in it, so they run unchanged on the copy.
 */
import type { FesBasin, FesGrid2d, FesResult } from '../../../../src-main/api/contract';
import type { ShownEnergy } from '../../shared/units';

const row = (u: ShownEnergy, xs: (number | null)[]) => xs.map((v) => u.of(v));
const num = (u: ShownEnergy, xs: number[]) => xs.map((v) => v * u.factor);

function basin(u: ShownEnergy, b: FesBasin): FesBasin {
  return {
    ...b,
    freeEnergy: b.freeEnergy * u.factor,
    error: b.error === null ? null : b.error * u.factor,
    ...(b.exactFreeEnergy !== undefined ? { exactFreeEnergy: b.exactFreeEnergy === null ? null : b.exactFreeEnergy * u.factor } : {}),
  };
}

function grid(u: ShownEnergy, g: FesGrid2d): FesGrid2d {
  return {
    ...g,
    pmf: g.pmf.map((r) => row(u, r)),
    ...(g.pmfError ? { pmfError: g.pmfError.map((r) => row(u, r)) } : {}),
    ...(g.exact ? { exact: { pmf: g.exact.pmf.map((r) => num(u, r)) } } : {}),
  };
}

/** The same result with every energy (and kT itself) in unit `u`; positions and counts untouched. */
export function fesInUnit(fes: FesResult, u: ShownEnergy): FesResult {
  if (u.factor === 1) return fes;
  return {
    ...fes,
    kT: fes.kT * u.factor,
    pmf: row(u, fes.pmf),
    windowFreeEnergies: num(u, fes.windowFreeEnergies),
    ...(fes.exact ? { exact: { ...fes.exact, pmf: num(u, fes.exact.pmf), windowFreeEnergies: num(u, fes.exact.windowFreeEnergies) } } : {}),
    ...(fes.pmfError ? { pmfError: row(u, fes.pmfError) } : {}),
    ...(fes.windowFreeEnergiesError ? { windowFreeEnergiesError: row(u, fes.windowFreeEnergiesError) } : {}),
    ...(fes.basins ? { basins: fes.basins.map((b) => basin(u, b)) } : {}),
    ...(fes.grid ? { grid: grid(u, fes.grid) } : {}),
  };
}
