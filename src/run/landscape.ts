/**
 * Where minimizers end on a nonconvex smooth problem: the problem minimized to a tight tolerance from several
 * starts, the end points grouped into distinct stationary points, and each point described by its value,
 * gradient norm, ‖x‖, how many starts reached it, and the smallest eigenvalue of the Hessian (Lanczos on
 * Hessian-vector products). Core-safe: no Node API.
 *
 * Grouping: two end points are the same point when their values agree to `valueTol`
 * (|f_a − f_b| ≤ valueTol·max(1, |f_a|, |f_b|): relative for large values, absolute below 1, as the values of
 * mean per-sample losses are) and either their distance is small against their size
 * (‖x_a − x_b‖ ≤ distanceTol·max(1, ‖x_a‖, ‖x_b‖)) or no barrier separates them: f at `barrierPoints` evenly
 * spaced interior points of the segment [x_a, x_b] never exceeds max(f_a, f_b) by more than the value
 * tolerance. The second test joins end points that differ along directions the loss cannot see (on a linear
 * model, the null space of the data matrix: a9a's has rank 108 of 123) or lie along one flat valley at nearly
 * the same value (runs stopped by a gradient tolerance at different places of it); two minima of a double well
 * stay apart (the segment crosses the barrier). A group is therefore one stationary point or one barrier-free
 * valley of them; its members' ‖x‖ range (`normRange`) tells which. Groups are built greedily in order of value
 * (lowest first), each end point joining the first group whose representative (its lowest end point) it
 * matches.
 *
 * The smallest eigenvalue tells the kind of point: clearly positive (relative to the largest) is a strict
 * local minimum, negative is a saddle, near zero is a flat direction (on the sigmoid losses, typically a valley
 * along which ‖x‖ grows and the sigmoids saturate).
 */
import { OptlabError } from '../errors.js';
import type { Problem } from '../objectives/problem.js';
import { type MethodConfig, minimize } from './minimize.js';
import type { StopReason } from './result.js';
import { Rng } from './rng.js';
import { norm2 } from './vec.js';

/** One end point of a minimization. */
export interface EndPoint {
  /** Where the run started, e.g. `zeros` or `randn#3`. */
  start: string;
  x: Float64Array;
  value: number;
  gradNorm: number;
  stopReason?: StopReason;
}

/** A distinct stationary point (a group of end points). */
export interface StationaryPoint {
  /** The lowest value among the group's end points. */
  value: number;
  gradNorm: number;
  /** ‖x‖₂ of the representative end point. */
  norm: number;
  /** Smallest and largest ‖x‖₂ of the group's end points (far apart: a valley, not one point). */
  normRange: [number, number];
  /** End points in the group. */
  count: number;
  /** Smallest eigenvalue of ∇²f at the representative (NaN when the problem has no Hv). */
  minEigenvalue: number;
  /** Largest eigenvalue found by the same Lanczos run (the scale minEigenvalue is read against). */
  maxEigenvalue: number;
  /**
   * Residual bound of minEigenvalue, ‖∇²f·u − θu‖ for its Ritz vector u: ∇²f has an eigenvalue within it of
   * minEigenvalue. minEigenvalue is always at least the smallest eigenvalue (a Ritz value); when this bound is
   * small against maxEigenvalue it is (to the bound) an eigenvalue, else Lanczos had not converged to it.
   */
  minEigenvalueResidual: number;
  /** Starts of the group's end points. */
  starts: string[];
  /** The representative end point (lowest value). */
  x: Float64Array;
}

export interface Landscape {
  /** Number of starts (end points grouped). */
  starts: number;
  /** The lowest value of all end points. */
  fStar: number;
  /** Distinct stationary points, lowest value first. */
  minima: StationaryPoint[];
  /** Every end point with the index of its stationary point in `minima`. */
  endpoints: Array<{ start: string; value: number; gradNorm: number; norm: number; minimum: number }>;
  /** The tolerances used. */
  valueTol: number;
  distanceTol: number;
  /** Interior points of the segment at which the barrier test evaluates f. */
  barrierPoints: number;
}

export interface GroupOptions {
  /** Relative value tolerance (default 1e-6). */
  valueTol?: number;
  /** Distance tolerance relative to max(1, ‖x‖) (default 1e-2). */
  distanceTol?: number;
  /** Interior points of the segment between two end points at which f is evaluated (default 15; 0: no test). */
  barrierPoints?: number;
  /** Lanczos steps for the smallest eigenvalue (default min(d, 40)). */
  lanczosSteps?: number;
}

