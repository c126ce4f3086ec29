/**
 * A small, safe math-expression language for user-defined potentials (no eval, no Function):
 * tokenizer + Pratt parser -> AST with names already resolved.
 *
 * Grammar (lowest to highest precedence):
 *   sum     := product (('+' | '-') product)*                  left-associative
 *   product := unary (('*' | '/') unary)*                      left-associative
 *   unary   := ('-' | '+') unary | power                       so -x^2 = -(x^2)
 *   power   := primary ('^' unary)?                            right-associative: 2^3^2 = 2^9
 *   primary := NUMBER | NAME | NAME '(' sum ')' | '(' sum ')'
 * Numbers: 12, 1.5, .5, 3e-2. Names: variables (given by the caller, e.g. x, y), named
 * parameters (caller-supplied values), constants pi and e, and the functions listed in FUNCTIONS.
 * Every error is an ExpressionError whose message ends in "at column C" (1-based).
 */
import { EngineInputError } from '../errors';

export const FUNCTIONS = ['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'abs', 'sinh', 'cosh', 'atan'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
export const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

export class ExpressionError extends EngineInputError {
  /** 1-based column of the problem in the expression text. */
  readonly column: number;
  constructor(problem: string, column: number) {
    super(`${problem} at column ${column}`);
    this.name = 'ExpressionError';
    this.column = column;
  }
}

export type ExprNode =
  | { type: 'num'; value: number; col: number }
  | { type: 'var'; index: number; name: string; col: number }
  | { type: 'neg'; arg: ExprNode; col: number }
  | { type: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: ExprNode; right: ExprNode; col: number }
  | { type: 'call'; fn: FunctionName; arg: ExprNode; col: number };

type Token =
  | { kind: 'num'; value: number; col: number; text: string }
  | { kind: 'name'; name: string; col: number; text: string }
  | { kind: 'op'; op: string; col: number; text: string }
  | { kind: 'end'; col: number; text: string };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const isDigit = (ch: string) => ch >= '0' && ch <= '9';
  const isNameStart = (ch: string) => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_';
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const col = i + 1;
    if (isDigit(ch) || (ch === '.' && isDigit(text[i + 1] ?? ''))) {
      let j = i;
      while (isDigit(text[j] ?? '')) j++;
      if (text[j] === '.') {
        j++;
        while (isDigit(text[j] ?? '')) j++;
      }
      // Exponent only when digits follow ("2e" is 2 then the name e, reported as a missing operator).
      if ((text[j] === 'e' || text[j] === 'E') && (isDigit(text[j + 1] ?? '') || ((text[j + 1] === '+' || text[j + 1] === '-') && isDigit(text[j + 2] ?? '')))) {
        j += 2;
        while (isDigit(text[j] ?? '')) j++;
      }
      const raw = text.slice(i, j);
      if (text[j] === '.') throw new ExpressionError(`malformed number '${raw}.'`, col);
      tokens.push({ kind: 'num', value: Number(raw), col, text: raw });
      i = j;
      continue;
    }
    if (isNameStart(ch)) {
      let j = i + 1;
      while (j < text.length && (isNameStart(text[j]) || isDigit(text[j]))) j++;
      const name = text.slice(i, j);
      tokens.push({ kind: 'name', name, col, text: name });
      i = j;
      continue;
    }
    if ('+-*/^(),'.includes(ch)) {
      if (ch === '*' && text[i + 1] === '*') {
        throw new ExpressionError("'**' is not an operator (write ^ for powers)", col);
      }
      tokens.push({ kind: 'op', op: ch, col, text: ch });
      i++;
      continue;
    }
    throw new ExpressionError(`unexpected character '${ch}'`, col);
  }
  tokens.push({ kind: 'end', col: text.length + 1, text: 'end of expression' });
  return tokens;
}

export interface ParseOptions {
  /** Coordinate names, in order (their index is the variable slot). */
  variables: readonly string[];
  /** Named parameters and their values (folded in as numbers). */
  parameters?: Readonly<Record<string, number>>;
}

const BINARY_BP: Record<string, number> = { '+': 10, '-': 10, '*': 20, '/': 20, '^': 40 };
const UNARY_BP = 30;

function describe(t: Token): string {
  return t.kind === 'end' ? 'end of expression' : t.kind === 'name' ? `name '${t.text}'` : `'${t.text}'`;
}

