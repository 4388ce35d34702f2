import {
  checkStart,
  EPS,
  isFiniteTrial,
  type LineSearchFailure,
  type LineSearchResult,
  lineSearchFailure,
  negligibleStep,
  type Phi,
  sufficientDecrease,
} from './types.js';

/** Options of the strong Wolfe search. */
export interface WolfeOptions {
  /** First trial step, 0 < α₀ ≤ alphaMax. Default 1. */
  alpha0?: number;
  /** Sufficient-decrease constant c₁. Default 1e-4. */
  c1?: number;
  /** Curvature constant c₂, 0 < c₁ < c₂ < 1. Default 0.9 (quasi-Newton); 0.1 is a tight (near exact) search. */
  c2?: number;
  /** Largest step tried while bracketing. Default 1e10. */
  alphaMax?: number;
  /** Evaluation budget over bracketing and zoom together, an integer ≥ 1. Default 30. */
  maxEvals?: number;
}

/** The defaults of `WolfeOptions`. */
export const WOLFE_DEFAULTS: Readonly<Required<WolfeOptions>> = {
  alpha0: 1,
  c1: 1e-4,
  c2: 0.9,
  alphaMax: 1e10,
  maxEvals: 30,
};

/** Fraction of the bracket kept clear at each end by the interpolation safeguard. */
const SAFEGUARD = 0.1;
/**
 * Relative width of a tie in zoom: φ(α) ≤ φ(α_lo) + 4ε|φ(α_lo)| counts as "not worse than α_lo", and the slope
 * then decides which end α replaces. Near a minimizer φ is flat to rounding while φ' is still accurate; a strict
 * `φ(α) ≥ φ(α_lo)` would there let rounding noise pick the wrong end and collapse the bracket away from the
 * Wolfe points (Moré–Thuente function 2 from α₀ = 10 did).
 */
const TIE = 4 * EPS;
/** Bounds of the bracketing extrapolation, Moré & Thuente (1994): α_{i+1} − α_i ∈ [1.1, 4] (α_i − α_{i−1}). */
const EXTRAP_LOW = 1.1;
const EXTRAP_HIGH = 4;

/**
 * Fills in the defaults and checks the options: 0 < c₁ < c₂ < 1, 0 < α₀ ≤ alphaMax < ∞, maxEvals an integer ≥ 1.
 * @throws RangeError on an invalid option (a programming or configuration error), with a message such as
 *   `need 0 < c1 < c2 < 1 (got c1 = 0.5, c2 = 0.1)` that the CLI prefixes with the option's path.
 */
export function validateWolfe(opts: WolfeOptions = {}): Required<WolfeOptions> {
  const p: Required<WolfeOptions> = {
    alpha0: opts.alpha0 ?? WOLFE_DEFAULTS.alpha0,
    c1: opts.c1 ?? WOLFE_DEFAULTS.c1,
    c2: opts.c2 ?? WOLFE_DEFAULTS.c2,
    alphaMax: opts.alphaMax ?? WOLFE_DEFAULTS.alphaMax,
    maxEvals: opts.maxEvals ?? WOLFE_DEFAULTS.maxEvals,
  };
  if (!(p.c1 > 0 && p.c1 < p.c2 && p.c2 < 1)) {
    throw new RangeError(`need 0 < c1 < c2 < 1 (got c1 = ${p.c1}, c2 = ${p.c2})`);
  }
  if (!(p.alphaMax > 0 && Number.isFinite(p.alphaMax))) {
    throw new RangeError(`need 0 < alphaMax < Infinity (got alphaMax = ${p.alphaMax})`);
  }
  if (!(p.alpha0 > 0 && p.alpha0 <= p.alphaMax)) {
    throw new RangeError(`need 0 < alpha0 <= alphaMax (got alpha0 = ${p.alpha0}, alphaMax = ${p.alphaMax})`);
  }
  if (!(Number.isInteger(p.maxEvals) && p.maxEvals >= 1)) {
    throw new RangeError(`need maxEvals to be an integer >= 1 (got maxEvals = ${p.maxEvals})`);
  }
  return p;
}

