import type { Method } from '../methods/types.js';
import { l1Norm, softThreshold, sparsity } from '../objectives/l1.js';
import type { Problem } from '../objectives/problem.js';
import { DEFAULT_TOL } from './budgets.js';
import { Oracle } from './oracle.js';
import type { RunResult, StopReason, TracePoint } from './result.js';
import { Rng } from './rng.js';
import { BatchSampler } from './sampler.js';
import { norm2 } from './vec.js';

/** The fields of `RunOptions` that bound a run (what results record and sweep files spell). */
export type Budgets = Pick<RunOptions, 'maxIter' | 'epochs' | 'maxPasses' | 'timeLimit' | 'tol' | 'traceEvery'>;

/** Budgets, tolerance, tracing and observers of one run. Every field is optional. */
export interface RunOptions {
  /** Iterations (= vector updates for full-batch methods; mini-batch steps for stochastic ones). */
  maxIter?: number;
  /** Epochs (stochastic methods). */
  epochs?: number;
  /** Passes over the data (sampleGradients / n). */
  maxPasses?: number;
  /** Seconds inside the method. */
  timeLimit?: number;
  /** Stop when the gradient norm (with L1: the proximal-gradient step norm) is ≤ tol (default 1e-6). 0 disables. */
  tol?: number;
  /** Stochastic methods: record a trace point every k steps (default: at the end of each epoch). */
  traceEvery?: number;
  /** Mini-batch size for stochastic methods (default 1). */
  batchSize?: number;
  /** Reshuffle the rows every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the generator used for the random start and the mini-batches. */
  seed?: number;
  /** Starting point: zeros, a seeded standard normal draw ('randn', the study's), or a vector. */
  init?: 'zeros' | 'randn' | Float64Array;
  /** Called at every trace point with the iterate x (do not keep it: it changes); returning `false` stops the run ('interrupted'). */
  // biome-ignore lint/suspicious/noConfusingVoidType: an observer that returns nothing must type-check (`(p) => { log(p); }`)
  onTrace?: (point: TracePoint, x: Float64Array) => boolean | undefined | void;
  /** Aborting stops the run at the next step ('interrupted'). */
  signal?: AbortSignal;
  /**
   * Divergence: a trace value F(x_k) > F(x₀) + divergenceFactor · max(1, |F(x₀)|) stops the run as diverged
   * (default 100). optlab's objectives are means of per-sample losses (≥ 0) plus regularizers, so the rule
   * reads: the mean per-sample loss rose by more than 100 (or 100 times |F(x₀)|) above the start. A run that
   * far above where it began is not coming back (logistic loss at step 1e10 bounces between 1e8 and 5e9).
   */
  divergenceFactor?: number;
}

/** Norm used for convergence and traces: ‖∇f‖₂, or with λ > 0 the proximal-gradient mapping ‖x − prox_λ(x − ∇f)‖₂. */
export function stationarity(x: Float64Array, g: Float64Array, lambda: number, scratch: Float64Array): number {
  if (lambda === 0) return norm2(g);
  for (let j = 0; j < x.length; j++) scratch[j] = x[j] - g[j];
  softThreshold(scratch, lambda, scratch);
  let s = 0;
  for (let j = 0; j < x.length; j++) {
    const t = x[j] - scratch[j];
    s += t * t;
  }
  return Math.sqrt(s);
}

const now = () => performance.now();

/** Default of `RunOptions.divergenceFactor`. */
export const DIVERGENCE_FACTOR = 100;
/**
 * A run whose gradient vanishes where ‖∇²f(x)v‖ ≤ SATURATION · ‖∇²f(x₀)v‖ stops as `saturated` (a flat region).
 * Measured on a9a: 0 exactly (gd, sgd, adam, adagrad, sbfgs at step 1e10: every margin beyond 745) and 4e-85
 * (bfgs, lbfgs at step 1e10, ‖x‖ = 235); at L-BFGS end points of sigmoid-lsq ({0,1} and ±1 labels) and
 * logistic from zeros and random starts, 0.06–0.39.
 */
