/**
 * The logistic loss pass's softplus, log1p(e^m) (scripts/wasm-passes.mjs: vexp, then vlog1p from exp's own
 * reduction and a table of log(1 + E)), against the exact value computed here in BigInt fixed point and
 * rounded once: over 110k margins spread over the whole range (tiny e, e near 1, z = 0, subnormal results,
 * the table's edges, positive margins) it is within 1 ulp, correctly rounded on at least 3/4 of them. The
 * table's logs are checked by the exponential (an independent series): exp(L ∓ ulp/2) brackets 1 + E.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXP_N, LOG_KI, LOG_LOW, LOG_OFFSET, LOG_TABLE_BASE, TABLE_BASE } from '../../scripts/wasm-passes.mjs';
import { kernelModule, X_BASE } from '../../src/objectives/wasm/layout.js';
import { Rng } from '../../src/run/rng.js';

/** Fixed-point precision of the references (bits below the binary point). */
const S = 220;
const ONE = 1n << BigInt(S);

/** x = M·2^E exactly (x ≥ 0 finite), M an integer. */
function split(x: number): { M: bigint; E: number } {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const bits = v.getBigUint64(0);
  const ex = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return ex === 0 ? { M: frac, E: -1074 } : { M: frac | (1n << 52n), E: ex - 1075 };
}

/** ⌊x·2^s⌋ for a double x ≥ 0. */
function fixed(x: number, s = S): bigint {
  const { M, E } = split(x);
  return E + s >= 0 ? M << BigInt(E + s) : M >> BigInt(-(E + s));
}

/** V·2^−s (V > 0) rounded to the nearest double (ties to even), subnormals included. */
function roundToDouble(V: bigint, s: number): number {
  const length = V.toString(2).length;
  // the last kept bit's weight 2^(lsb − s): 53 bits, or the subnormal grid 2^−1074
  const lsb = Math.max(length - 53, s - 1074);
  let q = V;
  if (lsb > 0) {
    q = V >> BigInt(lsb);
    const rem = V - (q << BigInt(lsb));
    const half = 1n << BigInt(lsb - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  } else q = V << BigInt(-lsb);
  const e = lsb - s;
  // q < 2^54 and the result is a double: scale in two exact steps (2^e alone may be out of range)
  return Number(q) * 2 ** Math.max(e, -1000) * 2 ** Math.min(e + 1000, 0);
}

/** ln 2 in fixed point 2^−(S + 64): 2 atanh(1/3). */
const LN2 = (() => {
  const s = BigInt(S + 64);
  let p = (1n << s) / 3n;
  let sum = 0n;
  for (let j = 1n; p > 0n; j += 2n) {
    sum += p / j;
    p /= 9n;
  }
  return 2n * sum;
})();

/** e^r for |r| ≤ 1/2, r and the result in fixed point 2^−S (Taylor; each term truncated). */
function expFixed(r: bigint): bigint {
  let term = ONE;
  let sum = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * r) / ONE / n;
    sum += term;
  }
  return sum;
}

/** log1p(y) for 0 ≤ y ≤ 1 in fixed point 2^−S: 2 atanh(y/(2 + y)) (u ≤ 1/3). */
function log1pFixed(y: bigint): bigint {
  const u = (y << BigInt(S)) / (2n * ONE + y);
  const u2 = (u * u) >> BigInt(S);
  let p = u;
  let sum = 0n;
  for (let j = 1n; p > 0n; j += 2n) {
    sum += p / j;
    p = (p * u2) >> BigInt(S);
  }
  return 2n * sum;
}

/** softplus(m) = log(1 + e^m), correctly rounded (m finite). */
function softplusExact(m: number): number {
  if (m > 60) return m; // log1p(e^−m) < 2^−86 < ulp(m)/2
  const a = Math.abs(m);
  if (a < 2 ** -200) return Math.LN2; // log(2 ± a) rounds to ln 2
  if (m < -800) return 0;
  // e^−a = 2^k e^r: k = −round(a/ln2), r = k ln2 + a ... in fixed point
  const k = Math.round(a / Math.LN2);
  const r = -(fixed(a) - ((BigInt(k) * LN2) >> 64n));
  const F = expFixed(r); // e^−a = F·2^(−S − k)
  const pos = m > 0 ? fixed(m) : 0n;
  if (k > 90) {
    // y = e^−a < 2^−89: log1p(y) = y − y²/2 to 2^−178 relative; m ≤ 0 here
    const s = S + k;
    return roundToDouble(2n * F * (1n << BigInt(s)) - F * F, 2 * s + 1);
  }
  return roundToDouble(pos + log1pFixed(F >> BigInt(k)), S);
}

function ulps(a: number, b: number): number {
  const v = new DataView(new ArrayBuffer(16));
  v.setFloat64(0, a);
  v.setFloat64(8, b);
  const d = v.getBigInt64(0) - v.getBigInt64(8);
  return Number(d < 0n ? -d : d);
}

/** The kernels module with its constants in a fresh memory, and a one-margin softplus through lossLog. */
function lossPass() {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const e = new WebAssembly.Instance(kernelModule()!, { env: { memory } }).exports as Record<
    string,
    (...a: number[]) => number
  >;
  const at = X_BASE + 1024;
  const z = new Float64Array(memory.buffer, at, 4);
  const y = new Float64Array(memory.buffer, at + 64, 4);
  /**
   * softplus(m) from a pair of rows with y = 0 (so the margin is z): m in lane `lane`, −1000 in the other
   * (its loss is exactly 0, so the sum is the lane's loss unrounded).
   */
  const softplus = (m: number, lane: 0 | 1) => {
    z[lane] = m;
    z[1 - lane] = -1000;
    return e.lossLog(at, at + 64, at + 128, 2, 1);
  };
  y.fill(0);
  return { memory, softplus, lossLog: e.lossLog, at };
}