/**
 * Line search for the strong Wolfe conditions, N&W *Numerical Optimization*, 2nd ed., eq. 3.7:
 *   φ(α) ≤ φ(0) + c₁ α φ'(0)     (sufficient decrease, with φ(α) < φ(0): see `sufficientDecrease`)
 *   |φ'(α)| ≤ c₂ |φ'(0)|          (curvature)
 *
 * Algorithm 3.5 (bracketing): try α₁ = α₀, then extrapolate (the cubic minimizer through the last two
 * trials, kept in α_{i+1} − α_i ∈ [1.1, 4](α_i − α_{i−1}) as Moré & Thuente do, capped at alphaMax) while
 * the trial decreases φ sufficiently, keeps φ decreasing and still has φ' < 0. The first trial that breaks
 * sufficient decrease, or does not improve on the previous trial, or has φ' ≥ 0, closes a bracket that
 * contains a strong Wolfe point.
 *
 * Algorithm 3.6 (zoom) on the bracket (α_lo, α_hi): α_lo is the best trial so far (it satisfies sufficient
 * decrease, φ'(α_lo)(α_hi − α_lo) < 0). The next trial is the minimizer of the cubic that interpolates φ and φ'
 * at both ends, N&W eq. 3.59, computed in the scaled form of Moré & Thuente (1994) to avoid overflow,
 *   θ = 3(φ_lo − φ_hi)/(α_hi − α_lo) + φ'_lo + φ'_hi,  γ = sign(α_hi − α_lo) (θ² − φ'_lo φ'_hi)^½,
 *   α = α_hi − (α_hi − α_lo)(φ'_hi + γ − θ)/(φ'_hi − φ'_lo + 2γ),
 * safeguarded as N&W §3.5 asks: a cubic minimizer outside the open bracket, or undefined (θ² < φ'_lo φ'_hi,
 * overflow, a non-finite end), is replaced by bisection, and one inside is kept at least 10% of the bracket
 * from either end, so every trial shrinks the bracket to at most 90% and the search terminates.
 *
 * N&W's zoom sends α to α_hi when φ(α) ≥ φ(α_lo); here only when φ(α) exceeds φ(α_lo) by more than rounding
 * (4ε|φ(α_lo)|), so ties are decided by the slope, which stays accurate where φ is flat to rounding.
 *
 * A trial whose value or slope is NaN or ±∞ is "too far": in bracketing it closes the bracket as its upper
 * end, in zoom it replaces α_hi; bisection is then used until α_hi is finite again.
 *
 * The accepted step is always the last one evaluated; the search never falls back to an earlier point.
 * Failures (never thrown): `not-descent` (0 evaluations); `max-evals` when the budget runs out, or when
 * α reaches alphaMax with φ still decreasing (φ may be unbounded below along d); `no-progress` when α₀ or the
 * bracket is too small to change φ at rounding level (α|φ'(0)| ≤ ε|φ(0)|, or the bracket cannot be split);
 * `non-finite` instead of either of the last two when every trial was non-finite, or when φ(0) is not finite.
 *
 * @param phi    the restriction φ(α) = F(x + αd), returning φ(α) and φ'(α)
 * @param f0     φ(0) = F(x)
 * @param slope0 φ'(0) = ∇F(x)ᵀd, which must be negative
 * @throws RangeError only for invalid options (see `validateWolfe`)
 */
