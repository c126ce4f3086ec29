/** Region free energies live in analysis/regions.ts; re-exported for code written against the old place. */
export {
  computeMetadRegions,
  computeUmbrellaRegions,
  molecularRegions,
  regionsReplicate,
  type RegionOptions,
  type RegionsReplicateJob,
} from '../analysis/regions';
