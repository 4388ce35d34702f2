import { armijo, MORE_THUENTE_DEFAULTS, moreThuente, strongWolfe } from '../linesearch/index.js';
import type { RowBatch } from '../objectives/objective.js';
import type { Oracle } from '../run/oracle.js';
import { axpy, dot } from '../run/vec.js';
import { type LineSearchName, PARAMS } from './params.js';

/**
 * How far to go along a direction d:
 * - `constant`: α = step, no test (the study's choice for every method);
 * - `armijo`: backtracking from `step` until f(x + αd) ≤ f(x) + c1 α ∇fᵀd (N&W Alg. 3.1);
 * - `wolfe`: strong Wolfe conditions, bracketing + zoom from `step` (N&W Alg. 3.5–3.6);
 * - `more-thuente`: the same conditions by Moré & Thuente's search (MINPACK-2 dcsrch, L-BFGS-B's), with
 *   L-BFGS-B's budget of 20 evaluations (lbfgs's default c1 is L-BFGS-B's 1e-3, from the parameter table).
 */
export type StepRule =
  | { kind: 'constant'; step: number }
  | { kind: 'armijo'; step: number; c1: number; shrink: number; maxEvals: number }
  | { kind: 'wolfe'; step: number; c1: number; c2: number; maxEvals: number }
  | { kind: 'more-thuente'; step: number; c1: number; c2: number; maxEvals: number };

export type { LineSearchName };

export function makeStepRule(
  search: LineSearchName,
  step: number,
  opts: { c1?: number; c2?: number; shrink?: number; maxEvals?: number } = {},
): StepRule {
  if (search === 'none') return { kind: 'constant', step };
  if (search === 'armijo') {
    return {
      kind: 'armijo',
      step,
      c1: opts.c1 ?? PARAMS.c1.fallback,
      shrink: opts.shrink ?? 0.5,
      maxEvals: opts.maxEvals ?? 40,
    };
  }
  if (search === 'more-thuente') {
    return {
      kind: 'more-thuente',
      step,
      c1: opts.c1 ?? PARAMS.c1.fallback,
      c2: opts.c2 ?? PARAMS.c2.fallback,
      maxEvals: opts.maxEvals ?? MORE_THUENTE_DEFAULTS.maxEvals,
    };
  }
  return {
    kind: 'wolfe',
    step,
    c1: opts.c1 ?? PARAMS.c1.fallback,
    c2: opts.c2 ?? PARAMS.c2.fallback,
    maxEvals: opts.maxEvals ?? 30,
  };
}

export type Moved = { ok: true; alpha: number; f: number } | { ok: false; message: string; evals: number };

/**
 * Moves from (x, f, g) along d with the rule, writing the new point and its smooth value/gradient into
 * (xOut, gOut). The gradient at the accepted point is always computed (it is the next iteration's).
 */
export function moveAlong(
  rule: StepRule,
  oracle: Oracle,
  x: Float64Array,
  f: number,
  g: Float64Array,
  d: Float64Array,
  xOut: Float64Array,
  gOut: Float64Array,
  batch?: RowBatch,
): Moved {
  if (rule.kind === 'constant') {
    axpy(xOut, x, rule.step, d);
    return { ok: true, alpha: rule.step, f: oracle.valueGrad(xOut, gOut, batch) };
  }
  const slope0 = dot(g, d);
  const phi = (alpha: number) => {
    axpy(xOut, x, alpha, d);
    const ft = oracle.valueGrad(xOut, gOut, batch);
    return { f: ft, slope: dot(gOut, d) };
  };
  const search = { alpha0: rule.step, c1: rule.c1, maxEvals: rule.maxEvals };
  const r =
    rule.kind === 'armijo'
      ? armijo(phi, f, slope0, { ...search, shrink: rule.shrink })
      : rule.kind === 'wolfe'
        ? strongWolfe(phi, f, slope0, { ...search, c2: rule.c2 })
        : moreThuente(phi, f, slope0, { ...search, c2: rule.c2 });
  if (r.ok) return { ok: true, alpha: r.alpha, f: r.f };
  return { ok: false, message: `${rule.kind} line search failed (${r.reason}): ${r.message}`, evals: r.evals };
}
