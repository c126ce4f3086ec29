/** ln sum_i exp(x_i) without overflow (shifted by the maximum); -Infinity for no terms. */
export function logSumExp(xs: number[]): number {
  if (!xs.length) return -Infinity;
  const m = Math.max(...xs);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}
