import type { RowBatch } from '../objectives/objective.js';
import type { Oracle } from '../run/oracle.js';
import type { Rng } from '../run/rng.js';

/** What one iteration produced. A failure ends the run with that reason and message. */
export type StepOutcome =
  | { ok: true }
  | { ok: false; reason: 'line-search-failed' | 'diverged' | 'converged'; message: string };

export const STEP_OK: StepOutcome = { ok: true };

/**
 * An optimizer as the run loop sees it: `init` at x0, then `step` until the loop stops it.
 * One step is one iteration and (normally) one vector update. The state lives in the object's typed
 * arrays, updated in place, so no iteration allocates vectors.
 */
export interface Method {
  /** Mini-batch methods get a batch from the loop's sampler at each step. */
  readonly stochastic: boolean;
  /** Whether the method handles λ‖x‖₁ (proximal or orthant-wise); others refuse λ > 0. */
  readonly handlesL1: boolean;
  /** Prepares the method at x0 (it may evaluate the oracle: counted). */
  init(x0: Float64Array, oracle: Oracle): void;
  /** One iteration. `batch` is given to stochastic methods. */
  step(oracle: Oracle, batch: RowBatch | undefined, rng: Rng): StepOutcome;
  /** The current iterate (owned by the method; copy it to keep it). */
  readonly x: Float64Array;
  /**
   * The smooth value f(x) and full-data gradient at the current x when the method already computed them
   * (saves the trace an evaluation); null otherwise.
   */
  known(): { f: number; g: Float64Array } | null;
}
