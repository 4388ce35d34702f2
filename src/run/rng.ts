import { OptlabError } from '../errors.js';
import { log } from '../math/elementary.js';

/**
 * A small seeded pseudo-random generator, bit-reproducible for a seed on every JavaScript engine.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47(4), 2021; reference C code at https://prng.di.unimi.it/xoshiro128starstar.c), 128 bits of
 * state in four 32-bit words, period 2¹²⁸ − 1, all in 32-bit integer math (`Math.imul`, shifts, `>>> 0`).
 *
 * Seeding, as the authors recommend: the seed is read as a 64-bit two's-complement integer s and fed to
 * SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014);
 * its first two outputs o₁, o₂ give the state (lo32(o₁), hi32(o₁), lo32(o₂), hi32(o₂)). SplitMix64 is
 * a bijection of its counter, so the state is never all zero. BigInt is used for the seeding only.
 *
 * Derived draws:
 * - `next()`: 53-bit uniform in [0, 1) from two outputs, (u₁ >>> 5) · 2²⁶ + (u₂ >>> 6), divided by 2⁵³
 *   (the `genrand_res53` construction of Matsumoto & Nishimura's MT19937 reference code).
 * - `int(n)`: exactly uniform in [0, n) by rejection on 32-bit outputs (n ≤ 2³²), or ⌊next() · n⌋ above.
 * - `normal()`: standard normal by the Marsaglia polar method (Marsaglia & Bray, SIAM Review 6(3), 1964),
 *   which needs only log (our own, ../math/elementary.ts, the same bits on every engine) and `Math.sqrt`
 *   (correctly rounded by IEEE 754); the second variate of each pair is kept for the next call.
 * - `shuffle(a)`: Fisher–Yates (Durstenfeld's in-place form; Knuth, TAOCP vol. 2, §3.4.2, Algorithm P).
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second normal variate of the last polar pair, or NaN when none is pending. */
  private spare = Number.NaN;

  /** @param seed an integer with |seed| ≤ 2⁵³ − 1 (negative seeds are read modulo 2⁶⁴). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new OptlabError(`seed must be an integer, got ${seed}`);
    let state = BigInt.asUintN(64, BigInt(seed));
    const words: number[] = [];
    for (let k = 0; k < 2; k++) {
      const [out, nextState] = splitmix64(state);
      state = nextState;
      words.push(Number(out & 0xffffffffn), Number(out >> 32n));
    }
    [this.s0, this.s1, this.s2, this.s3] = words;
  }

  /** A generator with the given raw xoshiro128** state (four uint32 words, not all zero); for tests. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    if ((s0 | s1 | s2 | s3) >>> 0 === 0) throw new OptlabError('xoshiro128** state must not be all zero');
    const r = new Rng(0);
    r.s0 = s0 >>> 0;
    r.s1 = s1 >>> 0;
    r.s2 = s2 >>> 0;
    r.s3 = s3 >>> 0;
    return r;
  }

  /** Next raw 32-bit output of xoshiro128**, as an unsigned integer in [0, 2³²). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in [0, n) for an integer 1 ≤ n ≤ 2⁵³. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 9007199254740992) {
      throw new OptlabError(`int(n) needs an integer n in [1, 2^53], got ${n}`);
    }
    if (n > 4294967296) return Math.floor(this.next() * n);
    return this.below(n);
  }

  /**
   * u mod n for the first 32-bit output u below 2³² − (2³² mod n) (the top 2³² mod n outputs are rejected,
   * so that every residue is equally likely), for an integer 1 ≤ n ≤ 2³², unchecked (the shuffle's loop).
   * The same draws as the plain formula, 4× faster in V8: the limit is computed only when u ≥ 2³² − n (it
   * exceeds that), and u mod n as u − ⌊u/n⌋·n, corrected once, instead of a double `%` (a call to fmod):
   * fl(u/n) can only round up to the next integer, never below ⌊u/n⌋, and u − q·n is exact (q·n < 2⁵³).
   */
  private below(n: number): number {
    let u = this.nextUint32();
    if (u >= 4294967296 - n) {
      const limit = 4294967296 - (4294967296 % n);
      while (u >= limit) u = this.nextUint32();
    }
    const r = u - Math.floor(u / n) * n;
    return r < 0 ? r + n : r;
  }

  /** Standard normal N(0, 1) (Marsaglia polar method). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * log(q)) / q);
    this.spare = v * f;
    return u * f;
  }

  /** Shuffles `a` in place, uniformly over its permutations (Fisher–Yates). */
  shuffle(a: Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** A uniformly random permutation of 0..n−1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const MASK64 = 0xffffffffffffffffn;

/** One SplitMix64 step: returns (output, next state). */
function splitmix64(state: bigint): [bigint, bigint] {
  const s = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [z ^ (z >> 31n), s];
}