export interface LandscapeOptions extends GroupOptions {
  /** Random starts x₀ ~ N(0, scale²·I), seeds seed, seed+1, … (default 5); a start from zeros is added. */
  randomStarts?: number;
  seed?: number;
  scale?: number;
  /** Whether to start from zeros too (default true). */
  zeros?: boolean;
  /** Gradient-norm tolerance (default 1e-7) and iteration budget (default 2000). */
  tol?: number;
  maxIter?: number;
  /** The minimizer (default: BFGS for d ≤ 1000, else L-BFGS with 20 pairs; both with a Wolfe search). */
  method?: MethodConfig;
  /** End points computed elsewhere (e.g. the study's reference runs), grouped with the new ones. */
  extra?: EndPoint[];
}

/** Default minimizer of the landscape for dimension d. */
export function landscapeMethod(d: number): MethodConfig {
  return d <= 1000 ? { method: 'bfgs' } : { method: 'lbfgs', memory: 20 };
}

/** Minimizes `problem` (its smooth part: λ must be 0) from zeros and random starts, then groups the end points. */
export function landscape(problem: Problem, opts: LandscapeOptions = {}): Landscape {
  if (problem.l1 !== 0) throw new OptlabError('the landscape maps the smooth problem: λ (L1) must be 0');
  const method = opts.method ?? landscapeMethod(problem.d);
  const budget = landscapeBudget(opts);
  const ends: EndPoint[] = [...(opts.extra ?? [])];
  for (const s of landscapeStarts(problem.d, opts)) ends.push(minimizeFromStart(problem, method, budget, s));
  return groupEndPoints(problem, ends, opts);
}

/** A start of the landscape: its name (`zeros`, `randn#SEED`) and x₀. */
export interface LandscapeStart {
  name: string;
  x0: Float64Array;
}

/** The starts of {@link landscape}, in its order: zeros (unless `zeros: false`), then the seeded random starts. */
export function landscapeStarts(d: number, opts: LandscapeOptions = {}): LandscapeStart[] {
  const k = opts.randomStarts ?? 5;
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 1;
  const starts: LandscapeStart[] = [];
  if (opts.zeros ?? true) starts.push({ name: 'zeros', x0: new Float64Array(d) });
  for (let i = 0; i < k; i++) {
    const rng = new Rng(seed + i);
    const x0 = new Float64Array(d);
    for (let j = 0; j < d; j++) x0[j] = scale * rng.normal();
    starts.push({ name: `randn#${seed + i}`, x0 });
  }
  return starts;
}

/** The tolerance and iteration budget of {@link landscape}'s minimizations. */
export function landscapeBudget(opts: Pick<LandscapeOptions, 'tol' | 'maxIter'> = {}): {
  tol: number;
  maxIter: number;
} {
  return { tol: opts.tol ?? 1e-7, maxIter: opts.maxIter ?? 2000 };
}

/**
 * One minimization of {@link landscape}: the same call wherever it runs (the study runs them on its sweep's
 * worker threads, then groups them with {@link groupEndPoints}), so the same end point, bit for bit.
 */
export function minimizeFromStart(
  problem: Problem,
  method: MethodConfig,
  budget: { tol: number; maxIter: number },
  start: LandscapeStart,
): EndPoint {
  const r = minimize(problem, method, { ...budget, init: start.x0 });
  return { start: start.name, x: r.x, value: r.value, gradNorm: r.gradNorm, stopReason: r.stopReason };
}

/** Groups end points into distinct points (see the module comment) and measures each. */
export function groupEndPoints(problem: Problem, ends: readonly EndPoint[], opts: GroupOptions = {}): Landscape {
  const tols: Tolerances = {
    valueTol: opts.valueTol ?? 1e-6,
    distanceTol: opts.distanceTol ?? 1e-2,
    barrierPoints: opts.barrierPoints ?? 15,
  };
  const finite = ends.filter((e) => Number.isFinite(e.value));
  if (finite.length === 0) throw new OptlabError('no end point with a finite value to group');
  const order = [...finite].sort((a, b) => a.value - b.value);
  const groups: EndPoint[][] = [];
  for (const e of order) {
    const g = groups.find((grp) => samePoint(problem, grp[0], e, tols));
    if (g) g.push(e);
    else groups.push([e]);
  }
  const minima: StationaryPoint[] = groups.map((grp) => {
    const rep = grp[0];
    const eig = extremeEigenvalues(problem, rep.x, opts.lanczosSteps);
    const norms = grp.map((e) => norm2(e.x));
    return {
      value: rep.value,
      gradNorm: rep.gradNorm,
      norm: norms[0],
      normRange: [Math.min(...norms), Math.max(...norms)],
      count: grp.length,
      minEigenvalue: eig.min,
      maxEigenvalue: eig.max,
      minEigenvalueResidual: eig.minResidual,
      starts: grp.map((e) => e.start),
      x: rep.x,
    };
  });
  const endpoints = finite.map((e) => ({
    start: e.start,
    value: e.value,
    gradNorm: e.gradNorm,
    norm: norm2(e.x),
    minimum: groups.findIndex((grp) => grp.includes(e)),
  }));
  return { starts: finite.length, fStar: order[0].value, minima, endpoints, ...tols };
}

