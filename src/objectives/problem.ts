import type { RowBatch } from './objective.js';

/**
 * What the methods and the run loop need from an objective: a finite sum of n smooth components
 * f(x) = 1/n Σ f_i(x) (a batch B gives f_B = 1/|B| Σ_{i∈B} f_i), evaluated with its gradient in one call,
 * plus an optional L1 weight λ handled by proximal or orthant-wise methods.
 * `Objective` (linear models on sparse data) implements it; tests also use plain functions (quadratics,
 * Rosenbrock) with n = 1.
 */
export interface Problem {
  readonly n: number;
  readonly d: number;
  readonly l1: number;
  batchSize(batch?: RowBatch): number;
  /** f(x) or f_B(x); writes the gradient into `grad` (overwritten). */
  valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number;
  value(x: Float64Array, batch?: RowBatch): number;
  hessVec?(x: Float64Array, v: Float64Array, out: Float64Array, batch?: RowBatch): void;
}
