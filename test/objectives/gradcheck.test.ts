import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Csr, fromDense, headRows } from '../../src/data/csr.js';
import { OptlabError } from '../../src/errors.js';
import {
  autodiffValueGradHessVec,
  DEFAULT_TOLERANCES,
  gradcheck,
  relativeError,
  TINY,
} from '../../src/objectives/gradcheck.js';
import { LOSS_NAMES } from '../../src/objectives/losses.js';
import { Objective, type RowBatch } from '../../src/objectives/objective.js';
import { Rng } from '../../src/run/rng.js';

/** A random sparse matrix with Gaussian values (or ones), with row 0 left empty. */
function randomCsr(rng: Rng, rows: number, cols: number, density: number, binary: boolean): Csr {
  const dense: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols).fill(0);
    if (i > 0) for (let j = 0; j < cols; j++) if (rng.next() < density) row[j] = binary ? 1 : rng.normal() || 1;
    dense.push(row);
  }
  return fromDense(dense, cols);
}

function labels(rng: Rng, n: number, lo: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : lo));
}

const rng = new Rng(31337);
const Xr = randomCsr(rng, 80, 9, 0.4, false);
const yr = labels(rng, 80, 0);

describe('relativeError', () => {
  it('is ‖a − b‖∞ / max(‖a‖∞, ‖b‖∞, floor), over chosen coordinates, and Infinity for non-finite entries', () => {
    assert.equal(relativeError([1, 2], [1, 2], TINY), 0);
    assert.equal(relativeError([1, -4], [1.5, -4], TINY), 0.5 / 4);
    assert.equal(relativeError([1e-30], [2e-30], 1e-20), 1e-30 / 1e-20);
    assert.equal(relativeError([0, 0], [0, 0], 0), 0);
    assert.equal(relativeError([5, 1], [0, 1], TINY, [1]), 0);
    assert.equal(relativeError([1, Number.NaN], [1, 1], TINY), Number.POSITIVE_INFINITY);
    assert.equal(relativeError([1, 1], [1, Number.POSITIVE_INFINITY], TINY), Number.POSITIVE_INFINITY);
  });
});

describe('autodiffValueGradHessVec', () => {
  it('matches the hand values of a 3×2 problem (sigmoid-lsq, 0/1 labels, L2)', () => {
    // z = (ln 3, −ln 3, 0), σ = (3/4, 1/4, 1/2): f = 1/8 + (μ/2)‖x‖², ∇f = (−11/96, −5/96) + μx,
    // ∇²f (1, 2) = (21/128, 13/64) + μ(1, 2)  (see objective.test.ts for the derivation).
    const mu = 0.5;
    const obj = new Objective(
      fromDense([
        [1, 0],
        [0, 1],
        [1, 1],
      ]),
      Float64Array.from([1, 0, 1]),
      { loss: 'sigmoid-lsq', l2: mu },
    );
    const L = Math.log(3);
    const x = Float64Array.from([L, -L]);
    const g = new Float64Array(2);
    const h = new Float64Array(2);
    const f = autodiffValueGradHessVec(obj, x, Float64Array.from([1, 2]), g, h);
    const tol = 1e-15;
    assert.ok(Math.abs(f - (1 / 8 + mu * L * L)) <= tol, `f ${f}`);
    assert.ok(relativeError(g, [-11 / 96 + mu * L, -5 / 96 - mu * L], 0) <= tol, `g ${g}`);
    assert.ok(relativeError(h, [21 / 128 + mu, 13 / 64 + 2 * mu], 0) <= tol, `h ${h}`);
  });

  it('on the first k rows equals the explicit batch f_B (mean over k rows), gradient and ∇²f_B v', () => {
    const obj = new Objective(Xr, yr, { loss: 'logistic', l2: 0.1 });
    const x = Float64Array.from({ length: 9 }, () => rng.normal());
    const v = Float64Array.from({ length: 9 }, () => rng.normal());
    const g = new Float64Array(9);
    const h = new Float64Array(9);
    const f = autodiffValueGradHessVec(obj, x, v, g, h, 25);
    const batch: RowBatch = { idx: Int32Array.from({ length: 80 }, (_, i) => i), start: 0, end: 25 };
    const ge = new Float64Array(9);
    const he = new Float64Array(9);
    const fe = obj.valueGrad(x, ge, batch);
    obj.hessVec(x, v, he, batch);
    assert.ok(Math.abs(f - fe) <= 1e-15 * Math.abs(fe));
    assert.ok(relativeError(g, ge, TINY) <= 1e-14);
    assert.ok(relativeError(h, he, TINY) <= 1e-14);
  });
});

