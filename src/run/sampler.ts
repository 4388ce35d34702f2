import type { RowBatch } from '../objectives/objective.js';
import type { Rng } from './rng.js';

/**
 * Mini-batches for stochastic methods: each epoch draws a fresh permutation of the rows with the seeded
 * generator and cuts it into consecutive batches of size b; the last, partial batch is kept (as the study
 * does: ceil(32561 / 16) = 2036 steps per epoch on a9a). With `shuffle: false` the rows stay in order.
 * Batches are slices of one Int32Array (no copy, no allocation per step).
 */
export class BatchSampler {
  readonly n: number;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  /** Completed epochs. */
  epoch = 0;
  private readonly perm: Int32Array;
  private pos: number;
  private readonly batch: RowBatch;
  private readonly rng: Rng;
  private readonly shuffle: boolean;

  constructor(n: number, batchSize: number, rng: Rng, shuffle = true) {
    this.n = n;
    this.batchSize = Math.min(batchSize, n);
    this.stepsPerEpoch = Math.ceil(n / this.batchSize);
    this.perm = new Int32Array(n);
    for (let i = 0; i < n; i++) this.perm[i] = i;
    this.rng = rng;
    this.shuffle = shuffle;
    this.pos = n; // first call starts epoch 0
    this.batch = { idx: this.perm, start: 0, end: 0 };
  }

  /** True when the next batch starts a new epoch. */
  atEpochStart(): boolean {
    return this.pos >= this.n;
  }

  /** The next batch; the same object is reused, so read it before calling again. */
  next(): RowBatch {
    if (this.pos >= this.n) {
      if (this.shuffle) this.rng.shuffle(this.perm);
      this.pos = 0;
    }
    this.batch.start = this.pos;
    this.pos = Math.min(this.pos + this.batchSize, this.n);
    this.batch.end = this.pos;
    if (this.pos >= this.n) this.epoch++;
    return this.batch;
  }
}
