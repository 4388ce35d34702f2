import { type Csr, headRows, matVec } from '../data/csr.js';
import { OptlabError } from '../errors.js';
import { Rng } from '../run/rng.js';
import { type Node, Tape } from './autodiff.js';
import type { LossName } from './losses.js';
import type { Objective, RowBatch } from './objective.js';

/**
 * Checks of an {@link Objective}'s gradient and Hessian-vector product against two independent oracles.
 *
 * The checked function is the smooth part f(x) = 1/n Σ_i ℓ(a_iᵀx, y_i) + (μ/2)‖x‖² (the L1 term is not
 * differentiable and is left to the prox). Points:
 * - `zero`: x = 0;
 * - `random-k`: x ~ N(0, s²I) with s = 1/√(mean_i ‖a_i‖²), so that a_iᵀx is of order 1;
 * - `margin-M` (M = 1e2, 1e3, 1e4 by default): a Gaussian direction scaled so that max_i |a_iᵀx| = M,
 *   where σ saturates and naive formulas overflow or cancel.
 *
 * Oracles, at each point:
 * 1. Reverse-mode automatic differentiation (autodiff.ts) of the per-sample losses written out here as
 *    plain expressions, independently of losses.ts and kernels.ts ({@link autodiffValueGradHessVec}).
 *    The Hessian-vector product comes from the same sweep (forward-over-reverse). Agreement with the
 *    explicit code is expected at rounding level.
 * 2. Central differences of `objective.value`, coordinate by coordinate, Richardson-extrapolated:
 *      D(h) = (f(x + h e_j) − f(x − h e_j)) / 2h,   R = D(h/2) + (D(h/2) − D(h)) / 3 = f'(x) + O(h⁴)
 *    (Nocedal & Wright, *Numerical Optimization*, 2nd ed., §8.1; Press et al., *Numerical Recipes*,
 *    3rd ed., §5.7). The step h_j = hz / max_i |a_ij| moves every a_iᵀx by at most hz (1e-2): the
 *    losses vary on a scale of 1 in z, whatever the size of x. The step actually used is (x_j + h) − x_j.
 *    The Hessian-vector product is compared with the same extrapolated quotient of the explicit gradient
 *    along v, with h = hz / max_i |a_iᵀv|.
 *
 * Error measure, for every column: ‖g₁ − g₂‖∞ / max(‖g₁‖∞, ‖g₂‖∞, floor), Infinity if an entry is not
 * finite. The floor matters only when both vectors are tiny (a sigmoid-lsq gradient at huge margins
 * underflows towards 0); below it the comparison is absolute, to tolerance × floor:
 * - autodiff columns: floor = {@link TINY} = 1e-280, so the measure stays relative down to where
 *   subnormal numbers lose relative precision;
 * - finite-difference columns: a difference quotient carries rounding noise of about √n ε |f| / h (the
 *   running sum of n losses), so no derivative below that can be resolved. The floor is
 *   fdFloor · max(1, |f(x)|) for the gradient and fdFloor · max(1, ‖∇f(x)‖∞) · max(1, max_i |a_iᵀv|) for
 *   the Hessian-vector product, fdFloor = 1e-5 by default: with the default tolerance 1e-6 a derivative
 *   smaller than the floor passes when it is right to ~1e-11 · max(1, |f|), about the noise level.
 */

/** Pass thresholds of a {@link gradcheck}, one per error column. */
export interface GradcheckTolerances {
  /** Explicit vs autodiff gradient and value. */
  autodiff: number;
  /** Explicit gradient vs finite differences of the value. */
  finiteDiff: number;
  /** Explicit Hessian-vector product vs finite differences of the gradient. */
  hessVec: number;
  /** Explicit Hessian-vector product vs forward-over-reverse autodiff. */
  hessVecAutodiff: number;
}

export const DEFAULT_TOLERANCES: Readonly<GradcheckTolerances> = {
  autodiff: 1e-12,
  finiteDiff: 1e-6,
  hessVec: 1e-6,
  hessVecAutodiff: 1e-11,
};

export interface GradcheckOptions {
  /** Number of random points (default 3). */
  points?: number;
  /** Seed of the points, the directions v and the coordinate subset (default 1). */
  seed?: number;
  /** Check f_B on the first `rows` rows only (a {@link RowBatch}), to bound time (default all rows). */
  rows?: number;
  /** Largest |a_iᵀx| at the margin points (default [1e2, 1e3, 1e4]). */
  margins?: readonly number[];
  /** Coordinates checked by finite differences: all when d ≤ this, else a seeded random subset (default 256). */
  fdCoordinates?: number;
  /** Difference step, as the largest change of any a_iᵀx (default 1e-2). */
  hz?: number;
  /** Floor of the finite-difference comparisons (module comment; default 1e-5). */
  fdFloor?: number;
  tolerances?: Partial<GradcheckTolerances>;
}

