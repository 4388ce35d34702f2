import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Csr, fromDense, makeCsr, toDense } from '../../src/data/csr.js';
import { encodeLabels, type LabelEncoding } from '../../src/data/labels.js';
import { parseLibsvm } from '../../src/data/libsvm.js';
import { OptlabError } from '../../src/errors.js';
import { gradcheck } from '../../src/objectives/gradcheck.js';
import { LOSS_NAMES, LOSSES, type LossName } from '../../src/objectives/losses.js';
import { Objective } from '../../src/objectives/objective.js';
import { Rng } from '../../src/run/rng.js';
import { requireDataFile } from '../helpers/data.js';

const EPS = Number.EPSILON;

/** |a − b| ≤ tol · max(|a|, |b|); ±0 count as equal. */
function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Number.isFinite(actual), `${what}: not finite (${actual})`);
  const err = actual === expected ? 0 : Math.abs(actual - expected) / Math.max(Math.abs(actual), Math.abs(expected));
  assert.ok(err <= tol, `${what}: got ${actual}, expected ${expected} (relative error ${err.toExponential(2)})`);
}

function closeVec(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let j = 0; j < actual.length; j++) close(actual[j], expected[j], tol, `${what}[${j}]`);
}

/** Evaluates value, gradient and Hessian-vector product at once. */
function evalAll(obj: Objective, x: ArrayLike<number>, v: ArrayLike<number>) {
  const xs = Float64Array.from(x);
  const grad = new Float64Array(obj.d);
  const hv = new Float64Array(obj.d);
  const fg = obj.valueGrad(xs, grad);
  obj.hessVec(xs, Float64Array.from(v), hv);
  return { f: obj.value(xs), fg, grad, hv };
}

/** A random sparse matrix (entries kept with probability `density`, Gaussian values or ones). */
function randomCsr(rng: Rng, rows: number, cols: number, density: number, binary: boolean): Csr {
  const dense: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols).fill(0);
    for (let j = 0; j < cols; j++) if (rng.next() < density) row[j] = binary ? 1 : rng.normal() || 0.5;
    dense.push(row);
  }
  return fromDense(dense, cols);
}

function randomLabels(rng: Rng, n: number, encoding: LabelEncoding): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.next() < 0.5 ? 1 : encoding === '01' ? 0 : -1;
  return y;
}

function gaussian(rng: Rng, d: number, scale = 1): Float64Array {
  const a = new Float64Array(d);
  for (let j = 0; j < d; j++) a[j] = scale * rng.normal();
  return a;
}

// ---------------------------------------------------------------------------------------------------------
// A tiny problem by hand: rows a₁ = (1, 0), a₂ = (0, 1), a₃ = (1, 1) and x = (ln 3, −ln 3), so that
// z = (ln 3, −ln 3, 0) and σ(z) = (3/4, 1/4, 1/2), σ(−z) = (1/4, 3/4, 1/2).
// ---------------------------------------------------------------------------------------------------------
const X3 = fromDense([
  [1, 0],
  [0, 1],
  [1, 1],
]);
const L3 = Math.log(3);
const x3 = [L3, -L3];

