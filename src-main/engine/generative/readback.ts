/**
 * One code path for synchronous and asynchronous readback of tensor values.
 *
 * Why: some backends cannot read synchronously (tfjs-backend-webgpu's dataSync goes through an
 * OffscreenCanvas copy that returns zeros and loses the device on some adapters, e.g. SwiftShader),
 * while `await tensor.data()` works everywhere. Routines that need values (the training step's
 * loss, validation, weights for checkpoints and models) are written once as generators that
 * `yield` the tensors they need and receive copies of their values; `readSync` drives such a plan
 * with dataSync(), `readAsync` with `await data()`. The math between the reads is the same code,
 * so the two variants cannot drift apart.
 *
 * Ownership: the plan owns the tensors it yields (the driver only reads them); a plan disposes
 * its temporaries in `finally`, which also runs when a read throws (the driver forwards the error
 * into the plan).
 */
import type { Tensor } from './tf';

/** A computation that yields batches of tensors to read and gets back their values (copies). */
export type ReadPlan<T> = Generator<readonly Tensor[], T, Float32Array[]>;

function copy(values: ArrayLike<number>): Float32Array {
  // Copies: some backends hand out their internal buffer, which a later kernel may overwrite.
  return values instanceof Float32Array ? values.slice() : Float32Array.from(values);
}

/** Runs `plan` reading each batch with dataSync(). */
export function readSync<T>(plan: ReadPlan<T>): T {
  let r = plan.next(undefined as unknown as Float32Array[]);
  while (!r.done) {
    let values: Float32Array[];
    try {
      values = r.value.map((t) => copy(t.dataSync() as ArrayLike<number>));
    } catch (error) {
      plan.throw(error); // runs the plan's finally blocks; rethrows unless the plan handles it
      throw error;
    }
    r = plan.next(values);
  }
  return r.value;
}

/** Runs `plan` reading each batch with `await data()` (all tensors of a batch in parallel). */
export async function readAsync<T>(plan: ReadPlan<T>): Promise<T> {
  let r = plan.next(undefined as unknown as Float32Array[]);
  while (!r.done) {
    let values: Float32Array[];
    try {
      values = (await Promise.all(r.value.map((t) => t.data()))).map((v) => copy(v as ArrayLike<number>));
    } catch (error) {
      plan.throw(error);
      throw error;
    }
    r = plan.next(values);
  }
  return r.value;
}
