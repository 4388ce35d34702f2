/**
 * exp, log1p and log of our own, built from IEEE-754 operations that every engine rounds the same way
 * (+ − × ÷ and comparisons on doubles, 32-bit integer operations on the words of a double), so that the
 * numerical core gives the same bits in Node and in any browser. `Math.exp`, `Math.log1p`, `Math.log` and
 * `Math.pow` are implementation-defined (ECMA-262 §21.3.2: "implementation-approximated"): Chromium 156's
 * V8 rounds about 10 % of `Math.exp` results differently from Node 20's.
 *
 * The three functions are ports of fdlibm 5.3 (Sun Microsystems, http://www.netlib.org/fdlibm: e_exp.c,
 * s_log1p.c, e_log.c), as V8 11.3 (Node 20) ships them in src/base/ieee754.cc, so they return exactly what
 * Node 20's `Math.exp`, `Math.log1p` and `Math.log` return (the tests check it on millions of arguments);
 * optlab's recorded results do not move. Error bounds (fdlibm's analyses): exp < 1 ulp, log1p < 1 ulp,
 * log < 1 ulp. The WebAssembly kernels (wasm/kernels.wat) carry instruction-for-instruction twins of
 * `exp` and `log1p`, so JavaScript and WebAssembly agree bit for bit.
 *
 * A double's words are read and written through one shared 8-byte buffer viewed as Float64Array and
 * Int32Array (no BigInt); the word order follows the platform's endianness, found once.
 *
 * fdlibm's notice, which its licence asks us to keep:
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunSoft, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted, provided that this
 *   notice is preserved.
 */

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
/** Index of the high (sign, exponent, top 20 fraction bits) word in I32. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** The high 32 bits of x, as a signed integer. */
export function highWord(x: number): number {
  F64[0] = x;
  return I32[HI];
}

/** The low 32 bits of x, as a signed integer. */
export function lowWord(x: number): number {
  F64[0] = x;
  return I32[LO];
}

/** The double with words (hi, lo). */
export function fromWords(hi: number, lo: number): number {
  I32[HI] = hi;
  I32[LO] = lo;
  return F64[0];
}

/** x with its high word replaced by hi. */
function withHighWord(x: number, hi: number): number {
  F64[0] = x;
  I32[HI] = hi;
  return F64[0];
}

// exp (e_exp.c)
const LN2_HI = fromWords(0x3fe62e42, 0xfee00000 | 0); // 6.93147180369123816490e-01
const LN2_LO = fromWords(0x3dea39ef, 0x35793c76); // 1.90821492927058770002e-10
const INV_LN2 = fromWords(0x3ff71547, 0x652b82fe); // 1.44269504088896338700e+00
const P1 = fromWords(0x3fc55555, 0x5555553e); // 1.66666666666666019037e-01
const P2 = fromWords(0xbf66c16c | 0, 0x16bebd93); // -2.77777777770155933842e-03
const P3 = fromWords(0x3f11566a, 0xaf25de2c | 0); // 6.61375632143793436117e-05
const P4 = fromWords(0xbebbbd41 | 0, 0xc5d26bf1 | 0); // -1.65339022054652515390e-06
const P5 = fromWords(0x3e663769, 0x72bea4d0); // 4.13813679705723846039e-08
const O_THRESHOLD = fromWords(0x40862e42, 0xfefa39ef | 0); // 7.09782712893383973096e+02
const U_THRESHOLD = fromWords(0xc0874910 | 0, 0xd52d3051 | 0); // -7.45133219101941108420e+02
const TWO_M1000 = fromWords(0x01700000, 0); // 2^-1000
const TWO_1023 = fromWords(0x7fe00000, 0); // 2^1023
const E = fromWords(0x4005bf0a, 0x8b145769 | 0); // e, correctly rounded (V8 returns it for exp(1))

/**
 * e^x (fdlibm's algorithm). Reduce x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split into a 32-bit high part,
 * so k·ln2_hi is exact, and a low part); approximate e^r = 1 + r + r·c(r)/(2 − c(r)) with
 * c(r) = r − r²(P1 + r²(P2 + … + r²P5)) (a Remez fit of degree 5 in r², error < 2^−59); scale by 2^k
 * built from its bits. Error < 1 ulp. exp(±0) = 1, exp(+∞) = +∞, exp(−∞) = +0, exp(NaN) = NaN,
 * +∞ above 709.782712893384, +0 below −745.1332191019411.
 */
export function exp(x: number): number {
  F64[0] = x;
  let hx = I32[HI];
  const xsb = hx >>> 31;
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: NaN, ±∞, overflow or underflow
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | I32[LO]) !== 0) return x + x;
      return xsb === 0 ? x : 0;
    }
    if (x > O_THRESHOLD) return Number.POSITIVE_INFINITY;
    if (x < U_THRESHOLD) return 0;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 3·ln2/2: k = ±1
      if (x === 1) return E;
      if (xsb === 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = (INV_LN2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0; // truncation toward zero, as C's (int)
      hi = x - k * LN2_HI; // exact: k has at most 11 bits, LN2_HI 32
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28: e^x = 1 + x to within half an ulp
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * TWO_1023;
    return y * fromWords((0x3ff00000 + (k << 20)) | 0, 0);
  }
  return y * fromWords((0x3ff00000 + ((k + 1000) << 20)) | 0, 0) * TWO_M1000;
}

