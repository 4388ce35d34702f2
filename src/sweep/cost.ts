/**
 * The expected cost of a run, from its method, parameters, budgets and dataset size alone (before running it),
 * in units of "one stored non-zero or one row touched once" — the work of a full value-and-gradient pass is
 * `nnz + n` units. Used to balance the shards of a sweep (src/sweep/shard.ts), and to start a sweep's longest
 * runs first on its worker threads (src/node/sweep-runner.ts); it never changes a result.
 *
 *   cost = passes · (nnz + n) + steps · v(d)
 *
 * - Full-batch methods (gd, prox-gd, fista, bfgs, prox-bfgs, owlqn, lbfgs): `steps` = iterations I, from
 *   `maxIter` (or `maxPasses / e`); `passes` = e · I, where e is the expected evaluations per iteration:
 *   1 with a constant step, 1.2 with Armijo backtracking, 1.5 with a Wolfe search (either) or OWL-QN's projected
 *   backtracking, 2 for FISTA (at the extrapolated point and at the iterate). A run with `tol > 0` is
 *   expected to stop on its tolerance at a third of its iteration budget (measured on the built-in study:
 *   the converged reference runs used 1 % to 42 % of their budgets, 1093 of 3000 for BFGS).
 * - Stochastic methods (sgd, adagrad, adam, sbfgs): `steps` = min(maxIter, epochs · ⌈n / b⌉, maxPasses · n / b);
 *   `passes` = steps · b / n sample gradients (twice that for sbfgs, which evaluates its curvature pair on the
 *   same batch) plus one full pass per trace point (every epoch, or every `traceEvery` steps).
 * - v(d), the vector work of a step: 4d for first-order methods, 4·m·d for L-BFGS memory m (and OWL-QN,
 *   sbfgs with a memory), 2d² for a dense d×d inverse Hessian (bfgs, prox-bfgs, sbfgs).
 *
 * A `timeLimit` budget alone cannot be converted to work; such a run counts as 1000 passes. The constants
 * are rough (within a factor of 2 of measured seconds on a9a); what matters for balance is the ratio
 * between runs, e.g. a full-batch L-BFGS run of 400 iterations costs as much as about 30 SGD runs of 10
 * epochs. Only `+ − × ÷` and rounding are used (no `Math.exp`/`log`, which differ between engines), and the
 * result is rounded to an integer, so the cost of a run is the same number on every machine.
 */
import { METHODS, type MethodName, type MethodParams } from '../methods/index.js';
import type { RunSpec } from './expand.js';

/** The size of a loaded dataset, as the cost model sees it. */
export interface DataSize {
  rows: number;
  /** Stored entries of the CSR matrix. */
  nnz: number;
  features: number;
}

type Kind = 'first-order' | 'memory' | 'dense';

/** How each method's steps cost (a method added to `METHODS` must be added here: the Record checks it). */
const METHOD_COST: Record<MethodName, { kind: Kind; evals?: number }> = {
  gd: { kind: 'first-order' },
  'prox-gd': { kind: 'first-order' },
  fista: { kind: 'first-order', evals: 2 },
  bfgs: { kind: 'dense' },
  'prox-bfgs': { kind: 'dense' },
  owlqn: { kind: 'memory', evals: 1.5 },
  lbfgs: { kind: 'memory' },
  sgd: { kind: 'first-order' },
  adagrad: { kind: 'first-order' },
  adam: { kind: 'first-order' },
  sbfgs: { kind: 'dense' },
};

const LINE_SEARCH_EVALS: Record<string, number> = { none: 1, armijo: 1.2, wolfe: 1.5, 'more-thuente': 1.5 };
/** Iterations a run with `tol > 0` is expected to use, as a fraction of its budget. */
export const TOL_FRACTION = 1 / 3;
/** Passes counted for a run bounded only by a time limit. */
const TIME_LIMIT_PASSES = 1000;

/** The expected cost of one run on data of the given size, a non-negative integer (see the module comment). */
export function expectedCost(run: RunSpec, size: DataSize): number {
  const spec = METHODS[run.method];
  const p: MethodParams = { ...spec.defaults, ...run.params };
  const { rows: n, nnz, features: d } = size;
  const pass = nnz + n;
  const mc = METHOD_COST[run.method];
  const kind: Kind = run.method === 'sbfgs' && p.memory !== undefined ? 'memory' : mc.kind;
  const memory = p.memory ?? 10;
  const vector = kind === 'dense' ? 2 * d * d : kind === 'memory' ? 4 * memory * d : 4 * d;
  const b = run.budgets;
  let passes: number;
  let steps: number;
  if (spec.stochastic) {
    const batch = Math.min(p.batch ?? 1, Math.max(n, 1));
    const perEpoch = Math.ceil(n / batch);
    const perStep = ((run.method === 'sbfgs' ? 2 : 1) * batch) / Math.max(n, 1);
    steps = Number.POSITIVE_INFINITY;
    if (b.maxIter !== undefined) steps = Math.min(steps, b.maxIter);
    if (b.epochs !== undefined) steps = Math.min(steps, b.epochs * perEpoch);
    if (b.maxPasses !== undefined) steps = Math.min(steps, Math.ceil(b.maxPasses / perStep));
    if (!Number.isFinite(steps)) steps = Math.ceil(TIME_LIMIT_PASSES / perStep);
    const traces = b.traceEvery !== undefined ? steps / b.traceEvery : steps / perEpoch;
    passes = steps * perStep + traces;
  } else {
    const evals = mc.evals ?? LINE_SEARCH_EVALS[p.lineSearch ?? 'none'] ?? 1;
    steps = Number.POSITIVE_INFINITY;
    if (b.maxIter !== undefined) steps = Math.min(steps, b.maxIter);
    if (b.maxPasses !== undefined) steps = Math.min(steps, b.maxPasses / evals);
    if (!Number.isFinite(steps)) steps = TIME_LIMIT_PASSES / evals;
    if ((b.tol ?? 0) > 0) steps *= TOL_FRACTION;
    passes = steps * evals;
  }
  return Math.round(passes * pass + steps * vector);
}
