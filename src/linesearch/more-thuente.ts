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

/** Options of the Moré–Thuente search (the names of `WolfeOptions` where they mean the same). */
export interface MoreThuenteOptions {
  /** First trial step, alphaMin ≤ α₀ ≤ alphaMax, α₀ > 0. Default 1. */
  alpha0?: number;
  /** Sufficient-decrease constant (MINPACK-2's ftol), 0 < c₁ ≤ c₂. Default 1e-3, L-BFGS-B's. */
  c1?: number;
  /** Curvature constant (gtol), c₁ ≤ c₂ < 1. Default 0.9, L-BFGS-B's. */
  c2?: number;
  /** Relative width below which a bracket is given up (xtol), 0 ≤ xtol < 1. Default 0.1, L-BFGS-B's. */
  xtol?: number;
  /** Bounds of the step (stpmin, stpmax). Defaults 0 and 1e10 (L-BFGS-B's stpmax without bounds). */
  alphaMin?: number;
  alphaMax?: number;
  /** Evaluation budget, an integer ≥ 1. Default 20 (L-BFGS-B gives up a search that needs a 21st). */
  maxEvals?: number;
}

/** The defaults of `MoreThuenteOptions`: those of L-BFGS-B 3.0's line search (lnsrlb). */
export const MORE_THUENTE_DEFAULTS: Readonly<Required<MoreThuenteOptions>> = {
  alpha0: 1,
  c1: 1e-3,
  c2: 0.9,
  xtol: 0.1,
  alphaMin: 0,
  alphaMax: 1e10,
  maxEvals: 20,
};

/** dcsrch's constants: bisect when a bracket kept more than 66 % of the width it had two trials ago; extrapolate
 *  into [1.1, 4] times the last gap while nothing is bracketed. */
const SHRINK = 0.66;
const XTRAP_LOW = 1.1;
const XTRAP_HIGH = 4;

/**
 * Fills in the defaults and checks the options.
 * @throws RangeError on an invalid option, with a message such as `need 0 < c1 <= c2 < 1 (got c1 = 0.5, c2 = 0.1)`.
 */
export function validateMoreThuente(opts: MoreThuenteOptions = {}): Required<MoreThuenteOptions> {
  const D = MORE_THUENTE_DEFAULTS;
  const p: Required<MoreThuenteOptions> = {
    alpha0: opts.alpha0 ?? D.alpha0,
    c1: opts.c1 ?? D.c1,
    c2: opts.c2 ?? D.c2,
    xtol: opts.xtol ?? D.xtol,
    alphaMin: opts.alphaMin ?? D.alphaMin,
    alphaMax: opts.alphaMax ?? D.alphaMax,
    maxEvals: opts.maxEvals ?? D.maxEvals,
  };
  if (!(p.c1 > 0 && p.c1 <= p.c2 && p.c2 < 1)) {
    throw new RangeError(`need 0 < c1 <= c2 < 1 (got c1 = ${p.c1}, c2 = ${p.c2})`);
  }
  if (!(p.xtol >= 0 && p.xtol < 1)) throw new RangeError(`need 0 <= xtol < 1 (got xtol = ${p.xtol})`);
  if (!(p.alphaMin >= 0 && p.alphaMin < p.alphaMax && Number.isFinite(p.alphaMax))) {
    throw new RangeError(
      `need 0 <= alphaMin < alphaMax < Infinity (got alphaMin = ${p.alphaMin}, alphaMax = ${p.alphaMax})`,
    );
  }
  if (!(p.alpha0 > 0 && p.alpha0 >= p.alphaMin && p.alpha0 <= p.alphaMax)) {
    throw new RangeError(
      `need 0 < alpha0 in [alphaMin, alphaMax] (got alpha0 = ${p.alpha0}, alphaMin = ${p.alphaMin}, alphaMax = ${p.alphaMax})`,
    );
  }
  if (!(Number.isInteger(p.maxEvals) && p.maxEvals >= 1)) {
    throw new RangeError(`need maxEvals to be an integer >= 1 (got maxEvals = ${p.maxEvals})`);
  }
  return p;
}

/** A bracket end or trial: step, value, slope. */
interface Point {
  a: number;
  f: number;
  g: number;
}

