import { createMethod, METHODS, type MethodName, type MethodParams, resolveParams } from '../methods/index.js';
import type { Problem } from '../objectives/problem.js';
import type { RunResult } from './result.js';
import { Runner, type RunOptions } from './run.js';

/** A method and its parameters, as plain data (what a sweep or a URL stores). */
export interface MethodConfig extends MethodParams {
  method: MethodName;
}

/** Budgets used when a run gives none: 1000 iterations for full-batch methods, 10 epochs for stochastic ones. */
export function defaultBudgets(method: MethodName, opts: RunOptions): RunOptions {
  const given =
    opts.maxIter !== undefined ||
    opts.epochs !== undefined ||
    opts.maxPasses !== undefined ||
    opts.timeLimit !== undefined;
  if (given) return opts;
  return METHODS[method].stochastic ? { ...opts, epochs: 10 } : { ...opts, maxIter: 1000 };
}

/**
 * Prepares a run: resolves the method's parameters (defaults filled, ranges checked), builds the method, and
 * returns a `Runner` to drive (`advance()` in time slices, `interrupt()`, `result()`).
 */
export function prepare(
  objective: Problem,
  config: MethodConfig,
  options: RunOptions = {},
): { runner: Runner; params: MethodParams } {
  const { method, ...given } = config;
  const params = resolveParams(method, given, objective.l1);
  const m = createMethod(method, objective.d, params, objective.l1);
  const opts = defaultBudgets(method, { ...options, batchSize: params.batch ?? options.batchSize });
  return { runner: new Runner(m, objective, opts), params };
}

/**
 * Minimizes F(x) = f(x) + λ‖x‖₁ with a method, synchronously.
 * @example
 * const r = minimize(objective, { method: 'lbfgs', memory: 10 }, { maxIter: 500, tol: 1e-8 });
 */
export function minimize(objective: Problem, config: MethodConfig, options: RunOptions = {}): RunResult {
  const { runner } = prepare(objective, config, options);
  runner.advance();
  return runner.result();
}

/**
 * The same, yielding to the event loop every `sliceMs` so that progress can be drawn and a signal
 * (Ctrl-C, a stop button) can interrupt it. Works in Node and in a Web Worker.
 */
export async function minimizeAsync(
  objective: Problem,
  config: MethodConfig,
  options: RunOptions = {},
  sliceMs = 50,
): Promise<RunResult> {
  const { runner } = prepare(objective, config, options);
  while (!runner.advance(sliceMs)) {
    await new Promise((r) => setTimeout(r, 0));
  }
  return runner.result();
}

/** Fraction of rows whose predicted class (positive when aᵀx > 0, i.e. σ(aᵀx) > ½) matches the label. */
export function accuracy(X: import('../data/csr.js').Csr, y: Float64Array, x: Float64Array): number {
  let right = 0;
  for (let i = 0; i < X.rows; i++) {
    let z = 0;
    for (let k = X.rowPtr[i]; k < X.rowPtr[i + 1]; k++) z += (X.values === null ? 1 : X.values[k]) * x[X.colIdx[k]];
    if (z > 0 === (y[i] === 1)) right++;
  }
  return X.rows === 0 ? 0 : right / X.rows;
}