/** The grouping's tolerances (see the module comment). */
export interface Tolerances {
  valueTol: number;
  distanceTol: number;
  barrierPoints: number;
}

/** Whether two end points are the same point under the tolerances: equal values, and near or without a barrier. */
export function samePoint(problem: Problem, a: EndPoint, b: EndPoint, tols: Tolerances): boolean {
  const allowed = tols.valueTol * Math.max(1, Math.abs(a.value), Math.abs(b.value));
  if (Math.abs(a.value - b.value) > allowed) return false;
  let dist = 0;
  for (let j = 0; j < a.x.length; j++) dist += (a.x[j] - b.x[j]) ** 2;
  if (Math.sqrt(dist) <= tols.distanceTol * Math.max(1, norm2(a.x), norm2(b.x))) return true;
  return tols.barrierPoints > 0 && !barrierBetween(problem, a.x, b.x, Math.max(a.value, b.value) + allowed, tols);
}

/**
 * Whether f rises above `level` somewhere on the segment between a and b, probed at `barrierPoints` evenly
 * spaced interior points (a barrier narrower than the spacing can be missed: the test can only join too much
 * where the segment is long against a narrow ridge, which a value gap beyond the tolerance still separates).
 */
function barrierBetween(problem: Problem, a: Float64Array, b: Float64Array, level: number, tols: Tolerances): boolean {
  const x = new Float64Array(a.length);
  const k = tols.barrierPoints;
  for (let i = 1; i <= k; i++) {
    const t = i / (k + 1);
    for (let j = 0; j < x.length; j++) x[j] = a[j] + t * (b[j] - a[j]);
    if (!(problem.value(x) <= level)) return true;
  }
  return false;
}

/**
 * The point an end point reached: the index in `minima` of the first point it matches (same tests as the
 * grouping), or null (not at any mapped point: e.g. a run stopped by its budget, or across a barrier).
 */
export function whichStationaryPoint(problem: Problem, land: Landscape, x: Float64Array, value: number): number | null {
  const e = { start: '', x, value, gradNorm: Number.NaN };
  const tols: Tolerances = {
    valueTol: land.valueTol,
    distanceTol: land.distanceTol,
    barrierPoints: land.barrierPoints,
  };
  const i = land.minima.findIndex((m) =>
    samePoint(problem, { start: '', x: m.x, value: m.value, gradNorm: m.gradNorm }, e, tols),
  );
  return i < 0 ? null : i;
}

/**
 * Smallest and largest eigenvalues of ∇²f(x) by the Lanczos method with full reorthogonalization (Golub & Van
 * Loan, *Matrix Computations*, 4th ed., §10.1): k steps of Hessian-vector products from a seeded random unit
 * vector build a k×k tridiagonal T whose extreme eigenvalues (Sturm bisection) approach those of ∇²f.
 * NaN when the problem has no Hessian-vector product.
 */
