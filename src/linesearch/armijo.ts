import {
  checkStart,
  isFiniteTrial,
  type LineSearchFailure,
  type LineSearchResult,
  lineSearchFailure,
  negligibleStep,
  type Phi,
  sufficientDecrease,
} from './types.js';

/** Options of the backtracking (Armijo) search. */
export interface ArmijoOptions {
  /** First trial step, > 0. Default 1 (the natural step of Newton and quasi-Newton directions). */
  alpha0?: number;
  /** Sufficient-decrease constant, 0 < c₁ < 1. Default 1e-4. */
  c1?: number;
  /** Backtracking factor, 0 < ρ < 1: α ← ρ α. Default 0.5. */
  shrink?: number;
  /** Evaluation budget, an integer ≥ 1. Default 40. */
  maxEvals?: number;
  /**
   * Replace the geometric backtracking by safeguarded quadratic interpolation (N&W §3.5, eq. 3.58): after a
   * finite trial α that fails the test, the next trial is the minimizer of the quadratic matching φ(0),
   * φ'(0) and φ(α), α_q = −φ'(0) α² / (2 [φ(α) − φ(0) − φ'(0) α]), clamped into [0.1 α, 0.5 α] (N&W §3.5).
   * A non-finite trial still shrinks by `shrink`. Default false, so the trials are exactly α₀ ρᵏ.
   */
  interpolate?: boolean;
}

/** The defaults of `ArmijoOptions`. */
export const ARMIJO_DEFAULTS: Readonly<Required<ArmijoOptions>> = {
  alpha0: 1,
  c1: 1e-4,
  shrink: 0.5,
  maxEvals: 40,
  interpolate: false,
};

/**
 * Fills in the defaults and checks the options: 0 < α₀ < ∞, 0 < c₁ < 1, 0 < shrink < 1, maxEvals an integer ≥ 1.
 * @throws RangeError on an invalid option (a programming or configuration error), with a message such as
 *   `need 0 < c1 < 1 (got c1 = 2)` that the CLI prefixes with the option's path.
 */
export function validateArmijo(opts: ArmijoOptions = {}): Required<ArmijoOptions> {
  const p: Required<ArmijoOptions> = {
    alpha0: opts.alpha0 ?? ARMIJO_DEFAULTS.alpha0,
    c1: opts.c1 ?? ARMIJO_DEFAULTS.c1,
    shrink: opts.shrink ?? ARMIJO_DEFAULTS.shrink,
    maxEvals: opts.maxEvals ?? ARMIJO_DEFAULTS.maxEvals,
    interpolate: opts.interpolate ?? ARMIJO_DEFAULTS.interpolate,
  };
  if (!(p.alpha0 > 0 && Number.isFinite(p.alpha0))) throw new RangeError(`need alpha0 > 0 (got alpha0 = ${p.alpha0})`);
  if (!(p.c1 > 0 && p.c1 < 1)) throw new RangeError(`need 0 < c1 < 1 (got c1 = ${p.c1})`);
  if (!(p.shrink > 0 && p.shrink < 1)) throw new RangeError(`need 0 < shrink < 1 (got shrink = ${p.shrink})`);
  if (!(Number.isInteger(p.maxEvals) && p.maxEvals >= 1)) {
    throw new RangeError(`need maxEvals to be an integer >= 1 (got maxEvals = ${p.maxEvals})`);
  }
  return p;
}

/**
 * Backtracking line search, Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithm 3.1.
 *
 * Accepts the first trial α (α₀, then α₀ρ, α₀ρ², … by default) whose value and slope are finite and that
 * satisfies the sufficient-decrease (Armijo) condition, N&W eq. 3.4,
 *   φ(α) ≤ φ(0) + c₁ α φ'(0)   (and φ(α) < φ(0), see `sufficientDecrease`).
 * A trial whose value or slope is NaN or ±∞ is rejected and the step shrinks by ρ: overshooting into a
 * region where F overflows is treated as "too far". The accepted step is the last one evaluated.
 *
 * Failures (never thrown): `not-descent` if φ'(0) ≥ 0 or φ'(0), φ(0) are not finite (0 evaluations);
 * `no-progress` before a trial with α|φ'(0)| ≤ ε|φ(0)|, where x + αd is x numerically; `max-evals` after
 * `maxEvals` rejected trials; `non-finite` instead of either of the last two when every trial was non-finite.
 *
 * @param phi    the restriction φ(α) = F(x + αd), returning φ(α) and φ'(α)
 * @param f0     φ(0) = F(x)
 * @param slope0 φ'(0) = ∇F(x)ᵀd, which must be negative
 * @throws RangeError only for invalid options (see `validateArmijo`)
 */
export function armijo(phi: Phi, f0: number, slope0: number, opts?: ArmijoOptions): LineSearchResult {
  const { alpha0, c1, shrink, maxEvals, interpolate } = validateArmijo(opts);
  const bad = checkStart(f0, slope0);
  if (bad !== undefined) return bad;

  let alpha = alpha0;
  let evals = 0;
  let anyFinite = false;
  const stop = (reason: LineSearchFailure, message: string): LineSearchResult =>
    evals > 0 && !anyFinite
      ? lineSearchFailure('non-finite', `all ${evals} trial steps gave a non-finite value or slope`, evals)
      : lineSearchFailure(reason, message, evals);

  for (;;) {
    if (evals >= maxEvals) {
      return stop('max-evals', `no step met the sufficient-decrease condition in ${evals} evaluations`);
    }
    if (negligibleStep(alpha, f0, slope0)) {
      return stop('no-progress', `step ${alpha} too small to change the objective ${f0} (slope ${slope0})`);
    }
    const { f, slope } = phi(alpha);
    evals++;
    if (isFiniteTrial(f, slope)) {
      anyFinite = true;
      if (sufficientDecrease(alpha, f, f0, slope0, c1)) return { ok: true, alpha, f, slope, evals };
      alpha = interpolate ? quadraticBacktrack(alpha, f, f0, slope0) : shrink * alpha;
    } else {
      alpha = shrink * alpha;
    }
  }
}

/**
 * The minimizer of the quadratic q with q(0) = φ(0), q'(0) = φ'(0), q(α) = φ(α), N&W eq. 3.58,
 *   α_q = −φ'(0) α² / (2 [φ(α) − φ(0) − φ'(0) α]),
 * clamped into [0.1 α, 0.5 α]. After a failed Armijo test the denominator is positive, since
 * φ(α) > φ(0) + c₁ α φ'(0) > φ(0) + α φ'(0); a non-finite quotient (overflow) falls back to 0.5 α.
 */
function quadraticBacktrack(alpha: number, f: number, f0: number, slope0: number): number {
  const q = (-slope0 * alpha * alpha) / (2 * (f - f0 - slope0 * alpha));
  if (!Number.isFinite(q)) return 0.5 * alpha;
  return Math.min(Math.max(q, 0.1 * alpha), 0.5 * alpha);
}