describe('Objective on a 3×2 problem computed by hand', () => {
  it('sigmoid-lsq, labels 0/1 = (1, 0, 1): f = 1/8, ∇f = (−11/96, −5/96), ∇²f·(1, 2) = (21/128, 13/64)', () => {
    // r = y − σ = (1/4, −1/4, 1/2); ℓ = r² = (1/16, 1/16, 1/4), mean 1/8.
    // ℓ′ = −2 r σσ₋ = (−3/32, 3/32, −1/4); ∇f = (ℓ′₁ + ℓ′₃, ℓ′₂ + ℓ′₃)/3.
    // ℓ″ = 2σ′² − 2rσ″ with σ′ = σσ₋, σ″ = σ′(1 − 2σ): (15/128, 15/128, 1/8).
    // a_iᵀv for v = (1, 2): (1, 2, 3); ∇²f v = (15/128·1 + 1/8·3, 15/128·2 + 1/8·3)/3.
    const obj = new Objective(X3, Float64Array.from([1, 0, 1]), { loss: 'sigmoid-lsq' });
    const r = evalAll(obj, x3, [1, 2]);
    close(r.f, 1 / 8, 4 * EPS, 'f');
    close(r.fg, 1 / 8, 4 * EPS, 'f from valueGrad');
    closeVec(r.grad, [-11 / 96, -5 / 96], 8 * EPS, '∇f');
    closeVec(r.hv, [21 / 128, 13 / 64], 8 * EPS, '∇²f v');
  });

  it('sigmoid-lsq, labels ±1 = (1, −1, 1): f = 5/8, ∇f = (−11/96, 7/96)', () => {
    // r = (1/4, −5/4, 1/2); ℓ = (1/16, 25/16, 1/4); ℓ′₂ = −2(−5/4)(3/16) = 15/32.
    const obj = new Objective(X3, Float64Array.from([1, -1, 1]), { loss: 'sigmoid-lsq' });
    const r = evalAll(obj, x3, [1, 2]);
    close(r.f, 5 / 8, 4 * EPS, 'f');
    closeVec(r.grad, [-11 / 96, 7 / 96], 8 * EPS, '∇f');
    // ℓ″₂ = 2(3/16)² − 2(−5/4)(3/32) = 9/128 + 30/128 = 39/128; ℓ″₁ = 15/128, ℓ″₃ = 1/8.
    closeVec(r.hv, [(15 / 128 + 3 / 8) / 3, ((39 / 128) * 2 + 3 / 8) / 3], 8 * EPS, '∇²f v');
  });

  for (const y of [
    [1, 0, 1],
    [1, -1, 1],
  ]) {
    it(`logistic, labels (${y}): f = (2 log(4/3) + log 2)/3, ∇f = (−1/4, −1/12), ∇²f·(1, 2) = (5/16, 3/8)`, () => {
      // ỹz = (ln 3, ln 3, 0); ℓ = log(1 + e^{−ỹz}) = (log 4/3, log 4/3, log 2).
      // ℓ′ = −ỹ σ(−ỹz) = (−1/4, 1/4, −1/2); ℓ″ = σσ₋ = (3/16, 3/16, 1/4).
      const obj = new Objective(X3, Float64Array.from(y), { loss: 'logistic' });
      const r = evalAll(obj, x3, [1, 2]);
      close(r.f, (2 * Math.log(4 / 3) + Math.LN2) / 3, 4 * EPS, 'f');
      closeVec(r.grad, [-1 / 4, -1 / 12], 8 * EPS, '∇f');
      closeVec(r.hv, [5 / 16, 3 / 8], 8 * EPS, '∇²f v');
    });
  }

  it('at x = 0: sigmoid-lsq is exactly 1/4 with 0/1 labels and the mean of 1/4 and 9/4 with ±1 labels', () => {
    const zero = [0, 0];
    const a = evalAll(new Objective(X3, Float64Array.from([1, 0, 0]), { loss: 'sigmoid-lsq' }), zero, zero);
    assert.equal(a.f, 0.25);
    assert.equal(a.fg, 0.25);
    // ℓ′(0) = −2(y − 1/2)/4 = (−1/4, 1/4, 1/4) → ∇f = (−1/4 + 1/4, 1/4 + 1/4)/3 = (0, 1/6).
    closeVec(a.grad, [0, 1 / 6], 4 * EPS, '∇f (0/1)');
    const b = evalAll(new Objective(X3, Float64Array.from([1, -1, -1]), { loss: 'sigmoid-lsq' }), zero, zero);
    close(b.f, (0.25 + 2.25 + 2.25) / 3, 2 * EPS, 'f (±1)');
    // ℓ′(0) for y = −1 is −2(−3/2)/4 = 3/4.
    closeVec(b.grad, [(-1 / 4 + 3 / 4) / 3, (3 / 4 + 3 / 4) / 3], 4 * EPS, '∇f (±1)');
    const c = evalAll(new Objective(X3, Float64Array.from([1, 0, 0]), { loss: 'logistic' }), zero, zero);
    close(c.f, Math.LN2, 2 * EPS, 'logistic f(0) = log 2');
    closeVec(c.grad, [(-1 / 2 + 1 / 2) / 3, (1 / 2 + 1 / 2) / 3], 4 * EPS, 'logistic ∇f(0)');
  });
});

