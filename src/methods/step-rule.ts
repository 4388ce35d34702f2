import { armijo, strongWolfe } from '../linesearch/index.js';
import type { RowBatch } from '../objectives/objective.js';
import type { Oracle } from '../run/oracle.js';
import { axpy, dot } from '../run/vec.js';
import { type LineSearchName, PARAMS } from './params.js';

/**
 * How far to go along a direction d:
 * - `constant`: α = step, no test (the study's choice for every method);
 * - `armijo`: backtracking from `step` until f(x + αd) ≤ f(x) + c1 α ∇fᵀd (N&W Alg. 3.1);
 * - `wolfe`: strong Wolfe conditions, bracketing + zoom from `step` (N&W Alg. 3.5–3.6).
 */
export type StepRule =
  | { kind: 'constant'; step: number }
  | { kind: 'armijo'; step: number; c1: number; shrink: number; maxEvals: number }
  | { kind: 'wolfe'; step: number; c1: number; c2: number; maxEvals: number };

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
  const r =
    rule.kind === 'armijo'
      ? armijo(phi, f, slope0, { alpha0: rule.step, c1: rule.c1, shrink: rule.shrink, maxEvals: rule.maxEvals })
      : strongWolfe(phi, f, slope0, { alpha0: rule.step, c1: rule.c1, c2: rule.c2, maxEvals: rule.maxEvals });
  if (r.ok) return { ok: true, alpha: r.alpha, f: r.f };
  return { ok: false, message: `${rule.kind} line search failed (${r.reason}): ${r.message}`, evals: r.evals };
}
