/**
 * Fuzzing every parser and API input schema (targets in fuzz-targets.ts). In the suite: a short
 * run with a fixed seed (LIFTWELL_FUZZ_RUNS inputs per target, default 60; a few seconds in all).
 * The long run, >= 10^5 inputs per target, is `npm run fuzz` (docs/reliability.md).
 */
import { afterAll, describe, it } from 'vitest';
import fc from 'fast-check';
import { tempDir } from '../api/helpers';
import { fuzzTargets } from './fuzz-targets';

const runs = Number(process.env.LIFTWELL_FUZZ_RUNS ?? 60);
const seed = Number(process.env.LIFTWELL_FUZZ_SEED ?? 14);
const dir = tempDir('liftwell-fuzz-');
afterAll(() => dir.cleanup());

describe('fuzzed parsers and API inputs', () => {
  const targets = fuzzTargets(dir.path);
  for (const [name, property] of Object.entries(targets)) {
    it(name, async () => {
      await fc.assert(property as fc.IAsyncProperty<[unknown]>, { numRuns: runs, seed });
    }, 3_600_000);
  }
});