// log1p (s_log1p.c) and log (e_log.c) share their polynomial
const TWO54 = fromWords(0x43500000, 0); // 2^54
const LG1 = fromWords(0x3fe55555, 0x55555593); // 6.666666666666735130e-01
const LG2 = fromWords(0x3fd99999, 0x9997fa04 | 0); // 3.999999999940941908e-01
const LG3 = fromWords(0x3fd24924, 0x94229359 | 0); // 2.857142874366239149e-01
const LG4 = fromWords(0x3fcc71c5, 0x1d8e78af); // 2.222219843214978396e-01
const LG5 = fromWords(0x3fc74664, 0x96cb03de | 0); // 1.818357216161805012e-01
const LG6 = fromWords(0x3fc39a09, 0xd078c69f | 0); // 1.531383769920937332e-01
const LG7 = fromWords(0x3fc2f112, 0xdf3e5244 | 0); // 1.479819860511658591e-01

/**
 * log(1 + x), accurate for small x (fdlibm's algorithm). Write 1 + x = 2^k (1 + f) with √2/2 < 1 + f < √2
 * (k = 0 and f = x when that already holds), with a correction c for the rounding of 1 + x; with
 * s = f/(2 + f), log(1 + f) = f − (f²/2 − s(f²/2 + R(s²))), R a Remez fit of degree 7 in s² (error
 * < 2^−58.45); the result is k·ln2_hi + (k·ln2_lo + c + log(1 + f)). Error < 1 ulp. log1p(±0) = ±0,
 * log1p(−1) = −∞, log1p(x < −1) = NaN, log1p(+∞) = +∞, log1p(NaN) = NaN.
 */
export function log1p(x: number): number {
  F64[0] = x;
  const hx = I32[HI];
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) {
    // 1 + x < √2 (and x negative or small)
    if (ax >= 0x3ff00000) {
      // x ≤ −1
      if (x === -1) return Number.NEGATIVE_INFINITY;
      return Number.NaN;
    }
    if (ax < 0x3e200000) {
      // |x| < 2^-29
      if (ax < 0x3c900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) {
      // −0.2929 < x < 0.41422: 1 + x already in [√2/2, √2)
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1 - (u - x) : x - (u - 1); // correction term for the rounding of 1 + x
      c /= u;
    } else {
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHighWord(u, hu | 0x3ff00000); // normalize u
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3fe00000); // normalize u/2
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    // |f| < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      c += k * LN2_LO;
      return k * LN2_HI + c;
    }
    const R = hfsq * (1 - 0.6666666666666666 * f);
    if (k === 0) return f - R;
    return k * LN2_HI - (R - (k * LN2_LO + c) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + (k * LN2_LO + c)) - f);
}

/**
 * Natural logarithm (fdlibm's algorithm): x = 2^k (1 + f) with √2/2 < 1 + f < √2, then log(1 + f) from
 * s = f/(2 + f) and the same degree-7 polynomial in s² as `log1p` (split in even and odd halves).
 * Error < 1 ulp. log(±0) = −∞, log(x < 0) = NaN, log(+∞) = +∞, log(NaN) = NaN.
 */
export function log(x: number): number {
  F64[0] = x;
  let hx = I32[HI];
  const lx = I32[LO];
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: zero, negative or subnormal
    if (((hx & 0x7fffffff) | lx) === 0) return Number.NEGATIVE_INFINITY;
    if (hx < 0) return Number.NaN;
    k -= 54;
    x *= TWO54; // scale a subnormal up
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, hx | (i ^ 0x3ff00000)); // normalize x or x/2
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) {
    // −2^-20 ≤ f < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      return k * LN2_HI + k * LN2_LO;
    }
    const R = f * f * (0.5 - 0.3333333333333333 * f);
    if (k === 0) return f - R;
    return k * LN2_HI - (R - k * LN2_LO - f);
  }
  const s = f / (2 + f);
  const dk = k;
  const z = s * s;
  let j = hx - 0x6147a;
  const w = z * z;
  const j2 = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  j |= j2;
  const R = t2 + t1;
  if (j > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

/**
 * bⁿ for an integer n ≥ 0 by binary powering (right-to-left square and multiply), the same bits on every
 * engine (unlike `Math.pow` and `**`, which are implementation-approximated). Every product is correctly
 * rounded, and a relative error ε in b^(2^j) becomes 2ε in its square, so the result is within about
 * (n − 1) · 2^−53 relative of bⁿ (n − 1 ulps; exact when every partial product is representable, as for
 * small integers and powers of two). For Adam's bias corrections 1 − βᵗ that is far below what matters.
 */
export function powInt(b: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`powInt needs an integer n >= 0, got ${n}`);
  let result = 1;
  let base = b;
  let m = n;
  while (m > 0) {
    if (m % 2 === 1) result *= base;
    m = Math.floor(m / 2);
    if (m > 0) base *= base;
  }
  return result;
}
