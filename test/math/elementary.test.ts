/**
 * Our exp, log1p, log and powInt (src/math/elementary.ts). The WebAssembly kernels' vector exp and log1p
 * are tested through their loss passes in test/objectives/wasm.test.ts.
 *
 * Oracles: Node 20's Math.exp/log1p/log (V8 11.3 ships fdlibm, which ours port, so they agree bit for bit
 * here; on another engine the 1-ulp bound is what must hold) and, where Math differs by design, exact
 * rational arithmetic with BigInt for powInt.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exp, fromWords, highWord, log, log1p, lowWord, powInt } from '../../src/math/elementary.js';

const F = new Float64Array(1);
const U = new BigUint64Array(F.buffer);

/** The distance in ulps between two doubles of the same sign (0 for equal bits; NaN = NaN). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (Object.is(a, b)) return 0;
  if (Math.sign(a) !== Math.sign(b) && a !== 0 && b !== 0) return Number.POSITIVE_INFINITY;
  F[0] = Math.abs(a);
  const ua = U[0];
  F[0] = Math.abs(b);
  const ub = U[0];
  return Number(ua > ub ? ua - ub : ub - ua);
}

/** A seeded LCG over 32-bit words (the test's own, so the sample is the same on every run). */
function words(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s;
  };
}

/** A wide sample: random bit patterns (every exponent), uniform on the ranges the kernels use, and specials. */
function sample(seed: number, n: number): number[] {
  const w = words(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(fromWords(w() | 0, w() | 0)); // any double, NaNs and subnormals included
    out.push((w() / 2 ** 32) * 1500 - 750); // exp's whole finite range and beyond
    out.push((w() / 2 ** 32) * 60 - 30); // the margins of a9a-sized problems
    out.push(Math.exp((-w() / 2 ** 32) * 40)); // log1p's argument in the kernels, e^{−|z|}
    out.push((w() / 2 ** 32) * 2 - 1); // log1p near its pole and its small-x branch
  }
  return out;
}

const O_THRESHOLD = 709.782712893384;
const U_THRESHOLD = -745.1332191019411;
const SPECIALS = [
  0,
  -0,
  1,
  -1,
  0.5,
  2,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308, // smallest normal
  2.225073858507201e-308, // largest subnormal
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  O_THRESHOLD,
  709.7827128933841, // just above: overflows
  U_THRESHOLD,
  -745.1332191019412, // just below: underflows
  -708.3964185322641, // e^x ≈ smallest normal
  -720, // subnormal result
  2 ** -28,
  -(2 ** -28),
  2 ** -54,
  2 ** -29,
  0.34657359027997264, // ln2 / 2
  1.0397207708399179, // 3 ln2 / 2
  0.41421356237309503, // √2 − 1
  -0.2928932188134524, // √2/2 − 1
  -0.9999999999999999,
  1e300,
  2 ** 53,
];

