import { l1Norm } from '../objectives/l1.js';
import type { Oracle } from '../run/oracle.js';
import { dot, sub } from '../run/vec.js';
import { curvatureOk } from './curvature.js';
import { FullBatchMethod } from './full-batch.js';
import type { ProxStep } from './proximal.js';
import { STEP_OK, type StepOutcome } from './types.js';

/** Sufficient-decrease constant c of eq. 2.20. */
const C = 1e-4;
/** Coordinate-descent sweeps of the subproblem at most, and the relative change that ends them. */
const MAX_SWEEPS = 100;
const SWEEP_TOL = 1e-13;

/**
 * Proximal quasi-Newton (Lee, Sun & Saunders, "Proximal Newton-type methods for minimizing composite
 * functions", SIAM J. Optim. 24(3), 2014, Alg. 3.1) for F(x) = f(x) + λ‖x‖₁ with a dense BFGS approximation
 * B of the Hessian of f:
 *
 * 1. the search direction is the scaled proximal step (their eq. 2.8)
 *      Δx = argmin_d ∇f(x)ᵀd + ½ dᵀB d + λ‖x + d‖₁,
 *    solved by cyclic coordinate descent on this strictly convex quadratic-plus-L1 model (each coordinate in
 *    closed form: u = soft(x_j − b/B_jj, λ/B_jj), d_j = u − x_j), from d = 0;
 * 2. with backtracking (the default, from step = 1: the unit step is the proximal quasi-Newton step, accepted
 *    near the solution), t = step, step·shrink, … until the sufficient decrease of eq. 2.20 holds along the line
 *      F(x + tΔx) ≤ F(x) + c·t·Δ,  Δ = ∇f(x)ᵀΔx + λ‖x + Δx‖₁ − λ‖x‖₁ < 0,  c = 1e-4;
 *    with a constant step, x₊ = x + step·Δx (a damped proximal Newton step);
 * 3. B is updated by BFGS from s = x₊ − x, y = ∇f(x₊) − ∇f(x) (N&W eq. 6.19), skipped unless
 *    sᵀy > ε‖s‖‖y‖; before the first update B = (yᵀy / sᵀy) I.
 *
 * Δ < 0 whenever Δx ≠ 0 (coordinate descent from 0 decreases the model: Δ ≤ −½ΔxᵀBΔx), so the search ends for
 * a small enough t at any non-stationary point; Δx = 0 iff x is stationary for F. With B = I, Δx is the
 * proximal-gradient step prox_λ(x − ∇f) − x. The subproblem costs O(sweeps·d²) flops and no data pass.
 */
export class ProxBfgs extends FullBatchMethod {
  readonly handlesL1 = true;
  private readonly dir: Float64Array;
  private readonly bd: Float64Array;
  private readonly s: Float64Array;
  private readonly y: Float64Array;
  private readonly Bs: Float64Array;
  /** B, row-major d×d. */
  private readonly B: Float64Array;
  /** True until the first pair (B = I is then rescaled). */
  private fresh = true;
  /** Times a failed search was retried from B = I. */
  resets = 0;
  /** Coordinate-descent sweeps spent on the subproblems. */
  sweeps = 0;

  constructor(
    d: number,
    readonly rule: ProxStep,
    readonly lambda: number,
  ) {
    super(d);
    this.dir = new Float64Array(d);
    this.bd = new Float64Array(d);
    this.s = new Float64Array(d);
    this.y = new Float64Array(d);
    this.Bs = new Float64Array(d);
    this.B = new Float64Array(d * d);
    this.resetHessian();
  }

  /** B = I (the next pair rescales it). */
  resetHessian(): void {
    const d = this.x.length;
    this.B.fill(0);
    for (let j = 0; j < d; j++) this.B[j * d + j] = 1;
    this.fresh = true;
  }

