/** Small dense vector helpers on Float64Array (no allocation). */

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

export function norm2(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

export function normInf(a: Float64Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) {
    const v = Math.abs(a[j]);
    if (v > m) m = v;
  }
  return m;
}

/** out = a + t·b (out may alias a or b). */
export function axpy(out: Float64Array, a: Float64Array, t: number, b: Float64Array): void {
  for (let j = 0; j < a.length; j++) out[j] = a[j] + t * b[j];
}

/** out = a − b */
export function sub(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let j = 0; j < a.length; j++) out[j] = a[j] - b[j];
}

export function allFinite(a: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if (!Number.isFinite(a[j])) return false;
  return true;
}
