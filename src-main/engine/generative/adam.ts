/**
 * Adam (Kingma & Ba 2015) on tfjs variables, written out so that its state (step count and both
 * moment estimates) can be read (synchronously or asynchronously, see readback.ts) and restored for
 * checkpoints; tfjs's own optimiser keys its state by global variable names.
 * Update: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps).
 */
import { readAsync, readSync, type ReadPlan } from './readback';
import { tf, type Tensor, type Variable } from './tf';

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface AdamState {
  t: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  t = 0;
  private readonly m: Variable[];
  private readonly v: Variable[];

  constructor(
    private readonly params: Variable[],
    private readonly options: AdamOptions,
  ) {
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** One update with gradients aligned to the parameter list. Disposes nothing it did not create. */
  apply(grads: Tensor[], learningRate: number): void {
    this.t++;
    const { beta1, beta2, epsilon } = this.options;
    const stepSize = (learningRate * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.assign(tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), stepSize)));
      });
    });
  }

  /** The state as a read plan (one batch: all m, then all v). */
  *readState(): ReadPlan<AdamState> {
    const t = this.t;
    const values = yield [...this.m, ...this.v];
    return { t, m: values.slice(0, this.m.length), v: values.slice(this.m.length) };
  }

  getState(): AdamState {
    return readSync(this.readState());
  }

  getStateAsync(): Promise<AdamState> {
    return readAsync(this.readState());
  }

  setState(state: AdamState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) throw new Error('optimizer state does not match the network');
    this.t = state.t;
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(state.m[i], x.shape)));
      this.v.forEach((x, i) => x.assign(tf.tensor(state.v[i], x.shape)));
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
