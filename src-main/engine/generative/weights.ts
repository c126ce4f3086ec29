/**
 * Named float32 arrays <-> (weight specs, bytes) in the TensorFlow.js weights format: specs
 * `{name, shape, dtype: 'float32'}` in order, data = their values concatenated as little-endian
 * float32 (what tfjs writes to weights.bin and lists in model.json's weightsManifest).
 */
import { EngineInputError } from '../errors';

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export function packArrays(arrays: readonly NamedArray[]): { specs: WeightSpec[]; data: Uint8Array } {
  const total = arrays.reduce((sum, a) => sum + a.data.length, 0);
  const data = new Uint8Array(total * 4);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.data.length; i++) view.setFloat32(offset + 4 * i, a.data[i], true);
    offset += 4 * a.data.length;
  }
  return { specs: arrays.map((a) => ({ name: a.name, shape: [...a.shape], dtype: 'float32' })), data };
}

/** Inverse of packArrays; `what` names the file in error messages. */
export function unpackArrays(specs: unknown, data: Uint8Array, what: string): Map<string, NamedArray> {
  if (!Array.isArray(specs)) throw new EngineInputError(`${what}: weight list missing`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Map<string, NamedArray>();
  let offset = 0;
  for (const spec of specs as WeightSpec[]) {
    const okShape = Array.isArray(spec?.shape) && spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
    if (typeof spec?.name !== 'string' || !okShape || spec.dtype !== 'float32') {
      throw new EngineInputError(`${what}: bad weight entry ${JSON.stringify(spec)}`);
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * size > data.byteLength) {
      throw new EngineInputError(`${what}: weight data is shorter than its manifest (${data.byteLength} bytes)`);
    }
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = view.getFloat32(offset + 4 * i, true);
    offset += 4 * size;
    out.set(spec.name, { name: spec.name, shape: [...spec.shape], data: values });
  }
  if (offset !== data.byteLength) throw new EngineInputError(`${what}: weight data has ${data.byteLength - offset} bytes more than its manifest`);
  return out;
}
