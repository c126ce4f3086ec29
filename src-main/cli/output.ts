/** JSON output helpers: typed arrays become lists, NaN becomes null (JSON has no NaN). */

export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, toJsonValue(v)]));
  }
  return value;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(toJsonValue(value)) + '\n');
}

/** Rows of a walker-major flat array. */
export function toRows(flat: Float64Array, columns: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < flat.length; i += columns) rows.push(Array.from(flat.subarray(i, i + columns)));
  return rows;
}
