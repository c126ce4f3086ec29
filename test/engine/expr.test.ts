/**
 * The safe expression language: values against the same formulas written in TypeScript,
 * derivatives against closed forms and central finite differences, precedence rules, and
 * error messages that point at the column of the problem.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionError, formatExpression, parseExpression } from '../../src-main/engine/expr';
import { EngineInputError } from '../../src-main/engine/errors';

const xy = { variables: ['x', 'y'] };

function value(text: string, x: number, y = 0, parameters: Record<string, number> = {}): number {
  return compileExpression(text, { variables: ['x', 'y'], parameters }).evaluate([x, y]);
}
function gradient(text: string, x: number, y: number, parameters: Record<string, number> = {}): [number, number, number] {
  const g = new Float64Array(2);
  const v = compileExpression(text, { variables: ['x', 'y'], parameters }).evaluateWithGradient([x, y], 0, g, 0);
  return [v, g[0], g[1]];
}
function errorOf(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error('expected an ExpressionError');
}

describe('expression values', () => {
  it('precedence and associativity', () => {
    expect(value('1 + 2 * 3', 0)).toBe(7);
    expect(value('(1 + 2) * 3', 0)).toBe(9);
    expect(value('2 ^ 3 ^ 2', 0)).toBe(512); // right-associative
    expect(value('-2 ^ 2', 0)).toBe(-4); // unary minus binds looser than ^
    expect(value('2 ^ -1', 0)).toBe(0.5);
    expect(value('8 / 4 / 2', 0)).toBe(1); // left-associative
    expect(value('10 - 4 - 3', 0)).toBe(3);
    expect(value('2 * -x', 3)).toBe(-6);
    expect(value('--x', 3)).toBe(3);
    expect(value('+x', 3)).toBe(3);
    expect(value('1e-3 * 2.5E2 + .5', 0)).toBeCloseTo(0.75, 15);
    expect(formatExpression(parseExpression('a*x^2 - -y', { variables: ['x', 'y'], parameters: { a: 2 } }))).toBe('((2 * (x ^ 2)) - (-y))');
  });

  it('functions, constants and parameters agree with Math (bit-for-bit: same operations)', () => {
    const x = 0.37;
    const y = -1.3;
    const cases: [string, number][] = [
      ['exp(x) + log(x) + sqrt(x)', Math.exp(x) + Math.log(x) + Math.sqrt(x)],
      ['sin(x) * cos(y) - tan(x)', Math.sin(x) * Math.cos(y) - Math.tan(x)],
      ['tanh(y) + abs(y) + sinh(x) + cosh(y) + atan(y)', Math.tanh(y) + Math.abs(y) + Math.sinh(x) + Math.cosh(y) + Math.atan(y)],
      ['pi * e', Math.PI * Math.E],
      ['a * (x^2 - 1)^2 + k/2 * (y - x)^2', 2.5 * (x ** 2 - 1) ** 2 + (4 / 2) * (y - x) ** 2],
    ];
    for (const [text, expected] of cases) expect(value(text, x, y, { a: 2.5, k: 4 })).toBeCloseTo(expected, 14);
  });
});

describe('expression derivatives (forward-mode AD)', () => {
  it('match closed forms', () => {
    // V = a (x^2-1)^2 + k/2 (y - x)^2: dV/dx = 4 a x (x^2-1) - k (y - x), dV/dy = k (y - x)
    const [v, gx, gy] = gradient('a*(x^2-1)^2 + k/2*(y-x)^2', -0.7, 0.4, { a: 3, k: 5 });
    expect(v).toBeCloseTo(3 * (0.49 - 1) ** 2 + 2.5 * 1.1 ** 2, 14);
    expect(gx).toBeCloseTo(4 * 3 * -0.7 * (0.49 - 1) - 5 * 1.1, 13);
    expect(gy).toBeCloseTo(5 * 1.1, 13);
    // Power with constant exponent at a negative base: d/dx x^3 = 3 x^2.
    expect(gradient('x^3', -2, 0)[1]).toBe(12);
    // Variable exponent: d/dx x^y = y x^(y-1), d/dy x^y = x^y ln x.
    const [p, px, py] = gradient('x^y', 1.7, 2.3);
    expect(p).toBeCloseTo(1.7 ** 2.3, 14);
    expect(px).toBeCloseTo(2.3 * 1.7 ** 1.3, 13);
    expect(py).toBeCloseTo(1.7 ** 2.3 * Math.log(1.7), 13);
    // sqrt at 0 with a constant argument path: a zero tangent stays zero (no NaN).
    expect(gradient('sqrt(x*0 + 4) + y', 0, 1)).toEqual([3, 0, 1]);
    // abs kink: derivative 0 at 0 (subgradient choice), sign elsewhere.
    expect(gradient('abs(x)', 0, 0)[1]).toBe(0);
    expect(gradient('abs(x)', -2, 0)[1]).toBe(-1);
  });

  it('match central finite differences for every function', () => {
    const texts = [
      'exp(-x^2) * sin(3*y)',
      'log(1 + x^2) / (2 + cos(y))',
      'sqrt(1 + x^2 + y^2) - tan(0.3*x)',
      'tanh(x*y) + abs(y - 0.1) + sinh(x) - cosh(0.5*y)',
      'atan(x/(1+y^2)) ^ 2 + (1 + x^2) ^ (0.5*y)',
      '-(x - y)^4 / 4 + e^x - pi*y',
    ];
    const h = 1e-6;
    for (const text of texts) {
      const f = compileExpression(text, xy);
      for (const [x, y] of [
        [0.3, -0.8],
        [-1.2, 0.45],
        [0.9, 1.7],
      ]) {
        const g = new Float64Array(2);
        f.evaluateWithGradient([x, y], 0, g, 0);
        const fdx = (f.evaluate([x + h, y]) - f.evaluate([x - h, y])) / (2 * h);
        const fdy = (f.evaluate([x, y + h]) - f.evaluate([x, y - h])) / (2 * h);
        // Central differences: truncation O(h^2 f''') ~ 1e-12, rounding O(eps |f| / h) ~ 1e-10.
        expect(Math.abs(g[0] - fdx), `${text} d/dx at ${x},${y}`).toBeLessThan(1e-7 * (1 + Math.abs(fdx)));
        expect(Math.abs(g[1] - fdy), `${text} d/dy at ${x},${y}`).toBeLessThan(1e-7 * (1 + Math.abs(fdy)));
      }
    }
  });

  it('reads variables at an offset and writes the gradient at an offset', () => {
    const f = compileExpression('x*y', xy);
    const buf = new Float64Array([9, 9, 2, 5]);
    const g = new Float64Array(5);
    expect(f.evaluateWithGradient(buf, 2, g, 3)).toBe(10);
    expect(Array.from(g)).toEqual([0, 0, 0, 5, 2]);
    expect(f.usesVariable).toEqual([true, true]);
    expect(compileExpression('x + 0*pi', xy).usesVariable).toEqual([true, false]);
  });
});

describe('expression errors name the column', () => {
  const cases: [string, RegExp, number][] = [
    ['(x + 1))', /unexpected '\)' at column 8/, 8],
    ['sin(x) +', /unexpected end of expression .* at column 9/, 9],
    ['2x', /unexpected name 'x' \(missing operator/, 2],
    ['x $ 2', /unexpected character '\$' at column 3/, 3],
    ['(x + 1', /missing '\)' for the '\(' at column 1 at column 7/, 7],
    ['z + 1', /unknown name 'z'/, 1],
    ['sin x', /function 'sin' needs its argument in parentheses/, 5],
    ['x ** 2', /'\*\*' is not an operator \(write \^/, 3],
    ['foo(x)', /unknown name 'foo'/, 1],
    ['sin()', /function 'sin' needs an argument/, 5],
    ['exp(x, y)', /function 'exp' takes 1 argument/, 6],
    ['x (y)', /unexpected '\(' \(missing operator/, 3],
    ['1.2.3', /malformed number/, 1],
    ['   ', /empty expression/, 1],
    ['x * / y', /unexpected '\/' at column 5/, 5],
  ];
  for (const [text, message, column] of cases) {
    it(JSON.stringify(text), () => {
      const e = errorOf(() => compileExpression(text, xy));
      expect(e.message).toMatch(message);
      expect(e.column).toBe(column);
      expect(e).toBeInstanceOf(EngineInputError);
    });
  }

  it('rejects bad parameter names and values', () => {
    expect(() => compileExpression('a*x', { variables: ['x'], parameters: { sin: 1 } })).toThrow(/built-in function or constant/);
    expect(() => compileExpression('a*x', { variables: ['x'], parameters: { x: 1 } })).toThrow(/also a variable/);
    expect(() => compileExpression('a*x', { variables: ['x'], parameters: { a: NaN } })).toThrow(/parameter 'a' must be a finite number/);
    expect(() => compileExpression('a*x', { variables: ['x'], parameters: { '1a': 2 } })).toThrow(/letters, digits/);
  });

  it('never executes text as code', () => {
    // Property access, calls of non-whitelisted names, strings and brackets are not in the grammar.
    expect(() => compileExpression('constructor', xy)).toThrow(/unknown name 'constructor'/);
    expect(() => compileExpression('toString(x)', xy)).toThrow(/unknown name 'toString'/);
    expect(() => compileExpression("x['a']", xy)).toThrow(/unexpected character '\['/);
    expect(() => compileExpression('x.y', xy)).toThrow(/unexpected character '\.'/);
  });
});