/** One checked point. */
export interface GradcheckRow {
  /** `zero`, `random-1`, ..., `margin-1e+2`, ... */
  point: string;
  /** max_i |a_iᵀx| at the point. */
  maxAbsZ: number;
  /** Explicit vs autodiff gradient. */
  errAutodiff: number;
  /** Explicit vs autodiff value: |f₁ − f₂| / max(|f₁|, |f₂|, tiny). */
  errValue: number;
  /** Explicit gradient vs finite differences of `objective.value` (on the checked coordinates). */
  errFiniteDiff: number;
  /** `hessVec` vs finite differences of the gradient. */
  errHessVec: number;
  /** `hessVec` vs forward-over-reverse autodiff. */
  errHessVecAutodiff: number;
  /** ‖∇f(x)‖∞ of the explicit gradient. */
  gradNorm: number;
  ok: boolean;
}

export interface GradcheckReport {
  rows: GradcheckRow[];
  ok: boolean;
  /** Data rows used. */
  n: number;
  /** Coordinates checked by finite differences. */
  fdCoordinates: number;
  tolerances: GradcheckTolerances;
}

/** Floor of the autodiff comparisons (module comment). */
export const TINY = 1e-280;

/** ‖a − b‖∞ / max(‖a‖∞, ‖b‖∞, floor), over `coords` if given; Infinity if an entry is not finite. */
export function relativeError(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  floor: number,
  coords?: ArrayLike<number>,
): number {
  const m = coords === undefined ? a.length : coords.length;
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let t = 0; t < m; t++) {
    const j = coords === undefined ? t : coords[t];
    const u = a[j];
    const w = b[j];
    if (!Number.isFinite(u) || !Number.isFinite(w)) return Number.POSITIVE_INFINITY;
    diff = Math.max(diff, Math.abs(u - w));
    na = Math.max(na, Math.abs(u));
    nb = Math.max(nb, Math.abs(w));
  }
  return diff === 0 ? 0 : diff / Math.max(na, nb, floor);
}

/**
 * f, ∇f and ∇²f·v of the smooth part of `objective` on its first `rows` rows (default all), by
 * automatic differentiation of ℓ(a_iᵀx, y_i)/rows + (μ/2)‖x‖² written with tape operations:
 * - σ(z) = 1/(1 + e^{−z}) for z ≥ 0, e^{z}/(1 + e^{z}) otherwise (no overflow);
 * - sigmoid-lsq: ℓ = r², r = y − σ(z), written (y − 1) + σ(−z) for z ≥ 0 (the same number, without
 *   the cancellation of 1 − σ(z) when σ(z) ≈ 1);
 * - logistic: ℓ = softplus(m), m = −ỹz, ỹ = +1 if y = 1 else −1, with softplus(m) = m + log1p(e^{−m})
 *   for m > 0 and log1p(e^{m}) otherwise.
 * The derivatives come from the chain rule alone. Each row is taped on its own (the tape is rewound),
 * over its non-zeros only, and its adjoints are added into the dense outputs: O(nnz) in total.
 * @returns f(x); `grad` and `hessVec` are overwritten.
 */
export function autodiffValueGradHessVec(
  objective: Objective,
  x: Float64Array,
  v: Float64Array,
  grad: Float64Array,
  hessVec: Float64Array,
  rows: number = objective.n,
): number {
  const { X, y, loss, l2 } = objective;
  const { rowPtr, colIdx, values } = X;
  const n = Math.min(rows, objective.n);
  grad.fill(0);
  hessVec.fill(0);
  const tape = new Tape(256);
  let vars = new Int32Array(64);
  const inv = 1 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const lo = rowPtr[i];
    const hi = rowPtr[i + 1];
    if (hi - lo > vars.length) vars = new Int32Array(2 * (hi - lo));
    tape.reset();
    let z: Node = -1;
    for (let k = lo; k < hi; k++) {
      const j = colIdx[k];
      const xj = tape.variable(x[j], v[j]);
      vars[k - lo] = xj;
      const term = values === null ? xj : tape.mul(tape.constant(values[k]), xj);
      z = z < 0 ? term : tape.add(z, term);
    }
    if (z < 0) z = tape.constant(0);
    const out = lossExpression(tape, loss, z, y[i]);
    sum += tape.value(out);
    tape.backward(out, inv);
    for (let k = lo; k < hi; k++) {
      const j = colIdx[k];
      grad[j] += tape.adjoint(vars[k - lo]);
      hessVec[j] += tape.adjointTangent(vars[k - lo]);
    }
  }
  let f = sum / n;
  if (l2 !== 0) {
    let reg = 0;
    for (let j = 0; j < x.length; j++) {
      tape.reset();
      const xj = tape.variable(x[j], v[j]);
      const out = tape.scale(tape.square(xj), 0.5 * l2);
      reg += tape.value(out);
      tape.backward(out);
      grad[j] += tape.adjoint(xj);
      hessVec[j] += tape.adjointTangent(xj);
    }
    f += reg;
  }
  return f;
}

