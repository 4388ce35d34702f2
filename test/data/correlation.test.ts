import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { correlationMatrix, MAX_CORRELATION_FEATURES } from '../../src/data/correlation.js';
import { fromDense, makeCsr } from '../../src/data/csr.js';
import { OptlabError } from '../../src/errors.js';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two-pass Pearson on dense columns: Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²). */
function naivePearson(rows: number[][], j: number, k: number): number {
  const n = rows.length;
  let mj = 0;
  let mk = 0;
  for (const r of rows) {
    mj += r[j];
    mk += r[k];
  }
  mj /= n;
  mk /= n;
  let sjk = 0;
  let sjj = 0;
  let skk = 0;
  for (const r of rows) {
    sjk += (r[j] - mj) * (r[k] - mk);
    sjj += (r[j] - mj) ** 2;
    skk += (r[k] - mk) ** 2;
  }
  return sjk / Math.sqrt(sjj * skk);
}

function randomSparse(seed: number, n: number, d: number, density: number, binary: boolean): number[][] {
  const r = rng(seed);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < d; j++)
      row.push(r() < density ? (binary ? 1 : Math.round((r() * 4 - 2) * 1000) / 1000 || 0.5) : 0);
    rows.push(row);
  }
  return rows;
}

describe('correlationMatrix', () => {
  it('matches a dense two-pass Pearson to 1e-12, with NaN for a constant and an all-zero column', () => {
    const n = 60;
    const d = 9;
    const rows = randomSparse(7, n, d, 0.35, false);
    for (const row of rows) {
      row[3] = 0.7; // constant non-integer column (rounding residue, not an exact zero variance)
      row[6] = 0; // all-zero column
    }
    const { d: dd, corr, constant } = correlationMatrix(fromDense(rows));
    assert.equal(dd, d);
    assert.deepEqual(
      constant,
      Array.from({ length: d }, (_, j) => j === 3 || j === 6),
    );
    let checked = 0;
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) {
        const got = corr[j * d + k];
        if (constant[j] || constant[k]) {
          assert.ok(Number.isNaN(got), `corr[${j},${k}] should be NaN, got ${got}`);
          continue;
        }
        const want = j === k ? 1 : naivePearson(rows, j, k);
        assert.ok(Math.abs(got - want) <= 1e-12, `corr[${j},${k}] = ${got}, want ${want}`);
        assert.equal(got, corr[k * d + j]);
        checked++;
      }
    }
    assert.equal(checked, 7 * 7);
    // The data are not trivially uncorrelated: some |r| is clearly away from 0.
    assert.ok(corr.some((r) => Math.abs(r) > 0.1 && Math.abs(r) < 1));
  });

  it('handles binary matrices (values === null) like a9a', () => {
    const rows = randomSparse(11, 80, 6, 0.4, true);
    const a = fromDense(rows);
    assert.equal(a.values, null);
    const { corr } = correlationMatrix(a);
    for (let j = 0; j < 6; j++) {
      for (let k = 0; k < 6; k++) {
        const want = j === k ? 1 : naivePearson(rows, j, k);
        assert.ok(Math.abs(corr[j * 6 + k] - want) <= 1e-12, `corr[${j},${k}]`);
      }
    }
  });

  it('gives exactly ±1 for a column and its (negated) copy', () => {
    const rows = [
      [1, 2, -1],
      [0, 0, 0],
      [3, 6, -3],
      [2, 4, -2],
    ];
    const { corr } = correlationMatrix(fromDense(rows));
    assert.equal(corr[0 * 3 + 1], 1);
    assert.equal(corr[0 * 3 + 2], -1);
    assert.equal(corr[1 * 3 + 2], -1);
  });

  it(`refuses more than ${MAX_CORRELATION_FEATURES} features`, () => {
    const a = makeCsr(1, MAX_CORRELATION_FEATURES + 1, new Int32Array([0, 0]), new Int32Array(0), null);
    assert.throws(
      () => correlationMatrix(a),
      (e: unknown) => e instanceof OptlabError && /limited to 2000/.test(e.message),
    );
  });
});
