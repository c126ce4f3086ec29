/** The renderer's pure helpers for learned CVs and the expression form (no DOM needed). */
import { expect, test } from 'vitest';
import { bestCorrelated, caretLine, formatNamedParameters, messageColumn, parseNamedParameters } from '../../src-renderer/src/features/learned-cvs/learnedCvs';

test('named parameters: "a=2, k=10" round trip and refusals naming the entry', () => {
  expect(parseNamedParameters('a=2, k=10')).toEqual({ ok: true, values: { a: 2, k: 10 } });
  expect(parseNamedParameters('')).toEqual({ ok: true, values: {} });
  expect(parseNamedParameters(' w_1 = -1.5e-3 ;b=4')).toEqual({ ok: true, values: { w_1: -1.5e-3, b: 4 } });
  expect(formatNamedParameters({ a: 2, k: 10 })).toBe('a=2, k=10');
  const bad = parseNamedParameters('a=2, k');
  expect(bad.ok).toBe(false);
  expect(!bad.ok && bad.message).toMatch(/"k": write name=value/);
  const nan = parseNamedParameters('a=two');
  expect(!nan.ok && nan.message).toMatch(/two is not a finite number/);
  expect(parseNamedParameters('x=1').ok).toBe(false);
  expect(parseNamedParameters('a=1, a=2').ok).toBe(false);
});

test('the parser column becomes a caret under that character', () => {
  const message = "spec.expression.expression: unexpected '^' at column 11";
  const column = messageColumn(message)!;
  expect(column).toBe(11);
  const expression = 'a*(x^2-1)^^2';
  expect(expression[caretLine(column).length - 1]).toBe('^');
  expect(messageColumn('no column here')).toBeNull();
});

test('bestCorrelated picks the largest |rho| whatever its sign', () => {
  expect(bestCorrelated([{ coordinate: 'x', spearman: -0.99 }, { coordinate: 'y', spearman: 0.3 }])!.coordinate).toBe('x');
  expect(bestCorrelated([])).toBeNull();
});
