import { describe, expect, it } from 'vitest';
import { FeatureEncoder } from '../../../src-main/engine/generative/features';
import { EngineInputError } from '../../../src-main/engine/errors';

describe('FeatureEncoder', () => {
  // 3 columns: plain, angle in radians, plain.
  const data = Float64Array.from([0.5, 3.1, -2, 1.5, -3.1, 4, -0.25, 0.2, 7, 2.0, 1.0, 1]);

  it('standardises every encoded column to mean 0, std 1', () => {
    const enc = FeatureEncoder.fit(data, 3, [1]);
    expect(enc.encodedDim).toBe(4);
    const e = enc.encode(data);
    for (let j = 0; j < 4; j++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < 4; i++) m += e[i * 4 + j] / 4;
      for (let i = 0; i < 4; i++) v += (e[i * 4 + j] - m) ** 2 / 4;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
  });

  it('round-trips exactly (periodic columns wrapped to [-P/2, P/2])', () => {
    const enc = FeatureEncoder.fromJSON(JSON.parse(JSON.stringify(FeatureEncoder.fit(data, 3, [1]).toJSON())));
    const back = enc.decode(enc.encode(data));
    // float64 throughout: atan2(sin, cos) and the affine maps are exact to a few ulps.
    for (let i = 0; i < data.length; i++) expect(back[i]).toBeCloseTo(data[i], 12);
    // An angle outside (-pi, pi] comes back wrapped: 3 pi/2 -> -pi/2.
    const wrapped = enc.decode(enc.encode(Float64Array.from([0, 1.5 * Math.PI, 0])));
    expect(wrapped[1]).toBeCloseTo(-0.5 * Math.PI, 12);
  });

  it('inverts (cos, sin) pairs off the unit circle by their direction (atan2)', () => {
    const enc = FeatureEncoder.fit(Float64Array.from([0, 1, 2, -1]), 1, [0]);
    const e = enc.encode(Float64Array.from([0.7]));
    // Scale the raw (cos, sin) pair by 2.5 in raw space: the angle must not change.
    const json = enc.toJSON();
    const raw = [Math.cos(0.7) * 2.5, Math.sin(0.7) * 2.5];
    const scaled = Float64Array.from(raw.map((r, k) => (r - json.mean[k]) / json.std[k]));
    expect(enc.decode(scaled)[0]).toBeCloseTo(0.7, 12);
    expect(enc.decode(e)[0]).toBeCloseTo(0.7, 12);
  });

  it('a custom period (degrees) and a constant column stay invertible', () => {
    const d = Float64Array.from([170, 5, -170, 5, 90, 5]);
    const enc = FeatureEncoder.fit(d, 2, [0], 360);
    expect(enc.toJSON().std[2]).toBe(1); // constant column: scale 1
    const back = enc.decode(enc.encode(d));
    for (let i = 0; i < d.length; i++) expect(back[i]).toBeCloseTo(d[i], 10);
  });

  it('rejects bad periodic columns and broken JSON', () => {
    expect(() => FeatureEncoder.fit(data, 3, [3])).toThrow(EngineInputError);
    expect(() => FeatureEncoder.fit(data, 3, [1, 1])).toThrow(/twice/);
    expect(() => FeatureEncoder.fromJSON({ rawDim: 1, periodic: [], mean: [0], std: [0] })).toThrow(/std/);
  });
});
