/**
 * Shared fixtures for the line-search tests (armijo.test.ts, wolfe.test.ts): one-dimensional test functions φ
 * with their slopes, Rosenbrock along a direction built the way a method builds it, a recording wrapper, and
 * assertions on a `LineSearchResult`. Not a `.test.ts` file, so the runner does not run it on its own.
 */
import assert from 'node:assert/strict';
import type { LineSearchResult, Phi } from '../../src/linesearch/types.js';
import { Rosenbrock } from '../helpers/problems.js';

/** One recorded evaluation of φ. */
export interface Call {
  alpha: number;
  f: number;
  slope: number;
}

/** Wraps φ so that every evaluation is recorded in order. */
export function recorder(phi: Phi): { phi: Phi; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    phi: (alpha) => {
      const r = phi(alpha);
      calls.push({ alpha, f: r.f, slope: r.slope });
      return r;
    },
  };
}

/** φ(α) = (α − 0.3)² − 0.09 = α² − 0.6α: φ(0) = 0, φ'(0) = −0.6, minimizer 0.3. */
export const quad: Phi = (a) => ({ f: (a - 0.3) ** 2 - 0.09, slope: 2 * (a - 0.3) });

/** `inner` where α ≤ t, NaN value and slope beyond (an objective that overflows past a step). */
export const nanBeyond =
  (t: number, inner: Phi): Phi =>
  (a) =>
    a > t ? { f: Number.NaN, slope: Number.NaN } : inner(a);

// The test functions of Moré & Thuente, "Line search algorithms with guaranteed sufficient decrease",
// ACM TOMS 20(3), 1994, §6.
/** Function 1: φ(α) = −α/(α² + β), β = 2. Minimizer √2. */
export const mt1: Phi = (a) => ({ f: -a / (a * a + 2), slope: (a * a - 2) / (a * a + 2) ** 2 });
/** Function 2: φ(α) = (α + β)⁵ − 2(α + β)⁴, β = 0.004. Minimizer 1.596, φ'(0) ≈ −5.1e-7. */
export const mt2: Phi = (a) => {
  const t = a + 0.004;
  return { f: t ** 5 - 2 * t ** 4, slope: 5 * t ** 4 - 8 * t ** 3 };
};
/** Function 3: φ₀(α) + 2(1 − β)/(lπ) sin(lπα/2), β = 0.01, l = 39; φ₀ is |α − 1| with a smoothed kink. */
export const mt3: Phi = (a) => {
  const b = 0.01;
  const l = 39;
  let f0: number;
  let g0: number;
  if (a <= 1 - b) {
    f0 = 1 - a;
    g0 = -1;
  } else if (a >= 1 + b) {
    f0 = a - 1;
    g0 = 1;
  } else {
    f0 = (a - 1) ** 2 / (2 * b) + b / 2;
    g0 = (a - 1) / b;
  }
  const w = (l * Math.PI) / 2;
  return { f: f0 + ((2 * (1 - b)) / (l * Math.PI)) * Math.sin(w * a), slope: g0 + (1 - b) * Math.cos(w * a) };
};
/** Functions 4–6: γ(β₁)√((1 − α)² + β₂²) + γ(β₂)√(α² + β₁²), γ(β) = √(1 + β²) − β. */
export function mt456(b1: number, b2: number): Phi {
  const gam = (b: number) => Math.sqrt(1 + b * b) - b;
  const g1 = gam(b1);
  const g2 = gam(b2);
  return (a) => {
    const r1 = Math.sqrt((1 - a) ** 2 + b2 * b2);
    const r2 = Math.sqrt(a * a + b1 * b1);
    return { f: g1 * r1 + g2 * r2, slope: (g1 * (a - 1)) / r1 + (g2 * a) / r2 };
  };
}

/** Rosenbrock F(x) = Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², its gradient written into g (`Rosenbrock` of the helpers). */
export function rosenbrock(x: Float64Array, g: Float64Array): number {
  return new Rosenbrock(x.length).valueGrad(x, g);
}

/**
 * φ along d = −∇F(x0) from x0, built the way a method builds it: the trial point and its gradient live in the
 * caller's buffers `x` and `g`, so after a search `g` holds ∇F at the last evaluated point (the accepted one).
 * f0 = F(x0), slope0 = ∇F(x0)ᵀd = −‖∇F(x0)‖².
 */
export function rosenbrockLine(x0: Float64Array) {
  const n = x0.length;
  const g0 = new Float64Array(n);
  const f0 = rosenbrock(x0, g0);
  const d = Float64Array.from(g0, (v) => -v);
  let slope0 = 0;
  for (let i = 0; i < n; i++) slope0 += g0[i] * d[i];
  const x = new Float64Array(n);
  const g = new Float64Array(n);
  const phi: Phi = (alpha) => {
    for (let i = 0; i < n; i++) x[i] = x0[i] + alpha * d[i];
    const f = rosenbrock(x, g);
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i] * d[i];
    return { f, slope };
  };
  return { x0, d, f0, slope0, phi, x, g };
}

/** Asserts a successful search (the failure's reason and message otherwise). */
export function assertOk(r: LineSearchResult): asserts r is Extract<LineSearchResult, { ok: true }> {
  assert.equal(r.ok, true, r.ok ? '' : `${r.reason}: ${r.message}`);
}

/** Asserts a failed search with the given reason after exactly `evals` evaluations, and a non-empty message. */
export function assertFail(r: LineSearchResult, reason: string, evals: number) {
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.reason, reason, r.message);
  assert.equal(r.evals, evals);
  assert.ok(r.message.length > 0);
}
