/**
 * Invertible feature maps between user arrays (N x D, row-major, float64) and network features.
 *
 * Per raw column: a periodic column theta (period P) becomes two columns (cos phi, sin phi) with
 * phi = 2 pi theta / P, so the network never sees the artificial cut; the inverse is
 * theta = atan2(sin, cos) P / (2 pi), which is exact on the circle and also well defined for a
 * generated (c, s) pair off the unit circle (it projects radially). Every encoded column is then
 * standardised (x - mean) / std, fitted on the training data; std of a constant column is taken
 * as 1 so the map stays invertible. The encoder serialises to plain JSON.
 */
import { EngineInputError } from '../errors';

export interface EncoderJson {
  rawDim: number;
  /** Periodic raw columns and their periods. */
  periodic: { index: number; period: number }[];
  /** Per encoded column. */
  mean: number[];
  std: number[];
}

export class FeatureEncoder {
  readonly rawDim: number;
  readonly encodedDim: number;
  private readonly periods: Float64Array; // 0 = not periodic
  private readonly mean: Float64Array;
  private readonly std: Float64Array;

  private constructor(json: EncoderJson) {
    this.rawDim = json.rawDim;
    this.periods = new Float64Array(json.rawDim);
    for (const p of json.periodic) this.periods[p.index] = p.period;
    this.encodedDim = json.rawDim + json.periodic.length;
    this.mean = Float64Array.from(json.mean);
    this.std = Float64Array.from(json.std);
  }

  /** Fits the standardisation on `data` (n x rawDim). `periodic`: raw column indices; `period` default 2 pi. */
  static fit(data: Float64Array, rawDim: number, periodic: readonly number[] = [], period = 2 * Math.PI, name = 'data'): FeatureEncoder {
    const periodicSpec = validatePeriodic(periodic, rawDim, period, name);
    const e = rawDim + periodicSpec.length;
    // Encode with the identity standardisation first, then fit mean/std by two-pass moments.
    const raw = new FeatureEncoder({ rawDim, periodic: periodicSpec, mean: new Array(e).fill(0), std: new Array(e).fill(1) });
    const n = data.length / rawDim;
    const encoded = raw.encode(data);
    const mean = new Float64Array(e);
    const std = new Float64Array(e);
    for (let i = 0; i < n; i++) for (let j = 0; j < e; j++) mean[j] += encoded[i * e + j];
    for (let j = 0; j < e; j++) mean[j] /= Math.max(1, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < e; j++) std[j] += (encoded[i * e + j] - mean[j]) ** 2;
    for (let j = 0; j < e; j++) {
      const s = Math.sqrt(std[j] / Math.max(1, n));
      // A (nearly) constant column carries no information; scale 1 keeps the map invertible.
      std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
    }
    return new FeatureEncoder({ rawDim, periodic: periodicSpec, mean: Array.from(mean), std: Array.from(std) });
  }

  static fromJSON(json: EncoderJson, name = 'encoder'): FeatureEncoder {
    if (!json || typeof json !== 'object' || !Number.isSafeInteger(json.rawDim) || json.rawDim < 1 || !Array.isArray(json.periodic)) {
      throw new EngineInputError(`${name}: not a feature encoder description`);
    }
    const periodic = validatePeriodic(json.periodic.map((p) => p.index), json.rawDim, 1, name);
    json.periodic.forEach((p) => {
      if (!(typeof p.period === 'number' && p.period > 0 && Number.isFinite(p.period))) throw new EngineInputError(`${name}: period of column ${p.index} must be > 0`);
    });
    const e = json.rawDim + periodic.length;
    const ok = (a: unknown) => Array.isArray(a) && a.length === e && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok(json.mean) || !ok(json.std) || json.std.some((s) => !(s > 0))) {
      throw new EngineInputError(`${name}: mean/std must be ${e} finite numbers (std > 0)`);
    }
    return new FeatureEncoder(json);
  }

  toJSON(): EncoderJson {
    const periodic: EncoderJson['periodic'] = [];
    this.periods.forEach((p, index) => {
      if (p > 0) periodic.push({ index, period: p });
    });
    return { rawDim: this.rawDim, periodic, mean: Array.from(this.mean), std: Array.from(this.std) };
  }

  isPeriodic(rawIndex: number): boolean {
    return this.periods[rawIndex] > 0;
  }

  periodOf(rawIndex: number): number {
    return this.periods[rawIndex];
  }

  /** n x rawDim -> n x encodedDim (standardised). Output is float32 when asked (network input). */
  encode(data: Float64Array, out?: Float64Array | Float32Array): Float64Array | Float32Array {
    const d = this.rawDim;
    const e = this.encodedDim;
    const n = data.length / d;
    const result = out ?? new Float64Array(n * e);
    for (let i = 0; i < n; i++) {
      const row = i * e;
      let k = 0;
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j];
        const p = this.periods[j];
        if (p > 0) {
          const phi = (2 * Math.PI * v) / p;
          result[row + k] = (Math.cos(phi) - this.mean[k]) / this.std[k];
          result[row + k + 1] = (Math.sin(phi) - this.mean[k + 1]) / this.std[k + 1];
          k += 2;
        } else {
          result[row + k] = (v - this.mean[k]) / this.std[k];
          k++;
        }
      }
    }
    return result;
  }

  /** n x encodedDim -> n x rawDim; periodic columns come back in [-P/2, P/2]. */
  decode(encoded: Float32Array | Float64Array, out?: Float64Array): Float64Array {
    const d = this.rawDim;
    const e = this.encodedDim;
    const n = encoded.length / e;
    const result = out ?? new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (let j = 0; j < d; j++) {
        const p = this.periods[j];
        if (p > 0) {
          const c = encoded[i * e + k] * this.std[k] + this.mean[k];
          const s = encoded[i * e + k + 1] * this.std[k + 1] + this.mean[k + 1];
          result[i * d + j] = (Math.atan2(s, c) * p) / (2 * Math.PI);
          k += 2;
        } else {
          result[i * d + j] = encoded[i * e + k] * this.std[k] + this.mean[k];
          k++;
        }
      }
    }
    return result;
  }
}

function validatePeriodic(periodic: readonly number[], rawDim: number, period: number, name: string): { index: number; period: number }[] {
  if (!(period > 0 && Number.isFinite(period))) throw new EngineInputError(`${name}: period must be a finite number > 0 (got ${period})`);
  const seen = new Set<number>();
  for (const index of periodic) {
    if (!Number.isSafeInteger(index) || index < 0 || index >= rawDim) {
      throw new EngineInputError(`${name}: periodic column ${index} does not exist (columns 0..${rawDim - 1})`);
    }
    if (seen.has(index)) throw new EngineInputError(`${name}: periodic column ${index} listed twice`);
    seen.add(index);
  }
  return [...seen].sort((a, b) => a - b).map((index) => ({ index, period }));
}
