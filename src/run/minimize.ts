/**
 * The library's entry points for one run. Every one checks its input at run time (plain JavaScript callers
 * get an `OptlabError` in the API's own words, with "did you mean"), resolves parameters and budgets through
 * the same tables as the CLI, the sweep and the playground, and returns one result type.
 *
 * Two forms of `minimize`:
 * - `minimize(objective, {method, ...params}, options)`: an `Objective` (a sparse dataset and a loss) or any
 *   `Problem`;
 * - `minimize(fun, x0, {method, ...params, ...options})`, as SciPy's `scipy.optimize.minimize`: one's own
 *   function `fun(x, grad) => f` that writes ∇f(x) into `grad`, an optional Hessian-vector product, a
 *   `callback(x, point)` at every iteration.
 */
import type { Csr } from '../data/csr.js';
import { OptlabError } from '../errors.js';
import {
  createMethod,
  LIBRARY_VOICE,
  METHOD_NAMES,
  METHODS,
  type MethodParams,
  resolveParams,
  unknownMethod,
  type Voice,
} from '../methods/index.js';
import {
  type MethodConfig,
  type MethodName,
  PARAM_NAMES,
  type ParamName,
  type ParamsOf,
  shown,
} from '../methods/params.js';
import type { Problem } from '../objectives/problem.js';
import { closest, didYouMean } from '../suggest.js';
import { BUDGET_NAMES, type Budgets, resolveBudgets } from './budgets.js';
import type { RunResult, TracePoint } from './result.js';
import { Runner, type RunOptions } from './run.js';

export type { MethodConfig };

/** What `minimize` returns: the run's result, and `success` (it converged: the gradient norm reached `tol`). */
export interface MinimizeResult extends RunResult {
  success: boolean;
}

const RUN_OPTION_KEYS: ReadonlyArray<keyof RunOptions> = [
  ...BUDGET_NAMES,
  'batchSize',
  'shuffle',
  'seed',
  'init',
  'onTrace',
  'signal',
  'divergenceFactor',
];

/**
 * The budgets a run gets (values checked, `tol` 1e-6 unless given, 1000 iterations or 10 epochs when no
 * bound is given); an error when the budgets given do not bound the method. See src/run/budgets.ts.
 */
export function defaultBudgets<T extends RunOptions>(method: MethodName, opts: T, voice: Voice = LIBRARY_VOICE): T {
  const unknown = unknownMethod(method);
  if (unknown !== undefined) throw new OptlabError(unknown);
  return resolveBudgets(method, METHODS[method].stochastic, opts, voice.param);
}

function isProblem(p: unknown): p is Problem {
  const o = p as Problem;
  return (
    typeof p === 'object' &&
    p !== null &&
    Number.isSafeInteger(o.n) &&
    o.n >= 1 &&
    Number.isSafeInteger(o.d) &&
    o.d >= 1 &&
    typeof o.valueGrad === 'function' &&
    typeof o.value === 'function'
  );
}

/** Unknown keys of an options object are errors (with "did you mean"), not silently ignored. */
function checkKeys(what: string, o: object, known: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new OptlabError(`unknown ${what} '${k}'${didYouMean(k, known)}`);
  }
}

function checkRunOptions(o: unknown, voice: Voice): RunOptions {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null) throw new OptlabError(`options must be an object, got ${shown(o)}`);
  if (voice === LIBRARY_VOICE) checkKeys('option', o, RUN_OPTION_KEYS);
  const r = o as RunOptions;
  const init = r.init;
  if (init !== undefined && init !== 'zeros' && init !== 'randn' && !(init instanceof Float64Array))
    throw new OptlabError(`${voice.param('init')} must be 'zeros', 'randn' or a Float64Array, got ${shown(init)}`);
  if (r.seed !== undefined && !(typeof r.seed === 'number' && Number.isFinite(r.seed)))
    throw new OptlabError(`${voice.param('seed')} must be a finite number, got ${shown(r.seed)}`);
  if (r.onTrace !== undefined && typeof r.onTrace !== 'function')
    throw new OptlabError(`onTrace must be a function, got ${shown(r.onTrace)}`);
  return r;
}

/**
 * Prepares a run: checks the objective, the method and its parameters (defaults filled, ranges and joint
 * rules checked), the options and budgets; builds the method and returns a `Runner` to drive
 * (`advance()` in time slices, `interrupt()`, `result()`) and the parameters and budgets it records.
 * `voice` words the errors (the CLI passes its own, which names flags).
 */
