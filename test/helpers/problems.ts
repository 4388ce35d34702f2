/**
 * Small `Problem`s for the method tests: functions whose minimizers are known in closed form (or computed here
 * by a tiny dense solver), plus pathological ones (NaN beyond a radius, constant) and a recording wrapper.
 * None of this uses the library's numerics except `fromDense` / `Objective` for the sparse-data helpers.
 */
import { fromDense } from '../../src/data/csr.js';
import type { LossName } from '../../src/objectives/losses.js';
import { Objective, type RowBatch } from '../../src/objectives/objective.js';
import type { Problem } from '../../src/objectives/problem.js';

/** Rows of a batch in order (all rows when the batch is undefined). */
function rowsOf(n: number, batch: RowBatch | undefined): number[] {
  if (batch === undefined) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let t = batch.start; t < batch.end; t++) out.push(batch.idx[t]);
  return out;
}

/**
 * Solves M z = r for a small dense square M by Gaussian elimination with partial pivoting (a fresh copy is
 * factored; inputs are untouched). Throws on a singular matrix.
 */
export function solveDense(M: ArrayLike<number>[], r: ArrayLike<number>): Float64Array {
  const d = r.length;
  const A = M.map((row) => Float64Array.from(row));
  const b = Float64Array.from(r);
  for (let k = 0; k < d; k++) {
    let p = k;
    for (let i = k + 1; i < d; i++) if (Math.abs(A[i][k]) > Math.abs(A[p][k])) p = i;
    if (A[p][k] === 0) throw new Error('solveDense: singular matrix');
    [A[k], A[p]] = [A[p], A[k]];
    [b[k], b[p]] = [b[p], b[k]];
    for (let i = k + 1; i < d; i++) {
      const m = A[i][k] / A[k][k];
      if (m === 0) continue;
      for (let j = k; j < d; j++) A[i][j] -= m * A[k][j];
      b[i] -= m * b[k];
    }
  }
  const z = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < d; j++) s -= A[i][j] * z[j];
    z[i] = s / A[i][i];
  }
  return z;
}

/** Largest eigenvalue of a small symmetric positive semidefinite matrix (power iteration, to ~1e-14). */
export function maxEigen(M: ArrayLike<number>[]): number {
  const d = M.length;
  let v = new Float64Array(d).fill(1);
  let lam = 0;
  for (let it = 0; it < 10000; it++) {
    const w = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) w[i] += M[i][j] * v[j];
    const nrm = Math.hypot(...w);
    if (nrm === 0) return 0;
    const next = nrm;
    for (let i = 0; i < d; i++) w[i] /= nrm;
    v = w;
    if (Math.abs(next - lam) <= 1e-15 * next) return next;
    lam = next;
  }
  return lam;
}

/** Soft thresholding sign(v)·max(|v| − t, 0), written independently of src/objectives/l1.ts. */
export function softThresholdRef(v: ArrayLike<number>, t: ArrayLike<number> | number): Float64Array {
  return Float64Array.from(v, (vj, j) => {
    const tj = typeof t === 'number' ? t : t[j];
    return Math.sign(vj) * Math.max(Math.abs(vj) - tj, 0);
  });
}

/**
 * Finite-sum least squares f(x) = 1/|B| Σ_{i∈B} ½(a_iᵀx − b_i)² over dense rows (n rows, so mini-batches work),
 * with an optional L1 weight. `solution()` is the minimizer of the smooth part from the normal equations
 * AᵀA x = Aᵀb; `lipschitz()` is L = λ_max(AᵀA / n), so gradient descent converges for steps < 2/L.
 */