export const SATURATION = 1e-8;

/**
 * The one loop that owns iteration, stopping, counting, timing and tracing for every method.
 * It advances in time slices (`advance`) so a caller can keep an event loop or a Web Worker responsive;
 * `run` below drives it to the end synchronously.
 */
export class Runner {
  readonly method: Method;
  readonly objective: Problem;
  readonly oracle: Oracle;
  readonly options: RunOptions;
  readonly trace: TracePoint[] = [];
  private readonly rng: Rng;
  private readonly sampler: BatchSampler | null;
  private readonly scratch: Float64Array;
  private readonly gFull: Float64Array;
  private readonly lastFinite: Float64Array;
  private lastValue = Number.NaN;
  /** Whether some trace point was finite (else the result reports the starting point as it is). */
  private anyFinite = false;
  private lastGradNorm = Number.NaN;
  private iter = 0;
  private stepsSinceTrace = 0;
  private ms = 0;
  private f0 = Number.NaN;
  /** The starting point (for the flatness check). */
  private readonly x0: Float64Array;
  private stop: { reason: StopReason; message: string } | null = null;

  constructor(method: Method, objective: Problem, options: RunOptions = {}) {
    this.method = method;
    this.objective = objective;
    this.options = options;
    this.oracle = new Oracle(objective);
    const d = objective.d;
    this.scratch = new Float64Array(d);
    this.gFull = new Float64Array(d);
    this.lastFinite = new Float64Array(d);
    this.rng = new Rng(options.seed ?? 0);
    const x0 = startingPoint(options.init ?? 'zeros', d, this.rng);
    this.x0 = Float64Array.from(x0);
    this.sampler = method.stochastic
      ? new BatchSampler(objective.n, options.batchSize ?? 1, this.rng, options.shuffle ?? true)
      : null;
    const t = now();
    method.init(x0, this.oracle);
    this.ms += now() - t;
    this.record();
    this.f0 = this.lastValue;
    if (!Number.isFinite(this.f0)) this.finish('diverged', 'the objective is not finite at the starting point');
    else if (this.stop === null) this.checkConverged(); // an observer may already have stopped the run
  }

  get done(): boolean {
    return this.stop !== null;
  }

  /** Runs steps for about `sliceMs` milliseconds (at least one step); returns true when the run is over. */
  advance(sliceMs = Number.POSITIVE_INFINITY): boolean {
    const start = now();
    while (this.stop === null) {
      this.stepOnce();
      if (now() - start >= sliceMs) break;
    }
    return this.stop !== null;
  }

  /** Stops the run from outside (Ctrl-C, a stop button). */
  interrupt(message = 'stopped by the caller'): void {
    if (this.stop === null) this.finishWithTrace('interrupted', message);
  }

  private stepOnce(): void {
    const o = this.options;
    const { method, oracle } = this;
    if (o.signal?.aborted) {
      this.finishWithTrace('interrupted', 'aborted');
      return;
    }
    const batch = this.sampler?.next();
    const t = now();
    const outcome = method.step(oracle, batch, this.rng);
    this.ms += now() - t;
    this.iter++;
    this.stepsSinceTrace++;
    if (!outcome.ok) {
      this.finishWithTrace(outcome.reason, outcome.message);
      return;
    }
    const sampler = this.sampler;
    const traceNow =
      sampler === null || (o.traceEvery !== undefined ? this.stepsSinceTrace >= o.traceEvery : sampler.atEpochStart());
    if (traceNow) {
      this.record();
      if (this.stop !== null) return;
      if (!Number.isFinite(this.lastValue) || !Number.isFinite(this.lastGradNorm)) {
        this.finish('diverged', `the objective became ${this.lastValue} at iteration ${this.iter}`);
        return;
      }
      const factor = o.divergenceFactor ?? DIVERGENCE_FACTOR;
      const limit = this.f0 + factor * Math.max(1, Math.abs(this.f0));
      if (this.lastValue > limit) {
        this.finish(
          'diverged',
          `the objective rose to ${this.lastValue.toPrecision(4)} at iteration ${this.iter}, more than F(x0) + ${factor}·max(1, |F(x0)|) = ${limit.toPrecision(4)}`,
        );
        return;
      }
      if (this.checkConverged()) return;
    }
    this.checkBudgets(traceNow);
  }

