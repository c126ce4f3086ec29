/**
 * One energy-unit choice for every free-energy number the app shows. Results arrive in their
 * source unit: a toy system's own energy units (those of V and kT) or kJ/mol for molecules,
 * with the kT of the run. 'kT' divides by kT; 'kJ/mol' and 'kcal/mol' apply to molecules, while
 * a toy system (whose potential has no physical unit) is then shown in the units of its V.
 */
export type EnergyChoice = 'kT' | 'kJ/mol' | 'kcal/mol';
export type SourceUnit = 'energy' | 'kJ/mol';

export const ENERGY_CHOICES: readonly EnergyChoice[] = ['kT', 'kJ/mol', 'kcal/mol'];

/** Thermochemical calorie: 1 kcal = 4.184 kJ exactly. */
export const KJ_PER_KCAL = 4.184;

export interface EnergySource {
  unit: SourceUnit;
  /** kT of the run, in the source unit. */
  kT: number;
}

/** Factor that turns a source-unit energy into the chosen unit. */
export function energyFactor(src: EnergySource, choice: EnergyChoice): number {
  if (choice === 'kT') return 1 / src.kT;
  if (src.unit === 'energy') return 1;
  return choice === 'kcal/mol' ? 1 / KJ_PER_KCAL : 1;
}

export function toEnergy(value: number | null | undefined, src: EnergySource, choice: EnergyChoice): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value * energyFactor(src, choice);
}

/** Label of the chosen unit for this source (a toy system's own unit reads "V units"). */
export function energyLabel(src: EnergySource, choice: EnergyChoice): string {
  if (choice === 'kT') return 'kT';
  return src.unit === 'energy' ? 'V units' : choice;
}
