/**
 * The one place the engine imports TensorFlow.js. `@tensorflow/tfjs` (not just tfjs-core) because
 * its Node entry registers every kernel's gradient; tfjs-core's CommonJS entry registers none.
 * tfjs is pure compute (no fs, DOM or host access on the CPU/WASM paths); which backend runs the
 * kernels is chosen by ./backend.ts with loaders the host passes in.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
export type Tensor2D = tf.Tensor2D;
export type Variable = tf.Variable;
