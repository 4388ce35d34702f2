/**
 * The line-search contract: a search sees the 1-D restriction φ(α) = F(x + α d) of an objective F along a
 * direction d through a callback, and returns a verdict. It never throws on numerical trouble (a non-descent
 * direction, NaN values, a budget exhausted): that is a named failure the caller can report. Only invalid
 * options, a programming error, throw a `RangeError` (see `validateArmijo` / `validateWolfe`).
 *
 * Reference: J. Nocedal & S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006, chapter 3.
 */

/**
 * Evaluates φ at α: the value φ(α) = F(x + α d) and the slope φ'(α) = ∇F(x + α d)ᵀ d.
 *
 * The caller's implementation also keeps the gradient at that point in its own buffer, so every search
 * guarantees: THE ACCEPTED STEP IS ALWAYS THE LAST ONE EVALUATED. The caller then needs no re-evaluation.
 */
export type Phi = (alpha: number) => { f: number; slope: number };

/** Why a line search failed, a closed set. */
export const LINE_SEARCH_FAILURES = ['not-descent', 'max-evals', 'non-finite', 'no-progress'] as const;

/**
 * - `not-descent`: φ'(0) ≥ 0 or not finite, so no small step decreases F (0 evaluations).
 * - `max-evals`: the evaluation budget ran out (or, for Wolfe, α reached `alphaMax` still descending).
 * - `non-finite`: φ(0) is not finite, or every trial returned a non-finite value or slope.
 * - `no-progress`: the step (or the Wolfe bracket) became so small that F cannot change at rounding level,
 *   α·|φ'(0)| ≤ ε·|φ(0)|: x + α d is x numerically.
 */
export type LineSearchFailure = (typeof LINE_SEARCH_FAILURES)[number];

/**
 * The verdict. On success `f` and `slope` are φ(α) and φ'(α) of the last evaluation, which is α itself, and
 * sufficient decrease holds; `warning` is set when a search (Moré–Thuente's) took a step without the curvature
 * condition, and says why.
 */
export type LineSearchResult =
  | { ok: true; alpha: number; f: number; slope: number; evals: number; warning?: string }
  | { ok: false; reason: LineSearchFailure; message: string; evals: number };

/** A line search with its options bound, the shape a step rule plugs in. */
export type LineSearch = (phi: Phi, f0: number, slope0: number) => LineSearchResult;

/** Machine epsilon for float64, 2⁻⁵². */
export const EPS = Number.EPSILON;

/** A failed verdict. */
export function lineSearchFailure(reason: LineSearchFailure, message: string, evals: number): LineSearchResult {
  return { ok: false, reason, message, evals };
}

/**
 * Checks the starting point shared by every search: φ(0) finite and φ'(0) < 0 (finite). Returns the failed
 * verdict (0 evaluations), or `undefined` when the search may start.
 */
export function checkStart(f0: number, slope0: number): LineSearchResult | undefined {
  if (!(slope0 < 0) || !Number.isFinite(slope0)) {
    return lineSearchFailure('not-descent', `not a descent direction: slope at alpha = 0 is ${slope0} (need < 0)`, 0);
  }
  if (!Number.isFinite(f0)) {
    return lineSearchFailure('non-finite', `the objective at the current point is ${f0}`, 0);
  }
  return undefined;
}

/**
 * True when a step of length α cannot change F at rounding level, to first order: α·|φ'(0)| ≤ ε·|φ(0)|.
 * Also true for α = 0 (underflow) and NaN.
 */
export function negligibleStep(alpha: number, f0: number, slope0: number): boolean {
  return !(alpha * -slope0 > EPS * Math.abs(f0));
}

/** True when both numbers are finite (neither NaN nor ±∞). */
export function isFiniteTrial(f: number, slope: number): boolean {
  return Number.isFinite(f) && Number.isFinite(slope);
}

/**
 * The sufficient-decrease (Armijo) condition, N&W eq. 3.4: φ(α) ≤ φ(0) + c₁ α φ'(0), together with φ(α) < φ(0).
 * The strict part matters only when c₁ α φ'(0) is below half an ulp of φ(0), so that the bound rounds to
 * φ(0): a flat φ would then pass with no decrease at all. Written so that a NaN φ(α) is rejected (every
 * comparison with NaN is false).
 */
export function sufficientDecrease(alpha: number, f: number, f0: number, slope0: number, c1: number): boolean {
  return f <= f0 + c1 * alpha * slope0 && f < f0;
}