/**
 * The line search of Moré & Thuente, "Line search algorithms with guaranteed sufficient decrease", ACM TOMS
 * 20(3), 1994 — MINPACK-2's dcsrch and dcstep, the search inside L-BFGS-B 3.0 (and SciPy's L-BFGS-B), written
 * from the paper and that code. It looks for a step with
 *   φ(α) ≤ φ(0) + c₁ α φ'(0)   and   |φ'(α)| ≤ c₂ |φ'(0)|,
 * keeping an interval [stx, sty] (either order) and the best step stx (least value):
 * - stage 1, while no trial has both ψ(α) ≤ 0 and φ'(α) ≥ 0, works on the auxiliary ψ(α) = φ(α) − φ(0) − c₁αφ'(0)
 *   whenever a trial lowered the value without decreasing enough (so the interval holds a point of sufficient
 *   decrease); then on φ itself;
 * - the next trial (dcstep, four cases): a higher value brackets, and the step is the cubic minimizer when it is
 *   the closer to stx of cubic and quadratic, else their midpoint; a lower value with a slope of the other sign
 *   brackets, and the step is the one of cubic and secant farther from the trial; a lower value with a smaller
 *   slope of the same sign takes the nearer (bracketed, capped at 66 % of the way to sty) or the farther (not
 *   bracketed, within the extrapolation bounds) of cubic and secant; otherwise the cubic through the trial
 *   and sty, or an extrapolation bound;
 * - when bracketed, a bisection replaces the trial if the interval did not shrink to 66 % within two trials;
 *   while not bracketed the trial stays in [α + 1.1(α − stx), α + 4(α − stx)] (and in [alphaMin, alphaMax]).
 *
 * As in dcsrch, the search also ends with a warning — the interval is narrower than xtol·max(interval), rounding
 * leaves no room for a trial strictly inside it, or α reached alphaMax (alphaMin) with φ still decreasing
 * (not decreasing enough) —, and where progress is impossible the last trial is stx, the best step, evaluated
 * again: so THE ACCEPTED STEP IS ALWAYS THE LAST ONE EVALUATED. L-BFGS-B takes the step of any warning; this
 * search takes it only when it satisfies sufficient decrease (and φ(α) < φ(0)), and says why in `warning`
 * (|φ'(α)| ≤ c₂|φ'(0)| may then not hold); otherwise it fails with `no-progress`. α = alphaMax with φ still
 * decreasing steeply is a failure (`max-evals`, "unbounded below?"), as in `strongWolfe`, not a step of 1e10.
 *
 * What dcsrch does not do: a trial with a non-finite value or slope is "too far" — it closes the interval as
 * sty and the next trial bisects toward stx — and any non-finite interpolation is replaced by bisection (or by
 * the extrapolation bound). Failures (never thrown): `not-descent` (0 evaluations), `max-evals` (maxEvals
 * trials without an accepted step), `no-progress`, and `non-finite` when every trial was non-finite.
 *
 * @param phi    the restriction φ(α) = F(x + αd), returning φ(α) and φ'(α)
 * @param f0     φ(0)
 * @param slope0 φ'(0), which must be negative
 * @throws RangeError only for invalid options (see `validateMoreThuente`)
 */
