import { OptlabError } from '../errors.js';
import { Rng } from '../run/rng.js';
import type { Csr } from './csr.js';

/**
 * Seeded synthetic binary classification data with a planted linear model, for scale tests.
 *
 * Model: draw w ∈ ℝᴰ with wⱼ = zⱼ/√K − mean(z)/√K, zⱼ ~ N(0, 1) (i.i.d. normal scaled by 1/√K, then
 * centred so that Σⱼ wⱼ = 0). Each row aᵢ has exactly K distinct columns drawn uniformly without replacement
 * from {0, …, D−1} (Floyd's algorithm F2: Bentley & Floyd, "A sample of brilliance", CACM 30(9), 1987),
 * stored in increasing order; its values are 1 (binary, the default) or N(0, 1) (never exactly 0). The label
 * is yᵢ = +1 if aᵢ·w + σ·εᵢ ≥ 0, else −1, with εᵢ ~ N(0, 1) and σ = `noise` (ε is not drawn when σ = 0).
 *
 * Why centred: for binary rows E[aᵢ·w] = K·mean(w) over uniform K-subsets, which is N(0, K/D)-distributed
 * for an uncentred w and can unbalance the classes; with Σ w = 0 it is exactly 0, so the classes are
 * balanced in expectation. The scale 1/√K makes Var(aᵢ·w) ≈ 1 whatever K, so `noise` is a noise-to-signal
 * ratio.
 *
 * Determinism: one {@link Rng} stream seeded by `seed` draws z (D normals) first, then row by row the K
 * column draws, the K values (unless binary) and ε (when σ > 0). The same options give the same bits on
 * every engine; changing any option (even `noise` from 0 to > 0) changes the rows that follow.
 *
 * Column draws: uniform integers by Lemire's multiply-and-reject on the Rng's 32-bit outputs (see
 * {@link uniformBelow}). A row's K columns are then put in increasing order by reading them back from a bit
 * set of D bits in order (when D/32 ≤ K²/2, e.g. D = 1000, K = 30), else by insertion sort (K ≤ 64) or a
 * typed-array sort.
 *
 * Memory: the result is written straight into its typed arrays (colIdx: 4·rows·K bytes; values: 8·rows·K
 * bytes or none when binary; rowPtr and labels: 12·rows bytes), plus a bit set of D bits (the taken
 * columns of the current row), cleared after each row. No per-row allocation.
 */

/** Options of {@link synthesize}. */
export interface SynthOptions {
  /** Number of rows n ≥ 1. */
  rows: number;
  /** Number of features (columns) D ≥ 1. */
  features: number;
  /** Non-zeros per row K, 1 ≤ K ≤ D, with n·K ≤ 2³¹ − 1. */
  nnzPerRow: number;
  /** Integer seed of the {@link Rng}. */
  seed: number;
  /** Every stored value 1 (values = null). Default true; false draws values from N(0, 1). */
  binary?: boolean;
  /** Standard deviation σ ≥ 0 of the label noise added to the margin. Default 0 (labels from sign(a·w)). */
  noise?: number;
  /** Called with (rows done, rows) every 65536 rows and at the end. */
  onProgress?: (done: number, total: number) => void;
}

/** A synthetic dataset. */
export interface SynthResult {
  X: Csr;
  /** ±1 labels. */
  labels: Float64Array;
  /** The planted model w (length D). */
  w: Float64Array;
}

/** Largest number of stored entries (Int32 row pointers). */
const MAX_NNZ = 2147483647;
/** Rows between two progress calls. */
const PROGRESS_EVERY = 65536;
/** Rows with at most this many entries are sorted by insertion sort. */
const INSERTION_SORT_MAX = 64;

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min)
    throw new OptlabError(`synth: ${name} must be an integer >= ${min}, got ${v}`);
}

/**
 * Generates the dataset described in the module comment: X (n × D, K entries per row), ±1 labels and the
 * planted model w. Throws {@link OptlabError} for impossible sizes (K > D, n·K ≥ 2³¹).
 */
