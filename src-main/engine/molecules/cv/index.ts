/** Atomic CVs for molecules: geometry with gradients, specs, and the NAME=kind(atoms) parser. */
export { distanceCv, angleCv, dihedralCv } from './geometry';
export {
  createAtomicCv, periodicDifference, DIHEDRAL_PERIODICITY,
  type AtomicCv, type AtomicCvSpec, type CvPeriodicity, type CvUnits,
} from './atomic';
export { parseCvDefinition, parseAtomicCv, type CvParseContext } from './parse';
