import { type DenseOps, denseOps } from './dense-ops.js';
/**
 * Curvature estimates for quasi-Newton directions d = −H g. Each keeps an approximation H of the inverse
 * Hessian, updated from pairs s = x₊ − x, y = ∇f(x₊) − ∇f(x) (Nocedal & Wright, *Numerical Optimization*,
 * 2nd ed., ch. 6–7). BFGS and L-BFGS differ only here.
 */
export interface Curvature {
  /** out = −H g */
  direction(g: Float64Array, out: Float64Array): void;
  /**
   * Offers a pair; returns false if it was skipped because sᵀy ≤ ε‖s‖‖y‖ (not sufficiently positive
   * curvature: an update would lose positive definiteness) or non-finite.
   */
  update(s: Float64Array, y: Float64Array): boolean;
  /** Forgets every pair (H = I). */
  reset(): void;
  /** Whether H currently differs from the identity (some pair is in use). */
  hasMemory(): boolean;
  /** Pairs accepted so far / skipped so far. */
  readonly accepted: number;
  readonly skipped: number;
}

/** Relative curvature threshold ε of the skip rule sᵀy > ε‖s‖‖y‖. */
export const CURVATURE_EPS = 1e-10;

/** sᵀy, and whether the pair passes the skip rule. */
export function curvatureOk(s: Float64Array, y: Float64Array, eps = CURVATURE_EPS): { sy: number; ok: boolean } {
  let sy = 0;
  let ss = 0;
  let yy = 0;
  for (let j = 0; j < s.length; j++) {
    sy += s[j] * y[j];
    ss += s[j] * s[j];
    yy += y[j] * y[j];
  }
  const ok = Number.isFinite(sy) && Number.isFinite(ss) && Number.isFinite(yy) && sy > eps * Math.sqrt(ss * yy);
  return { sy, ok };
}

/** Largest dimension whose dense d×d float64 matrix we allow (2 GiB): beyond it, use L-BFGS. */
export const MAX_DENSE_BYTES = 2 ** 31;

/**
 * Dense inverse-Hessian BFGS (N&W eq. 6.17):
 *   H₊ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,  ρ = 1 / yᵀs,
 * applied in O(d²) as H₊ = H − ρ(s (Hy)ᵀ + (Hy) sᵀ) + (ρ² yᵀHy + ρ) s sᵀ.
 * Before the first update H is rescaled to (yᵀs / yᵀy) I (N&W eq. 6.20).
 */
export class DenseBfgs implements Curvature {
  readonly d: number;
  private readonly ops: DenseOps;
  private readonly H: Float64Array;
  private readonly Hy: Float64Array;
  accepted = 0;
  skipped = 0;
  /** True until the first pair after construction or a reset (then H is rescaled). */
  private fresh = true;
  /** ε of the skip rule sᵀy > ε‖s‖‖y‖. */
  readonly eps: number;

  /** `wasm: false` keeps H and its products in JavaScript (the same bits; see ./dense-ops.ts). */
  constructor(d: number, eps = CURVATURE_EPS, opts: { wasm?: boolean } = {}) {
    this.d = d;
    this.eps = eps;
    this.ops = denseOps(d, opts);
    this.H = this.ops.H;
    this.Hy = new Float64Array(d);
    this.reset();
  }

  reset(): void {
    this.H.fill(0);
    for (let j = 0; j < this.d; j++) this.H[j * this.d + j] = 1;
    this.fresh = true;
  }

  hasMemory(): boolean {
    return !this.fresh;
  }

  direction(g: Float64Array, out: Float64Array): void {
    this.ops.matVec(g, out, -1);
  }

  update(s: Float64Array, y: Float64Array): boolean {
    const { sy, ok } = curvatureOk(s, y, this.eps);
    if (!ok) {
      this.skipped++;
      return false;
    }
    const { d, H, Hy } = this;
    if (this.fresh) {
      this.fresh = false;
      let yy = 0;
      for (let j = 0; j < d; j++) yy += y[j] * y[j];
      const gamma = sy / yy;
      H.fill(0);
      for (let j = 0; j < d; j++) H[j * d + j] = gamma;
    }
    const rho = 1 / sy;
    this.ops.matVec(y, Hy, 1);
    let yHy = 0;
    for (let i = 0; i < d; i++) yHy += y[i] * Hy[i];
    const c = rho * rho * yHy + rho;
    this.ops.rank2(s, Hy, rho, c);
    this.accepted++;
    return true;
  }
}