export class LeastSquares implements Problem {
  readonly n: number;
  readonly d: number;
  readonly l1: number;
  constructor(
    readonly A: number[][],
    readonly b: number[],
    l1 = 0,
  ) {
    this.n = A.length;
    this.d = A[0].length;
    this.l1 = l1;
  }
  batchSize(batch?: RowBatch): number {
    return batch === undefined ? this.n : batch.end - batch.start;
  }
  valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
    grad.fill(0);
    const rows = rowsOf(this.n, batch);
    let f = 0;
    for (const i of rows) {
      const a = this.A[i];
      let r = -this.b[i];
      for (let j = 0; j < this.d; j++) r += a[j] * x[j];
      f += 0.5 * r * r;
      for (let j = 0; j < this.d; j++) grad[j] += r * a[j];
    }
    const m = rows.length;
    for (let j = 0; j < this.d; j++) grad[j] /= m;
    return f / m;
  }
  value(x: Float64Array, batch?: RowBatch): number {
    return this.valueGrad(x, new Float64Array(this.d), batch);
  }
  /** AᵀA / n */
  gram(): number[][] {
    const G = Array.from({ length: this.d }, () => new Array<number>(this.d).fill(0));
    for (const a of this.A) for (let i = 0; i < this.d; i++) for (let j = 0; j < this.d; j++) G[i][j] += a[i] * a[j];
    return G.map((row) => row.map((v) => v / this.n));
  }
  solution(): Float64Array {
    const rhs = new Array<number>(this.d).fill(0);
    this.A.forEach((a, i) => {
      for (let j = 0; j < this.d; j++) rhs[j] += (a[j] * this.b[i]) / this.n;
    });
    return solveDense(this.gram(), rhs);
  }
  lipschitz(): number {
    return maxEigen(this.gram());
  }
}

/** General quadratic f(x) = ½xᵀQx − cᵀx (n = 1), optional L1 weight; minimizer of the smooth part Q⁻¹c. */
export class Quadratic implements Problem {
  readonly n = 1;
  readonly d: number;
  readonly l1: number;
  constructor(
    readonly Q: number[][],
    readonly c: number[],
    l1 = 0,
  ) {
    this.d = c.length;
    this.l1 = l1;
  }
  batchSize(): number {
    return 1;
  }
  valueGrad(x: Float64Array, grad: Float64Array): number {
    let f = 0;
    for (let i = 0; i < this.d; i++) {
      let qx = 0;
      for (let j = 0; j < this.d; j++) qx += this.Q[i][j] * x[j];
      grad[i] = qx - this.c[i];
      f += 0.5 * x[i] * qx - this.c[i] * x[i];
    }
    return f;
  }
  value(x: Float64Array): number {
    return this.valueGrad(x, new Float64Array(this.d));
  }
  solution(): Float64Array {
    return solveDense(this.Q, this.c);
  }
  lipschitz(): number {
    return maxEigen(this.Q);
  }
  minValue(): number {
    return this.value(this.solution());
  }
}

/**
 * ½ Σ q_j (x_j − v_j)² + λ‖x‖₁, separable: its minimizer is soft-threshold(v_j, λ/q_j) coordinate by
 * coordinate (with q = 1 the classic prox of λ‖·‖₁ at v).
 */
export function separableL1(q: number[], v: number[], lambda: number): { problem: Quadratic; solution: Float64Array } {
  const d = q.length;
  const Q = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? q[i] : 0)));
  const c = q.map((qj, j) => qj * v[j]);
  return {
    problem: new Quadratic(Q, c, lambda),
    solution: softThresholdRef(
      v,
      q.map((qj) => lambda / qj),
    ),
  };
}

/** Rosenbrock f(x) = Σ 100(x_{i+1} − x_i²)² + (1 − x_i)² (n = 1); minimum 0 at (1, …, 1). */
export class Rosenbrock implements Problem {
  readonly n = 1;
  readonly l1 = 0;
  constructor(readonly d = 2) {}
  batchSize(): number {
    return 1;
  }
  valueGrad(x: Float64Array, g: Float64Array): number {
    g.fill(0);
    let f = 0;
    for (let i = 0; i + 1 < this.d; i++) {
      const t = x[i + 1] - x[i] * x[i];
      const s = 1 - x[i];
      f += 100 * t * t + s * s;
      g[i] += -400 * x[i] * t - 2 * s;
      g[i + 1] += 200 * t;
    }
    return f;
  }
  value(x: Float64Array): number {
    return this.valueGrad(x, new Float64Array(this.d));
  }
}

