/**
 * Compiles an expression AST into a flat instruction tape, evaluated by a switch loop with
 * forward-mode automatic differentiation: every register carries its value and its gradient
 * with respect to the variables. No eval, no Function, no per-call allocation.
 *
 * Constant sub-trees (numbers, parameters, constants) are folded at compile time, so `x^2`
 * becomes a power with a constant exponent, differentiated as c x^(c-1) (valid for x < 0).
 * Derivative rules: (a b)' = a' b + a b'; (a/b)' = (a' - v b')/b; (a^c)' = c a^(c-1) a';
 * (a^b)' = v (b' ln a + b a'/a); exp' = v; log' = 1/a; sqrt' = 1/(2v); sin' = cos; cos' = -sin;
 * tan' = 1 + v^2; tanh' = 1 - v^2; abs' = sign(a) (0 at 0); sinh' = cosh; cosh' = sinh;
 * atan' = 1/(1 + a^2). A zero tangent stays exactly zero (no inf * 0 = NaN at singular points).
 */
import { FUNCTIONS, parseExpression, type ExprNode, type FunctionName, type ParseOptions } from './parse';

const enum Op {
  Const,
  Var,
  Neg,
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  PowConst,
  Exp,
  Log,
  Sqrt,
  Sin,
  Cos,
  Tan,
  Tanh,
  Abs,
  Sinh,
  Cosh,
  Atan,
}

const FN_OP: Record<FunctionName, Op> = {
  exp: Op.Exp,
  log: Op.Log,
  sqrt: Op.Sqrt,
  sin: Op.Sin,
  cos: Op.Cos,
  tan: Op.Tan,
  tanh: Op.Tanh,
  abs: Op.Abs,
  sinh: Op.Sinh,
  cosh: Op.Cosh,
  atan: Op.Atan,
};

function applyFn(fn: FunctionName, a: number): number {
  switch (fn) {
    case 'exp':
      return Math.exp(a);
    case 'log':
      return Math.log(a);
    case 'sqrt':
      return Math.sqrt(a);
    case 'sin':
      return Math.sin(a);
    case 'cos':
      return Math.cos(a);
    case 'tan':
      return Math.tan(a);
    case 'tanh':
      return Math.tanh(a);
    case 'abs':
      return Math.abs(a);
    case 'sinh':
      return Math.sinh(a);
    case 'cosh':
      return Math.cosh(a);
    case 'atan':
      return Math.atan(a);
  }
}

function applyBin(op: '+' | '-' | '*' | '/' | '^', a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '^':
      return Math.pow(a, b);
  }
}

/** Folds constant sub-trees into numbers. */
export function foldConstants(node: ExprNode): ExprNode {
  switch (node.type) {
    case 'num':
    case 'var':
      return node;
    case 'neg': {
      const arg = foldConstants(node.arg);
      return arg.type === 'num' ? { type: 'num', value: -arg.value, col: node.col } : { ...node, arg };
    }
    case 'call': {
      const arg = foldConstants(node.arg);
      return arg.type === 'num' ? { type: 'num', value: applyFn(node.fn, arg.value), col: node.col } : { ...node, arg };
    }
    case 'bin': {
      const left = foldConstants(node.left);
      const right = foldConstants(node.right);
      if (left.type === 'num' && right.type === 'num') return { type: 'num', value: applyBin(node.op, left.value, right.value), col: node.col };
      return { ...node, left, right };
    }
  }
}

export class CompiledExpression {
  readonly text: string;
  readonly variables: readonly string[];
  /** usesVariable[i]: whether variable i appears (after constant folding). */
  readonly usesVariable: readonly boolean[];
  private readonly op: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly c: Float64Array;
  private readonly val: Float64Array;
  private readonly tan: Float64Array;
  private readonly nv: number;

  constructor(text: string, tree: ExprNode, variables: readonly string[]) {
    this.text = text;
    this.variables = [...variables];
    const ops: number[] = [];
    const as: number[] = [];
    const bs: number[] = [];
    const cs: number[] = [];
    const used = variables.map(() => false);
    const emit = (op: Op, a = -1, b = -1, c = 0): number => {
      ops.push(op);
      as.push(a);
      bs.push(b);
      cs.push(c);
      return ops.length - 1;
    };
    const walk = (n: ExprNode): number => {
      switch (n.type) {
        case 'num':
          return emit(Op.Const, -1, -1, n.value);
        case 'var':
          used[n.index] = true;
          return emit(Op.Var, n.index);
        case 'neg':
          return emit(Op.Neg, walk(n.arg));
        case 'call':
          return emit(FN_OP[n.fn], walk(n.arg));
        case 'bin': {
          if (n.op === '^' && n.right.type === 'num') return emit(Op.PowConst, walk(n.left), -1, n.right.value);
          const l = walk(n.left);
          const r = walk(n.right);
          const op = n.op === '+' ? Op.Add : n.op === '-' ? Op.Sub : n.op === '*' ? Op.Mul : n.op === '/' ? Op.Div : Op.Pow;
          return emit(op, l, r);
        }
      }
    };
    walk(foldConstants(tree));
    this.op = Uint8Array.from(ops);
    this.a = Int32Array.from(as);
    this.b = Int32Array.from(bs);
    this.c = Float64Array.from(cs);
    this.usesVariable = used;
    this.nv = variables.length;
    this.val = new Float64Array(ops.length);
    this.tan = new Float64Array(ops.length * this.nv);
  }