export function extremeEigenvalues(
  problem: Problem,
  x: Float64Array,
  steps?: number,
): { min: number; max: number; minResidual: number } {
  if (problem.hessVec === undefined) return { min: Number.NaN, max: Number.NaN, minResidual: Number.NaN };
  const d = problem.d;
  const k = Math.min(d, steps ?? 40);
  const V: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  const rng = new Rng(0x1a5c);
  let v = new Float64Array(d);
  for (let j = 0; j < d; j++) v[j] = rng.normal();
  const n0 = norm2(v);
  for (let j = 0; j < d; j++) v[j] /= n0;
  const w = new Float64Array(d);
  let last = 0; // β of the step after the last: ∇²f·V = V·T + last·v_next·e_kᵀ
  for (let i = 0; i < k; i++) {
    V.push(v);
    problem.hessVec(x, v, w);
    let a = 0;
    for (let j = 0; j < d; j++) a += w[j] * v[j];
    alpha.push(a);
    // full reorthogonalization against every Lanczos vector (twice is enough: "twice is enough", Parlett)
    for (let pass = 0; pass < 2; pass++) {
      for (const q of V) {
        let c = 0;
        for (let j = 0; j < d; j++) c += w[j] * q[j];
        for (let j = 0; j < d; j++) w[j] -= c * q[j];
      }
    }
    const b = norm2(w);
    last = b;
    if (i === k - 1 || !(b > 1e-12 * Math.max(1, Math.abs(a)))) break;
    beta.push(b);
    v = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = w[j] / b;
  }
  const min = tridiagonalEigen(alpha, beta, 'min');
  const max = tridiagonalEigen(alpha, beta, 'max');
  // Ritz residual of θ = min: ‖∇²f·Vz − θVz‖ = last·|z_k| for the unit eigenvector z of T (Golub & Van Loan §10.1.4)
  const z = tridiagonalEigenvector(alpha, beta, min);
  const minResidual = Number.isFinite(z.at(-1) ?? Number.NaN) ? last * Math.abs(z.at(-1) as number) : Number.NaN;
  return { min, max, minResidual };
}

/**
 * A unit eigenvector of the symmetric tridiagonal (alpha, beta) for its eigenvalue θ, by inverse iteration
 * (three solves of (T − θ'I)z = z with θ' a hair from θ, Gaussian elimination with partial pivoting on the
 * dense n×n matrix: n ≤ the Lanczos steps, so this is cheap).
 */
export function tridiagonalEigenvector(alpha: readonly number[], beta: readonly number[], theta: number): number[] {
  const n = alpha.length;
  const scale = Math.max(...alpha.map(Math.abs), ...beta.map(Math.abs), Number.MIN_VALUE);
  const shift = theta - 1e-10 * scale;
  let z = Array.from({ length: n }, (_, i) => 1 / Math.sqrt(n) + 1e-3 * Math.sin(i + 1));
  for (let it = 0; it < 3; it++) {
    const M = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) =>
        i === j ? alpha[i] - shift : Math.abs(i - j) === 1 ? beta[Math.min(i, j)] : 0,
      ),
    );
    const b = [...z];
    for (let c = 0; c < n; c++) {
      let piv = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
      [M[c], M[piv]] = [M[piv], M[c]];
      [b[c], b[piv]] = [b[piv], b[c]];
      const p = M[c][c] === 0 ? Number.MIN_VALUE : M[c][c];
      for (let r = c + 1; r < n; r++) {
        const f = M[r][c] / p;
        if (f === 0) continue;
        for (let j = c; j < n; j++) M[r][j] -= f * M[c][j];
        b[r] -= f * b[c];
      }
    }
    const sol = new Array<number>(n).fill(0);
    for (let r = n - 1; r >= 0; r--) {
      let acc = b[r];
      for (let j = r + 1; j < n; j++) acc -= M[r][j] * sol[j];
      sol[r] = acc / (M[r][r] === 0 ? Number.MIN_VALUE : M[r][r]);
    }
    const nz = Math.hypot(...sol);
    z = sol.map((v) => v / nz);
  }
  return z;
}

/** Number of eigenvalues of the symmetric tridiagonal (alpha, beta) below t (Sturm sequence). */
function sturmCount(alpha: readonly number[], beta: readonly number[], t: number): number {
  let count = 0;
  let q = 1;
  for (let i = 0; i < alpha.length; i++) {
    const b2 = i === 0 ? 0 : beta[i - 1] * beta[i - 1];
    q = alpha[i] - t - (i === 0 ? 0 : b2 / (q === 0 ? Number.EPSILON * (Math.abs(beta[i - 1]) + 1e-300) : q));
    if (q < 0) count++;
  }
  return count;
}

/** The smallest or largest eigenvalue of a symmetric tridiagonal matrix, by bisection in its Gershgorin interval. */
export function tridiagonalEigen(alpha: readonly number[], beta: readonly number[], which: 'min' | 'max'): number {
  const n = alpha.length;
  if (n === 0) return Number.NaN;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < n - 1 ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - r);
    hi = Math.max(hi, alpha[i] + r);
  }
  const target = which === 'min' ? 1 : n; // the smallest t with count(t) ≥ target
  const span = Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE);
  for (let it = 0; it < 200 && hi - lo > 1e-15 * span; it++) {
    const mid = 0.5 * (lo + hi);
    if (sturmCount(alpha, beta, mid) >= target) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}
