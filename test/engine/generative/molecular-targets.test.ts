/**
 * Molecular model targets (engine/generative/molecular-targets.ts) and the projection of CVs that
 * cannot be imposed in closed form (engine/molecules/cv-projection.ts), on alanine dipeptide.
 */
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { parsePrmtop } from '../../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../../src-main/engine/molecules/amber/inpcrd';
import { parseAtomicCv } from '../../../src-main/engine/molecules/cv';
import { Rng } from '../../../src-main/engine/random';
import { buildZMatrix, internalDim, toInternal } from '../../../src-main/engine/generative/molecular-features';
import { inHoldOut, internalOf, planMolecularTargets, targetsOf } from '../../../src-main/engine/generative/molecular-targets';
import { projectOntoCvs } from '../../../src-main/engine/molecules/cv-projection';

const example = new URL('../../../resources/molecules/alanine-dipeptide/', import.meta.url);
const prm = parsePrmtop(readFileSync(new URL('ala2.prmtop', example), 'utf8'));
const x0 = parseInpcrd(readFileSync(new URL('ala2.inpcrd', example), 'utf8')).positions;
const top = prm.topology;
const spec = buildZMatrix(top.nAtoms, top.bonds, top.atomNames, [[4, 6, 8, 14], [6, 8, 14, 16]]);
const wrap = (v: number) => Math.atan2(Math.sin(v), Math.cos(v));

function frames(count: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(count * x0.length);
  for (let i = 0; i < out.length; i++) out[i] = x0[i % x0.length] + 0.01 * rng.normal();
  return out;
}

test('targets exclude the CV torsions; internalOf(targetsOf(x), CVs(x)) gives x back exactly', () => {
  const d = internalDim(spec);
  const internal = toInternal(spec, frames(30, 2));
  const plan = planMolecularTargets(spec, top.bonds, internal, 30);
  // Nothing is constant in jiggled frames: no bond frozen; phi and psi are not targets.
  expect(plan.frozen).toEqual([]);
  expect(plan.free).toHaveLength(d - 2);
  for (const c of plan.cvCoordinates) expect(plan.free).not.toContain(c);
  // Torsions on N-CA (CB, HA, H...) and on CA-C (O, ...) hang off phi / psi as offsets.
  const anchored = new Set(plan.offsets.map((o) => o.anchor));
  expect(anchored.has(plan.cvCoordinates[0]) && anchored.has(plan.cvCoordinates[1])).toBe(true);
  const targets = targetsOf(spec, plan, internal);
  const cond = [];
  for (let r = 0; r < 30; r++) cond.push(plan.cvCoordinates.map((c) => internal[r * d + c]));
  let worst = 0;
  for (let r = 0; r < 30; r++) {
    const back = internalOf(spec, plan, targets.subarray(r * plan.free.length, (r + 1) * plan.free.length), cond[r]);
    for (let j = 0; j < d; j++) {
      const diff = spec.kinds[j] === 'torsion' ? wrap(back[j] - internal[r * d + j]) : back[j] - internal[r * d + j];
      worst = Math.max(worst, Math.abs(diff));
    }
  }
  expect(worst).toBeLessThan(1e-12);
});

test('a constant bond is frozen at its value (constrained X-H)', () => {
  const d = internalDim(spec);
  const internal = toInternal(spec, frames(20, 3));
  const bond = spec.kinds.indexOf('bond');
  for (let r = 0; r < 20; r++) internal[r * d + bond] = 0.1234;
  const plan = planMolecularTargets(spec, top.bonds, internal, 20);
  expect(plan.frozen).toEqual([{ index: bond, value: expect.closeTo(0.1234, 12) }]);
  expect(plan.free).not.toContain(bond);
});

test('CVs without a closed form are projected onto their value: residual ~1e-10 or below', () => {
  // A distance and an angle, moved by 0.05 nm and 0.2 rad.
  const cvs = ['d=distance(5,17)', 'a=angle(5,7,9)'].map((t) => parseAtomicCv(t, { nAtoms: 22, reference: x0 }));
  const x = x0.slice();
  const targets = [cvs[0].value(x) + 0.05, cvs[1].value(x) - 0.2];
  const r = projectOntoCvs(x, cvs, targets, top.masses);
  expect(r.residual[0]).toBeLessThan(1e-10);
  expect(r.residual[1]).toBeLessThan(1e-10);
  expect(Math.abs(cvs[0].value(x) - targets[0])).toBeLessThan(1e-10);
  // Minimal displacement: atoms the CVs do not involve stay where they were.
  for (const a of [0, 1, 2, 3, 10, 11, 12, 13, 18, 19, 20, 21]) for (let k = 0; k < 3; k++) expect(x[3 * a + k]).toBe(x0[3 * a + k]);
});

test('hold-out intervals of a dihedral wrap around the circle; of a distance they do not', () => {
  expect(inHoldOut(-2.05, [-2.2, -1.9], true)).toBe(true);
  expect(inHoldOut(-2.05 + 2 * Math.PI, [-2.2, -1.9], true)).toBe(true);
  expect(inHoldOut(-1.5, [-2.2, -1.9], true)).toBe(false);
  // [3, 3.5] on the circle contains -2.9 (= 3.383 - 2 pi).
  expect(inHoldOut(-2.9, [3, 3.5], true)).toBe(true);
  expect(inHoldOut(-2.9, [3, 3.5], false)).toBe(false);
  expect(inHoldOut(0.3, null, true)).toBe(false);
});