/**
 * Wraps a problem so that its value and gradient are NaN wherever ‖x‖₂ > radius (an objective that
 * overflows when a method overshoots).
 */
export class NanBeyond implements Problem {
  readonly n: number;
  readonly d: number;
  readonly l1: number;
  constructor(
    readonly inner: Problem,
    readonly radius: number,
  ) {
    this.n = inner.n;
    this.d = inner.d;
    this.l1 = inner.l1;
  }
  batchSize(batch?: RowBatch): number {
    return this.inner.batchSize(batch);
  }
  private outside(x: Float64Array): boolean {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += x[j] * x[j];
    return !(Math.sqrt(s) <= this.radius);
  }
  valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
    const f = this.inner.valueGrad(x, grad, batch);
    if (!this.outside(x)) return f;
    grad.fill(Number.NaN);
    return Number.NaN;
  }
  value(x: Float64Array, batch?: RowBatch): number {
    return this.outside(x) ? Number.NaN : this.inner.value(x, batch);
  }
}

/** A constant function (zero gradient everywhere), n rows so stochastic methods run on it too. */
export class Flat implements Problem {
  readonly l1 = 0;
  constructor(
    readonly d = 3,
    readonly n = 1,
    readonly level = 1.5,
  ) {}
  batchSize(batch?: RowBatch): number {
    return batch === undefined ? this.n : batch.end - batch.start;
  }
  valueGrad(_x: Float64Array, grad: Float64Array): number {
    grad.fill(0);
    return this.level;
  }
  value(): number {
    return this.level;
  }
}

/** One evaluation seen by `Recording`: copies of x and the gradient, the value, and the rows (null = all). */
export interface Evaluation {
  x: Float64Array;
  f: number;
  g: Float64Array | null;
  batch: number;
  rows: Int32Array | null;
}

function batchRows(batch: RowBatch | undefined): Int32Array | null {
  return batch === undefined ? null : batch.idx.slice(batch.start, batch.end);
}

/**
 * Forwards to a problem and records every evaluation in order (the run loop's uncounted trace evaluations
 * included: compare with the oracle's counts to tell them apart).
 */
export class Recording implements Problem {
  readonly n: number;
  readonly d: number;
  readonly l1: number;
  readonly log: Evaluation[] = [];
  constructor(readonly inner: Problem) {
    this.n = inner.n;
    this.d = inner.d;
    this.l1 = inner.l1;
  }
  batchSize(batch?: RowBatch): number {
    return this.inner.batchSize(batch);
  }
  valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
    const f = this.inner.valueGrad(x, grad, batch);
    const g = Float64Array.from(grad);
    this.log.push({ x: Float64Array.from(x), f, g, batch: this.batchSize(batch), rows: batchRows(batch) });
    return f;
  }
  value(x: Float64Array, batch?: RowBatch): number {
    const f = this.inner.value(x, batch);
    this.log.push({ x: Float64Array.from(x), f, g: null, batch: this.batchSize(batch), rows: batchRows(batch) });
    return f;
  }
}

/** An `Objective` (linear model on sparse data) from dense rows and encoded labels. */
export function denseObjective(
  rows: number[][],
  y: number[],
  loss: LossName,
  opts: { l1?: number; l2?: number } = {},
): Objective {
  return new Objective(fromDense(rows), Float64Array.from(y), { loss, l1: opts.l1, l2: opts.l2 });
}

/**
 * A tiny non-separable binary data set: 10 rows, 3 features (the last one a constant intercept), labels 0/1.
 * Both classes overlap, so logistic and sigmoid-lsq minimizers are finite.
 */