describe('Objective against straightforward formulas on a real-valued matrix', () => {
  // Rows with negative, fractional and large values, and an empty row (z = 0).
  const rows = [
    [2, -1, 0, 0.5],
    [0, 0.25, 3, 0],
    [0, 0, 0, 0],
    [-1.5, 0, 0, 2],
    [1, 1, 1, 1],
  ];
  const X = fromDense(rows, 4);
  const x = [0.3, -0.7, 0.2, 0.45];
  const v = [1, -2, 0.5, 3];
  const z = rows.map((a) => a.reduce((s, aij, j) => s + aij * x[j], 0));
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  const formulas: Record<LossName, { l: (z: number, y: number) => number; d: (z: number, y: number) => number }> = {
    'sigmoid-lsq': {
      l: (t, y) => (y - sig(t)) ** 2,
      d: (t, y) => -2 * (y - sig(t)) * sig(t) * (1 - sig(t)),
    },
    logistic: {
      l: (t, y) => Math.log(1 + Math.exp(-(y === 1 ? 1 : -1) * t)),
      d: (t, y) => -(y === 1 ? 1 : -1) / (1 + Math.exp((y === 1 ? 1 : -1) * t)),
    },
  };
  for (const loss of LOSS_NAMES) {
    for (const enc of ['01', 'pm1'] as const) {
      it(`${loss}, labels ${enc}: value and gradient are the mean of ℓ and of ℓ′ a_i`, () => {
        const lo = enc === '01' ? 0 : -1;
        const y = Float64Array.from([1, lo, 1, lo, lo]);
        const obj = new Objective(X, y, { loss });
        const r = evalAll(obj, x, v);
        const n = rows.length;
        const f = z.reduce((s, t, i) => s + formulas[loss].l(t, y[i]), 0) / n;
        const g = [0, 1, 2, 3].map((j) => z.reduce((s, t, i) => s + formulas[loss].d(t, y[i]) * rows[i][j], 0) / n);
        close(r.f, f, 1e-14, 'f');
        closeVec(r.grad, g, 1e-14, '∇f');
        // ∇²f v against central differences of the gradient.
        const h = 1e-5;
        const gp = new Float64Array(4);
        const gm = new Float64Array(4);
        obj.valueGrad(
          Float64Array.from(x, (xj, j) => xj + h * v[j]),
          gp,
        );
        obj.valueGrad(
          Float64Array.from(x, (xj, j) => xj - h * v[j]),
          gm,
        );
        closeVec(
          r.hv,
          Array.from(gp, (p, j) => (p - gm[j]) / (2 * h)),
          1e-8,
          '∇²f v vs finite differences',
        );
      });
    }
  }
});