/** σ(z), the branch chosen on the primal value so that no exponential overflows. */
function sigmoidExpr(t: Tape, z: Node): Node {
  if (t.value(z) >= 0) return t.div(t.constant(1), t.add(t.constant(1), t.exp(t.neg(z))));
  const e = t.exp(z);
  return t.div(e, t.add(t.constant(1), e));
}

/** ℓ(z, y) as a tape expression. */
function lossExpression(t: Tape, loss: LossName, z: Node, y: number): Node {
  if (loss === 'sigmoid-lsq') {
    const r =
      t.value(z) >= 0 ? t.add(t.constant(y - 1), sigmoidExpr(t, t.neg(z))) : t.sub(t.constant(y), sigmoidExpr(t, z));
    return t.square(r);
  }
  const m = y === 1 ? t.neg(z) : z;
  if (t.value(m) > 0) return t.add(m, t.log1p(t.exp(t.neg(m))));
  return t.log1p(t.exp(m));
}

/**
 * Compares `objective.valueGrad` and `objective.hessVec` with autodiff and finite differences at the zero
 * vector, `points` random points and the margin points (module comment). Deterministic for a seed.
 */
export function gradcheck(objective: Objective, options: GradcheckOptions = {}): GradcheckReport {
  const tol: GradcheckTolerances = { ...DEFAULT_TOLERANCES, ...options.tolerances };
  const hz = options.hz ?? 1e-2;
  const fdFloor = options.fdFloor ?? 1e-5;
  const nPoints = options.points ?? 3;
  if (!(hz > 0) || !(fdFloor >= 0) || !Number.isInteger(nPoints) || nPoints < 0) {
    throw new OptlabError('gradcheck: need hz > 0, fdFloor >= 0 and an integer points >= 0');
  }
  const d = objective.d;
  const n = options.rows === undefined ? objective.n : Math.max(1, Math.min(objective.n, Math.floor(options.rows)));
  const batch: RowBatch | undefined = n < objective.n ? { idx: iota(n), start: 0, end: n } : undefined;
  const X = n < objective.n ? headRows(objective.X, n) : objective.X;
  const rng = new Rng(options.seed ?? 1);

  // Points and directions first, the coordinate subset last, so that the points do not depend on it.
  const points: Array<{ name: string; x: Float64Array; v: Float64Array }> = [];
  const gaussian = (scale: number): Float64Array => {
    const a = new Float64Array(d);
    for (let j = 0; j < d; j++) a[j] = scale * rng.normal();
    return a;
  };
  points.push({ name: 'zero', x: new Float64Array(d), v: gaussian(1) });
  const s = 1 / Math.sqrt(meanSquaredRowNorm(X) || 1);
  for (let k = 1; k <= nPoints; k++) points.push({ name: `random-${k}`, x: gaussian(s), v: gaussian(1) });
  const z = new Float64Array(n);
  for (const margin of options.margins ?? [1e2, 1e3, 1e4]) {
    const x = gaussian(1);
    matVec(X, x, z);
    const m = maxAbs(z);
    if (m > 0) for (let j = 0; j < d; j++) x[j] *= margin / m;
    points.push({ name: `margin-${margin.toExponential()}`, x, v: gaussian(1) });
  }
  const coords = chooseCoordinates(d, options.fdCoordinates ?? 256, rng);
  const colMax = columnMaxAbs(X);

  const rows: GradcheckRow[] = [];
  const g = new Float64Array(d);
  const ga = new Float64Array(d);
  const hv = new Float64Array(d);
  const hva = new Float64Array(d);
  const gfd = new Float64Array(d);
  const hvfd = new Float64Array(d);
  for (const { name, x, v } of points) {
    matVec(X, x, z);
    const maxAbsZ = maxAbs(z);
    const f = objective.valueGrad(x, g, batch);
    const fa = autodiffValueGradHessVec(objective, x, v, ga, hva, n);
    objective.hessVec(x, v, hv, batch);
    finiteDifferenceGradient(objective, batch, x, coords, colMax, hz, gfd);
    matVec(X, v, z);
    const avMax = maxAbs(z);
    finiteDifferenceHessVec(objective, batch, x, v, hz / (avMax > 0 ? avMax : 1), hvfd);
    const gradNorm = maxAbs(g);
    const row: GradcheckRow = {
      point: name,
      maxAbsZ,
      errAutodiff: relativeError(g, ga, TINY),
      errValue: relativeError([f], [fa], TINY),
      errFiniteDiff: relativeError(g, gfd, fdFloor * Math.max(1, Math.abs(f)), coords),
      errHessVec: relativeError(hv, hvfd, fdFloor * Math.max(1, gradNorm) * Math.max(1, avMax)),
      errHessVecAutodiff: relativeError(hv, hva, TINY),
      gradNorm,
      ok: false,
    };
    row.ok =
      row.errAutodiff <= tol.autodiff &&
      row.errValue <= tol.autodiff &&
      row.errFiniteDiff <= tol.finiteDiff &&
      row.errHessVec <= tol.hessVec &&
      row.errHessVecAutodiff <= tol.hessVecAutodiff;
    rows.push(row);
  }
  return { rows, ok: rows.every((r) => r.ok), n, fdCoordinates: coords.length, tolerances: tol };
}

