import { l1Norm, softThreshold } from '../objectives/l1.js';
import type { Oracle } from '../run/oracle.js';
import { dot } from '../run/vec.js';
import { FullBatchMethod } from './full-batch.js';
import { type Method, STEP_OK, type StepOutcome } from './types.js';

/** Relative change of f below which the backtracking test switches from values to gradients. */
const FLAT = 1e-10;

/** Step rule of the proximal methods: a constant step, or Beck–Teboulle backtracking. */
export type ProxStep =
  | { kind: 'constant'; step: number }
  | { kind: 'backtracking'; step: number; shrink: number; maxEvals: number };

/**
 * One proximal-gradient step from y with gradient g = ∇f(y) and value fy:
 *   x₊ = prox_{αλ‖·‖₁}(y − α g)   (soft thresholding),
 * with backtracking (Beck & Teboulle 2009, §3) shrinking α until the quadratic upper bound holds:
 *   f(x₊) ≤ f(y) + gᵀ(x₊ − y) + ‖x₊ − y‖² / (2α).
 * Writes x₊ into `out`, its smooth value is returned and its gradient left in `gOut` (one oracle call per
 * trial). Returns NaN-free failure when no trial is accepted.
 */
export function proxGradStep(
  oracle: Oracle,
  rule: ProxStep,
  lambda: number,
  y: Float64Array,
  fy: number,
  g: Float64Array,
  out: Float64Array,
  gOut: Float64Array,
  scratch: Float64Array,
): { ok: true; f: number; alpha: number } | { ok: false; message: string } {
  let alpha = rule.step;
  const maxEvals = rule.kind === 'constant' ? 1 : rule.maxEvals;
  for (let k = 0; k < maxEvals; k++) {
    for (let j = 0; j < y.length; j++) out[j] = y[j] - alpha * g[j];
    softThreshold(out, alpha * lambda, out);
    const f = oracle.valueGrad(out, gOut);
    if (rule.kind === 'constant') return { ok: true, f, alpha };
    for (let j = 0; j < y.length; j++) scratch[j] = out[j] - y[j];
    const ss = dot(scratch, scratch);
    if (Math.abs(f - fy) > FLAT * Math.max(Math.abs(f), Math.abs(fy))) {
      if (f <= fy + dot(g, scratch) + ss / (2 * alpha)) return { ok: true, f, alpha };
    } else if (Number.isFinite(f)) {
      // f(x₊) − f(y) is at rounding level, so the bound above would be decided by rounding noise (it
      // shrank α for good in FISTA near a minimizer). Test instead the curvature along s = x₊ − y, which
      // needs no difference of values: sᵀ(∇f(x₊) − ∇f(y)) ≤ ‖s‖²/(2α); for convex f it implies the bound
      // (the switch TFOCS makes in tfocs_backtrack.m; Becker, Candès & Grant, Math. Prog. Comp. 3, 2011).
      let curv = 0;
      for (let j = 0; j < y.length; j++) curv += scratch[j] * (gOut[j] - g[j]);
      if (curv <= ss / (2 * alpha)) return { ok: true, f, alpha };
    }
    alpha *= rule.shrink;
  }
  return { ok: false, message: `backtracking found no step satisfying the quadratic bound in ${maxEvals} trials` };
}

/**
 * Proximal gradient (ISTA) for F(x) = f(x) + λ‖x‖₁ (Beck & Teboulle 2009; Parikh & Boyd 2014, §4.2):
 *   x₊ = prox_{αλ‖·‖₁}(x − α∇f(x)).
 * With λ = 0 and a constant step it is gradient descent, bit for bit.
 */
export class ProxGradient extends FullBatchMethod {
  readonly handlesL1 = true;
  private readonly scratch: Float64Array;

  constructor(
    d: number,
    readonly rule: ProxStep,
    readonly lambda: number,
  ) {
    super(d);
    this.scratch = new Float64Array(d);
  }

  step(oracle: Oracle): StepOutcome {
    const r = proxGradStep(oracle, this.rule, this.lambda, this.x, this.f, this.g, this.xNew, this.gNew, this.scratch);
    if (!r.ok) return { ok: false, reason: 'line-search-failed', message: r.message };
    this.accept(r.f, oracle);
    return STEP_OK;
  }
}

