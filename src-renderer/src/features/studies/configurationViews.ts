/**
 * How the Studies view shows configurations at a clicked CV value, by the study's
 * configuration kind (StudyConfigurations.kind): toy coordinates as densities/scatter here; a
 * molecular study's structures in the molecule pages' 3D viewer (features/viewer) under 'molecule'.
 */
import type { Component } from 'svelte';
import type { StudyConfigurations } from '../../../../src-main/api/contract';
import CoordinateConfigurations from './CoordinateConfigurations.svelte';
import MoleculeConfigurations from './MoleculeConfigurations.svelte';

export const CONFIGURATION_VIEWS: Partial<Record<StudyConfigurations['kind'], Component<{ conf: StudyConfigurations }>>> = {
  coordinates: CoordinateConfigurations,
  molecule: MoleculeConfigurations,
};
