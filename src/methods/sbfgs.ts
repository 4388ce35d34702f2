import type { RowBatch } from '../objectives/objective.js';
import type { Oracle } from '../run/oracle.js';
import { allFinite, axpy, dot, sub } from '../run/vec.js';
import type { Curvature } from './curvature.js';
import { nonFinite } from './stochastic.js';
import { type Method, STEP_OK, type StepOutcome } from './types.js';

/**
 * Stochastic BFGS as the study defines it: at each step, on one mini-batch B,
 *   g = ∇f_B(x),  x₊ = x − α H g,  y = ∇f_B(x₊) − g  (the same batch, so y measures curvature, not noise),
 * then a BFGS update of H with (s = x₊ − x, y). Two oracle calls and 2|B| samples per step.
 * (Schraudolph, Yu & Günter 2007 call this oBFGS; Byrd et al. 2016 discuss why the same-batch
 * difference is needed.)
 *
 * Safeguards the study lacked (its run ended in NaN on the full data):
 * - a pair is skipped unless sᵀy > ε‖s‖‖y‖ with a stricter ε than the deterministic default, since
 *   noisy pairs with tiny curvature would blow H up;
 * - a non-descent direction (gᵀHg ≤ 0 after rounding) resets H to the identity;
 * - non-finite values at x₊ reset H and the step is not taken;
 * - stable σ-based gradients (no eᶻ overflow).
 */
export class StochasticBfgs implements Method {
  readonly stochastic = true;
  readonly handlesL1 = false;
  x: Float64Array;
  private xNew: Float64Array;
  private readonly g: Float64Array;
  private readonly gNew: Float64Array;
  private readonly dir: Float64Array;
  private readonly s: Float64Array;
  private readonly y: Float64Array;
  /** Times H was reset by a safeguard. */
  resets = 0;
  /** Steps rejected because x₊ gave non-finite values. */
  rejected = 0;

  constructor(
    d: number,
    readonly curvature: Curvature,
    readonly stepSize: number,
  ) {
    this.x = new Float64Array(d);
    this.xNew = new Float64Array(d);
    this.g = new Float64Array(d);
    this.gNew = new Float64Array(d);
    this.dir = new Float64Array(d);
    this.s = new Float64Array(d);
    this.y = new Float64Array(d);
  }

  init(x0: Float64Array): void {
    this.x.set(x0);
  }

  known(): null {
    return null;
  }

  step(oracle: Oracle, batch?: RowBatch): StepOutcome {
    const bad = nonFinite(oracle.valueGrad(this.x, this.g, batch), this.g);
    if (bad !== null) return { ok: false, reason: 'diverged', message: bad };
    const { curvature } = this;
    curvature.direction(this.g, this.dir);
    if (!(dot(this.g, this.dir) < 0) && curvature.hasMemory()) {
      curvature.reset();
      this.resets++;
      curvature.direction(this.g, this.dir);
    }
    axpy(this.xNew, this.x, this.stepSize, this.dir);
    const fNew = oracle.valueGrad(this.xNew, this.gNew, batch);
    if (!Number.isFinite(fNew) || !allFinite(this.gNew) || !allFinite(this.xNew)) {
      curvature.reset();
      this.resets++;
      this.rejected++;
      return STEP_OK;
    }
    sub(this.s, this.xNew, this.x);
    sub(this.y, this.gNew, this.g);
    curvature.update(this.s, this.y);
    [this.x, this.xNew] = [this.xNew, this.x];
    oracle.moved();
    return STEP_OK;
  }
}