export function prepare<M extends MethodName>(
  objective: Problem,
  config: { method: M } & ParamsOf<M>,
  options: RunOptions = {},
  voice: Voice = LIBRARY_VOICE,
): { runner: Runner; params: MethodParams; budgets: Budgets } {
  if (!isProblem(objective))
    throw new OptlabError(
      'the objective must be an Objective (or a Problem with n, d, valueGrad and value); for a plain function use minimize(fun, x0, options)',
    );
  if (typeof config !== 'object' || config === null)
    throw new OptlabError(`the method configuration must be an object such as {method: 'lbfgs'}, got ${shown(config)}`);
  const { method, ...given } = config as { method: MethodName } & MethodParams;
  const unknown = unknownMethod(method);
  if (unknown !== undefined) throw new OptlabError(unknown);
  const params = resolveParams(method, given, objective.l1, voice);
  const opts = defaultBudgets(method, checkRunOptions(options, voice), voice);
  if (opts.init instanceof Float64Array && opts.init.length !== objective.d)
    throw new OptlabError(`the starting point has ${opts.init.length} entries, the objective ${objective.d}`);
  const m = createMethod(method, objective.d, params, objective.l1);
  const runner = new Runner(m, objective, { ...opts, batchSize: params.batch ?? opts.batchSize });
  const budgets: Budgets = {};
  for (const b of BUDGET_NAMES) if (opts[b] !== undefined) budgets[b] = opts[b];
  return { runner, params, budgets };
}

function finish(runner: Runner): MinimizeResult {
  const r = runner.result();
  return { ...r, success: r.stopReason === 'converged' };
}

/** A function to minimize, SciPy-style: returns f(x) and writes ∇f(x) into `grad`. */
export type ObjectiveFunction = (x: Float64Array, grad: Float64Array) => number;

/** Options of `minimize(fun, x0, options)`: a full-batch method and its parameters, budgets, a callback. */
export type FunctionOptions<M extends MethodName = 'lbfgs'> = {
  /** Default 'lbfgs'. Full-batch methods only (a plain function is not a finite sum to sample). */
  method?: M;
  /** λ of λ‖x‖₁ added to f (needs prox-gd, fista, prox-bfgs or owlqn). */
  lambda?: number;
  /** Hessian-vector product: writes ∇²f(x) v into `out`. */
  hessVec?: (x: Float64Array, v: Float64Array, out: Float64Array) => void;
  /** Called at the start and after every iteration with the iterate and its trace point; `false` stops. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing must type-check
  callback?: (x: Float64Array, point: TracePoint) => boolean | undefined | void;
  signal?: AbortSignal;
} & ParamsOf<M> &
  Omit<Budgets, 'epochs' | 'traceEvery'>;

const FUNCTION_KEYS = ['method', 'lambda', 'hessVec', 'callback', 'signal', 'maxIter', 'maxPasses', 'timeLimit', 'tol'];

/** Wraps a user's function as a `Problem` (n = 1), checking what it returns. */
function functionProblem(
  fun: ObjectiveFunction,
  d: number,
  lambda: number,
  hessVec?: FunctionOptions['hessVec'],
): Problem {
  const scratch = new Float64Array(d);
  const call = (x: Float64Array, g: Float64Array) => {
    const f = fun(x, g);
    if (typeof f !== 'number')
      throw new OptlabError(
        `fun(x, grad) must return the value f(x) as a number (and write the gradient into grad), got ${shown(f)}`,
      );
    return f;
  };
  return {
    n: 1,
    d,
    l1: lambda,
    batchSize: () => 1,
    valueGrad: (x, g) => call(x, g),
    value: (x) => call(x, scratch),
    ...(hessVec ? { hessVec: (x: Float64Array, v: Float64Array, out: Float64Array) => hessVec(x, v, out) } : {}),
  };
}

function checkFunctionOptions(options: unknown): { method: MethodName; rest: Record<string, unknown> } {
  if (options === undefined) return { method: 'lbfgs', rest: {} };
  if (typeof options !== 'object' || options === null)
    throw new OptlabError(`options must be an object such as {method: 'lbfgs'}, got ${shown(options)}`);
  const { method = 'lbfgs', ...rest } = options as Record<string, unknown>;
  const unknown = unknownMethod(method);
  if (unknown !== undefined) throw new OptlabError(unknown);
  const m = method as MethodName;
  if (METHODS[m].stochastic) {
    const full = METHOD_NAMES.filter((k) => !METHODS[k].stochastic).join(', ');
    throw new OptlabError(
      `${m} is a stochastic method and needs a finite sum (an Objective); minimize(fun, x0) takes ${full}`,
    );
  }
  for (const k of Object.keys(rest)) {
    if (FUNCTION_KEYS.includes(k) || METHODS[m].params.includes(k as ParamName)) continue;
    const known = [...FUNCTION_KEYS, ...METHODS[m].params];
    const near = closest(k, known);
    // a parameter (of another method), or a word closest to one of this method's parameters
    if (
      PARAM_NAMES.includes(k as ParamName) ||
      (near !== undefined && !FUNCTION_KEYS.includes(near)) ||
      near === undefined
    )
      throw new OptlabError(
        `parameter '${k}' is not a parameter of ${m}${near !== undefined ? ` (did you mean '${near}'?)` : ` (${m} takes: ${METHODS[m].params.join(', ') || 'none'}; options: ${FUNCTION_KEYS.slice(1).join(', ')})`}`,
      );
    throw new OptlabError(`unknown option '${k}' (did you mean '${near}'?)`);
  }
  for (const k of ['hessVec', 'callback'] as const) {
    if (rest[k] !== undefined && typeof rest[k] !== 'function')
      throw new OptlabError(`${k} must be a function, got ${shown(rest[k])}`);
  }
  return { method: m, rest };
}

function toVector(x0: unknown): Float64Array {
  if (!(x0 instanceof Float64Array || Array.isArray(x0) || ArrayBuffer.isView(x0)))
    throw new OptlabError(`x0 must be an array of numbers or a Float64Array, got ${shown(x0)}`);
  const x = Float64Array.from(x0 as ArrayLike<number>);
  if (x.length === 0) throw new OptlabError('x0 is empty');
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0 || (Array.isArray(x0) && x0.some((v) => typeof v !== 'number')))
    throw new OptlabError(
      `x0 must hold finite numbers; x0[${Math.max(bad, 0)}] is ${shown((x0 as ArrayLike<unknown>)[Math.max(bad, 0)])}`,
    );
  return x;
}

