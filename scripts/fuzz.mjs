#!/usr/bin/env node
// Long fuzz run (issue 14): every target of test/reliability/fuzz-targets.ts with >= 10^5
// generated inputs each (LIFTWELL_FUZZ_RUNS, default 100000; LIFTWELL_FUZZ_SEED picks the
// sequence, default: a new one, printed so a failure can be replayed).
// Usage: npm run fuzz [-- RUNS]
import { spawnSync } from 'node:child_process';

const runs = process.argv[2] ?? process.env.LIFTWELL_FUZZ_RUNS ?? '100000';
const seed = process.env.LIFTWELL_FUZZ_SEED ?? String(Date.now() % 2 ** 31);
console.log(`fuzz: ${runs} inputs per target, seed ${seed} (replay: LIFTWELL_FUZZ_SEED=${seed} npm run fuzz -- ${runs})`);
const result = spawnSync('npx', ['vitest', 'run', 'test/reliability/fuzz.test.ts', '--reporter', 'verbose'], {
  stdio: 'inherit',
  env: { ...process.env, LIFTWELL_FUZZ_RUNS: runs, LIFTWELL_FUZZ_SEED: seed },
});
process.exitCode = result.status ?? 1;
