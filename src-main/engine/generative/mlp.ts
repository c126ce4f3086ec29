/**
 * A plain multilayer perceptron on tfjs variables, with the first layer split by input group:
 * h1 = silu(sum_g x_g W_g + b). Splitting replaces concat (whose gradient needs split/slice
 * kernels, and stridedSlice has no gradient on any tfjs backend) and lets a group with one row
 * (the condition or time embedding shared by a whole sampling batch) broadcast over the batch.
 * Only matMul, add, mul and sigmoid sit on the differentiated path (kernels with gradients on the
 * cpu, wasm and native backends alike); the input gradient for a gradient penalty is written out
 * explicitly (mlpInputGradient) so training needs first derivatives only.
 * Weights: Glorot-uniform from the engine's seeded Rng, biases 0.
 */
import type { Rng } from '../random';
import { tf, type Tensor2D, type Variable } from './tf';

export interface MlpSpec {
  /** Column count of each input group, in call order. */
  inputs: number[];
  hidden: number[];
  output: number;
}

export interface NamedParameter {
  name: string;
  variable: Variable;
}

export interface Mlp {
  readonly spec: MlpSpec;
  /** Fixed order: in0..inG-1, b0, then (w_l, b_l) per further hidden layer, out, bout. */
  readonly params: NamedParameter[];
}

function glorot(rng: Rng, fanIn: number, fanOut: number, rows: number, cols: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(rows * cols);
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * limit;
  return w;
}

/**
 * A variable holding `values`. tf.variable(t) shares t's data but leaves t itself alive (and
 * counted in tf.memory()); building it inside tidy frees t, the variable survives tidy.
 */
export function newVariable(values: Float32Array, shape: number[], trainable: boolean): Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), trainable));
}

/** Parameter names and shapes of an MLP, in the fixed order (for loading and checks). */
export function mlpParameterShapes(spec: MlpSpec, prefix: string): { name: string; shape: [number, number] | [number] }[] {
  const out: { name: string; shape: [number, number] | [number] }[] = [];
  const [h0, ...rest] = spec.hidden;
  spec.inputs.forEach((dim, g) => out.push({ name: `${prefix}/in${g}`, shape: [dim, h0] }));
  out.push({ name: `${prefix}/b0`, shape: [h0] });
  let previous = h0;
  rest.forEach((h, l) => {
    out.push({ name: `${prefix}/w${l + 1}`, shape: [previous, h] });
    out.push({ name: `${prefix}/b${l + 1}`, shape: [h] });
    previous = h;
  });
  out.push({ name: `${prefix}/out`, shape: [previous, spec.output] });
  out.push({ name: `${prefix}/bout`, shape: [spec.output] });
  return out;
}

/** New MLP with seeded Glorot weights. Variables get tfjs's unique auto names; ours live in `params`. */
export function createMlp(spec: MlpSpec, prefix: string, rng: Rng): Mlp {
  const fanInFirst = spec.inputs.reduce((a, b) => a + b, 0);
  const params = mlpParameterShapes(spec, prefix).map(({ name, shape }) => {
    let values: Float32Array;
    if (shape.length === 1) values = new Float32Array(shape[0]);
    else {
      const fanIn = name.includes('/in') ? fanInFirst : shape[0];
      values = glorot(rng, fanIn, shape[1], shape[0], shape[1]);
    }
    return { name, variable: newVariable(values, shape, true) };
  });
  return { spec, params };
}

/** MLP from stored values (same order and shapes as mlpParameterShapes). */
export function mlpFromValues(spec: MlpSpec, prefix: string, values: Map<string, Float32Array>): Mlp {
  const params = mlpParameterShapes(spec, prefix).map(({ name, shape }) => {
    const v = values.get(name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (!v || v.length !== size) throw new Error(`weights: ${name} missing or not of shape [${shape.join(', ')}]`);
    return { name, variable: newVariable(v, shape, true) };
  });
  return { spec, params };
}

/**
 * x W with a hand-written gradient whose matrix products are never transposed in place:
 * dX = dY transpose(W), dW = transpose(X) dY. tfjs's own MatMul gradient uses the transposeA /
 * transposeB forms, which the wasm backend runs ~7x slower than a plain product of the same size
 * (measured: 3.4 ms vs 0.47 ms for 256x128 by 128x128; an explicit transpose costs ~0.05 ms).
 * The result and the gradient are the same numbers on every backend.
 */
const linearOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [Tensor2D, Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as Tensor2D[];
      return [tf.matMul(dy as Tensor2D, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy as Tensor2D)];
    },
  };
}) as (x: Tensor2D, w: Tensor2D) => Tensor2D;

