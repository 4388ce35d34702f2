import { exp, log1p } from '../math/elementary.js';

/**
 * Numerically safe logistic sigmoid σ(z) = 1 / (1 + e^{−z}) and its relatives.
 *
 * Each is built from e^{−|z|} ∈ (0, 1], so nothing overflows and σ(z), σ(−z) = 1 − σ(z) both keep full
 * relative accuracy for any finite z (computing 1 − σ(z) by subtraction would lose it for z ≫ 0).
 */

/** σ(z), accurate for every finite z. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + exp(-z));
  const e = exp(z);
  return e / (1 + e);
}

/** softplus(t) = log(1 + e^t) = max(t, 0) + log1p(e^{−|t|}), without overflow. */
export function softplus(t: number): number {
  return (t > 0 ? t : 0) + log1p(exp(-Math.abs(t)));
}