export function moreThuente(phi: Phi, f0: number, slope0: number, opts?: MoreThuenteOptions): LineSearchResult {
  const { alpha0, c1, c2, xtol, alphaMin, alphaMax, maxEvals } = validateMoreThuente(opts);
  const bad = checkStart(f0, slope0);
  if (bad !== undefined) return bad;

  let evals = 0;
  let anyFinite = false;
  const stop = (reason: LineSearchFailure, message: string): LineSearchResult =>
    evals > 0 && !anyFinite
      ? lineSearchFailure('non-finite', `all ${evals} trial steps gave a non-finite value or slope`, evals)
      : lineSearchFailure(reason, message, evals);
  if (negligibleStep(alpha0, f0, slope0)) {
    return stop('no-progress', `step ${alpha0} too small to change the objective ${f0} (slope ${slope0})`);
  }

  const gtest = c1 * slope0;
  const curvatureBound = c2 * -slope0;
  let brackt = false;
  let stage1 = true;
  let width = alphaMax - alphaMin;
  let width1 = 2 * width;
  const x: Point = { a: 0, f: f0, g: slope0 };
  const y: Point = { a: 0, f: f0, g: slope0 };
  let stmin = 0;
  let stmax = alpha0 + XTRAP_HIGH * alpha0;
  let stp = alpha0;

  for (;;) {
    if (evals >= maxEvals) return stop('max-evals', `no step met the strong Wolfe conditions in ${evals} evaluations`);
    const { f, slope: g } = phi(stp);
    evals++;
    const finite = isFiniteTrial(f, g);
    if (finite) anyFinite = true;

    if (!finite) {
      // Too far: the interval closes at stp, and the next trial bisects toward the best step.
      y.a = stp;
      y.f = Number.POSITIVE_INFINITY;
      y.g = Number.NaN;
      brackt = true;
      width1 = width;
      width = Math.abs(y.a - x.a);
      stmin = Math.min(x.a, y.a);
      stmax = Math.max(x.a, y.a);
      const next = x.a + 0.5 * (y.a - x.a);
      if (!(next > stmin && next < stmax)) {
        return stop('no-progress', `the interval [${stmin}, ${stmax}] shrank to rounding level`);
      }
      stp = next;
      continue;
    }

    const ftest = f0 + stp * gtest;
    if (stage1 && f <= ftest && g >= 0) stage1 = false;

    // dcsrch's tests, in its order: warnings, then convergence (which overrides them).
    let warning: string | undefined;
    if (brackt && (stp <= stmin || stp >= stmax)) warning = 'rounding errors prevent progress';
    if (brackt && stmax - stmin <= xtol * stmax) warning = `the interval is narrower than xtol = ${xtol}`;
    const atMax = stp === alphaMax && f <= ftest && g <= gtest;
    if (atMax) warning = `the step reached alphaMax = ${alphaMax}`;
    if (stp === alphaMin && (f > ftest || g >= gtest)) warning = `the step reached alphaMin = ${alphaMin}`;
    if (f <= ftest && Math.abs(g) <= curvatureBound) return { ok: true, alpha: stp, f, slope: g, evals };
    if (atMax) {
      return stop('max-evals', `reached alphaMax = ${alphaMax} with the objective still decreasing (unbounded below?)`);
    }
    if (warning !== undefined) {
      if (sufficientDecrease(stp, f, f0, slope0, c1)) return { ok: true, alpha: stp, f, slope: g, evals, warning };
      return stop('no-progress', `no step with sufficient decrease: ${warning} (after ${evals} evaluations)`);
    }

    // The next trial, on ψ while in stage 1 with a lower value that did not decrease enough, else on φ.
    const p: Point = { a: stp, f, g };
    let next: number;
    if (stage1 && f <= x.f && f > ftest) {
      const mod = (q: Point) => {
        q.f -= q.a * gtest;
        q.g -= gtest;
      };
      const unmod = (q: Point) => {
        q.f += q.a * gtest;
        q.g += gtest;
      };
      mod(x);
      mod(y);
      mod(p);
      const r = dcstep(x, y, p, brackt, stmin, stmax);
      unmod(x);
      unmod(y);
      next = r.stp;
      brackt = r.brackt;
    } else {
      const r = dcstep(x, y, p, brackt, stmin, stmax);
      next = r.stp;
      brackt = r.brackt;
    }

    if (brackt) {
      if (!Number.isFinite(next) || Math.abs(y.a - x.a) >= SHRINK * width1) next = x.a + 0.5 * (y.a - x.a);
      width1 = width;
      width = Math.abs(y.a - x.a);
      stmin = Math.min(x.a, y.a);
      stmax = Math.max(x.a, y.a);
    } else {
      stmin = next + XTRAP_LOW * (next - x.a);
      stmax = next + XTRAP_HIGH * (next - x.a);
    }
    next = Math.min(Math.max(next, alphaMin), alphaMax);
    // No progress possible inside the interval: the last trial is the best step.
    if ((brackt && (next <= stmin || next >= stmax)) || (brackt && stmax - stmin <= xtol * stmax)) next = x.a;
    // dcsrch would evaluate φ(0) again and warn; that point cannot be accepted, so stop without the evaluation.
    if (!(next > 0)) {
      return stop(
        'no-progress',
        `no trial lowered the objective in ${evals} evaluations (interval [${stmin}, ${stmax}])`,
      );
    }
    stp = next;
  }
}

/**
 * MINPACK-2's dcstep: from the best step `x` (least value; its slope points toward the trial), the other end `y`
 * and the trial `p`, the next trial step, updating x, y (in place) and whether a minimizer is bracketed.
 * `stpmin`/`stpmax` bound extrapolation while nothing is bracketed. The cubic minimizer is computed in the
 * scaled form of Moré & Thuente (θ, γ scaled by s = max(|θ|, |φ'ₓ|, |φ'ₚ|)).
 */