export const TINY_ROWS: number[][] = [
  [1.0, 0.5, 1],
  [0.8, -0.3, 1],
  [-0.2, 1.2, 1],
  [-1.1, -0.4, 1],
  [0.3, 0.9, 1],
  [-0.7, 0.2, 1],
  [1.5, -1.0, 1],
  [-0.4, -1.3, 1],
  [0.1, 0.1, 1],
  [-1.6, 0.7, 1],
];
export const TINY_Y01: number[] = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1];

/** σ(z) (plain formula, independent of src/objectives/sigmoid.ts). */
function sig(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * Independent dense reference for the margin losses on dense rows (the library's kernels are not used): value,
 * gradient and Hessian of f(x) = 1/n Σ ℓ(a_iᵀx, y_i) with ℓ = (y − σ(z))² (sigmoid-lsq) or
 * log(1 + e^{−ỹz}) (logistic, ỹ = ±1 from y = 1 / other).
 */
export function denseLossReference(
  rows: number[][],
  y: number[],
  loss: LossName,
  x: Float64Array,
): { f: number; g: Float64Array; H: number[][] } {
  const d = x.length;
  const n = rows.length;
  let f = 0;
  const g = new Float64Array(d);
  const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  rows.forEach((a, i) => {
    let z = 0;
    for (let j = 0; j < d; j++) z += a[j] * x[j];
    const s = sig(z);
    const sp = s * (1 - s);
    let l: number;
    let l1: number;
    let l2: number;
    if (loss === 'logistic') {
      const t = y[i] === 1 ? 1 : -1;
      l = Math.log1p(Math.exp(-t * z));
      l1 = -t * sig(-t * z);
      l2 = sp;
    } else {
      const r = y[i] - s;
      l = r * r;
      l1 = -2 * r * sp;
      l2 = 2 * (sp * sp - r * sp * (1 - 2 * s));
    }
    f += l / n;
    for (let j = 0; j < d; j++) {
      g[j] += (l1 * a[j]) / n;
      for (let k = 0; k < d; k++) H[j][k] += (l2 * a[j] * a[k]) / n;
    }
  });
  return { f, g, H };
}

/**
 * A stationary point of the dense reference by damped Newton from `x0` (halving the step until f decreases),
 * finished with plain Newton steps. Throws if it does not reach ‖∇f‖ ≤ 1e-14 or the Hessian there is not
 * positive definite (then it is not a local minimum).
 */
export function newtonReference(rows: number[][], y: number[], loss: LossName, x0: Float64Array): Float64Array {
  let x = Float64Array.from(x0);
  for (let it = 0; it < 200; it++) {
    const { f, g, H } = denseLossReference(rows, y, loss, x);
    const gn = Math.hypot(...g);
    if (gn <= 1e-15) break;
    const p = solveDense(H, g);
    let t = 1;
    for (;;) {
      const trial = Float64Array.from(x, (v, j) => v - t * p[j]);
      const ft = denseLossReference(rows, y, loss, trial).f;
      if (ft <= f || gn < 1e-6 || t < 1e-10) {
        x = trial;
        break;
      }
      t /= 2;
    }
  }
  const { g, H } = denseLossReference(rows, y, loss, x);
  if (!(Math.hypot(...g) <= 1e-14)) throw new Error(`newtonReference: gradient norm ${Math.hypot(...g)}`);
  // positive definite: Cholesky succeeds
  const d = x.length;
  const L = H.map((r) => r.slice());
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) L[j][j] -= L[j][k] * L[j][k];
    if (!(L[j][j] > 0)) throw new Error('newtonReference: Hessian not positive definite');
    L[j][j] = Math.sqrt(L[j][j]);
    for (let i = j + 1; i < d; i++) {
      for (let k = 0; k < j; k++) L[i][j] -= L[i][k] * L[j][k];
      L[i][j] /= L[j][j];
    }
  }
  return x;
}