  /** Value at the point x[offset .. offset + variables.length). */
  evaluate(x: ArrayLike<number>, offset = 0): number {
    const { op, a, b, c, val } = this;
    const n = op.length;
    for (let i = 0; i < n; i++) {
      const va = a[i] >= 0 ? val[a[i]] : 0;
      switch (op[i]) {
        case Op.Const:
          val[i] = c[i];
          break;
        case Op.Var:
          val[i] = x[offset + a[i]];
          break;
        case Op.Neg:
          val[i] = -va;
          break;
        case Op.Add:
          val[i] = va + val[b[i]];
          break;
        case Op.Sub:
          val[i] = va - val[b[i]];
          break;
        case Op.Mul:
          val[i] = va * val[b[i]];
          break;
        case Op.Div:
          val[i] = va / val[b[i]];
          break;
        case Op.Pow:
          val[i] = Math.pow(va, val[b[i]]);
          break;
        case Op.PowConst:
          val[i] = Math.pow(va, c[i]);
          break;
        default:
          val[i] = unary(op[i], va);
      }
    }
    return val[n - 1];
  }

  /** Value, and its gradient written to grad[gradOffset .. + variables.length). */
  evaluateWithGradient(x: ArrayLike<number>, offset: number, grad: Float64Array, gradOffset: number): number {
    const { op, a, b, c, val, tan, nv } = this;
    const n = op.length;
    for (let i = 0; i < n; i++) {
      const ia = a[i];
      const ib = b[i];
      const va = ia >= 0 ? val[ia] : 0;
      const ti = i * nv;
      const ta = ia * nv;
      const tb = ib * nv;
      switch (op[i]) {
        case Op.Const:
          val[i] = c[i];
          for (let k = 0; k < nv; k++) tan[ti + k] = 0;
          break;
        case Op.Var:
          val[i] = x[offset + ia];
          for (let k = 0; k < nv; k++) tan[ti + k] = k === ia ? 1 : 0;
          break;
        case Op.Neg:
          val[i] = -va;
          for (let k = 0; k < nv; k++) tan[ti + k] = -tan[ta + k];
          break;
        case Op.Add:
          val[i] = va + val[ib];
          for (let k = 0; k < nv; k++) tan[ti + k] = tan[ta + k] + tan[tb + k];
          break;
        case Op.Sub:
          val[i] = va - val[ib];
          for (let k = 0; k < nv; k++) tan[ti + k] = tan[ta + k] - tan[tb + k];
          break;
        case Op.Mul: {
          const vb = val[ib];
          val[i] = va * vb;
          for (let k = 0; k < nv; k++) tan[ti + k] = scaled(tan[ta + k], vb) + scaled(tan[tb + k], va);
          break;
        }
        case Op.Div: {
          const vb = val[ib];
          const v = va / vb;
          val[i] = v;
          for (let k = 0; k < nv; k++) tan[ti + k] = (tan[ta + k] - scaled(tan[tb + k], v)) / vb;
          break;
        }
        case Op.Pow: {
          const vb = val[ib];
          const v = Math.pow(va, vb);
          val[i] = v;
          for (let k = 0; k < nv; k++) {
            const dA = tan[ta + k];
            const dB = tan[tb + k];
            tan[ti + k] = (dB === 0 ? 0 : v * Math.log(va) * dB) + (dA === 0 ? 0 : vb * Math.pow(va, vb - 1) * dA);
          }
          break;
        }
        case Op.PowConst: {
          const e = c[i];
          val[i] = Math.pow(va, e);
          const d = e === 0 ? 0 : e * Math.pow(va, e - 1);
          for (let k = 0; k < nv; k++) tan[ti + k] = scaled(tan[ta + k], d);
          break;
        }
        default: {
          const code = op[i];
          const v = unary(code, va);
          val[i] = v;
          const d = unaryDerivative(code, va, v);
          for (let k = 0; k < nv; k++) tan[ti + k] = scaled(tan[ta + k], d);
        }
      }
    }
    const last = (n - 1) * nv;
    for (let k = 0; k < nv; k++) grad[gradOffset + k] = tan[last + k];
    return val[n - 1];
  }
}

/** t * d, with a zero tangent staying zero even where d is infinite or NaN. */
function scaled(t: number, d: number): number {
  return t === 0 ? 0 : t * d;
}

function unary(code: number, a: number): number {
  switch (code) {
    case Op.Exp:
      return Math.exp(a);
    case Op.Log:
      return Math.log(a);
    case Op.Sqrt:
      return Math.sqrt(a);
    case Op.Sin:
      return Math.sin(a);
    case Op.Cos:
      return Math.cos(a);
    case Op.Tan:
      return Math.tan(a);
    case Op.Tanh:
      return Math.tanh(a);
    case Op.Abs:
      return Math.abs(a);
    case Op.Sinh:
      return Math.sinh(a);
    case Op.Cosh:
      return Math.cosh(a);
    case Op.Atan:
      return Math.atan(a);
  }
  return NaN;
}

function unaryDerivative(code: number, a: number, v: number): number {
  switch (code) {
    case Op.Exp:
      return v;
    case Op.Log:
      return 1 / a;
    case Op.Sqrt:
      return 0.5 / v;
    case Op.Sin:
      return Math.cos(a);
    case Op.Cos:
      return -Math.sin(a);
    case Op.Tan:
      return 1 + v * v;
    case Op.Tanh:
      return 1 - v * v;
    case Op.Abs:
      return a > 0 ? 1 : a < 0 ? -1 : 0;
    case Op.Sinh:
      return Math.cosh(a);
    case Op.Cosh:
      return Math.sinh(a);
    case Op.Atan:
      return 1 / (1 + a * a);
  }
  return NaN;
}

/** Parse + compile. Throws ExpressionError (with the column) or EngineInputError. */
export function compileExpression(text: string, opts: ParseOptions): CompiledExpression {
  return new CompiledExpression(text, parseExpression(text, opts), opts.variables);
}

export { FUNCTIONS };
