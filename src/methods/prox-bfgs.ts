import { l1Norm, softThreshold } from '../objectives/l1.js';
import type { Oracle } from '../run/oracle.js';
import { dot, sub } from '../run/vec.js';
import type { Curvature } from './curvature.js';
import { FullBatchMethod } from './full-batch.js';
import type { ProxStep } from './proximal.js';
import { STEP_OK, type StepOutcome } from './types.js';

/**
 * The study's "proximal BFGS" heuristic for F(x) = f(x) + λ‖x‖₁: a BFGS step on f, then soft thresholding
 * with the scalar step,
 *   x₊ = prox_{αλ‖·‖₁}(x − α H ∇f(x)),
 * and a BFGS update of H from (x₊ − x, ∇f(x₊) − ∇f(x)). It is NOT a proximal Newton method: the prox
 * should be taken in the metric of H⁻¹ (Lee, Sun & Saunders 2014), which has no closed form; thresholding
 * in the Euclidean metric after a Newton-like step need not decrease F. Compare it with `owlqn`, the
 * standard quasi-Newton method for L1 problems.
 *
 * With `backtracking`, α is shrunk until the sufficient decrease of Lee, Sun & Saunders (2014, eq. 2.20)
 * holds: F(x₊) ≤ F(x) + c·(∇f(x)ᵀ(x₊ − x) + λ‖x₊‖₁ − λ‖x‖₁), c = 1e-4.
 */
export class ProxBfgs extends FullBatchMethod {
  readonly handlesL1 = true;
  private readonly dir: Float64Array;
  private readonly s: Float64Array;
  private readonly y: Float64Array;
  resets = 0;

  constructor(
    d: number,
    readonly curvature: Curvature,
    readonly rule: ProxStep,
    readonly lambda: number,
  ) {
    super(d);
    this.dir = new Float64Array(d);
    this.s = new Float64Array(d);
    this.y = new Float64Array(d);
  }

  private trial(alpha: number): void {
    for (let j = 0; j < this.x.length; j++) this.xNew[j] = this.x[j] + alpha * this.dir[j];
    softThreshold(this.xNew, alpha * this.lambda, this.xNew);
  }

  step(oracle: Oracle): StepOutcome {
    const { curvature, lambda } = this;
    curvature.direction(this.g, this.dir);
    if (!(dot(this.g, this.dir) < 0) && curvature.hasMemory()) {
      curvature.reset();
      this.resets++;
      curvature.direction(this.g, this.dir);
    }
    let alpha = this.rule.step;
    const maxEvals = this.rule.kind === 'constant' ? 1 : this.rule.maxEvals;
    const F = this.f + lambda * l1Norm(this.x);
    let accepted = false;
    let fNew = Number.NaN;
    for (let k = 0; k < maxEvals && !accepted; k++) {
      this.trial(alpha);
      fNew = oracle.valueGrad(this.xNew, this.gNew);
      if (this.rule.kind === 'constant') {
        accepted = true;
        break;
      }
      sub(this.s, this.xNew, this.x);
      const model = dot(this.g, this.s) + lambda * (l1Norm(this.xNew) - l1Norm(this.x));
      if (fNew + lambda * l1Norm(this.xNew) <= F + 1e-4 * model) accepted = true;
      else alpha *= this.rule.shrink;
    }
    if (!accepted) {
      return { ok: false, reason: 'line-search-failed', message: `no sufficient decrease in ${maxEvals} trials` };
    }
    sub(this.s, this.xNew, this.x);
    sub(this.y, this.gNew, this.g);
    curvature.update(this.s, this.y);
    this.accept(fNew, oracle);
    return STEP_OK;
  }
}
