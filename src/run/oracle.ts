import { OptlabError } from '../errors.js';
import type { RowBatch } from '../objectives/objective.js';
import type { Problem } from '../objectives/problem.js';

/** Cost counters, defined once for every method (see the README, "Cost accounting"). */
export interface Counts {
  /** Per-sample loss (and gradient) evaluations: a full evaluation costs n, a mini-batch b. */
  sampleGradients: number;
  /** Calls of the value/gradient oracle, whatever their batch (the study's "data accesses"). */
  oracleCalls: number;
  /** Times the iterate x changed (the study's "vector updates"). */
  vectorUpdates: number;
}

export function zeroCounts(): Counts {
  return { sampleGradients: 0, oracleCalls: 0, vectorUpdates: 0 };
}

/**
 * The objective as methods see it: every evaluation goes through here and is counted, so no method counts
 * by hand. Evaluations made only for the trace use the objective directly and are not counted.
 */
export class Oracle {
  readonly objective: Problem;
  readonly counts: Counts = zeroCounts();
  readonly n: number;
  readonly d: number;

  constructor(objective: Problem) {
    this.objective = objective;
    this.n = objective.n;
    this.d = objective.d;
  }

  /** Smooth value f(x) (or f_B) and its gradient into `grad`. Cost: one call, |B| samples. */
  valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
    this.counts.oracleCalls++;
    this.counts.sampleGradients += this.objective.batchSize(batch);
    return this.objective.valueGrad(x, grad, batch);
  }

  /** Smooth value only. Cost: one call, |B| samples. */
  value(x: Float64Array, batch?: RowBatch): number {
    this.counts.oracleCalls++;
    this.counts.sampleGradients += this.objective.batchSize(batch);
    return this.objective.value(x, batch);
  }

  /** Hessian-vector product of the smooth part. Cost: one call, |B| samples. */
  hessVec(x: Float64Array, v: Float64Array, out: Float64Array, batch?: RowBatch): void {
    if (this.objective.hessVec === undefined) throw new OptlabError('this problem has no Hessian-vector product');
    this.counts.oracleCalls++;
    this.counts.sampleGradients += this.objective.batchSize(batch);
    this.objective.hessVec(x, v, out, batch);
  }

  /** Records that the iterate changed. */
  moved(times = 1): void {
    this.counts.vectorUpdates += times;
  }
}