  private checkConverged(): boolean {
    const tol = this.options.tol ?? DEFAULT_TOL;
    let why: string;
    if (tol > 0 && this.lastGradNorm <= tol) why = `gradient norm ${this.lastGradNorm.toExponential(3)} <= tol ${tol}`;
    else if (this.lastGradNorm === 0) why = 'the gradient is exactly zero';
    else return false;
    const flat = this.iter > 0 ? this.flatness() : null;
    const F = this.lastValue;
    const above = this.iter > 0 && F >= this.f0;
    const where = `F = ${F.toPrecision(6)}${above ? `, not below F(x0) = ${this.f0.toPrecision(6)}` : ''}, ‖x‖ = ${norm2(this.method.x).toPrecision(3)}`;
    if (flat !== null && flat.ratio <= SATURATION) {
      this.finish(
        'saturated',
        `${why}, and the curvature too: ‖H(x)v‖ = ${flat.now.toPrecision(3)} against ${flat.start.toPrecision(3)} at x0 (${where}): a flat region, not a minimum`,
      );
    } else if (above) {
      this.finish('plateau', `${why} at ${where}: the run climbed to a stationary point, not a minimum`);
    } else {
      this.finish('converged', why);
    }
    return true;
  }

  /**
   * ‖∇²f(x)v‖ against ‖∇²f(x₀)v‖ along a fixed random unit vector v (two Hessian-vector products, uncounted,
   * made only when a run is about to stop as converged); null when the problem has no Hv. Where every
   * sigmoid is saturated the loss is flat to working precision: its gradient and curvature vanish together,
   * while at a minimum (even a degenerate one) the curvature along a random direction stays of the order it
   * had at the start.
   */
  private flatness(): { now: number; start: number; ratio: number } | null {
    const { objective } = this;
    if (objective.hessVec === undefined) return null;
    const d = objective.d;
    const v = new Float64Array(d);
    const rng = new Rng(0x5a7);
    for (let j = 0; j < d; j++) v[j] = rng.normal();
    const nv = norm2(v);
    for (let j = 0; j < d; j++) v[j] /= nv;
    const hv = new Float64Array(d);
    objective.hessVec(this.method.x, v, hv);
    const now = norm2(hv);
    objective.hessVec(this.x0, v, hv);
    const start = norm2(hv);
    return { now, start, ratio: start > 0 ? now / start : now === 0 ? 0 : Number.POSITIVE_INFINITY };
  }

  private checkBudgets(traced: boolean): void {
    const o = this.options;
    const passes = this.oracle.counts.sampleGradients / this.objective.n;
    let reason: StopReason | null = null;
    let message = '';
    if (o.maxIter !== undefined && this.iter >= o.maxIter) {
      reason = 'max-iterations';
      message = `reached ${o.maxIter} iterations`;
    } else if (this.sampler !== null && o.epochs !== undefined && this.sampler.epoch >= o.epochs) {
      reason = 'max-epochs';
      message = `reached ${o.epochs} epochs`;
    } else if (o.maxPasses !== undefined && passes >= o.maxPasses) {
      reason = 'max-passes';
      message = `reached ${o.maxPasses} passes over the data`;
    } else if (o.timeLimit !== undefined && this.ms / 1000 >= o.timeLimit) {
      reason = 'time-limit';
      message = `reached the time limit of ${o.timeLimit} s`;
    }
    if (reason !== null) {
      if (traced) this.finish(reason, message);
      else this.finishWithTrace(reason, message);
    }
  }

