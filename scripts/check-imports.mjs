#!/usr/bin/env node
/**
 * `npm run check:imports` (issue 9): import cycles and layer boundaries, by dependency-cruiser with
 * the rules of .dependency-cruiser.cjs. Fails (exit 1) on any violation not listed in
 * dependency-cruiser-exemptions.cjs; prints how many exemptions remain and which of them no longer
 * match anything (delete those: the branch that fixed them has merged).
 *
 * Runs the depcruise CLI with the exemptions switched off and matches violations to exemptions
 * here (as dependency-cruiser's own known-violations do: same rule and same edge, or for a cycle
 * the same set of modules), so that stale exemptions can be reported too.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const exemptions = require(join(root, 'dependency-cruiser-exemptions.cjs'));
const bin = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const SCANNED = ['src-main', 'src-renderer/src'];

const json = execFileSync(process.execPath, [bin, ...SCANNED, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
  cwd: root,
  env: { ...process.env, LIFTWELL_IMPORTS_NO_EXEMPTIONS: '1' },
  maxBuffer: 256 * 1024 * 1024,
  encoding: 'utf8',
});
const { summary } = JSON.parse(json);

const names = (cycle) => (cycle ?? []).map((step) => step.name).sort().join(' ');
function matches(exemption, violation) {
  if (exemption.rule.name !== violation.rule.name) return false;
  if (exemption.cycle && violation.cycle) return names(exemption.cycle) === names(violation.cycle);
  return exemption.from === violation.from && exemption.to === violation.to;
}

const violations = summary.violations.filter((v) => v.rule.severity === 'error' || v.rule.severity === 'warn');
const unlisted = violations.filter((v) => !exemptions.some((e) => matches(e, v)));
const stale = exemptions.filter((e) => !violations.some((v) => matches(e, v)));

const describe = (v) => (v.cycle ? `${v.rule.name}: ${[v.from, ...v.cycle.map((s) => s.name)].join(' -> ')}` : `${v.rule.name}: ${v.from} -> ${v.to}`);
console.log(`check:imports: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports cruised (${SCANNED.join(', ')})`);
console.log(`check:imports: ${exemptions.length - stale.length} exemption(s) remain in dependency-cruiser-exemptions.cjs (${violations.length - unlisted.length} violating import(s) they cover)`);
for (const e of stale) console.log(`check:imports: exemption no longer needed, delete it: ${describe(e)}`);
if (unlisted.length) {
  console.error(`check:imports: ${unlisted.length} import(s) break the rules of .dependency-cruiser.cjs:`);
  for (const v of unlisted) console.error(`  ${describe(v)}`);
  console.error('Fix the import (see the layer diagram in .dependency-cruiser.cjs); do not add exemptions for new code.');
  process.exit(1);
}
console.log('check:imports: no new cycles or boundary violations');
