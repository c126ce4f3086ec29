/**
 * Import edges that break the rules of .dependency-cruiser.cjs, one entry per edge (a cycle: one
 * entry per circle, matched whatever edge of it is reported), each with the reason it is allowed
 * for now. Issue 9 started with 20 such edges; the restructuring removed all of them. Do not add
 * entries for new code: fix the import instead. `npm run check:imports` lists entries that no
 * longer match anything, and fails on any violation not listed here.
 */
// eslint-disable-next-line no-unused-vars
const edge = (rule, from, to) => ({ type: 'dependency', from, to, rule: { severity: 'error', name: rule } });
// eslint-disable-next-line no-unused-vars
const cycle = (...modules) => ({ type: 'cycle', from: modules[0], to: modules[1], rule: { severity: 'error', name: 'no-circular' }, cycle: modules.map((name) => ({ name })) });

module.exports = [];