  /** Sets B (symmetric positive definite, given by rows); `init` keeps it. */
  setHessian(rows: ArrayLike<ArrayLike<number>>): void {
    const d = this.x.length;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) this.B[i * d + j] = rows[i][j];
    this.fresh = false;
  }

  /** Δx into `dir` by coordinate descent on the model; returns Δ = ∇fᵀΔx + λ(‖x + Δx‖₁ − ‖x‖₁). */
  private direction(): number {
    const { x, g, B, dir, bd, lambda } = this;
    const d = x.length;
    dir.fill(0);
    bd.fill(0); // B·dir
    for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      this.sweeps++;
      let change = 0;
      let size = 0;
      for (let j = 0; j < d; j++) {
        const a = B[j * d + j];
        const b = g[j] + bd[j] - a * dir[j]; // ∂/∂d_j of the smooth model without the d_j² term
        const v = x[j] - b / a;
        const t = lambda / a;
        const u = v > t ? v - t : v < -t ? v + t : 0;
        const delta = u - x[j] - dir[j];
        if (delta !== 0) {
          dir[j] += delta;
          const row = j * d; // B is symmetric: column j = row j
          for (let k = 0; k < d; k++) bd[k] += B[row + k] * delta;
        }
        change = Math.max(change, Math.abs(delta));
        size = Math.max(size, Math.abs(dir[j]));
      }
      if (change <= SWEEP_TOL * Math.max(size, Number.MIN_VALUE)) break;
    }
    for (let j = 0; j < d; j++) this.xNew[j] = x[j] + dir[j];
    return dot(g, dir) + lambda * (l1Norm(this.xNew) - l1Norm(x));
  }

  /** Backtracks along x + tΔx; the accepted point is in (xNew, gNew). */
  private search(oracle: Oracle, delta: number, F: number): { ok: true; f: number } | { ok: false; message: string } {
    const { rule, x, dir, xNew, lambda } = this;
    let t = rule.step;
    const maxEvals = rule.kind === 'constant' ? 1 : rule.maxEvals;
    for (let k = 0; k < maxEvals; k++) {
      for (let j = 0; j < x.length; j++) xNew[j] = x[j] + t * dir[j];
      const f = oracle.valueGrad(xNew, this.gNew);
      if (rule.kind === 'constant') return { ok: true, f };
      if (f + lambda * l1Norm(xNew) <= F + C * t * delta) return { ok: true, f };
      t *= rule.shrink;
    }
    return { ok: false, message: `no sufficient decrease along the proximal Newton direction in ${maxEvals} trials` };
  }

  step(oracle: Oracle): StepOutcome {
    const F = this.f + this.lambda * l1Norm(this.x);
    let delta = this.direction();
    if (!(delta < 0)) {
      return {
        ok: false,
        reason: 'converged',
        message: `the proximal quasi-Newton step is zero (model decrease ${delta}): x is stationary`,
      };
    }
    let r = this.search(oracle, delta, F);
    if (!r.ok && !this.fresh) {
      this.resetHessian();
      this.resets++;
      delta = this.direction();
      if (delta < 0) r = this.search(oracle, delta, F);
    }
    if (!r.ok) return { ok: false, reason: 'line-search-failed', message: r.message };
    sub(this.s, this.xNew, this.x);
    sub(this.y, this.gNew, this.g);
    this.update();
    this.accept(r.f, oracle);
    return STEP_OK;
  }

  /** B₊ = B − (Bs)(Bs)ᵀ / sᵀBs + y yᵀ / yᵀs (N&W eq. 6.19), skipped unless sᵀy > ε‖s‖‖y‖. */
  private update(): void {
    const { s, y, B, Bs } = this;
    const d = s.length;
    const { sy, ok } = curvatureOk(s, y);
    if (!ok) return;
    if (this.fresh) {
      this.fresh = false;
      const gamma = dot(y, y) / sy;
      B.fill(0);
      for (let j = 0; j < d; j++) B[j * d + j] = gamma;
    }
    let sBs = 0;
    for (let i = 0; i < d; i++) {
      let t = 0;
      const row = i * d;
      for (let j = 0; j < d; j++) t += B[row + j] * s[j];
      Bs[i] = t;
      sBs += s[i] * t;
    }
    if (!(sBs > 0)) return;
    for (let i = 0; i < d; i++) {
      const row = i * d;
      for (let j = 0; j < d; j++) B[row + j] += -(Bs[i] * Bs[j]) / sBs + (y[i] * y[j]) / sy;
    }
  }
}