/** x W (x: B x in or 1 x in, W: in x out) with the fast gradient above. Call inside tf.tidy. */
export function linear(x: Tensor2D, w: Tensor2D): Tensor2D {
  return linearOp(x, w);
}

/** a transpose(b) as a plain product (see linearOp: wasm's transposeB form is ~7x slower). */
function matMulTransposedB(a: Tensor2D, b: Tensor2D): Tensor2D {
  return linear(a, tf.transpose(b));
}

function silu(x: Tensor2D): Tensor2D {
  return tf.mul(x, tf.sigmoid(x));
}

/** Forward pass; each input is B x dim or 1 x dim (broadcast). Call inside tf.tidy. */
export function mlpForward(mlp: Mlp, inputs: Tensor2D[]): Tensor2D {
  const p = mlp.params;
  const groups = mlp.spec.inputs.length;
  if (inputs.length !== groups) throw new Error(`MLP expects ${groups} input groups, got ${inputs.length}`);
  let h: Tensor2D = linear(inputs[0], p[0].variable as Tensor2D);
  for (let g = 1; g < groups; g++) h = tf.add(h, linear(inputs[g], p[g].variable as Tensor2D));
  h = silu(tf.add(h, p[groups].variable));
  let k = groups + 1;
  for (let l = 1; l < mlp.spec.hidden.length; l++) {
    h = silu(tf.add(linear(h, p[k].variable as Tensor2D), p[k + 1].variable));
    k += 2;
  }
  return tf.add(linear(h, p[k].variable as Tensor2D), p[k + 1].variable);
}

/** d silu / dz = s (1 + z (1 - s)), s = sigmoid(z). */
function siluPrime(z: Tensor2D): Tensor2D {
  const s = tf.sigmoid(z);
  return tf.mul(s, tf.add(1, tf.mul(z, tf.sub(1, s))));
}

/**
 * d(sum of the outputs)/d(input group `group`) for a single-output MLP, written out as a backward
 * pass in ordinary ops. Why not tf.grad: tfjs 4.22's nested gradients (tf.grad inside
 * tf.variableGrads) give wrong second derivatives for the weights feeding a sigmoid (checked
 * against finite differences in test/engine/generative/gradient-penalty.test.ts); with this
 * explicit form the outer gradient needs first derivatives only. Call inside tf.tidy.
 */
export function mlpInputGradient(mlp: Mlp, inputs: Tensor2D[], group: number): Tensor2D {
  const p = mlp.params;
  const groups = mlp.spec.inputs.length;
  if (mlp.spec.output !== 1) throw new Error('mlpInputGradient needs a single-output network');
  // Forward, keeping the pre-activations.
  const pre: Tensor2D[] = [];
  let z: Tensor2D = linear(inputs[0], p[0].variable as Tensor2D);
  for (let g = 1; g < groups; g++) z = tf.add(z, linear(inputs[g], p[g].variable as Tensor2D));
  z = tf.add(z, p[groups].variable);
  pre.push(z);
  let h = silu(z);
  const weights: Tensor2D[] = [];
  let k = groups + 1;
  for (let l = 1; l < mlp.spec.hidden.length; l++) {
    const w = p[k].variable as Tensor2D;
    weights.push(w);
    z = tf.add(linear(h, w), p[k + 1].variable);
    pre.push(z);
    h = silu(z);
    k += 2;
  }
  const out = p[k].variable as Tensor2D; // hidden_last x 1
  // Backward: d out / d h_last = out^T for every row.
  const rows = Math.max(...inputs.map((t) => t.shape[0]));
  let g: Tensor2D = matMulTransposedB(tf.ones([rows, 1]), out);
  for (let l = pre.length - 1; l >= 1; l--) {
    g = matMulTransposedB(tf.mul(g, siluPrime(pre[l])), weights[l - 1]);
  }
  g = tf.mul(g, siluPrime(pre[0]));
  return matMulTransposedB(g, p[group].variable as Tensor2D);
}

export function disposeMlp(mlp: Mlp): void {
  for (const { variable } of mlp.params) variable.dispose();
}