describe('logistic loss pass: softplus by exp’s reduction and a table of log(1 + E)', () => {
  it('holds log(1 + E) correctly rounded for each point E of exp’s table it covers (checked by exp)', () => {
    const { memory } = lossPass();
    const mem = new DataView(memory.buffer);
    const entry = (i: number) => LOG_TABLE_BASE + 16 * (i - LOG_LOW);
    assert.equal(mem.getFloat64(entry(LOG_LOW), true), 0);
    assert.equal(mem.getFloat64(entry(LOG_LOW) + 8, true), 0);
    assert.equal(mem.getFloat64(entry(LOG_OFFSET) + 8, true), Math.LN2);
    for (let ki = -LOG_KI; ki <= 0; ki++) {
      const j = ki & (EXP_N - 1);
      const k = (ki - j) / EXP_N;
      // exp's head_j, from its table entry's bits (see vexp)
      const bits =
        mem.getBigInt64(TABLE_BASE + 16 * j + 8, true) + (BigInt(j) << 45n) - (BigInt(128 - LOG_OFFSET / EXP_N) << 52n);
      mem.setBigInt64(0, bits, true);
      const E = mem.getFloat64(0, true) * 2 ** k;
      mem.setFloat64(0, 0, true);
      const w = mem.getFloat64(entry(ki + LOG_OFFSET), true);
      const L = mem.getFloat64(entry(ki + LOG_OFFSET) + 8, true);
      assert.ok(Math.abs(w - E / (1 + E)) <= 2 * 2 ** -53, `E/(1 + E) at ki = ${ki}`);
      // exp(L − ulp/2) < 1 + E < exp(L + ulp/2), in fixed point 2^−S (series error ≪ the 2^−(S−20) margin)
      const { M, E: ex } = split(L);
      const onePlusE = ONE + fixed(E);
      // the rounding interval's ends (below a power of two the ulp halves)
      const lo = expFixed(M === 1n << 52n ? (4n * M - 1n) << BigInt(S + ex - 2) : (2n * M - 1n) << BigInt(S + ex - 1));
      const hi = expFixed((2n * M + 1n) << BigInt(S + ex - 1));
      const margin = 1n << 20n;
      assert.ok(lo + margin < onePlusE && onePlusE + margin < hi, `log(1 + E) rounded at ki = ${ki}`);
    }
  });

  it('is within 1 ulp of the exact softplus over 110k margins, correctly rounded on most', () => {
    const { softplus, lossLog, at } = lossPass();
    const rng = new Rng(20261202);
    const ms: number[] = [];
    for (let i = 0; i < 50000; i++) ms.push(-1.2 * rng.next()); // e near 1, where log1p is largest
    for (let i = 0; i < 20000; i++) ms.push(-40 * rng.next());
    for (let i = 0; i < 20000; i++) ms.push(-Math.exp(-30 + 36.6 * rng.next())); // |m| from 1e-13 to 735
    for (let i = 0; i < 10000; i++) ms.push(-708 - 38 * rng.next()); // subnormal results
    for (let i = 0; i < 8000; i++) ms.push(40 * rng.next());
    // around the table's lower edge (exp's ki = −LOG_KI, e ≈ 2^−11) and its first entries
    const edge = (LOG_KI * Math.LN2) / EXP_N;
    for (let i = 0; i < 2000; i++) ms.push(-edge + (rng.next() - 0.5) * 0.05);
    ms.push(0, -0, -1e-300, 1e-300, -Number.MIN_VALUE, -(2 ** -1022), -745, -745.1, -740, 36.7, 60);
    const hist = new Map<number, number>();
    let worst = 0;
    let worstAt = 0;
    ms.forEach((m, i) => {
      const got = softplus(m, (i & 1) as 0 | 1);
      const u = ulps(got, softplusExact(m));
      hist.set(u, (hist.get(u) ?? 0) + 1);
      if (u > worst) [worst, worstAt] = [u, m];
    });
    const exact = hist.get(0) ?? 0;
    assert.ok(worst <= 1, `max ${worst} ulps, at m = ${worstAt}; ${[...hist].join(' ')}`);
    assert.ok(exact >= 0.75 * ms.length, `${exact} of ${ms.length} correctly rounded`);
    // ±0: ln 2 exactly; NaN propagates; ±∞
    assert.equal(softplus(0, 0), Math.LN2);
    assert.equal(softplus(-0, 1), Math.LN2);
    assert.ok(Number.isNaN(softplus(Number.NaN, 0)) && Number.isNaN(softplus(Number.NaN, 1)));
    assert.equal(softplus(Number.NEGATIVE_INFINITY, 1), 0);
    assert.equal(softplus(Number.POSITIVE_INFINITY, 0), Number.POSITIVE_INFINITY);
    assert.equal(lossLog(at, at + 64, at + 128, 0, 1), 0);
  });

  it('has an exact reference here (it agrees with mpmath at 50 digits, rounded)', () => {
    assert.equal(softplusExact(0), Math.LN2);
    assert.equal(softplusExact(-1), 0.3132616875182228);
    assert.equal(softplusExact(-30), 9.357622968839737e-14);
    assert.equal(softplusExact(-7.6), 0.0005003262493859462);
    assert.equal(softplusExact(0.5), 0.9740769841801067);
    assert.equal(softplusExact(2), 2.1269280110429727);
    assert.equal(softplusExact(-745), 5e-324); // e^−745 = 2.82e-324 rounds up to the least subnormal
  });
});