/**
 * Minimizes F(x) = f(x) + λ‖x‖₁ synchronously.
 * @example
 * // one's own function, as SciPy's minimize: fun(x, grad) returns f and writes the gradient
 * const r = minimize((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; }, [0], { method: 'lbfgs' });
 * r.success; // true, r.x[0] ≈ 3
 * @example
 * // a dataset's objective
 * const r = minimize(objective, { method: 'lbfgs', memory: 10 }, { maxIter: 500, tol: 1e-8 });
 */
export function minimize<M extends MethodName = 'lbfgs'>(
  fun: ObjectiveFunction,
  x0: ArrayLike<number>,
  options?: FunctionOptions<M>,
): MinimizeResult;
export function minimize<M extends MethodName>(
  objective: Problem,
  config: { method: M } & ParamsOf<M>,
  options?: RunOptions,
): MinimizeResult;
export function minimize(a: unknown, b: unknown, c?: unknown): MinimizeResult {
  if (typeof a === 'function') {
    const x0 = toVector(b);
    const { method, rest } = checkFunctionOptions(c);
    const {
      lambda = 0,
      hessVec,
      callback,
      signal,
      maxIter,
      maxPasses,
      timeLimit,
      tol,
      ...params
    } = rest as Record<string, never>;
    if (!(typeof lambda === 'number' && lambda >= 0 && Number.isFinite(lambda)))
      throw new OptlabError(`lambda must be a finite number >= 0, got ${shown(lambda)}`);
    const problem = functionProblem(a as ObjectiveFunction, x0.length, lambda, hessVec);
    let runner: Runner | undefined;
    const onTrace = callback
      ? (p: TracePoint, x: Float64Array) => (callback as FunctionOptions['callback'])!(x, p) as boolean | undefined
      : undefined;
    ({ runner } = prepare(problem, { method, ...(params as MethodParams) } as MethodConfig, {
      maxIter,
      maxPasses,
      timeLimit,
      tol,
      init: x0,
      ...(signal ? { signal } : {}),
      ...(onTrace ? { onTrace } : {}),
    }));
    runner.advance();
    return finish(runner);
  }
  const { runner } = prepare(a as Problem, b as MethodConfig, c as RunOptions);
  runner.advance();
  return finish(runner);
}

/**
 * `minimize(objective, config, options)`, yielding to the event loop every `sliceMs` so that progress can be
 * drawn and a signal (Ctrl-C, a stop button) can interrupt it. Works in Node and in a Web Worker.
 */
export async function minimizeAsync<M extends MethodName>(
  objective: Problem,
  config: { method: M } & ParamsOf<M>,
  options: RunOptions = {},
  sliceMs = 50,
): Promise<MinimizeResult> {
  const { runner } = prepare(objective, config, options);
  while (!runner.advance(sliceMs)) {
    await new Promise((r) => setTimeout(r, 0));
  }
  return finish(runner);
}

/** Fraction of rows whose predicted class (positive when aᵀx > 0, i.e. σ(aᵀx) > ½) matches the label. */
export function accuracy(X: Csr, y: Float64Array, x: Float64Array): number {
  if (y.length !== X.rows) throw new OptlabError(`labels (${y.length}) and rows (${X.rows}) differ in number`);
  if (x.length < X.cols) throw new OptlabError(`x has ${x.length} entries, the data ${X.cols} features`);
  let right = 0;
  for (let i = 0; i < X.rows; i++) {
    let z = 0;
    for (let k = X.rowPtr[i]; k < X.rowPtr[i + 1]; k++) z += (X.values === null ? 1 : X.values[k]) * x[X.colIdx[k]];
    if (z > 0 === (y[i] === 1)) right++;
  }
  return X.rows === 0 ? 0 : right / X.rows;
}