function iota(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function chooseCoordinates(d: number, max: number, rng: Rng): Int32Array {
  if (d <= max) return iota(d);
  return rng.permutation(d).slice(0, Math.max(0, max)).sort();
}

function meanSquaredRowNorm(X: Csr): number {
  const nz = X.rowPtr[X.rows];
  if (X.values === null) return nz / X.rows;
  let s = 0;
  for (let k = 0; k < nz; k++) s += X.values[k] * X.values[k];
  return s / X.rows;
}

/** max_j |a_j| */
function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j]));
  return m;
}

/** max_i |a_ij| for every column j (0 for an empty column). */
function columnMaxAbs(X: Csr): Float64Array {
  const m = new Float64Array(X.cols);
  const nz = X.rowPtr[X.rows];
  for (let k = 0; k < nz; k++) {
    const a = X.values === null ? 1 : Math.abs(X.values[k]);
    if (a > m[X.colIdx[k]]) m[X.colIdx[k]] = a;
  }
  return m;
}

/**
 * Richardson-extrapolated central differences of `objective.value` on `coords`, into `out` (other entries
 * 0), with h_j = hz / max_i |a_ij| (hz for an empty column).
 */
function finiteDifferenceGradient(
  objective: Objective,
  batch: RowBatch | undefined,
  x: Float64Array,
  coords: Int32Array,
  colMax: Float64Array,
  hz: number,
  out: Float64Array,
): void {
  out.fill(0);
  const xt = Float64Array.from(x);
  for (let t = 0; t < coords.length; t++) {
    const j = coords[t];
    const xj = x[j];
    const quotient = (step: number): number => {
      const h = xj + step - xj; // the step actually taken
      xt[j] = xj + h;
      const fp = objective.value(xt, batch);
      xt[j] = xj - h;
      const fm = objective.value(xt, batch);
      xt[j] = xj;
      return (fp - fm) / (2 * h);
    };
    const h = hz / (colMax[j] > 0 ? colMax[j] : 1);
    const d1 = quotient(h);
    const d2 = quotient(h / 2);
    out[j] = d2 + (d2 - d1) / 3;
  }
}

/** Richardson-extrapolated central differences of the explicit gradient along v with step h, into `out`. */
function finiteDifferenceHessVec(
  objective: Objective,
  batch: RowBatch | undefined,
  x: Float64Array,
  v: Float64Array,
  h: number,
  out: Float64Array,
): void {
  const d = x.length;
  const gp = new Float64Array(d);
  const gm = new Float64Array(d);
  const xt = new Float64Array(d);
  const d1 = new Float64Array(d);
  const quotient = (step: number, into: Float64Array): void => {
    for (let j = 0; j < d; j++) xt[j] = x[j] + step * v[j];
    objective.valueGrad(xt, gp, batch);
    for (let j = 0; j < d; j++) xt[j] = x[j] - step * v[j];
    objective.valueGrad(xt, gm, batch);
    for (let j = 0; j < d; j++) into[j] = (gp[j] - gm[j]) / (2 * step);
  };
  quotient(h, d1);
  quotient(h / 2, out);
  for (let j = 0; j < d; j++) out[j] += (out[j] - d1[j]) / 3;
}