/** Parses `text` into an AST whose names are resolved against `opts`. */
export function parseExpression(text: string, opts: ParseOptions): ExprNode {
  if (typeof text !== 'string') throw new EngineInputError('expression must be a string');
  const params = opts.parameters ?? {};
  checkNames(opts);
  const tokens = tokenize(text);
  if (tokens.length === 1) throw new ExpressionError('empty expression', 1);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  const expectClose = (open: Token) => {
    const t = next();
    if (t.kind === 'op' && t.op === ')') return;
    if (t.kind === 'end') throw new ExpressionError(`missing ')' for the '(' at column ${open.col}`, t.col);
    throw new ExpressionError(`unexpected ${describe(t)} (expected ')')`, t.col);
  };

  const nud = (t: Token): ExprNode => {
    if (t.kind === 'num') return { type: 'num', value: t.value, col: t.col };
    if (t.kind === 'op' && (t.op === '-' || t.op === '+')) {
      const arg = parse(UNARY_BP);
      return t.op === '-' ? { type: 'neg', arg, col: t.col } : arg;
    }
    if (t.kind === 'op' && t.op === '(') {
      const inner = parse(0);
      expectClose(t);
      return inner;
    }
    if (t.kind === 'name') {
      const name = t.name;
      if ((FUNCTIONS as readonly string[]).includes(name)) {
        const open = next();
        if (!(open.kind === 'op' && open.op === '(')) {
          throw new ExpressionError(`function '${name}' needs its argument in parentheses, e.g. ${name}(x)`, open.col);
        }
        if (peek().kind === 'op' && (peek() as { op: string }).op === ')') throw new ExpressionError(`function '${name}' needs an argument`, peek().col);
        const arg = parse(0);
        const after = peek();
        if (after.kind === 'op' && after.op === ',') throw new ExpressionError(`function '${name}' takes 1 argument`, after.col);
        expectClose(open);
        return { type: 'call', fn: name as FunctionName, arg, col: t.col };
      }
      const vi = opts.variables.indexOf(name);
      if (vi >= 0) return { type: 'var', index: vi, name, col: t.col };
      if (Object.prototype.hasOwnProperty.call(params, name)) return { type: 'num', value: params[name], col: t.col };
      if (Object.prototype.hasOwnProperty.call(CONSTANTS, name)) return { type: 'num', value: CONSTANTS[name], col: t.col };
      const known = [
        `variables ${opts.variables.join(', ')}`,
        Object.keys(params).length ? `parameters ${Object.keys(params).join(', ')}` : '',
        'constants pi, e',
        `functions ${FUNCTIONS.join(', ')}`,
      ].filter(Boolean);
      throw new ExpressionError(`unknown name '${name}' (known: ${known.join('; ')})`, t.col);
    }
    if (t.kind === 'end') throw new ExpressionError('unexpected end of expression (expected a number, name or \'(\')', t.col);
    throw new ExpressionError(`unexpected ${describe(t)}`, t.col);
  };

  const parse = (minBp: number): ExprNode => {
    let left = nud(next());
    for (;;) {
      const t = peek();
      if (t.kind === 'end') return left;
      if (t.kind !== 'op') throw new ExpressionError(`unexpected ${describe(t)} (missing operator such as '*'?)`, t.col);
      if (t.op === ')' || t.op === ',') return left;
      if (t.op === '(') throw new ExpressionError("unexpected '(' (missing operator such as '*'?)", t.col);
      const bp = BINARY_BP[t.op];
      if (bp <= minBp) return left;
      next();
      // '^' is right-associative and its exponent may carry a sign: 2^-x.
      const right = t.op === '^' ? parse(UNARY_BP - 1) : parse(bp);
      left = { type: 'bin', op: t.op as '+' | '-' | '*' | '/' | '^', left, right, col: t.col };
    }
  };

  const tree = parse(0);
  const t = peek();
  if (t.kind !== 'end') throw new ExpressionError(`unexpected ${describe(t)}`, t.col);
  return tree;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkNames(opts: ParseOptions): void {
  const problems: string[] = [];
  const reserved = new Set<string>([...FUNCTIONS, ...Object.keys(CONSTANTS)]);
  for (const v of opts.variables) {
    if (!NAME_RE.test(v) || reserved.has(v)) problems.push(`variable name '${v}' is not allowed`);
  }
  for (const [name, value] of Object.entries(opts.parameters ?? {})) {
    if (!NAME_RE.test(name)) problems.push(`parameter name '${name}' must be letters, digits and _ (starting with a letter)`);
    else if (reserved.has(name)) problems.push(`parameter name '${name}' is a built-in function or constant`);
    else if (opts.variables.includes(name)) problems.push(`parameter name '${name}' is also a variable`);
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`parameter '${name}' must be a finite number (got ${JSON.stringify(value)})`);
  }
  if (problems.length) throw new EngineInputError(problems);
}

/** Canonical fully-parenthesised text of an AST (for display and tests). */
export function formatExpression(node: ExprNode): string {
  switch (node.type) {
    case 'num':
      return String(node.value);
    case 'var':
      return node.name;
    case 'neg':
      return `(-${formatExpression(node.arg)})`;
    case 'bin':
      return `(${formatExpression(node.left)} ${node.op} ${formatExpression(node.right)})`;
    case 'call':
      return `${node.fn}(${formatExpression(node.arg)})`;
  }
}