  /** Records a final trace point (if the last step was not traced) and stops. */
  private finishWithTrace(reason: StopReason, message: string): void {
    const last = this.trace[this.trace.length - 1];
    if (last === undefined || last.iter !== this.iter) {
      this.record();
      if (reason !== 'diverged' && (!Number.isFinite(this.lastValue) || !Number.isFinite(this.lastGradNorm))) {
        reason = 'diverged';
        message = `the objective became ${this.lastValue} at iteration ${this.iter}`;
      }
    }
    this.finish(reason, message);
  }

  private finish(reason: StopReason, message: string): void {
    this.stop = { reason, message };
  }

  /** Appends a trace point at the current iterate (evaluations here are not counted or timed). */
  private record(): void {
    const { method, objective } = this;
    const x = method.x;
    const known = method.known();
    let f: number;
    let g: Float64Array;
    if (known !== null) {
      f = known.f;
      g = known.g;
    } else {
      f = objective.valueGrad(x, this.gFull);
      g = this.gFull;
    }
    const value = f + (objective.l1 === 0 ? 0 : objective.l1 * l1Norm(x));
    const gradNorm = stationarity(x, g, objective.l1, this.scratch);
    this.lastValue = value;
    this.lastGradNorm = gradNorm;
    if (Number.isFinite(value) && Number.isFinite(gradNorm)) {
      this.lastFinite.set(x);
      this.anyFinite = true;
    }
    const c = this.oracle.counts;
    const point: TracePoint = {
      iter: this.iter,
      epoch: this.sampler === null ? this.iter : this.sampler.epoch,
      value,
      gradNorm,
      seconds: this.ms / 1000,
      sampleGradients: c.sampleGradients,
      oracleCalls: c.oracleCalls,
      vectorUpdates: c.vectorUpdates,
    };
    this.stepsSinceTrace = 0;
    this.trace.push(point);
    if (this.options.onTrace?.(point, x) === false && this.stop === null) {
      this.finish('interrupted', 'stopped by an observer');
    }
  }

  /** The result; valid once `done`. */
  result(): RunResult {
    const stop = this.stop ?? { reason: 'interrupted' as StopReason, message: 'the run was not finished' };
    const diverged = !Number.isFinite(this.lastValue) || !Number.isFinite(this.lastGradNorm);
    // after divergence report the last finite iterate and its trace values
    const x = diverged && this.anyFinite ? Float64Array.from(this.lastFinite) : Float64Array.from(this.method.x);
    let value = this.lastValue;
    let gradNorm = this.lastGradNorm;
    if (diverged) {
      const finite = [...this.trace].reverse().find((p) => Number.isFinite(p.value) && Number.isFinite(p.gradNorm));
      value = finite?.value ?? Number.NaN;
      gradNorm = finite?.gradNorm ?? Number.NaN;
    }
    const c = this.oracle.counts;
    return {
      x,
      value,
      gradNorm,
      iterations: this.iter,
      epochs: this.sampler === null ? this.iter : this.sampler.epoch,
      stopReason: stop.reason,
      message: stop.message,
      counts: { ...c, passes: c.sampleGradients / this.objective.n },
      seconds: this.ms / 1000,
      sparsity: sparsity(x),
      trace: this.trace,
    };
  }
}

/** The starting point: zeros, a seeded N(0, 1) draw per coordinate, or a copy of the given vector. */
export function startingPoint(init: 'zeros' | 'randn' | Float64Array, d: number, rng: Rng): Float64Array {
  if (init === 'zeros') return new Float64Array(d);
  if (init === 'randn') {
    const x = new Float64Array(d);
    for (let j = 0; j < d; j++) x[j] = rng.normal();
    return x;
  }
  if (init.length !== d) throw new RangeError(`starting point has ${init.length} entries, expected ${d}`);
  return Float64Array.from(init);
}

/** Runs a method to the end synchronously. */
export function runMethod(method: Method, objective: Problem, options: RunOptions = {}): RunResult {
  const r = new Runner(method, objective, options);
  r.advance();
  return r.result();
}