describe('gradcheck on small synthetic problems', () => {
  for (const loss of LOSS_NAMES) {
    for (const lo of [0, -1]) {
      for (const l2 of [0, 0.05]) {
        for (const binary of [false, true]) {
          it(`${loss}, labels {${lo}, 1}, l2 = ${l2}, ${binary ? 'binary' : 'real'} matrix: ok`, () => {
            const r = new Rng(1000 + (binary ? 1 : 0) + 10 * lo + (l2 > 0 ? 100 : 0));
            const X = randomCsr(r, 60, 7, 0.4, binary);
            const obj = new Objective(X, labels(r, 60, lo), { loss, l2 });
            const report = gradcheck(obj, { seed: 3 });
            assert.equal(report.n, 60);
            assert.equal(report.fdCoordinates, 7);
            assert.deepEqual(
              report.rows.map((row) => row.point),
              ['zero', 'random-1', 'random-2', 'random-3', 'margin-1e+2', 'margin-1e+3', 'margin-1e+4'],
            );
            assert.equal(report.rows[0].maxAbsZ, 0);
            for (const [k, m] of [1e2, 1e3, 1e4].entries()) {
              const got = report.rows[4 + k].maxAbsZ;
              assert.ok(Math.abs(got - m) <= 1e-12 * m, `maxAbsZ ${got} vs ${m}`);
            }
            for (const row of report.rows) {
              const msg = JSON.stringify(row);
              assert.ok(row.ok, msg);
              assert.ok(row.errAutodiff <= 1e-13, msg);
              assert.ok(row.errValue <= 1e-13, msg);
              assert.ok(row.errHessVecAutodiff <= 1e-12, msg);
              assert.ok(row.errFiniteDiff <= 1e-6, msg);
              assert.ok(row.errHessVec <= 1e-6, msg);
            }
            assert.ok(report.ok);
          });
        }
      }
    }
  }

  it('is deterministic for a seed, and the seed changes the points', () => {
    const obj = new Objective(Xr, yr, { loss: 'sigmoid-lsq', l2: 0.01 });
    const a = gradcheck(obj, { seed: 9, points: 1, margins: [50] });
    const b = gradcheck(obj, { seed: 9, points: 1, margins: [50] });
    const c = gradcheck(obj, { seed: 10, points: 1, margins: [50] });
    assert.deepEqual(a, b);
    assert.notEqual(a.rows[1].maxAbsZ, c.rows[1].maxAbsZ);
    assert.deepEqual(
      a.rows.map((r) => r.point),
      ['zero', 'random-1', 'margin-5e+1'],
    );
    assert.deepEqual(a.tolerances, DEFAULT_TOLERANCES);
  });

  it('with rows = k checks the objective on a batch of the first k rows, same as on the copied rows', () => {
    for (const loss of LOSS_NAMES) {
      const full = new Objective(Xr, yr, { loss, l2: 0.02 });
      const head = new Objective(headRows(Xr, 30), yr.subarray(0, 30), { loss, l2: 0.02 });
      const a = gradcheck(full, { rows: 30, seed: 4 });
      const b = gradcheck(head, { seed: 4 });
      assert.equal(a.n, 30);
      assert.ok(a.ok && b.ok);
      // a batch and a full evaluation sum in different orders (rows scattered vs columns gathered by the
      // WebAssembly kernels), so the errors agree to rounding, not bit for bit
      assert.deepEqual(
        a.rows.map((r) => r.point),
        b.rows.map((r) => r.point),
      );
      a.rows.forEach((r, i) => {
        const q = b.rows[i];
        assert.ok(Math.abs(r.gradNorm - q.gradNorm) <= 1e-13 * q.gradNorm, `${r.point}: ‖g‖`);
        for (const k of ['errAutodiff', 'errFiniteDiff', 'errHessVec'] as const) {
          assert.ok(Math.abs(r[k] - q[k]) <= 1e-12 + 1e-3 * q[k], `${r.point}: ${k} ${r[k]} vs ${q[k]}`);
        }
      });
    }
  });

  it('checks a seeded subset of coordinates by finite differences when d is large', () => {
    const r = new Rng(8);
    const X = randomCsr(r, 40, 300, 0.02, false);
    const obj = new Objective(X, labels(r, 40, 0), { loss: 'logistic' });
    assert.equal(gradcheck(obj, { points: 1, margins: [] }).fdCoordinates, 256);
    const small = gradcheck(obj, { points: 1, margins: [], fdCoordinates: 10 });
    assert.equal(small.fdCoordinates, 10);
    assert.ok(small.ok);
  });

  it('rejects invalid options', () => {
    const obj = new Objective(Xr, yr, { loss: 'logistic' });
    assert.throws(() => gradcheck(obj, { hz: 0 }), OptlabError);
    assert.throws(() => gradcheck(obj, { points: -1 }), OptlabError);
    assert.throws(() => gradcheck(obj, { points: 1.5 }), OptlabError);
  });
});

