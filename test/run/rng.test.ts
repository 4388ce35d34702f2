import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptlabError } from '../../src/errors.js';
import { Rng } from '../../src/run/rng.js';

describe('Rng (xoshiro128** seeded by SplitMix64)', () => {
  // The plain definition: reject u ≥ 2³² − (2³² mod n), return u mod n (Rng.int computes it faster).
  const plain = (r: Rng, n: number) => {
    const limit = 4294967296 - (4294967296 % n);
    let u = r.nextUint32();
    while (u >= limit) u = r.nextUint32();
    return u % n;
  };
  it('matches the reference C xoshiro128** from the state (1, 2, 3, 4)', () => {
    // Outputs of Blackman & Vigna's xoshiro128starstar.c compiled with gcc, s = {1, 2, 3, 4}.
    const r = Rng.fromState(1, 2, 3, 4);
    const out = Array.from({ length: 6 }, () => r.nextUint32());
    assert.deepEqual(out, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('pins the first raw outputs for seed 42 (checked against the C reference seeded by splitmix64)', () => {
    const r = new Rng(42);
    const out = Array.from({ length: 6 }, () => r.nextUint32());
    assert.deepEqual(out, [1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
  });

  it('pins next(), normal(), int() and permutation() for seed 42', () => {
    const a = new Rng(42);
    assert.deepEqual(
      Array.from({ length: 4 }, () => a.next()),
      [0.4137016681565887, 0.003983993377814743, 0.6500837027638867, 0.6846020186141416],
    );
    const b = new Rng(42);
    assert.deepEqual(
      Array.from({ length: 4 }, () => b.normal()),
      [1.0873020675225118, 1.3373747636261168, 0.7409935464462171, 0.5294255135865079],
    );
    const c = new Rng(42);
    assert.deepEqual(
      Array.from({ length: 8 }, () => c.int(10)),
      [4, 8, 5, 0, 3, 2, 1, 1],
    );
    assert.deepEqual(Array.from(new Rng(42).permutation(10)), [1, 0, 9, 6, 2, 5, 3, 7, 8, 4]);
  });

  it('next() is (a·2²⁶ + b)/2⁵³ from the top 27 and 26 bits of two raw outputs', () => {
    const raw = new Rng(7);
    const u = raw.nextUint32();
    const w = raw.nextUint32();
    assert.equal(new Rng(7).next(), ((u >>> 5) * 2 ** 26 + (w >>> 6)) / 2 ** 53);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const d = new Rng(-123);
    let differC = 0;
    let differD = 0;
    for (let k = 0; k < 1000; k++) {
      const x = a.next();
      assert.equal(b.next(), x);
      if (c.next() !== x) differC++;
      if (d.next() !== x) differD++;
    }
    assert.equal(differC, 1000);
    assert.equal(differD, 1000);
  });

  it('rejects seeds that are not safe integers and an all-zero state', () => {
    assert.throws(() => new Rng(1.5), OptlabError);
    assert.throws(() => new Rng(Number.NaN), OptlabError);
    assert.throws(() => new Rng(2 ** 60), OptlabError);
    assert.throws(() => Rng.fromState(0, 0, 0, 0), OptlabError);
    assert.doesNotThrow(() => new Rng(0));
    assert.doesNotThrow(() => new Rng(Number.MAX_SAFE_INTEGER));
  });

  it('next() stays in [0, 1) with mean 1/2 and variance 1/12 (1e5 draws, 5-sigma tolerances)', () => {
    const r = new Rng(2024);
    const n = 100000;
    let s = 0;
    let s2 = 0;
    for (let k = 0; k < n; k++) {
      const u = r.next();
      assert.ok(u >= 0 && u < 1);
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n), `mean ${mean}`);
    // Var of (U − 1/2)² is 1/180; 5 sigma of the sample variance ≈ 5·sqrt(1/180/n).
    assert.ok(Math.abs(variance - 1 / 12) < 5 * Math.sqrt(1 / 180 / n), `variance ${variance}`);
  });

  it('normal() has mean 0, variance 1 and P(|Z| < 1) ≈ 0.6827 (1e5 draws, 5-sigma tolerances)', () => {
    const r = new Rng(99);
    const n = 100000;
    let s = 0;
    let s2 = 0;
    let inside = 0;
    for (let k = 0; k < n; k++) {
      const z = r.normal();
      assert.ok(Number.isFinite(z));
      s += z;
      s2 += z * z;
      if (Math.abs(z) < 1) inside++;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
    // Var(Z²) = 2, so the sample variance has standard deviation ≈ sqrt(2/n).
    assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
    const p = 0.6826894921370859;
    assert.ok(Math.abs(inside / n - p) < 5 * Math.sqrt((p * (1 - p)) / n), `P(|Z|<1) ${inside / n}`);
  });

  it('int(n) is in range and uniform (counts within 5 sigma), and rejects bad n', () => {
    const r = new Rng(5);
    const n = 7;
    const draws = 70000;
    const counts = new Array<number>(n).fill(0);
    for (let k = 0; k < draws; k++) {
      const j = r.int(n);
      assert.ok(Number.isInteger(j) && j >= 0 && j < n);
      counts[j]++;
    }
    const sd = Math.sqrt(draws * (1 / n) * (1 - 1 / n));
    for (const c of counts) assert.ok(Math.abs(c - draws / n) < 5 * sd, `counts ${counts}`);
    assert.equal(r.int(1), 0);
    const big = r.int(2 ** 40);
    assert.ok(Number.isInteger(big) && big >= 0 && big < 2 ** 40);
    assert.throws(() => r.int(0), OptlabError);
    assert.throws(() => r.int(2.5), OptlabError);
    assert.throws(() => r.int(-3), OptlabError);
  });

  it('int(n) draws what the plain rejection formula draws, for n near every power of two up to 2^32', () => {
    const ns: number[] = [1, 2, 3, 5, 7, 10, 32561, 3000000000, 4294967295, 4294967296];
    for (let k = 1; k <= 32; k++) ns.push(2 ** k - 1, 2 ** k, 2 ** k + 1, Math.floor(1.5 * 2 ** k));
    const a = new Rng(77);
    const b = new Rng(77);
    for (let k = 0; k < 200000; k++) {
      const n = ns[k % ns.length];
      if (n > 4294967296) continue;
      assert.equal(a.int(n), plain(b, n), `n = ${n}, draw ${k}`);
    }
    // n just above 2³¹ rejects about half the outputs: the generators must stay in step
    assert.equal(a.nextUint32(), b.nextUint32());
  });

  it('shuffle equals Fisher–Yates with the plain formula for j', () => {
    const a = new Rng(9);
    const b = new Rng(9);
    const x = Int32Array.from({ length: 5000 }, (_, i) => i);
    const y = x.slice();
    a.shuffle(x);
    for (let i = y.length - 1; i > 0; i--) {
      const j = plain(b, i + 1);
      const t = y[i];
      y[i] = y[j];
      y[j] = t;
    }
    assert.deepEqual(x, y);
  });

  it('shuffle and permutation give permutations, and every position gets every value', () => {
    const r = new Rng(11);
    for (const n of [0, 1, 2, 5, 100]) {
      const p = r.permutation(n);
      assert.equal(p.length, n);
      assert.deepEqual(
        Array.from(p).sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
    }
    const a = Int32Array.from([10, 20, 30, 40, 50]);
    r.shuffle(a);
    assert.deepEqual(
      Array.from(a).sort((x, y) => x - y),
      [10, 20, 30, 40, 50],
    );
    // Uniformity of the first position over 4! permutations of 4 elements: each value with p = 1/4.
    const seen = new Array<number>(4).fill(0);
    for (let k = 0; k < 4000; k++) seen[r.permutation(4)[0]]++;
    for (const c of seen) assert.ok(Math.abs(c - 1000) < 5 * Math.sqrt(4000 * 0.25 * 0.75), `first ${seen}`);
  });
});
