import type { Counts } from './oracle.js';

/** Why a run stopped: one closed set for every method. */
export type StopReason =
  | 'converged'
  | 'max-iterations'
  | 'max-epochs'
  | 'max-passes'
  | 'time-limit'
  | 'line-search-failed'
  | 'diverged'
  | 'saturated'
  | 'plateau'
  | 'interrupted';

export const STOP_REASONS: Record<StopReason, string> = {
  converged: 'the gradient norm (or, with L1, the proximal-gradient step) fell below the tolerance',
  'max-iterations': 'the iteration budget was used up',
  'max-epochs': 'the epoch budget was used up',
  'max-passes': 'the budget of passes over the data was used up',
  'time-limit': 'the time limit was reached',
  'line-search-failed': 'the line search found no acceptable step',
  diverged:
    'the objective became NaN or infinite, or rose more than 100 above its start (see RunOptions.divergenceFactor)',
  saturated:
    'the gradient vanished together with the curvature: a flat region (every sigmoid saturated, ‖x‖ large), not a minimum',
  plateau:
    'the gradient vanished at a value no lower than the start: a stationary point the run climbed to, not a minimum',
  interrupted: 'stopped by the caller (an observer, an abort signal, or Ctrl-C)',
};

/** One point of a trace: the state after `iter` iterations. */
export interface TracePoint {
  iter: number;
  /** Completed epochs (passes of the mini-batch sampler) for stochastic methods; equal to iter otherwise. */
  epoch: number;
  /** Full objective F(x) = f(x) + λ‖x‖₁ on all rows. */
  value: number;
  /** ‖∇f(x)‖₂, or with λ > 0 the norm of the proximal-gradient step ‖x − prox_λ(x − ∇f(x))‖₂. */
  gradNorm: number;
  /** Seconds inside the method so far (trace evaluations excluded). */
  seconds: number;
  sampleGradients: number;
  oracleCalls: number;
  vectorUpdates: number;
}

export interface RunCounts extends Counts {
  /** sampleGradients / n */
  passes: number;
}

/** What every run returns, whatever the method. */
export interface RunResult {
  /** Final iterate (the last finite one if the run diverged). */
  x: Float64Array;
  value: number;
  gradNorm: number;
  iterations: number;
  epochs: number;
  stopReason: StopReason;
  /** A sentence saying why it stopped, with specifics (e.g. the line search's reason). */
  message: string;
  counts: RunCounts;
  seconds: number;
  /** Fraction of exact zeros in x. */
  sparsity: number;
  trace: TracePoint[];
}