export function dcstep(
  x: Point,
  y: Point,
  p: Point,
  brackt: boolean,
  stpmin: number,
  stpmax: number,
): { stp: number; brackt: boolean } {
  const sgnd = Math.sign(p.g) * Math.sign(x.g);
  let stpf: number;
  if (p.f > x.f) {
    // Case 1: a higher value. Bracketed; the cubic if it is closer to x than the quadratic, else their midpoint.
    const theta = (3 * (x.f - p.f)) / (p.a - x.a) + x.g + p.g;
    const s = Math.max(Math.abs(theta), Math.abs(x.g), Math.abs(p.g));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (x.g / s) * (p.g / s));
    if (p.a < x.a) gamma = -gamma;
    const pp = gamma - x.g + theta;
    const q = gamma - x.g + gamma + p.g;
    const stpc = x.a + (pp / q) * (p.a - x.a);
    const stpq = x.a + (x.g / ((x.f - p.f) / (p.a - x.a) + x.g) / 2) * (p.a - x.a);
    stpf = Math.abs(stpc - x.a) <= Math.abs(stpq - x.a) ? stpc : stpc + (stpq - stpc) / 2;
    // not in dcstep: where the cubic has no real minimizer (NaN), the quadratic's, which always lies between
    if (!Number.isFinite(stpc)) stpf = stpq;
    brackt = true;
  } else if (sgnd < 0) {
    // Case 2: a lower value, slopes of opposite sign. Bracketed; of cubic and secant the farther from p.
    const theta = (3 * (x.f - p.f)) / (p.a - x.a) + x.g + p.g;
    const s = Math.max(Math.abs(theta), Math.abs(x.g), Math.abs(p.g));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (x.g / s) * (p.g / s));
    if (p.a > x.a) gamma = -gamma;
    const pp = gamma - p.g + theta;
    const q = gamma - p.g + gamma + x.g;
    const stpc = p.a + (pp / q) * (x.a - p.a);
    const stpq = p.a + (p.g / (p.g - x.g)) * (x.a - p.a);
    stpf = Math.abs(stpc - p.a) > Math.abs(stpq - p.a) ? stpc : stpq;
    brackt = true;
  } else if (Math.abs(p.g) < Math.abs(x.g)) {
    // Case 3: a lower value, same sign, the slope's magnitude decreases. The cubic only if it tends to infinity
    // in the direction of the step or its minimizer is beyond p; otherwise the extrapolation bound.
    const theta = (3 * (x.f - p.f)) / (p.a - x.a) + x.g + p.g;
    const s = Math.max(Math.abs(theta), Math.abs(x.g), Math.abs(p.g));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (x.g / s) * (p.g / s)));
    if (p.a > x.a) gamma = -gamma;
    const pp = gamma - p.g + theta;
    const q = gamma + (x.g - p.g) + gamma;
    const r = pp / q;
    const stpc = r < 0 && gamma !== 0 ? p.a + r * (x.a - p.a) : p.a > x.a ? stpmax : stpmin;
    const stpq = p.a + (p.g / (p.g - x.g)) * (x.a - p.a);
    if (brackt) {
      // Of cubic and secant the nearer to p, and at most 66 % of the way to y.
      stpf = Math.abs(stpc - p.a) < Math.abs(stpq - p.a) ? stpc : stpq;
      const cap = p.a + SHRINK * (y.a - p.a);
      stpf = p.a > x.a ? Math.min(cap, stpf) : Math.max(cap, stpf);
    } else {
      // Of cubic and secant the farther from p, within the extrapolation bounds.
      stpf = Math.abs(stpc - p.a) > Math.abs(stpq - p.a) ? stpc : stpq;
      stpf = Math.min(Math.max(stpf, stpmin), stpmax);
    }
  } else if (brackt) {
    // Case 4: a lower value, same sign, the slope does not decrease; bracketed: the cubic through p and y.
    const theta = (3 * (p.f - y.f)) / (y.a - p.a) + y.g + p.g;
    const s = Math.max(Math.abs(theta), Math.abs(y.g), Math.abs(p.g));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (y.g / s) * (p.g / s));
    if (p.a > y.a) gamma = -gamma;
    const pp = gamma - p.g + theta;
    const q = gamma - p.g + gamma + y.g;
    stpf = p.a + (pp / q) * (y.a - p.a);
  } else {
    stpf = p.a > x.a ? stpmax : stpmin;
  }

  // Update the interval.
  if (p.f > x.f) {
    y.a = p.a;
    y.f = p.f;
    y.g = p.g;
  } else {
    if (sgnd < 0) {
      y.a = x.a;
      y.f = x.f;
      y.g = x.g;
    }
    x.a = p.a;
    x.f = p.f;
    x.g = p.g;
  }
  return { stp: stpf, brackt };
}
