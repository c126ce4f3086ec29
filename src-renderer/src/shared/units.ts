/**
 * One energy-unit choice for every free-energy number the app shows. Results arrive in their
 * source unit, with the kT of the run:
 *
 * - toy systems ('energy'): the potential's own, dimensionless energy unit (that of V and of the
 *   run's kT parameter). No temperature is known, so 'kJ/mol' and 'kcal/mol' cannot apply: the
 *   switch offers kT (value / kT) and otherwise shows the potential's own units, labelled "V units".
 * - molecules ('kJ/mol'): kJ/mol with a bath temperature T in K, so kT = R T
 *   (1 kT at 300 K = 2.494339 kJ/mol = 0.596161 kcal/mol). All three choices apply.
 *
 * Exports (CSV columns, figure axes and titles) carry the unit shown, so a file never holds a
 * number without its unit. docs/energy-units.md says the same for users.
 */
export type EnergyChoice = 'kT' | 'kJ/mol' | 'kcal/mol';
export type SourceUnit = 'energy' | 'kJ/mol';

export const ENERGY_CHOICES: readonly EnergyChoice[] = ['kT', 'kJ/mol', 'kcal/mol'];

/** Thermochemical calorie: 1 kcal = 4.184 kJ exactly. */
export const KJ_PER_KCAL = 4.184;

/** Molar gas constant R = N_A k_B, kJ/(mol K) (CODATA 2018, exact since the 2019 SI). */
export const R_KJ_PER_MOL_K = 0.00831446261815324;

export interface EnergySource {
  unit: SourceUnit;
  /** kT of the run, in the source unit. */
  kT: number;
}

/** A toy system's run: energies in the units of V, kT the run's parameter in those units. */
export function toySource(kT: number): EnergySource {
  return { unit: 'energy', kT };
}

/** A molecular run: energies in kJ/mol at bath temperature `temperatureK`, so kT = R T. */
export function moleculeSource(temperatureK: number): EnergySource {
  return { unit: 'kJ/mol', kT: R_KJ_PER_MOL_K * temperatureK };
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

/** Unit label as a CSV column suffix: kT, kJ_per_mol, kcal_per_mol, V_units. */
export function columnSuffix(label: string): string {
  return label.replace('/', '_per_').replace(/\s+/g, '_');
}

/**
 * The unit energies are shown in, resolved once per result: what plots, tables and exports take.
 * `of` converts a source-unit value (null stays null); `label` goes on axes and in headings;
 * `column` names CSV columns (`free_energy_${column}`).
 */
export interface ShownEnergy {
  factor: number;
  label: string;
  column: string;
  of(value: number | null | undefined): number | null;
}

export function shownEnergy(src: EnergySource, choice: EnergyChoice): ShownEnergy {
  const factor = energyFactor(src, choice);
  const label = energyLabel(src, choice);
  return {
    factor,
    label,
    column: columnSuffix(label),
    of: (v) => (v === null || v === undefined || !Number.isFinite(v) ? null : v * factor),
  };
}

/**
 * For results already computed in kT (metadynamics, whose comparisons and thresholds are in kT):
 * the shown unit's label, CSV column suffix and the size of one kT in it.
 */
export interface KtUnit {
  label: string;
  column: string;
  perKT: number;
}

export const IN_KT: KtUnit = { label: 'kT', column: 'kT', perKT: 1 };

export function ktUnit(src: EnergySource, choice: EnergyChoice): KtUnit {
  const u = shownEnergy(src, choice);
  return { label: u.label, column: u.column, perKT: src.kT * u.factor };
}