describe('Objective: representations, batches and regularizers', () => {
  const rng = new Rng(20240601);

  it('a binary matrix (values null) and the same matrix with explicit ones give identical bits', () => {
    const B = randomCsr(rng, 60, 12, 0.3, true);
    assert.equal(B.values, null);
    const ones: Csr = { ...B, values: new Float64Array(B.colIdx.length).fill(1) };
    for (const loss of LOSS_NAMES) {
      for (const l2 of [0, 0.1]) {
        const y = randomLabels(rng, 60, '01');
        const a = new Objective(B, y, { loss, l2 });
        const b = new Objective(ones, y, { loss, l2 });
        const x = gaussian(rng, 12);
        const v = gaussian(rng, 12);
        const ra = evalAll(a, x, v);
        const rb = evalAll(b, x, v);
        assert.equal(ra.f, rb.f);
        assert.equal(ra.fg, rb.fg);
        assert.deepEqual(ra.grad, rb.grad);
        assert.deepEqual(ra.hv, rb.hv);
      }
    }
  });

  it('valueGrad returns the same value as value, bit for bit (full data and batches)', () => {
    for (const loss of LOSS_NAMES) {
      const X = randomCsr(rng, 37, 9, 0.4, false);
      const obj = new Objective(X, randomLabels(rng, 37, 'pm1'), { loss, l2: 0.03 });
      const x = gaussian(rng, 9, 2);
      const g = new Float64Array(9);
      assert.equal(obj.valueGrad(x, g), obj.value(x));
      const batch = { idx: rng.permutation(37), start: 5, end: 16 };
      assert.equal(obj.valueGrad(x, g, batch), obj.value(x, batch));
    }
  });

  it('a mini-batch (RowBatch, a slice of a permutation) equals the objective on the copied rows', () => {
    for (const loss of LOSS_NAMES) {
      for (const binary of [true, false]) {
        const n = 50;
        const d = 8;
        const X = randomCsr(rng, n, d, 0.35, binary);
        const y = randomLabels(rng, n, '01');
        const obj = new Objective(X, y, { loss, l2: 0.02 });
        const idx = rng.permutation(n);
        const batch = { idx, start: 11, end: 29 };
        const dense = toDense(X);
        const picked = Array.from(idx.subarray(batch.start, batch.end));
        const copy = new Objective(
          fromDense(
            picked.map((i) => dense[i]),
            d,
          ),
          Float64Array.from(picked, (i) => y[i]),
          { loss, l2: 0.02 },
        );
        assert.equal(obj.batchSize(batch), 18);
        const x = gaussian(rng, d);
        const v = gaussian(rng, d);
        const gb = new Float64Array(d);
        const hb = new Float64Array(d);
        const fb = obj.valueGrad(x, gb, batch);
        obj.hessVec(x, v, hb, batch);
        const rc = evalAll(copy, x, v);
        close(fb, rc.f, 1e-15, 'f_B');
        close(obj.value(x, batch), rc.f, 1e-15, 'value(x, B)');
        closeVec(gb, rc.grad, 1e-15, '∇f_B');
        closeVec(hb, rc.hv, 1e-15, '∇²f_B v');
      }
    }
  });

  it('the L2 term adds (μ/2)‖x‖² to f, μx to the gradient and μv to ∇²f·v', () => {
    const X = randomCsr(rng, 30, 6, 0.5, false);
    const y = randomLabels(rng, 30, 'pm1');
    const mu = 0.37;
    for (const loss of LOSS_NAMES) {
      const plain = new Objective(X, y, { loss });
      const reg = new Objective(X, y, { loss, l2: mu });
      const x = gaussian(rng, 6, 1.5);
      const v = gaussian(rng, 6);
      const a = evalAll(plain, x, v);
      const b = evalAll(reg, x, v);
      const sq = x.reduce((s, t) => s + t * t, 0);
      close(b.f, a.f + 0.5 * mu * sq, 2 * EPS, 'f + μ/2 ‖x‖²');
      closeVec(
        b.grad,
        Array.from(a.grad, (g, j) => g + mu * x[j]),
        1e-15,
        '∇f + μx',
      );
      closeVec(
        b.hv,
        Array.from(a.hv, (h, j) => h + mu * v[j]),
        1e-15,
        '∇²f v + μv',
      );
    }
  });

  it('total adds λ‖x‖₁ to the smooth part (and nothing when λ = 0)', () => {
    const X = randomCsr(rng, 20, 5, 0.5, false);
    const y = randomLabels(rng, 20, '01');
    const x = Float64Array.from([0.5, -2, 0, 1.25, -0.125]);
    const obj = new Objective(X, y, { loss: 'logistic', l1: 0.1, l2: 0.01 });
    const f = obj.value(x);
    assert.equal(obj.total(x), f + 0.1 * 3.875);
    assert.equal(obj.totalFromSmooth(f, x), f + 0.1 * 3.875);
    const noL1 = new Objective(X, y, { loss: 'logistic', l2: 0.01 });
    assert.equal(noL1.total(x), noL1.value(x));
    assert.equal(noL1.value(x), f);
  });

  it('rejects bad weights, mismatched labels and empty data with an OptlabError', () => {
    const X = fromDense([[1, 0]]);
    const y = Float64Array.from([1]);
    assert.throws(() => new Objective(X, y, { loss: 'logistic', l1: -1 }), OptlabError);
    assert.throws(() => new Objective(X, y, { loss: 'logistic', l2: Number.NaN }), OptlabError);
    assert.throws(() => new Objective(X, y, { loss: 'logistic', l2: Number.POSITIVE_INFINITY }), OptlabError);
    assert.throws(() => new Objective(X, Float64Array.from([1, 0]), { loss: 'logistic' }), OptlabError);
    const empty = makeCsr(0, 2, new Int32Array(1), new Int32Array(0), null);
    assert.throws(() => new Objective(empty, new Float64Array(0), { loss: 'logistic' }), OptlabError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Single-row, single-feature objectives (a = 1, x = z) read ℓ(z, y), ℓ′ and ℓ″ straight from the kernels.
// ---------------------------------------------------------------------------------------------------------
function kernelAt(loss: LossName, z: number, y: number): { l: number; d: number; d2: number } {
  const obj = new Objective(fromDense([[1]]), Float64Array.from([y]), { loss });
  const g = new Float64Array(1);
  const h = new Float64Array(1);
  const l = obj.valueGrad(Float64Array.of(z), g);
  assert.equal(obj.value(Float64Array.of(z)), l);
  obj.hessVec(Float64Array.of(z), Float64Array.of(1), h);
  return { l, d: g[0], d2: h[0] };
}

const Z_GRID = [
  -1e300, -1e4, -1e3, -710, -700, -100, -30, -5, -1, -1e-8, 0, 1e-8, 0.3, 1, 5, 30, 100, 700, 710, 1e3, 1e4, 1e300,
];

describe('kernels agree with the scalar MarginLoss definitions (losses.ts)', () => {
  for (const loss of LOSS_NAMES) {
    it(`${loss}: value, ℓ′ and ℓ″ for labels 1, 0, −1 over z from −1e300 to 1e300`, () => {
      const m = LOSSES[loss];
      for (const y of [1, 0, -1]) {
        for (const z of Z_GRID) {
          const k = kernelAt(loss, z, y);
          // The kernels compute σ(−|z|) as e·(1/(1+e)), losses.ts as e/(1+e): a few ulps apart at most.
          close(k.l, m.value(z, y), 4 * EPS, `ℓ(${z}, ${y})`);
          close(k.d, m.deriv(z, y), 8 * EPS, `ℓ′(${z}, ${y})`);
          // ℓ″ of sigmoid-lsq is 2σσ₋(σσ₋ − r(σ₋ − σ)), a difference that vanishes at some z when y = −1:
          // compare relative to the size of its terms there.
          const s = 1 / (1 + Math.exp(-z));
          const scale =
            loss === 'sigmoid-lsq' ? 2 * s * (1 - s) * (s * (1 - s) + Math.abs(y - s) * Math.abs(1 - 2 * s)) : 0;
          const d2 = m.deriv2(z, y);
          assert.ok(
            Math.abs(k.d2 - d2) <= 16 * EPS * Math.max(Math.abs(d2), scale),
            `ℓ″(${z}, ${y}): kernel ${k.d2}, losses.ts ${d2}`,
          );
        }
      }
    });
  }
});

describe('stability at large |z|: no NaN or Inf, full relative accuracy where the result is representable', () => {
  const e100 = Math.exp(-100);
  const e700 = Math.exp(-700); // 9.86e-305, still a normal number
  /** [z, y, ℓ, ℓ′, ℓ″], derived by hand; 0 where the exact value underflows (e.g. e^{−2000}). */
  const cases: Record<LossName, Array<[number, number, number, number, number]>> = {
    'sigmoid-lsq': [
      // y = 1, z ≫ 0: r = σ(−z) ≈ e^{−z}, ℓ = e^{−2z}, ℓ′ = −2 r σ σ₋ ≈ −2e^{−2z}, ℓ″ ≈ 2σ₋(σ₋ − r(−1)) = 4e^{−2z}.
      [100, 1, Math.exp(-200), -2 * Math.exp(-200), 4 * Math.exp(-200)],
      [1e3, 1, 0, 0, 0],
      [1e300, 1, 0, 0, 0],
      // y = 1, z ≪ 0: σ = e^{z}, r = 1 − e^{z} → 1, ℓ′ = −2σ, ℓ″ = 2σ(σ − (1)(1)) → −2e^{z}.
      [-100, 1, 1, -2 * e100, -2 * e100],
      [-700, 1, 1, -2 * e700, -2 * e700],
      [-1e3, 1, 1, 0, 0],
      [-1e4, 1, 1, 0, 0],
      [-1e300, 1, 1, 0, 0],
      // y = 0, z ≫ 0: r = −1 + σ₋ → −1, ℓ′ = 2σ₋, ℓ″ = 2σ₋(σ₋ + (σ₋ − 1)) → −2e^{−z}.
      [100, 0, 1, 2 * e100, -2 * e100],
      [700, 0, 1, 2 * e700, -2 * e700],
      [1e4, 0, 1, 0, 0],
      [1e300, 0, 1, 0, 0],
      // y = 0, z ≪ 0: r = −σ = −e^{z}, ℓ = e^{2z}, ℓ′ = 2e^{2z}, ℓ″ = 2σ(σ + σ(1)) = 4e^{2z}.
      [-100, 0, Math.exp(-200), 2 * Math.exp(-200), 4 * Math.exp(-200)],
      [-1e300, 0, 0, 0, 0],
      // y = −1: r = −1 − σ → −2 (z ≫ 0) or −1 (z ≪ 0).
      [100, -1, 4, 4 * e100, -4 * e100],
      [1e4, -1, 4, 0, 0],
      [1e300, -1, 4, 0, 0],
      [-100, -1, 1, 2 * e100, 2 * e100],
      [-1e300, -1, 1, 0, 0],
    ],
    logistic: [
      // y = 1: ℓ = softplus(−z), ℓ′ = −σ(−z), ℓ″ = σσ₋.
      [100, 1, e100, -e100, e100],
      [700, 1, e700, -e700, e700],
      [1e3, 1, 0, 0, 0],
      [1e300, 1, 0, 0, 0],
      [-100, 1, 100, -1, e100],
      [-1e3, 1, 1e3, -1, 0],
      [-1e4, 1, 1e4, -1, 0],
      [-1e300, 1, 1e300, -1, 0],
      // y = 0 or −1: ℓ = softplus(z), ℓ′ = σ(z).
      [100, 0, 100, 1, e100],
      [1e4, 0, 1e4, 1, 0],
      [1e300, -1, 1e300, 1, 0],
      [-700, 0, e700, e700, e700],
      [-1e3, -1, 0, 0, 0],
      [-1e300, 0, 0, 0, 0],
    ],
  };
  for (const loss of LOSS_NAMES) {
    it(`${loss}: kernels and losses.ts at z = ±1e2, ±7e2, ±1e3, ±1e4, ±1e300`, () => {
      const m = LOSSES[loss];
      for (const [z, y, l, d, d2] of cases[loss]) {
        const k = kernelAt(loss, z, y);
        const tag = `${loss} z=${z} y=${y}`;
        for (const [got, want, what] of [
          [k.l, l, 'ℓ'],
          [k.d, d, 'ℓ′'],
          [k.d2, d2, 'ℓ″'],
          [m.value(z, y), l, 'losses.ts ℓ'],
          [m.deriv(z, y), d, 'losses.ts ℓ′'],
          [m.deriv2(z, y), d2, 'losses.ts ℓ″'],
        ] as const) {
          close(got, want, 4 * EPS, `${tag} ${what}`);
        }
      }
    });
  }

  it('sigmoid-lsq keeps full relative accuracy of (1 − σ(z))² at z = 30 (no cancellation)', () => {
    // 1 − σ(30) = σ(−30) = e^{−30}/(1 + e^{−30}); naive 1 − σ(30) would be wrong in the 4th digit.
    const r = Math.exp(-30) / (1 + Math.exp(-30));
    const k = kernelAt('sigmoid-lsq', 30, 1);
    close(k.l, r * r, 4 * EPS, 'ℓ(30, 1)');
    close(k.d, -2 * r * r * (1 / (1 + Math.exp(-30))), 4 * EPS, 'ℓ′(30, 1)');
    const naive = (1 - 1 / (1 + Math.exp(-30))) ** 2;
    assert.ok(Math.abs(naive - r * r) / (r * r) > 1e-4, 'the naive form really does cancel here');
  });
});

// ---------------------------------------------------------------------------------------------------------
// a9a (32561 × 123, binary features): the gradient checks on real data.
// ---------------------------------------------------------------------------------------------------------
let a9aCache: { X: Csr; labels: Float64Array } | undefined;
function loadA9a(path: string): { X: Csr; labels: Float64Array } {
  if (a9aCache === undefined) {
    const parsed = parseLibsvm(new Uint8Array(readFileSync(path)), { fileName: 'a9a' });
    a9aCache = { X: parsed.X, labels: parsed.labels };
  }
  return a9aCache;
}

describe('gradcheck on a9a', () => {
  for (const loss of LOSS_NAMES) {
    for (const enc of ['01', 'pm1'] as const) {
      for (const l2 of [0, 1e-4]) {
        it(`${loss}, labels ${enc}, l2 = ${l2}: every point ok, autodiff at rounding level`, (t) => {
          const path = requireDataFile(t, 'a9a');
          if (path === undefined) return;
          const { X, labels } = loadA9a(path);
          assert.equal(X.rows, 32561);
          assert.equal(X.values, null);
          const { y } = encodeLabels(labels, enc, 'a9a');
          const obj = new Objective(X, y, { loss, l2 });
          // All rows; finite differences on a few coordinates to bound time (autodiff checks all of them).
          const report = gradcheck(obj, { points: 2, seed: 7, fdCoordinates: 8 });
          assert.equal(report.n, 32561);
          assert.deepEqual(
            report.rows.map((r) => r.point),
            ['zero', 'random-1', 'random-2', 'margin-1e+2', 'margin-1e+3', 'margin-1e+4'],
          );
          for (const r of report.rows) {
            const msg = `${r.point}: ${JSON.stringify(r)}`;
            assert.ok(r.ok, msg);
            // 1e-12, not 1e-13: the tape sums all 32561 rows in order, and that sum itself is off by up
            // to 2.2e-13 at x = 0 (the WebAssembly kernels by 3e-15; a9a-bits.test.ts checks both)
            assert.ok(r.errAutodiff <= 1e-12, msg);
            assert.ok(r.errHessVecAutodiff <= 1e-13, msg);
            assert.ok(r.errFiniteDiff <= 1e-6, msg);
            assert.ok(r.errHessVec <= 1e-6, msg);
          }
          assert.ok(report.ok);
        });
      }
    }
  }
});

describe('repeated Hessian-vector products at one x (the stored curvature weights)', () => {
  const rng = new Rng(31);
  const rows = Array.from({ length: 40 }, () => Array.from({ length: 6 }, () => (rng.next() < 0.5 ? 0 : rng.normal())));
  const binary = rows.map((r) => r.map((v) => (v === 0 ? 0 : 1)));
  const y = Float64Array.from(rows, () => (rng.next() < 0.5 ? 1 : 0));
  const vecs = Array.from({ length: 4 }, () => Float64Array.from({ length: 6 }, () => rng.normal()));
  for (const loss of LOSS_NAMES) {
    for (const [name, data] of [
      ['values', rows],
      ['binary', binary],
    ] as const) {
      it(`${loss}, ${name}: every product is the bits of a fresh objective's, also after x changes in place`, () => {
        const X = fromDense(data);
        const reused = new Objective(X, y, { loss, l2: 0.1 });
        const x = Float64Array.from({ length: 6 }, () => 3 * rng.normal());
        for (let round = 0; round < 2; round++) {
          for (const v of vecs) {
            const got = new Float64Array(6);
            const want = new Float64Array(6);
            reused.hessVec(x, v, got);
            new Objective(X, y, { loss, l2: 0.1 }).hessVec(x, v, want);
            assert.deepStrictEqual(got, want);
            assert.ok(want.some((w) => w !== 0));
          }
          x[2] += 0.5; // same array, other content: the stored weights must not be used
        }
      });
    }
  }
});
