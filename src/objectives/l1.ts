/**
 * The L1 regularizer g(x) = λ‖x‖₁ and its proximal map.
 *
 * prox_{tg}(v) = argmin_u ½‖u − v‖² + tλ‖u‖₁ = sign(v) · max(|v| − tλ, 0)   (soft thresholding;
 * Parikh & Boyd, *Proximal Algorithms*, 2014, §6.5.2). Exact zeros are what make the solution sparse.
 */

/** ‖x‖₁ */
export function l1Norm(x: Float64Array): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += Math.abs(x[j]);
  return s;
}

/** out = prox_{tλ‖·‖₁}(v), soft thresholding at `threshold` = tλ. `out` may be `v`. Writes +0, never −0. */
export function softThreshold(v: Float64Array, threshold: number, out: Float64Array): void {
  for (let j = 0; j < v.length; j++) {
    const a = v[j];
    out[j] = a > threshold ? a - threshold : a < -threshold ? a + threshold : 0;
  }
}

/** Fraction of exact zeros in x. */
export function sparsity(x: Float64Array): number {
  if (x.length === 0) return 0;
  let z = 0;
  for (let j = 0; j < x.length; j++) if (x[j] === 0) z++;
  return z / x.length;
}