/**
 * FISTA (Beck & Teboulle 2009, "A fast iterative shrinkage-thresholding algorithm", eq. 4.1–4.3):
 *   x_k = prox_{αλ}(y_k − α∇f(y_k)),  t_{k+1} = (1 + √(1 + 4t_k²)) / 2,
 *   y_{k+1} = x_k + ((t_k − 1) / t_{k+1}) (x_k − x_{k−1}).
 * With a constant step, one gradient (at y_k) per iteration: f(x_k) and ∇f(x_k) are needed only by the
 * trace, which evaluates them itself, uncharged (as for every method). With backtracking each trial x_k is
 * evaluated for the test (charged), and the accepted one gives the trace its f and ∇f for free.
 * F(x_k) is not monotone.
 */
export class Fista implements Method {
  readonly stochastic = false;
  readonly handlesL1 = true;
  x: Float64Array;
  private xPrev: Float64Array;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;
  private gNew: Float64Array;
  /** Gradient at the trial points, so that a failed search leaves ∇f(x_k) in gNew. */
  private gTrial: Float64Array;
  private readonly scratch: Float64Array;
  private t = 1;
  private alpha: number;
  private fx = Number.NaN;
  private stepped = false;

  constructor(
    d: number,
    readonly rule: ProxStep,
    readonly lambda: number,
  ) {
    this.x = new Float64Array(d);
    this.xPrev = new Float64Array(d);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
    this.gNew = new Float64Array(d);
    this.gTrial = new Float64Array(d);
    this.scratch = new Float64Array(d);
    this.alpha = rule.step;
  }

  init(x0: Float64Array): void {
    this.x.set(x0);
    this.y.set(x0);
  }

  known(): { f: number; g: Float64Array } | null {
    return this.stepped ? { f: this.fx, g: this.gNew } : null;
  }

  step(oracle: Oracle): StepOutcome {
    const fy = oracle.valueGrad(this.y, this.gy);
    if (!Number.isFinite(fy)) return { ok: false, reason: 'diverged', message: `f(y) became ${fy}` };
    [this.x, this.xPrev] = [this.xPrev, this.x];
    if (this.rule.kind === 'constant') {
      // x_k = prox(y − α∇f(y)) needs no evaluation at x_k: the trace evaluates f(x_k) itself, uncharged
      const { step } = this.rule;
      for (let j = 0; j < this.x.length; j++) this.x[j] = this.y[j] - step * this.gy[j];
      softThreshold(this.x, step * this.lambda, this.x);
      this.extrapolate(oracle);
      return STEP_OK;
    }
    // backtracking keeps the smallest step found so far (α is non-increasing, as in Beck & Teboulle)
    const rule: ProxStep = { ...this.rule, step: this.alpha };
    const r = proxGradStep(oracle, rule, this.lambda, this.y, fy, this.gy, this.x, this.gTrial, this.scratch);
    if (!r.ok) {
      [this.x, this.xPrev] = [this.xPrev, this.x];
      return { ok: false, reason: 'line-search-failed', message: r.message };
    }
    [this.gNew, this.gTrial] = [this.gTrial, this.gNew];
    this.alpha = r.alpha;
    this.fx = r.f;
    this.stepped = true;
    this.extrapolate(oracle);
    return STEP_OK;
  }

  /** t_{k+1} and y_{k+1} = x_k + ((t_k − 1)/t_{k+1})(x_k − x_{k−1}). */
  private extrapolate(oracle: Oracle): void {
    const tNext = (1 + Math.sqrt(1 + 4 * this.t * this.t)) / 2;
    const c = (this.t - 1) / tNext;
    for (let j = 0; j < this.x.length; j++) this.y[j] = this.x[j] + c * (this.x[j] - this.xPrev[j]);
    this.t = tNext;
    oracle.moved();
  }
}

/** F(x) = f + λ‖x‖₁ given f. */
export function composite(f: number, x: Float64Array, lambda: number): number {
  return lambda === 0 ? f : f + lambda * l1Norm(x);
}