describe('elementary functions of our own', () => {
  const xs = [...SPECIALS, ...sample(20260101, 200_000)];

  it('exp is within 1 ulp of Math.exp (and equal to Node 20 / fdlibm bit for bit)', () => {
    let maxUlps = 0;
    let differ = 0;
    for (const x of xs) {
      const d = ulps(exp(x), Math.exp(x));
      if (d > maxUlps) maxUlps = d;
      if (d > 0) differ++;
    }
    assert.ok(maxUlps <= 1, `max ${maxUlps} ulps`);
    if (process.versions.v8.startsWith('11.3.')) assert.equal(differ, 0, 'Node 20 ships fdlibm exp');
  });

  it('log1p and log are within 1 ulp of Math.log1p and Math.log', () => {
    for (const [ours, theirs] of [
      [log1p, Math.log1p],
      [log, Math.log],
    ] as const) {
      let maxUlps = 0;
      let differ = 0;
      for (const x of xs) {
        const d = ulps(ours(x), theirs(x));
        if (d > maxUlps) maxUlps = d;
        if (d > 0) differ++;
      }
      assert.ok(maxUlps <= 1, `${ours.name}: max ${maxUlps} ulps`);
      if (process.versions.v8.startsWith('11.3.')) assert.equal(differ, 0, `${ours.name}: Node 20 ships fdlibm`);
    }
  });

  it('give the IEEE special values', () => {
    assert.equal(exp(0), 1);
    assert.equal(exp(-0), 1);
    assert.equal(exp(1), Math.E);
    assert.equal(exp(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    assert.ok(Object.is(exp(Number.NEGATIVE_INFINITY), 0));
    assert.ok(Number.isNaN(exp(Number.NaN)));
    assert.ok(Number.isFinite(exp(O_THRESHOLD)));
    assert.equal(exp(709.7827128933841), Number.POSITIVE_INFINITY);
    assert.ok(exp(U_THRESHOLD) > 0, 'the underflow threshold itself gives the smallest subnormal');
    assert.ok(Object.is(exp(-745.1332191019412), 0));
    assert.ok(exp(-720) > 0 && exp(-720) < 2.2250738585072014e-308, 'a subnormal result');
    assert.ok(Object.is(log1p(0), 0));
    assert.ok(Object.is(log1p(-0), -0));
    assert.equal(log1p(-1), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(log1p(-1.5)));
    assert.ok(Number.isNaN(log1p(Number.NaN)));
    assert.equal(log1p(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    assert.equal(log1p(Number.MIN_VALUE), Number.MIN_VALUE);
    assert.equal(log(1), 0);
    assert.equal(log(0), Number.NEGATIVE_INFINITY);
    assert.equal(log(-0), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(log(-1)));
    assert.equal(log(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    assert.equal(log(Number.MIN_VALUE), -744.4400719213812);
  });

  it('reads and writes the words of a double', () => {
    assert.equal(highWord(1), 0x3ff00000);
    assert.equal(lowWord(1), 0);
    assert.equal(highWord(-2), 0xc0000000 | 0);
    assert.equal(fromWords(0x3ff00000, 1), 1 + 2 ** -52);
    assert.equal(lowWord(fromWords(0x12345678, 0x9abcdef0 | 0)), 0x9abcdef0 | 0);
  });
});

describe('powInt', () => {
  /** bⁿ exactly as a rational p / 2^q, compared with the double: the error in units of the result's ulp. */
  function errorUlps(b: number, n: number, got: number): number {
    F[0] = b;
    const bits = U[0];
    const e = Number((bits >> 52n) & 0x7ffn);
    const m = (bits & ((1n << 52n) - 1n)) | (e > 0 ? 1n << 52n : 0n);
    const q = BigInt((e > 0 ? e : 1) - 1075); // b = m · 2^q
    const exact = m ** BigInt(n); // bⁿ = exact · 2^(q·n)
    F[0] = got;
    const gb = U[0];
    const ge = Number((gb >> 52n) & 0x7ffn);
    const gm = (gb & ((1n << 52n) - 1n)) | (1n << 52n);
    const gq = BigInt(ge - 1075); // got = gm · 2^gq
    // |got − bⁿ| / ulp(got) = |gm·2^gq − exact·2^(q n)| / 2^gq
    const shift = q * BigInt(n) - gq;
    const num = shift >= 0n ? gm - exact * 2n ** shift : gm * 2n ** -shift - exact;
    const den = shift >= 0n ? 1n : 2n ** -shift;
    const scaled = Number(((num < 0n ? -num : num) * 1000n) / den) / 1000;
    return scaled;
  }

  it('is exact for small integer powers and within n − 1 ulps of bⁿ otherwise', () => {
    assert.equal(powInt(3, 0), 1);
    assert.equal(powInt(0, 0), 1);
    assert.equal(powInt(2, 10), 1024);
    assert.equal(powInt(3, 33), 5559060566555523);
    assert.equal(powInt(-2, 3), -8);
    assert.equal(powInt(0.5, 1074), Number.MIN_VALUE);
    for (const b of [0.9, 0.999, 0.99, 1.0000001]) {
      for (const n of [1, 2, 3, 7, 10, 100, 1000, 12345]) {
        const got = powInt(b, n);
        if (!(got > 2.2250738585072014e-308)) continue; // the bound is for normal results
        const bound = n - 1;
        const err = errorUlps(b, n, got);
        assert.ok(err <= bound, `${b}^${n}: ${err} ulps > ${bound}`);
      }
    }
  });

  it('refuses a non-integer or negative exponent', () => {
    assert.throws(() => powInt(2, 0.5), RangeError);
    assert.throws(() => powInt(2, -1), RangeError);
  });
});