/** Objectives with planted bugs: gradcheck must flag them. */
describe('gradcheck detects wrong derivatives', () => {
  const make = (loss: 'logistic' | 'sigmoid-lsq', l2 = 0) => new Objective(Xr, yr, { loss, l2 });

  it('a gradient off by 1e-3 (relative) in one coordinate fails the autodiff and finite-difference columns', () => {
    class Skewed extends Objective {
      override valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
        const f = super.valueGrad(x, grad, batch);
        grad[2] *= 1.001;
        return f;
      }
    }
    const base = make('logistic');
    const report = gradcheck(new Skewed(base.X, base.y, { loss: 'logistic' }), { seed: 2 });
    assert.equal(report.ok, false);
    const random = report.rows[1];
    assert.equal(random.ok, false);
    assert.ok(random.errAutodiff > 1e-5, JSON.stringify(random));
    assert.ok(random.errFiniteDiff > 1e-5, JSON.stringify(random));
  });

  it('a gradient missing the L2 term fails', () => {
    class NoL2Grad extends Objective {
      override valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
        const f = super.valueGrad(x, grad, batch);
        for (let j = 0; j < x.length; j++) grad[j] -= this.l2 * x[j];
        return f;
      }
    }
    const report = gradcheck(new NoL2Grad(Xr, yr, { loss: 'sigmoid-lsq', l2: 0.1 }), { seed: 2 });
    assert.equal(report.ok, false);
    // At x = 0 the missing μx is 0, but finite differences of that gradient along v lack μv.
    const zero = report.rows[0];
    assert.ok(zero.errAutodiff <= 1e-13 && zero.errFiniteDiff <= 1e-6 && zero.errHessVec > 1e-3, JSON.stringify(zero));
    assert.ok(report.rows.slice(1).every((r) => !r.ok && r.errAutodiff > 1e-3 && r.errFiniteDiff > 1e-3));
  });

  it('a value inconsistent with the gradient fails the finite-difference column only', () => {
    class Scaled extends Objective {
      override value(x: Float64Array, batch?: RowBatch): number {
        return super.value(x, batch) * 1.0001;
      }
    }
    const report = gradcheck(new Scaled(Xr, yr, { loss: 'logistic' }), { seed: 2 });
    assert.equal(report.ok, false);
    for (const r of report.rows) {
      assert.ok(r.errFiniteDiff > 1e-5, JSON.stringify(r));
      assert.ok(r.errAutodiff <= 1e-13, JSON.stringify(r));
    }
  });

  it('a Hessian-vector product scaled by 1.001 or missing μv fails both Hessian columns', () => {
    class BadHess extends Objective {
      override hessVec(x: Float64Array, v: Float64Array, out: Float64Array, batch?: RowBatch): void {
        super.hessVec(x, v, out, batch);
        for (let j = 0; j < out.length; j++) out[j] *= 1.001;
      }
    }
    class NoL2Hess extends Objective {
      override hessVec(x: Float64Array, v: Float64Array, out: Float64Array, batch?: RowBatch): void {
        super.hessVec(x, v, out, batch);
        for (let j = 0; j < out.length; j++) out[j] -= this.l2 * v[j];
      }
    }
    for (const report of [
      gradcheck(new BadHess(Xr, yr, { loss: 'sigmoid-lsq' }), { seed: 2 }),
      gradcheck(new NoL2Hess(Xr, yr, { loss: 'logistic', l2: 0.1 }), { seed: 2 }),
    ]) {
      assert.equal(report.ok, false);
      const r = report.rows[1];
      assert.ok(r.errHessVec > 1e-5 && r.errHessVecAutodiff > 1e-5, JSON.stringify(r));
      assert.ok(r.errAutodiff <= 1e-13, JSON.stringify(r));
    }
  });

  it('a gradient that overflows to NaN at large margins fails there', () => {
    // The study's formula ℓ′ = −2eᶻ(eᶻ(y−1)+y)/(1+eᶻ)³ gives Inf/Inf = NaN beyond z ≈ 710/3.
    class Naive extends Objective {
      override valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
        const f = super.valueGrad(x, grad, batch);
        grad.fill(0);
        const { rowPtr, colIdx, values } = this.X;
        for (let i = 0; i < this.n; i++) {
          let z = 0;
          for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) z += (values === null ? 1 : values[k]) * x[colIdx[k]];
          const e = Math.exp(z);
          const y = this.y[i];
          const d = (-2 * e * (e * (y - 1) + y)) / (1 + e) ** 3;
          for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++)
            grad[colIdx[k]] += (d * (values === null ? 1 : values[k])) / this.n;
        }
        for (let j = 0; j < x.length; j++) grad[j] += this.l2 * x[j];
        return f;
      }
    }
    const report = gradcheck(new Naive(Xr, yr, { loss: 'sigmoid-lsq' }), { seed: 2 });
    const byName = new Map(report.rows.map((r) => [r.point, r]));
    assert.ok(byName.get('random-1')?.ok, 'fine at moderate z');
    assert.equal(byName.get('margin-1e+3')?.ok, false);
    assert.equal(byName.get('margin-1e+3')?.errAutodiff, Number.POSITIVE_INFINITY);
    assert.equal(report.ok, false);
  });
});