export function strongWolfe(phi: Phi, f0: number, slope0: number, opts?: WolfeOptions): LineSearchResult {
  const { alpha0, c1, c2, alphaMax, maxEvals } = validateWolfe(opts);
  const bad = checkStart(f0, slope0);
  if (bad !== undefined) return bad;

  const curvatureBound = c2 * -slope0;
  let evals = 0;
  let anyFinite = false;
  const stop = (reason: LineSearchFailure, message: string): LineSearchResult =>
    evals > 0 && !anyFinite
      ? lineSearchFailure('non-finite', `all ${evals} trial steps gave a non-finite value or slope`, evals)
      : lineSearchFailure(reason, message, evals);
  const outOfEvals = () => stop('max-evals', `no step met the strong Wolfe conditions in ${evals} evaluations`);

  if (negligibleStep(alpha0, f0, slope0)) {
    return stop('no-progress', `step ${alpha0} too small to change the objective ${f0} (slope ${slope0})`);
  }

  // The bracket of Algorithm 3.6; set when Algorithm 3.5 closes it.
  let lo = 0;
  let fLo = f0;
  let gLo = slope0;
  let hi = 0;
  let fHi = f0;
  let gHi = slope0;

  // Algorithm 3.5: bracketing. (prev, fPrev, gPrev) is the previous trial, or α = 0.
  let prev = 0;
  let fPrev = f0;
  let gPrev = slope0;
  let alpha = alpha0;
  for (let i = 1; ; i++) {
    if (evals >= maxEvals) return outOfEvals();
    const { f, slope } = phi(alpha);
    evals++;
    const finite = isFiniteTrial(f, slope);
    if (finite) anyFinite = true;
    if (!finite || !sufficientDecrease(alpha, f, f0, slope0, c1) || (i > 1 && f >= fPrev)) {
      lo = prev;
      fLo = fPrev;
      gLo = gPrev;
      hi = alpha;
      fHi = f;
      gHi = slope;
      break;
    }
    if (Math.abs(slope) <= curvatureBound) return { ok: true, alpha, f, slope, evals };
    if (slope >= 0) {
      lo = alpha;
      fLo = f;
      gLo = slope;
      hi = prev;
      fHi = fPrev;
      gHi = gPrev;
      break;
    }
    if (alpha >= alphaMax) {
      return stop('max-evals', `reached alphaMax = ${alphaMax} with the objective still decreasing (unbounded below?)`);
    }
    const next = Math.min(extrapolate(prev, fPrev, gPrev, alpha, f, slope), alphaMax);
    prev = alpha;
    fPrev = f;
    gPrev = slope;
    alpha = next;
  }

  // Algorithm 3.6: zoom. Invariants: lo has finite values, satisfies sufficient decrease, has the least φ
  // of the trials, and gLo (hi − lo) < 0.
  for (;;) {
    if (evals >= maxEvals) return outOfEvals();
    const width = Math.abs(hi - lo);
    if (width <= EPS * Math.max(lo, hi) || negligibleStep(width, f0, slope0)) {
      return stop('no-progress', `the bracket [${Math.min(lo, hi)}, ${Math.max(lo, hi)}] shrank to rounding level`);
    }
    const a = zoomTrial(lo, fLo, gLo, hi, fHi, gHi);
    const { f, slope } = phi(a);
    evals++;
    const finite = isFiniteTrial(f, slope);
    if (finite) anyFinite = true;
    if (!finite || !sufficientDecrease(a, f, f0, slope0, c1) || f > fLo + TIE * Math.abs(fLo)) {
      hi = a;
      fHi = f;
      gHi = slope;
      continue;
    }
    if (Math.abs(slope) <= curvatureBound) return { ok: true, alpha: a, f, slope, evals };
    if (slope * (hi - lo) >= 0) {
      hi = lo;
      fHi = fLo;
      gHi = gLo;
    }
    lo = a;
    fLo = f;
    gLo = slope;
  }
}

/**
 * The next bracketing trial after `b` (the latest trial, still descending) and `a` < b (the previous one, or 0):
 * the minimizer of the cubic interpolating (φ, φ') at a and b when it lies beyond b, kept within
 * [b + 1.1 (b − a), b + 4 (b − a)] (the extrapolation bounds of Moré & Thuente 1994); the upper bound when
 * the cubic has no minimizer beyond b (for instance where φ is concave).
 */
export function extrapolate(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const low = b + EXTRAP_LOW * (b - a);
  const high = b + EXTRAP_HIGH * (b - a);
  const c = cubicMinimizer(a, fa, ga, b, fb, gb);
  if (!(c > b)) return high; // also NaN
  return Math.min(Math.max(c, low), high);
}

/**
 * The next zoom trial in the bracket between `lo` and `hi` (either order): the safeguarded minimizer of the
 * cubic interpolating (φ, φ') at both ends (N&W eq. 3.59, scaled as Moré & Thuente 1994), or the midpoint.
 */
export function zoomTrial(lo: number, fLo: number, gLo: number, hi: number, fHi: number, gHi: number): number {
  const mid = lo + 0.5 * (hi - lo);
  const c = cubicMinimizer(lo, fLo, gLo, hi, fHi, gHi);
  const left = Math.min(lo, hi);
  const right = Math.max(lo, hi);
  if (!(c > left && c < right)) return mid; // also rejects NaN
  const margin = SAFEGUARD * (right - left);
  return Math.min(Math.max(c, left + margin), right - margin);
}

/**
 * The minimizer of the cubic interpolating φ(a) = fa, φ'(a) = ga, φ(b) = fb, φ'(b) = gb, N&W eq. 3.59:
 *   d₁ = ga + gb − 3(fa − fb)/(a − b),  d₂ = sign(b − a)(d₁² − ga gb)^½,
 *   α = b − (b − a)(gb + d₂ − d₁)/(gb − ga + 2d₂),
 * with d₁, d₂ scaled by s = max(|d₁|, |ga|, |gb|) as in Moré & Thuente (1994). NaN when the cubic has no
 * local minimizer (d₁² < ga gb) or an input is not finite.
 */
export function cubicMinimizer(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const s = Math.max(Math.abs(d1), Math.abs(ga), Math.abs(gb));
  if (!(s > 0) || !Number.isFinite(s)) return Number.NaN;
  const disc = (d1 / s) * (d1 / s) - (ga / s) * (gb / s);
  if (!(disc >= 0)) return Number.NaN;
  const d2 = (b > a ? 1 : -1) * s * Math.sqrt(disc);
  return b - ((b - a) * (gb + d2 - d1)) / (gb - ga + 2 * d2);
}
