/**
 * Weighted isotonic (non-decreasing) least-squares fit by pool-adjacent-violators (as
 * sklearn.isotonic.IsotonicRegression on inputs already in order).
 */
export function isotonic(values: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const level: number[] = [];
  const weight: number[] = [];
  const size: number[] = [];
  for (let i = 0; i < values.length; i++) {
    level.push(values[i]);
    weight.push(weights[i]);
    size.push(1);
    while (level.length > 1 && level[level.length - 2] > level[level.length - 1]) {
      const w = weight[weight.length - 2] + weight[weight.length - 1];
      const v = (level[level.length - 2] * weight[weight.length - 2] + level[level.length - 1] * weight[weight.length - 1]) / w;
      const s = size[size.length - 2] + size[size.length - 1];
      level.length -= 1;
      weight.length -= 1;
      size.length -= 1;
      level[level.length - 1] = v;
      weight[weight.length - 1] = w;
      size[size.length - 1] = s;
    }
  }
  const out = new Float64Array(values.length);
  let i = 0;
  level.forEach((v, b) => {
    for (let k = 0; k < size[b]; k++) out[i++] = v;
  });
  return out;
}
