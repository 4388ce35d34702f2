import { WOLFE_DEFAULTS } from '../linesearch/wolfe.js';
import type { RowBatch } from '../objectives/objective.js';
import type { Oracle } from '../run/oracle.js';
import { dot, sub } from '../run/vec.js';
import type { Curvature } from './curvature.js';
import { FullBatchMethod } from './full-batch.js';
import { moveAlong, type StepRule } from './step-rule.js';
import { STEP_OK, type StepOutcome } from './types.js';

/**
 * Full-batch descent x₊ = x + α d with d = −H∇f(x): gradient descent (H = I), BFGS (dense H) and L-BFGS
 * (two-loop H) are this one method with different curvature estimates (as in optimistix). Each iteration
 * is one accepted step; the step rule (constant, Armijo, strong Wolfe) evaluates f and ∇f at trial points,
 * and the accepted point's gradient becomes the next iteration's, so a constant-step iteration costs one
 * oracle call.
 *
 * Safeguards: if −H∇f is not a descent direction (gᵀd ≥ 0, possible after rounding), or the line search
 * fails along it while pairs are stored, the memory is reset and the step retried along −∇f once.
 */
export class Descent extends FullBatchMethod {
  readonly handlesL1 = false;
  private readonly dir: Float64Array;
  private readonly s: Float64Array;
  private readonly y: Float64Array;
  readonly curvature: Curvature;
  readonly rule: StepRule;
  /** Step length accepted at the last iteration. */
  lastAlpha = 0;
  /** How many times the memory was reset by a safeguard. */
  resets = 0;
  /** Steps accepted since init. */
  private steps = 0;

  /**
   * @param scaledFirstStep start the first iteration's line search at α₀ = step/‖d₀‖ (with the default step 1,
   *   a unit move, as L-BFGS-B does: Byrd, Lu, Nocedal & Zhu 1995, and its lnsrlb) instead of at the rule's
   *   step: d₀ = −∇f(x₀) carries the gradient's scale, and the first pair (s, y) sets H₀'s scale
   *   γ = sᵀy/yᵀy for the rest of the run. A step given by the user still scales that first trial.
   */
  constructor(
    d: number,
    curvature: Curvature,
    rule: StepRule,
    readonly scaledFirstStep = false,
  ) {
    super(d);
    this.dir = new Float64Array(d);
    this.s = new Float64Array(d);
    this.y = new Float64Array(d);
    this.curvature = curvature;
    this.rule = rule;
  }

  override init(x0: Float64Array, oracle: Oracle): void {
    super.init(x0, oracle);
    this.steps = 0;
  }

  step(oracle: Oracle, batch?: RowBatch): StepOutcome {
    const { curvature } = this;
    curvature.direction(this.g, this.dir);
    if (!(dot(this.g, this.dir) < 0) && curvature.hasMemory()) {
      curvature.reset();
      this.resets++;
      curvature.direction(this.g, this.dir);
    }
    let rule = this.rule;
    if (this.scaledFirstStep && this.steps === 0 && rule.kind !== 'constant' && batch === undefined) {
      const norm = Math.sqrt(dot(this.dir, this.dir));
      if (norm > 0 && Number.isFinite(norm)) {
        // the Wolfe searches bracket within (0, alphaMax]: a huge user step stays a huge (but valid) first trial
        const cap =
          rule.kind === 'wolfe' || rule.kind === 'more-thuente' ? WOLFE_DEFAULTS.alphaMax : Number.POSITIVE_INFINITY;
        rule = { ...rule, step: Math.min(rule.step / norm, cap) };
      }
    }
    let moved = moveAlong(rule, oracle, this.x, this.f, this.g, this.dir, this.xNew, this.gNew, batch);
    if (!moved.ok && curvature.hasMemory()) {
      curvature.reset();
      this.resets++;
      curvature.direction(this.g, this.dir);
      moved = moveAlong(this.rule, oracle, this.x, this.f, this.g, this.dir, this.xNew, this.gNew, batch);
    }
    if (!moved.ok) return { ok: false, reason: 'line-search-failed', message: moved.message };
    sub(this.s, this.xNew, this.x);
    sub(this.y, this.gNew, this.g);
    curvature.update(this.s, this.y);
    this.lastAlpha = moved.alpha;
    this.steps++;
    this.accept(moved.f, oracle);
    return STEP_OK;
  }
}
