import { negligibleStep } from '../linesearch/index.js';
import { l1Norm } from '../objectives/l1.js';
import type { Oracle } from '../run/oracle.js';
import { dot, norm2, sub } from '../run/vec.js';
import { Lbfgs } from './curvature.js';
import { FullBatchMethod } from './full-batch.js';
import { STEP_OK, type StepOutcome } from './types.js';

/**
 * Pseudo-gradient of F = f + λ‖x‖₁ (Andrew & Gao 2007, eq. 4): the steepest-descent direction's negative,
 *   ◇_j = g_j + λ sign(x_j)            if x_j ≠ 0,
 *   ◇_j = g_j + λ   if g_j + λ < 0;  g_j − λ  if g_j − λ > 0;  0 otherwise   (x_j = 0).
 */
export function pseudoGradient(x: Float64Array, g: Float64Array, lambda: number, out: Float64Array): void {
  for (let j = 0; j < x.length; j++) {
    const xj = x[j];
    const gj = g[j];
    if (xj > 0) out[j] = gj + lambda;
    else if (xj < 0) out[j] = gj - lambda;
    else if (gj + lambda < 0) out[j] = gj + lambda;
    else if (gj - lambda > 0) out[j] = gj - lambda;
    else out[j] = 0;
  }
}

/**
 * OWL-QN, orthant-wise limited-memory quasi-Newton (Andrew & Gao, "Scalable training of L1-regularized
 * log-linear models", ICML 2007), the standard quasi-Newton method for f + λ‖x‖₁:
 * 1. pseudo-gradient ◇F(x); direction d = −H◇ from the L-BFGS two-loop (pairs from the smooth gradient);
 * 2. sign constraint: d_j = 0 where d_j ◇_j ≥ 0;
 * 3. orthant ξ_j = sign(x_j), or sign(−◇_j) where x_j = 0;
 * 4. backtracking on α along the projected path x₊ = π(x + αd; ξ) (coordinates leaving the orthant are set
 *    to 0) until F(x₊) ≤ F(x) + c₁ ◇ᵀ(x₊ − x); the first iteration starts at α = 1/‖◇‖.
 * With λ = 0 steps 2–3 are skipped (no orthant to keep): it is L-BFGS with backtracking.
 */
export class OwlQn extends FullBatchMethod {
  readonly handlesL1 = true;
  private readonly pg: Float64Array;
  private readonly dir: Float64Array;
  private readonly orthant: Float64Array;
  private readonly s: Float64Array;
  private readonly y: Float64Array;
  private first = true;
  readonly curvature: Lbfgs;

  constructor(
    d: number,
    memory: number,
    readonly lambda: number,
    readonly c1 = 1e-4,
    readonly shrink = 0.5,
    readonly maxEvals = 40,
  ) {
    super(d);
    this.pg = new Float64Array(d);
    this.dir = new Float64Array(d);
    this.orthant = new Float64Array(d);
    this.s = new Float64Array(d);
    this.y = new Float64Array(d);
    this.curvature = new Lbfgs(d, memory);
  }

  private direction(): number {
    const { x, pg, dir, orthant } = this;
    this.curvature.direction(pg, dir);
    let slope = 0;
    for (let j = 0; j < x.length; j++) {
      // (λ = 0: no orthant machinery, plain L-BFGS, as liblbfgs does when its orthantwise_c is 0)
      if (this.lambda > 0 && dir[j] * pg[j] >= 0) dir[j] = 0;
      slope += dir[j] * pg[j];
      orthant[j] = x[j] > 0 ? 1 : x[j] < 0 ? -1 : pg[j] < 0 ? 1 : pg[j] > 0 ? -1 : 0;
    }
    return slope;
  }

  step(oracle: Oracle): StepOutcome {
    const { x, pg, dir, orthant, lambda } = this;
    pseudoGradient(x, this.g, lambda, pg);
    let slope = this.direction();
    if (!(slope < 0) && this.curvature.hasMemory()) {
      this.curvature.reset();
      slope = this.direction();
    }
    if (!(slope < 0)) {
      return { ok: false, reason: 'line-search-failed', message: 'the pseudo-gradient gives no descent direction' };
    }
    const F = this.f + lambda * l1Norm(x);
    let alpha = this.first || !this.curvature.hasMemory() ? 1 / norm2(pg) : 1;
    for (let k = 0; k < this.maxEvals; k++) {
      // after a rejection, a step too small to change F at rounding level ends the search (instead of
      // halving on until F(x₊) rounds to F(x) and a step that changes nothing is accepted)
      if (k > 0 && negligibleStep(alpha, F, slope)) {
        return {
          ok: false,
          reason: 'line-search-failed',
          message: `no-progress: step ${alpha} too small to change the objective ${F} (slope ${slope})`,
        };
      }
      const xn = this.xNew;
      for (let j = 0; j < x.length; j++) {
        const v = x[j] + alpha * dir[j];
        xn[j] = lambda === 0 || v * orthant[j] > 0 ? v : 0;
      }
      const fNew = oracle.valueGrad(xn, this.gNew);
      sub(this.s, xn, x);
      if (fNew + lambda * l1Norm(xn) <= F + this.c1 * dot(pg, this.s)) {
        sub(this.y, this.gNew, this.g);
        this.curvature.update(this.s, this.y);
        this.accept(fNew, oracle);
        this.first = false;
        return STEP_OK;
      }
      alpha *= this.shrink;
    }
    return {
      ok: false,
      reason: 'line-search-failed',
      message: `backtracking found no decrease in ${this.maxEvals} trials`,
    };
  }
}