export function synthesize(opts: SynthOptions): SynthResult {
  const { rows: n, features: d, nnzPerRow: k, seed } = opts;
  const binary = opts.binary ?? true;
  const noise = opts.noise ?? 0;
  checkInt('rows', n, 1);
  checkInt('features', d, 1);
  checkInt('nnzPerRow', k, 1);
  if (d > MAX_NNZ) throw new OptlabError(`synth: features must be at most 2^31-1, got ${d}`);
  if (k > d) throw new OptlabError(`synth: non-zeros per row (${k}) must not exceed the number of features (${d})`);
  if (n * k > MAX_NNZ) {
    throw new OptlabError(`synth: rows × non-zeros per row = ${n * k} exceeds the maximum 2^31-1 non-zeros`);
  }
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new OptlabError(`synth: noise must be >= 0, got ${noise}`);

  const rng = new Rng(seed);
  const w = plantedModel(rng, d, k);

  const total = n * k;
  const rowPtr = new Int32Array(n + 1);
  const colIdx = new Int32Array(total);
  const values = binary ? null : new Float64Array(total);
  const labels = new Float64Array(n);
  const bits = new Int32Array((d + 31) >>> 5);
  const words = bits.length;
  // Sorting a row: scanning the bit set costs ≈ D/32 + K, insertion sort ≈ K²/4 mispredicted moves.
  const sortByScan = words <= (k * k) / 2;

  let p = 0;
  for (let i = 0; i < n; i++) {
    const start = p;
    // Floyd's F2: for j = D−K … D−1 take t uniform in [0, j]; if t is taken, take j instead (never taken yet).
    for (let j = d - k; j < d; j++) {
      let t = j < LEMIRE_MAX ? uniformBelow(rng, j + 1) : rng.int(j + 1);
      if ((bits[t >>> 5] & (1 << (t & 31))) !== 0) t = j;
      bits[t >>> 5] |= 1 << (t & 31);
      colIdx[p++] = t;
    }
    if (sortByScan) {
      // Read the set bits in increasing order, clearing the words for the next row.
      let q = start;
      for (let wd = 0; wd < words; wd++) {
        let x = bits[wd];
        if (x === 0) continue;
        bits[wd] = 0;
        const base = wd << 5;
        do {
          const low = x & -x;
          colIdx[q++] = base + 31 - Math.clz32(low);
          x ^= low;
        } while (x !== 0);
      }
    } else {
      for (let q = start; q < p; q++) bits[colIdx[q] >>> 5] = 0;
      if (k <= INSERTION_SORT_MAX) insertionSort(colIdx, start, p);
      else colIdx.subarray(start, p).sort();
    }

    let margin = 0;
    if (values === null) {
      for (let q = start; q < p; q++) margin += w[colIdx[q]];
    } else {
      for (let q = start; q < p; q++) {
        let v = rng.normal();
        while (v === 0) v = rng.normal();
        values[q] = v;
        margin += v * w[colIdx[q]];
      }
    }
    if (noise > 0) margin += noise * rng.normal();
    labels[i] = margin >= 0 ? 1 : -1;
    rowPtr[i + 1] = p;
    if (opts.onProgress !== undefined && (i + 1) % PROGRESS_EVERY === 0) opts.onProgress(i + 1, n);
  }
  opts.onProgress?.(n, n);
  return { X: { rows: n, cols: d, rowPtr, colIdx, values }, labels, w };
}

/** Bounds m ≤ 2²¹ keep u·m < 2⁵³ exact in a double in {@link uniformBelow}. */
const LEMIRE_MAX = 2097152;
const TWO32 = 4294967296;

/**
 * Uniform integer in [0, m) for 1 ≤ m ≤ 2²¹, exactly (Lemire, "Fast random integer generation in an
 * interval", ACM TOMACS 29(1), 2019): x = u·m with u a 32-bit output; the answer is ⌊x/2³²⌋, after
 * rejecting x mod 2³² < 2³² mod m. Cheaper than {@link Rng.int}, whose `%` runs on every call.
 */
function uniformBelow(rng: Rng, m: number): number {
  let x = rng.nextUint32() * m;
  let hi = Math.floor(x / TWO32);
  let lo = x - hi * TWO32;
  if (lo < m) {
    const threshold = TWO32 % m;
    while (lo < threshold) {
      x = rng.nextUint32() * m;
      hi = Math.floor(x / TWO32);
      lo = x - hi * TWO32;
    }
  }
  return hi;
}

/** w = (z − mean(z))/√K with z ~ N(0, I_D): the planted model, centred (Σ w = 0). */
function plantedModel(rng: Rng, d: number, k: number): Float64Array {
  const w = new Float64Array(d);
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const z = rng.normal();
    w[j] = z;
    sum += z;
  }
  const mean = sum / d;
  const scale = 1 / Math.sqrt(k);
  for (let j = 0; j < d; j++) w[j] = (w[j] - mean) * scale;
  return w;
}

/** Sorts a[from..to) in increasing order, in place (few elements: no allocation, no comparator call). */
function insertionSort(a: Int32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