/**
 * Limited-memory BFGS: the two-loop recursion over the newest m pairs (N&W Alg. 7.4), with initial matrix
 * H₀ = γI, γ = sᵀy / yᵀy of the newest accepted pair (N&W eq. 7.20). With m = 0 (or before the first
 * pair) H = I, so the direction is −g: L-BFGS(0) is gradient descent with the same step rule.
 */
export class Lbfgs implements Curvature {
  readonly d: number;
  readonly m: number;
  private readonly S: Float64Array[];
  private readonly Y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  /** Index of the newest pair in the ring, and how many are stored. */
  private head = -1;
  private count = 0;
  accepted = 0;
  skipped = 0;
  /** ε of the skip rule sᵀy > ε‖s‖‖y‖. */
  readonly eps: number;

  constructor(d: number, m: number, eps = CURVATURE_EPS) {
    this.d = d;
    this.m = m;
    this.eps = eps;
    this.S = Array.from({ length: m }, () => new Float64Array(d));
    this.Y = Array.from({ length: m }, () => new Float64Array(d));
    this.rho = new Float64Array(m);
    this.alpha = new Float64Array(m);
  }

  reset(): void {
    this.head = -1;
    this.count = 0;
  }

  /** Pairs currently stored. */
  get stored(): number {
    return this.count;
  }

  hasMemory(): boolean {
    return this.count > 0;
  }

  direction(g: Float64Array, out: Float64Array): void {
    const { d, m, S, Y, rho, alpha } = this;
    for (let j = 0; j < d; j++) out[j] = g[j];
    // first loop: newest to oldest
    for (let t = 0; t < this.count; t++) {
      const k = (this.head - t + m) % m;
      let a = 0;
      const s = S[k];
      for (let j = 0; j < d; j++) a += s[j] * out[j];
      a *= rho[k];
      alpha[k] = a;
      const y = Y[k];
      for (let j = 0; j < d; j++) out[j] -= a * y[j];
    }
    if (this.count > 0) {
      const y = Y[this.head];
      let yy = 0;
      for (let j = 0; j < d; j++) yy += y[j] * y[j];
      const gamma = 1 / (rho[this.head] * yy); // sᵀy / yᵀy
      for (let j = 0; j < d; j++) out[j] *= gamma;
    }
    // second loop: oldest to newest
    for (let t = this.count - 1; t >= 0; t--) {
      const k = (this.head - t + m) % m;
      const y = Y[k];
      let b = 0;
      for (let j = 0; j < d; j++) b += y[j] * out[j];
      b *= rho[k];
      const s = S[k];
      const c = alpha[k] - b;
      for (let j = 0; j < d; j++) out[j] += c * s[j];
    }
    for (let j = 0; j < d; j++) out[j] = -out[j];
  }

  update(s: Float64Array, y: Float64Array): boolean {
    if (this.m === 0) return false;
    const { sy, ok } = curvatureOk(s, y, this.eps);
    if (!ok) {
      this.skipped++;
      return false;
    }
    this.head = (this.head + 1) % this.m;
    this.S[this.head].set(s);
    this.Y[this.head].set(y);
    this.rho[this.head] = 1 / sy;
    if (this.count < this.m) this.count++;
    this.accepted++;
    return true;
  }
}

/** Steepest descent: H = I. */
export class Steepest implements Curvature {
  readonly accepted = 0;
  readonly skipped = 0;
  direction(g: Float64Array, out: Float64Array): void {
    for (let j = 0; j < g.length; j++) out[j] = -g[j];
  }
  update(): boolean {
    return false;
  }
  reset(): void {}
  hasMemory(): boolean {
    return false;
  }
}
