import type { RowBatch } from '../objectives/objective.js';
import type { Oracle } from '../run/oracle.js';
import type { Rng } from '../run/rng.js';
import type { Method, StepOutcome } from './types.js';

/**
 * The state every full-batch method shares: the iterate x with its smooth value f and gradient g (evaluated
 * at `init`, counted), and a trial point (xNew, gNew) that a step fills. `accept` makes the trial point the
 * current one by swapping buffers (no copy, no allocation) and records the vector update. The trace reads
 * (f, g) through `known`, so it needs no evaluation of its own.
 */
export abstract class FullBatchMethod implements Method {
  readonly stochastic = false;
  abstract readonly handlesL1: boolean;
  x: Float64Array;
  protected g: Float64Array;
  protected xNew: Float64Array;
  protected gNew: Float64Array;
  protected f = Number.NaN;

  constructor(d: number) {
    this.x = new Float64Array(d);
    this.g = new Float64Array(d);
    this.xNew = new Float64Array(d);
    this.gNew = new Float64Array(d);
  }

  init(x0: Float64Array, oracle: Oracle): void {
    this.x.set(x0);
    this.f = oracle.valueGrad(this.x, this.g);
  }

  known(): { f: number; g: Float64Array } {
    return { f: this.f, g: this.g };
  }

  /** The trial point (xNew, gNew) with smooth value `f` becomes the iterate. */
  protected accept(f: number, oracle: Oracle): void {
    [this.x, this.xNew] = [this.xNew, this.x];
    [this.g, this.gNew] = [this.gNew, this.g];
    this.f = f;
    oracle.moved();
  }

  abstract step(oracle: Oracle, batch: RowBatch | undefined, rng: Rng): StepOutcome;
}
