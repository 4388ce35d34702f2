// The three-pass WebAssembly kernels of src/objectives/wasm/fast.ts, written out as WAT text by small
// functions (run by scripts/build-wasm.mjs, which appends them to kernels.wat). WAT has no macros, and each
// pass exists for several index widths and for binary or valued data: writing the variants by hand would
// repeat the same loop a dozen times. Every function below is plain WAT once expanded (see the generated
// module with `wasm2wat`); the comments carry the formulas.
//
// Passes over a tile of m rows (byte pointers into the module's memory):
//   rowsZ_<W>_<B>:  z[t] = a_iᵀx for rows i = r0 + t (or idx[t]), gathers with 4 independent partial sums;
//                   with a batch, also yb[t] = y[i]
//   lossLsq/lossLog: a branch-free f64x2 pass over the margins: Σ ℓ(z_t, y_t), and c[t] = scale·ℓ'(z_t, y_t)
//   cscG_<R>_<B>:   g[j] += Σ_{t ∈ tile, a_tj ≠ 0} c[t]·a_tj through the tile's CSC copy of the pattern (a
//                   gather per column, no scatter), 4 partial sums
//   scatterG_<W>_<B>: g[ci[k]] += c[t]·a_tk over the rows of a mini-batch (a batch has no CSC copy)
// W: width in bits of the CSR column indices (8, 16, 32, chosen from d); R: width of the CSC row indices
// inside a tile (16 or 32); B: `b` binary (every value 1, no values array) or `v` (float64 values).

/** Entries of exp's table of 2^(j/N), j = 0..N−1. */
export const EXP_N = 128;
/** ln2/N: head with 35 significant bits, and the rest (ln 2 = Math.LN2 + 2.319046813846299558e-17). */
const LN2N_HI = Math.round((Math.LN2 / EXP_N) * 2 ** 42) / 2 ** 42;
const LN2N_LO = Math.LN2 / EXP_N - LN2N_HI + 2.319046813846299558e-17 / EXP_N;

/**
 * 2^(j/N) for j = 0..N−1 as [head, tail]: head the double nearest, tail = (2^(j/N) − head)/head. Computed
 * exactly: ⌊2^(j/N) · 2^120⌋ is the integer N-th root of 2^(j + 120N), by Newton's method in BigInt.
 */
export function expTable(N = EXP_N) {
  const P = 120n;
  const n = BigInt(N);
  const out = [];
  for (let j = 0; j < N; j++) {
    const A = 1n << (BigInt(j) + P * n);
    let x = 1n << (P + 1n); // above the root: Newton's iterates decrease to it
    for (;;) {
      const next = ((n - 1n) * x + A / x ** (n - 1n)) / n;
      if (next >= x) break;
      x = next;
    }
    while (x ** n > A) x -= 1n;
    while ((x + 1n) ** n <= A) x += 1n;
    const headInt = (x + (1n << (P - 53n))) >> (P - 52n); // rounded to 53 bits (ties: never, 2^(j/N) is irrational)
    const head = Number(headInt) / 2 ** 52;
    out.push([head, Number(x - (headInt << (P - 52n))) / 2 ** Number(P) / head]);
  }
  return out;
}

/**
 * log1p's table has an entry per point E = 2^(ki/N) of exp's table with ki ∈ [−LOG_KI, 0] (E ≥ 2^−11), and
 * one entry for every ki below. exp's shifter carries ki + LOG_OFFSET (a multiple of N, so j = ki mod N is
 * unchanged) in its low bits: LOG_LOW = LOG_OFFSET − LOG_KI − 1 is the index of the entry for ki < −LOG_KI,
 * LOG_OFFSET that of ki = 0.
 */
export const LOG_KI = 11 * EXP_N;
export const LOG_OFFSET = 12 * EXP_N;
export const LOG_LOW = LOG_OFFSET - LOG_KI - 1;

/**
 * log(1 + M/2^q) (M, q ≥ 0 integers) correctly rounded: 2^P·log(1 + x) = 2^(P+1)·atanh(M/(2^(q+1) + M)) summed
 * in BigInt fixed point (P = q + 160; each truncated term is off by less than 1), rounded once by Number();
 * a value within 2^−100 (relative) of a rounding tie throws.
 */
export function log1pExact(M, q) {
  const P = BigInt(q) + 160n;
  const num = BigInt(M);
  const den = (1n << BigInt(q + 1)) + num;
  let power = (num << P) / den;
  let sum = 0n;
  for (let j = 1n; power > 0n; j += 2n) {
    sum += power / j;
    power = (power * num * num) / (den * den);
  }
  const v = 2n * sum;
  if (v === 0n) return 0;
  const slack = (v >> 100n) + 64n;
  if (Number(v - slack) !== Number(v + slack)) throw new Error(`log(1 + ${M}/2^${q}) is too near a tie`);
  return Number(v) / 2 ** Number(P);
}

/**
 * log1p's table, entries i = LOG_LOW..LOG_OFFSET: for ki = i − LOG_OFFSET ≥ −LOG_KI, [E/(1 + E), log(1 + E)]
 * with E = 2^k·head_j the double that exp scales by (ki = kN + j; the log correctly rounded, E/(1 + E) to an
 * ulp or two, which is enough: see vlog1p); the first entry (every ki below) is [0, 0].
 */
export function logTable() {
  const heads = expTable().map(([head]) => head);
  const out = [[0, 0]];
  for (let ki = -LOG_KI; ki <= 0; ki++) {
    const j = ((ki % EXP_N) + EXP_N) % EXP_N;
    const k = (ki - j) / EXP_N;
    const E = heads[j] * 2 ** k;
    out.push([E / (1 + E), log1pExact(heads[j] * 2 ** 52, 52 - k)]);
  }
  return out;
}

/** Named f64x2 constants (both lanes equal), in the data segment at CONST_BASE, 16 bytes each. */
const F64_CONSTANTS = {
  ONE: 1,
  ZERO: 0,
  // exp: e^t for t ∈ [−746, 0] (t is clamped there: e^−746 rounds to 0 already)
  MIN_ARG: -746,
  TWO_M128: 2 ** -128,
  INVLN2N: EXP_N / Math.LN2,
  // 1.5·2^52 + LOG_OFFSET: t·N/ln2 + SHIFTER rounds to the nearest integer ki, ki + LOG_OFFSET held in the low bits
  SHIFTER: 6755399441055744 + LOG_OFFSET,
  // −ln2/N in two parts: the head with 35 significant bits, so that ki·head is exact for |ki| < 2^18
  NEG_LN2N_HI: -LN2N_HI,
  NEG_LN2N_LO: -LN2N_LO,
  // Taylor coefficients of e^r − 1 − r: on |r| ≤ ln2/2N the remainder r⁶/720 is below 6e-19
  C2: 1 / 2,
  C3: 1 / 6,
  C4: 1 / 24,
  C5: 1 / 120,
  // Taylor coefficients of log1p(q) − q: on |q| ≤ 2^−11 the remainder q⁶/6 is below 2^−57.5 |q|
  L2: -1 / 2,
  L3: 1 / 3,
  L4: -1 / 4,
  L5: 1 / 5,
};
/** Byte address of the constant table (JavaScript layouts start above CONST_END). */
export const CONST_BASE = 16;
const names = Object.keys(F64_CONSTANTS);
/**
 * Integer constants: the lane-0 mask (all ones in lane 0, zeros in lane 1), the sign bits, and the bits of
 * 1.5·2^52 + LOG_LOW + 1: exp's shifted ki is below them (as integers) when ki < −LOG_KI.
 */
const BELOW = 0x4338000000000000n + BigInt(LOG_LOW + 1);
const I64_CONSTANTS = { LANE0: [-1n, 0n], SIGN: [-(2n ** 63n), -(2n ** 63n)], LOG_BELOW: [BELOW, BELOW] };
const allNames = [...names, ...Object.keys(I64_CONSTANTS)];
/**
 * Byte address of exp's table: N entries of 16 bytes, [tail (f64), bits of head − (j << 45) + ((128 − O/N) << 52)]
 * (O = LOG_OFFSET, which the shifted ki carries).
 */
export const TABLE_BASE = Math.ceil((CONST_BASE + 16 * allNames.length) / 64) * 64;
/**
 * Byte address of log1p's table (logTable: entry i at LOG_TABLE_BASE + 16 (i − LOG_LOW)). The index is
 * masked to 2047 (it lies in LOG_LOW..LOG_OFFSET but for a NaN lane, whose bits are arbitrary), and the
 * block reserved reaches index 2047: every masked index reads inside the constants.
 */
export const LOG_TABLE_BASE = TABLE_BASE + 16 * EXP_N;
export const CONST_END = LOG_TABLE_BASE + 16 * (2048 - LOG_LOW);
/** Rows of the fixed c block (a tile's c, m + 2 doubles with the loss pass's padding). */
export const C_ROWS = 2048;
/** The fixed address of a c block (above the constants): cscG folds it into its loads when c is there. */
export const C_BASE = Math.ceil(CONST_END / 64) * 64;
/** The fixed address of x (d float64), above the c block: gathers from x fold it into the load. */
export const X_BASE = C_BASE + Math.ceil((8 * (C_ROWS + 2)) / 64) * 64 + 64;
const at = (name) => {
  const i = allNames.indexOf(name);
  if (i < 0) throw new Error(`no constant ${name}`);
  return CONST_BASE + 16 * i;
};

/** The data segment holding the constants. */
function dataSegment() {
  const buf = new DataView(new ArrayBuffer(16 * allNames.length));
  names.forEach((n, i) => {
    buf.setFloat64(16 * i, F64_CONSTANTS[n], true);
    buf.setFloat64(16 * i + 8, F64_CONSTANTS[n], true);
  });
  Object.values(I64_CONSTANTS).forEach(([a, b], j) => {
    const i = names.length + j;
    buf.setBigInt64(16 * i, a, true);
    buf.setBigInt64(16 * i + 8, b, true);
  });
  const table = new DataView(new ArrayBuffer(16 * EXP_N));
  expTable().forEach(([head, tail], j) => {
    table.setFloat64(16 * j, tail, true);
    table.setFloat64(16 * j + 8, head, true);
    const bits = table.getBigInt64(16 * j + 8, true) - (BigInt(j) << 45n) + (BigInt(128 - LOG_OFFSET / EXP_N) << 52n);
    table.setBigInt64(16 * j + 8, bits, true);
  });
  const entries = logTable();
  const logs = new DataView(new ArrayBuffer(16 * entries.length));
  entries.forEach(([w, log], k) => {
    logs.setFloat64(16 * k, w, true);
    logs.setFloat64(16 * k + 8, log, true);
  });
  const hex = (view) => {
    let s = '';
    for (let i = 0; i < view.byteLength; i++) s += `\\${view.getUint8(i).toString(16).padStart(2, '0')}`;
    return s;
  };
  return (
    `  ;; SIMD constants (f64x2 splats, then the i64x2 ones), loaded once per call into locals\n  (data (i32.const ${CONST_BASE}) "${hex(buf)}")\n` +
    `  ;; exp's table of 2^(j/${EXP_N})\n  (data (i32.const ${TABLE_BASE}) "${hex(table)}")\n` +
    `  ;; log1p's table of E/(1 + E), log(1 + E) for exp's points E\n  (data (i32.const ${LOG_TABLE_BASE}) "${hex(logs)}")\n`
  );
}

const g = (name) => `(local.get $${name})`;
/** Locals holding the constants used by a function, and their loads (function prologue). */
function constants(list) {
  return {
    locals: list.map((n) => `(local $K${n} v128)`).join(' '),
    loads: list.map((n) => `    (local.set $K${n} (v128.load (i32.const ${at(n)})))`).join('\n'),
  };
}
const K = (name) => `(local.get $K${name})`;
const add = (a, b) => `(f64x2.add ${a} ${b})`;
const sub = (a, b) => `(f64x2.sub ${a} ${b})`;
const mul = (a, b) => `(f64x2.mul ${a} ${b})`;
const set = (name, v) => `      (local.set $${name} ${v})`;

const EXP_CONSTANTS = ['INVLN2N', 'SHIFTER', 'NEG_LN2N_HI', 'NEG_LN2N_LO', 'ONE', 'C2', 'C3', 'C4', 'C5', 'TWO_M128'];

/** The 16-byte table entries at $j0 and $j1 (lane 0's, lane 1's) into $ta and $tb. */
const tableLoads = (base) => [
  set('ta', `(v128.load offset=${base} (local.get $j0))`),
  set('tb', `(v128.load offset=${base} (local.get $j1))`),
];
/** [first double of $ta, first of $tb] (low) or the second doubles (high). */
const lowHalves = () => `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${g('ta')} ${g('tb')})`;
const highHalves = () => `(i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 ${g('ta')} ${g('tb')})`;

/**
 * e^t for t in $t (t ∈ [−746, 0]) into $e, by a table of 2^(j/N) (N = 128; ARM's optimized-routines exp,
 * without FMA): ki = round(t N/ln2) by the 1.5·2^52 + O shifter (ki + O in the low bits of $kk, O =
 * LOG_OFFSET, and in $l0/$l1 for log1p's table), r = t − ki ln2/N (Cody–Waite, ln2/N in two parts),
 * |r| ≤ ln2/2N; with j = ki mod N and k = ⌊ki/N⌋,
 *   e^t = 2^k · head_j (1 + tmp),  tmp = tail_j + r + r²(1/2 + r/6) + r⁴(1/24 + r/120)  (kept in $tmp),
 * 2^k·head_j from the bits (the table holds head_j's bits − (j << 45) + ((128 − O/N) << 52): adding
 * (ki + O) << 45 gives 2^(k+128)·head_j, normal for every k ≥ −1077), then · 2^−128 (subnormal results
 * rounded once more). The two lanes' table entries are loaded whole and transposed by two shuffles. Within
 * 2 ulps of e^t (0 or 1 ulp off on 99.5 % of 110k test arguments), no branch; a third fewer floating-point
 * operations than a degree-11 polynomial without a table.
 */
function vexp() {
  return [
    set('kk', add(mul(g('t'), K('INVLN2N')), K('SHIFTER'))),
    set('kf', sub(g('kk'), K('SHIFTER'))),
    set('r', add(add(g('t'), mul(g('kf'), K('NEG_LN2N_HI'))), mul(g('kf'), K('NEG_LN2N_LO')))),
    `      (local.set $l0 (i32.wrap_i64 (i64x2.extract_lane 0 ${g('kk')})))`,
    `      (local.set $l1 (i32.wrap_i64 (i64x2.extract_lane 1 ${g('kk')})))`,
    `      (local.set $j0 (i32.shl (i32.and (local.get $l0) (i32.const ${EXP_N - 1})) (i32.const 4)))`,
    `      (local.set $j1 (i32.shl (i32.and (local.get $l1) (i32.const ${EXP_N - 1})) (i32.const 4)))`,
    ...tableLoads(TABLE_BASE),
    set('r2', mul(g('r'), g('r'))),
    set(
      'tmp',
      add(
        add(add(lowHalves(), g('r')), mul(g('r2'), add(K('C2'), mul(g('r'), K('C3'))))),
        mul(mul(g('r2'), g('r2')), add(K('C4'), mul(g('r'), K('C5')))),
      ),
    ),
    // $kf now holds 2^(k+128)·head_j
    set('kf', `(i64x2.add ${highHalves()} (i64x2.shl ${g('kk')} (i32.const 45)))`),
    set('e', mul(add(g('kf'), mul(g('kf'), g('tmp'))), K('TWO_M128'))),
  ].join('\n');
}

/**
 * A loss pass: over t = 0..m−1 in pairs, z and y from $z and $y, Σ ℓ into $acc lanes (lane 0: even t, lane
 * 1: odd t; summed at the end), c[t] stored. The odd tail is one more pair with lane 1 masked out of the sum
 * (its c is written into the buffer's padding).
 */
function lossPass(name, doc, extra, body, scale = '(local.get $scale)') {
  const list = [...new Set([...EXP_CONSTANTS, 'MIN_ARG', 'ZERO', 'SIGN', ...extra])];
  const { locals, loads } = constants(list);
  const step = (masked) =>
    [
      set('zz', `(v128.load (local.get $pz))`),
      set('yy', `(v128.load (local.get $py))`),
      body,
      set(
        'acc',
        add(g('acc'), masked ? `(v128.and ${g('loss')} (v128.load (i32.const ${at('LANE0')})))` : g('loss')),
      ),
      `      (v128.store (local.get $pc) ${g('cc')})`,
    ].join('\n');
  return `
  ;; ${doc}
  (func (export "${name}") (param $z i32) (param $y i32) (param $c i32) (param $m i32) (param $scale f64)
    (result f64)
    (local $pz i32) (local $py i32) (local $pc i32) (local $end i32) (local $sc v128) (local $acc v128)
    (local $zz v128) (local $yy v128) (local $t v128) (local $kk v128) (local $kf v128) (local $r v128)
    (local $r2 v128) (local $r4 v128) (local $e v128) (local $u v128) (local $big v128) (local $small v128)
    (local $pos v128) (local $res v128) (local $loss v128) (local $cc v128) (local $mm v128) (local $f v128)
    (local $j0 i32) (local $j1 i32) (local $l0 i32) (local $l1 i32) (local $ta v128) (local $tb v128) (local $tmp v128)
    (local $km v128) (local $s v128) (local $q v128) (local $R v128) (local $hfsq v128) (local $kq v128)
    ${locals}
${loads}
    (local.set $sc (f64x2.splat ${scale}))
    (local.set $pz (local.get $z))
    (local.set $py (local.get $y))
    (local.set $pc (local.get $c))
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.shr_u (local.get $m) (i32.const 1)) (i32.const 4))))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $pz) (local.get $end)))
${step(false)}
      (local.set $pz (i32.add (local.get $pz) (i32.const 16)))
      (local.set $py (i32.add (local.get $py) (i32.const 16)))
      (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
      (br $pairs)))
    (if (i32.and (local.get $m) (i32.const 1))
      (then
${step(true)}))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
`;
}

/**
 * t = −|v| (the sign bit set: one `or`, where V8 builds abs and neg from constants it loads each time)
 * clamped to [−746, 0] (NaN stays NaN: pmax keeps its first operand when the comparison fails).
 */
const clampedArg = (v) => set('t', `(f64x2.pmax (v128.or ${g(v)} ${K('SIGN')}) ${K('MIN_ARG')})`);

/**
 * Sigmoid least squares: e = e^{−|z|}, σ(|z|) = 1/(1+e) ("big"), σ(−|z|) = e/(1+e) ("small");
 * r = y − σ(z) = (y − 1) + small when z ≥ 0, y − small otherwise; ℓ = r², ℓ' = −2 r σ(z) σ(−z).
 * r without a select (V8's bitselect is three instructions): with p = [z ≥ 0],
 * r = (y − p) − (small with its sign flipped when p), the same bits as either branch.
 */
function lossLsq() {
  const body = [
    clampedArg('zz'),
    vexp(),
    set('big', `(f64x2.div ${K('ONE')} ${add(K('ONE'), g('e'))})`),
    set('small', mul(g('e'), g('big'))),
    // [z ≥ 0] as the sign bit clear (an integer compare; z = −0 takes the other branch, with the same value)
    set('pos', `(i64x2.gt_s ${g('zz')} (v128.const i64x2 -1 -1))`),
    set('r', sub(sub(g('yy'), `(v128.and ${g('pos')} ${K('ONE')})`), `(v128.xor ${g('small')} (v128.and ${g('pos')} ${K('SIGN')}))`)),
    set('loss', mul(g('r'), g('r'))),
    set('cc', mul(mul(g('r'), mul(g('big'), g('small'))), g('sc'))),
  ].join('\n');
  return lossPass(
    'lossLsq',
    'sigmoid least squares over margins: Σ (y − σ(z))², c = scale·ℓ′ = −2·scale·r σ(z) σ(−z)',
    [],
    body,
    '(f64.mul (f64.const -2) (local.get $scale))',
  );
}

/**
 * log1p(e) for the e = e^t that vexp just computed (so e ∈ [0, 1], or NaN) into $res, with no division and
 * no second reduction: vexp's own e^t = E (1 + tmp), E = 2^k·head_j, gives
 *   log1p(e^t) = log(1 + E) + log1p(q),  q = tmp · E/(1 + E),
 * with [E/(1 + E), log(1 + E)] from a table indexed by vexp's ki (logTable: 1409 points E ≥ 2^−11, the
 * index from the integer lanes vexp extracted, clamped below by a scalar select). Below the table (E <
 * 2^−11) the entry is [0, 0] and q = e instead (e < 2^−10.99; the lanes masked by one integer compare of
 * $kk). |tmp| ≤ ln2/2N + 2^−53 and E/(1 + E) ≤ 1/2, so |q| ≤ 2^−9.5 in the table, and
 *   log1p(q) = (q + q²(−1/2 + q/3)) + q⁴(−1/4 + q/5)  (Taylor, remainder ≤ q⁶/6; Estrin's order),
 * relative error ≤ 2^−57.5 for q = e < 2^−10.99, and ≤ 2^−50.2 |q| ≤ 2^−58.7 log1p(e^t) in the table
 * (there |q| ≤ |tmp| log(1 + E) ≤ 2^−8.5 log1p(e^t)): what the rounding of q, tmp and E/(1 + E) does is as
 * small. What remains is the table's rounding of log(1 + E) (half an ulp) and the last addition's: the
 * softplus is within 1 ulp of the exact value on test/objectives/wasm-log1p.test.ts's margins, the log1p
 * of the unrounded E (1 + tmp) rather than of the rounded e. 1 + e is never formed. (Tang's table scheme,
 * "Table-driven implementation of the logarithm function in IEEE floating-point arithmetic", ACM TOMS
 * 16(4), 1990, with the table points of the exponential's, so that the reduction is exp's own.)
 */
function vlog1p() {
  const idx = (l) =>
    `(i32.shl (i32.and (select (local.get $${l}) (i32.const ${LOG_LOW}) (i32.gt_s (local.get $${l}) (i32.const ${LOG_LOW}))) (i32.const 2047)) (i32.const 4))`;
  return [
    `      (local.set $j0 ${idx('l0')})`,
    `      (local.set $j1 ${idx('l1')})`,
    ...tableLoads(LOG_TABLE_BASE - 16 * LOG_LOW),
    // q = tmp·E/(1 + E) in the table, e below it (where the entry is [0, 0])
    set('f', add(mul(g('tmp'), lowHalves()), `(v128.and ${g('e')} (i64x2.gt_s ${K('LOG_BELOW')} ${g('kk')}))`)),
    set('r2', mul(g('f'), g('f'))),
    // Estrin's scheme: (q + q²(L2 + q L3)) + q⁴(L4 + q L5), a shorter dependency chain than Horner's
    set('res', add(highHalves(), add(add(g('f'), mul(g('r2'), add(K('L2'), mul(g('f'), K('L3'))))), mul(mul(g('r2'), g('r2')), add(K('L4'), mul(g('f'), K('L5'))))))),
  ].join('\n');
}
const LOG1P_CONSTANTS = ['LOG_BELOW', 'L2', 'L3', 'L4', 'L5'];

/**
 * Logistic: ỹ = +1 if y = 1 else −1, m = −ỹz, ℓ = softplus(m) = max(m, 0) + log1p(e^{−|m|}), ℓ' = −ỹ σ(m),
 * with log1p by vlog1p.
 */
function lossLog() {
  const body = [
    // ỹ's sign bit (set when y = 1): m = −ỹz and c = −ỹσ(m)·scale flip signs with one xor each
    // (masks from integer compares of the bits where they equal the float ones: the FP add/compare ports are
    // the pass's bottleneck, the integer SIMD ones are not)
    set('pos', `(v128.and (i64x2.eq ${g('yy')} ${K('ONE')}) ${K('SIGN')})`),
    set('mm', `(v128.xor ${g('zz')} ${g('pos')})`),
    clampedArg('mm'),
    vexp(),
    set('big', `(f64x2.div ${K('ONE')} ${add(K('ONE'), g('e'))})`),
    vlog1p(),
    // [m < 0] from the sign bit (m = −0 gives e = 1, where both branches agree)
    set('q', `(i64x2.gt_s (v128.const i64x2 0 0) ${g('mm')})`),
    set('loss', add(`(v128.andnot ${g('mm')} ${g('q')})`, g('res'))),
    // σ(m) = (1 if m ≥ 0 else e)/(1 + e): the numerator is max(e, [m ≥ 0])
    set('s', mul(`(f64x2.pmax ${g('e')} (v128.andnot ${K('ONE')} ${g('q')}))`, g('big'))),
    set('cc', mul(`(v128.xor ${g('s')} ${g('pos')})`, g('sc'))),
  ].join('\n');
  return lossPass(
    'lossLog',
    'logistic over margins: Σ softplus(−ỹz), c = scale·ℓ′',
    LOG1P_CONSTANTS,
    body,
  );
}

/** Index load of width w bits at byte pointer p + offset (elements). */
function loadIndex(w, p, element) {
  const off = (element * w) / 8;
  if (w === 8) return `(i32.load8_u offset=${off} ${p})`;
  if (w === 16) return `(i32.load16_u offset=${off} ${p})`;
  return `(i32.load offset=${off} ${p})`;
}
const log2 = (w) => ({ 8: 0, 16: 1, 32: 2 })[w];

/**
 * A 4-way gather Σ_k v[idx[k]] (· val[k]) over k ∈ [lo, hi): $pi walks the indices, $pv the values; the
 * four sums $s0..$s3 are independent chains, combined (s0 + s1) + (s2 + s3); $base is v's address.
 * Leaves the sum in $s0.
 */
function gather(w, binary, fixedBase) {
  const term = (j) => {
    const index = loadIndex(w, '(local.get $pi)', j);
    // x at the fixed address X_BASE: the address folds into the load (x[idx] = X_BASE + 8 idx); c at
    // C_BASE ('c'): the indices are byte offsets 8t (pre-multiplied when the copy was built), folded too;
    // elsewhere they are byte offsets from $base
    const x =
      fixedBase === true
        ? `(f64.load offset=${X_BASE} (i32.shl ${index} (i32.const 3)))`
        : fixedBase === 'c'
          ? `(f64.load offset=${C_BASE} ${index})`
          : `(f64.load (i32.add (local.get $base) ${index}))`;
    return binary ? x : `(f64.mul (f64.load offset=${8 * j} (local.get $pv)) ${x})`;
  };
  const adv = (n) =>
    [
      `(local.set $pi (i32.add (local.get $pi) (i32.const ${(n * w) / 8})))`,
      binary ? '' : `(local.set $pv (i32.add (local.get $pv) (i32.const ${8 * n})))`,
    ].join(' ');
  return `
        (local.set $s0 (f64.const 0)) (local.set $s1 (f64.const 0))
        (local.set $s2 (f64.const 0)) (local.set $s3 (f64.const 0))
        (local.set $pe4 (i32.sub (local.get $pe) (i32.const ${(3 * w) / 8})))
        (block $g4end (loop $g4
          (br_if $g4end (i32.ge_u (local.get $pi) (local.get $pe4)))
          (local.set $s0 (f64.add (local.get $s0) ${term(0)}))
          (local.set $s1 (f64.add (local.get $s1) ${term(1)}))
          (local.set $s2 (f64.add (local.get $s2) ${term(2)}))
          (local.set $s3 (f64.add (local.get $s3) ${term(3)}))
          ${adv(4)}
          (br $g4)))
        (block $g1end (loop $g1
          (br_if $g1end (i32.ge_u (local.get $pi) (local.get $pe)))
          (local.set $s0 (f64.add (local.get $s0) ${term(0)}))
          ${adv(1)}
          (br $g1)))
        (local.set $s0 (f64.add (f64.add (local.get $s0) (local.get $s1)) (f64.add (local.get $s2) (local.get $s3))))`;
}

const GATHER_LOCALS =
  '(local $pi i32) (local $pe i32) (local $pe4 i32) (local $pv i32) (local $base i32) ' +
  '(local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64)';

/**
 * z[t] = a_iᵀx for t < m, i = r0 + t (idx = 0) or idx[t]; yb[t] = y[i] when yb ≠ 0. A tile (idx = yb = 0:
 * consecutive rows) takes its own loop: the index pointer runs on from row to row, one row pointer load
 * per row, no per-row tests of idx and yb (about a sixth less time on a9a than the general loop).
 */
function rowsZ(w, binary) {
  const B = binary ? 'b' : 'v';
  return `
  (func (export "rowsZ_${w}_${B}")
    (param $rp i32) (param $ci i32) (param $vals i32) (param $z i32) (param $y i32) (param $yb i32)
    (param $idx i32) (param $r0 i32) (param $m i32)
    (local $t i32) (local $i i32) (local $lo i32) (local $hi i32) (local $pz i32) (local $zend i32) (local $prp i32)
    ${GATHER_LOCALS}
    (if (i32.eqz (i32.or (local.get $idx) (local.get $yb))) (then
      (local.set $prp (i32.add (local.get $rp) (i32.shl (local.get $r0) (i32.const 2))))
      (local.set $pi (i32.add (local.get $ci) (i32.shl (i32.load (local.get $prp)) (i32.const ${log2(w)}))))
      ${binary ? '' : '(local.set $pv (i32.add (local.get $vals) (i32.shl (i32.load (local.get $prp)) (i32.const 3))))'}
      (local.set $pz (local.get $z))
      (local.set $zend (i32.add (local.get $z) (i32.shl (local.get $m) (i32.const 3))))
      (block $tdone (loop $trows
        (br_if $tdone (i32.ge_u (local.get $pz) (local.get $zend)))
        (local.set $prp (i32.add (local.get $prp) (i32.const 4)))
        (local.set $pe (i32.add (local.get $ci) (i32.shl (i32.load (local.get $prp)) (i32.const ${log2(w)}))))
        ${gather(w, binary, true)}
        (f64.store (local.get $pz) (local.get $s0))
        (local.set $pz (i32.add (local.get $pz) (i32.const 8)))
        (br $trows)))
      (return)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $t) (local.get $m)))
      (local.set $i (if (result i32) (local.get $idx)
        (then (i32.load (i32.add (local.get $idx) (i32.shl (local.get $t) (i32.const 2)))))
        (else (i32.add (local.get $r0) (local.get $t)))))
      (local.set $lo (i32.load (i32.add (local.get $rp) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $hi (i32.load offset=4 (i32.add (local.get $rp) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $pi (i32.add (local.get $ci) (i32.shl (local.get $lo) (i32.const ${log2(w)}))))
      (local.set $pe (i32.add (local.get $ci) (i32.shl (local.get $hi) (i32.const ${log2(w)}))))
      ${binary ? '' : '(local.set $pv (i32.add (local.get $vals) (i32.shl (local.get $lo) (i32.const 3))))'}
      ${gather(w, binary, true)}
      (f64.store (i32.add (local.get $z) (i32.shl (local.get $t) (i32.const 3))) (local.get $s0))
      (if (local.get $yb) (then
        (f64.store (i32.add (local.get $yb) (i32.shl (local.get $t) (i32.const 3)))
          (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $rows))))
`;
}

/**
 * g[j] += Σ_{k ∈ [cp[j], cp[j+1])} c[ri[k]] (· cv[k]) for j < d: the tile's CSC gather. With c at C_BASE
 * (a fixed block for tiles of ≤ C_ROWS rows, which layout.ts gives the first thread's scratch) the same loop
 * folds c's address into the loads (one instruction fewer per entry).
 */
function cscG(w, binary) {
  const B = binary ? 'b' : 'v';
  const cols = (fixed) => `
    (block $done${fixed ? 'f' : ''} (loop $cols${fixed ? 'f' : ''}
      (br_if $done${fixed ? 'f' : ''} (i32.ge_u (local.get $j) (local.get $d)))
      (local.set $lo (local.get $hi))
      (local.set $hi (i32.load offset=4 (i32.add (local.get $cp) (i32.shl (local.get $j) (i32.const 2)))))
      (if (i32.lt_u (local.get $lo) (local.get $hi)) (then
        (local.set $pi (i32.add (local.get $ri) (i32.shl (local.get $lo) (i32.const ${log2(w)}))))
        (local.set $pe (i32.add (local.get $ri) (i32.shl (local.get $hi) (i32.const ${log2(w)}))))
        ${binary ? '' : '(local.set $pv (i32.add (local.get $cv) (i32.shl (local.get $lo) (i32.const 3))))'}
        ${gather(w, binary, fixed ? 'c' : false)}
        (f64.store (local.get $pg) (f64.add (f64.load (local.get $pg)) (local.get $s0)))))
      (local.set $pg (i32.add (local.get $pg) (i32.const 8)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $cols${fixed ? 'f' : ''})))`;
  return `
  (func (export "cscG_${w}_${B}")
    (param $cp i32) (param $ri i32) (param $cv i32) (param $c i32) (param $g i32) (param $d i32)
    (local $j i32) (local $lo i32) (local $hi i32) (local $pg i32) ${GATHER_LOCALS}
    (local.set $base (local.get $c))
    (local.set $pg (local.get $g))
    (local.set $hi (i32.load (local.get $cp)))
    (if (i32.eq (local.get $c) (i32.const ${C_BASE})) (then ${cols(true)}
      (return)))${cols(false)})
`;
}

/** g[ci[k]] += c[t] (· vals[k]) over the rows i = idx[t], t < m, whose c[t] ≠ 0 (a mini-batch). */
function scatterG(w, binary) {
  const B = binary ? 'b' : 'v';
  return `
  (func (export "scatterG_${w}_${B}")
    (param $rp i32) (param $ci i32) (param $vals i32) (param $c i32) (param $g i32) (param $idx i32) (param $m i32)
    (local $t i32) (local $i i32) (local $pi i32) (local $pe i32) (local $pv i32) (local $a i32) (local $ct f64)
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $t) (local.get $m)))
      (local.set $ct (f64.load (i32.add (local.get $c) (i32.shl (local.get $t) (i32.const 3)))))
      (if (f64.ne (local.get $ct) (f64.const 0)) (then
        (local.set $i (i32.load (i32.add (local.get $idx) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $pi (i32.add (local.get $ci)
          (i32.shl (i32.load (i32.add (local.get $rp) (i32.shl (local.get $i) (i32.const 2)))) (i32.const ${log2(w)}))))
        (local.set $pe (i32.add (local.get $ci)
          (i32.shl (i32.load offset=4 (i32.add (local.get $rp) (i32.shl (local.get $i) (i32.const 2)))) (i32.const ${log2(w)}))))
        ${
          binary
            ? ''
            : `(local.set $pv (i32.add (local.get $vals)
          (i32.shl (i32.load (i32.add (local.get $rp) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 3))))`
        }
        (block $send (loop $s
          (br_if $send (i32.ge_u (local.get $pi) (local.get $pe)))
          (local.set $a (i32.add (local.get $g) (i32.shl ${loadIndex(w, '(local.get $pi)', 0)} (i32.const 3))))
          (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
            ${binary ? '(local.get $ct)' : '(f64.mul (local.get $ct) (f64.load (local.get $pv)))'}))
          (local.set $pi (i32.add (local.get $pi) (i32.const ${w / 8})))
          ${binary ? '' : '(local.set $pv (i32.add (local.get $pv) (i32.const 8)))'}
          (br $s)))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $rows))))
`;
}

/** Every generated function and the constants' data segment, as WAT module fields. */
export function passes() {
  let out = dataSegment();
  out += lossLsq() + lossLog();
  for (const binary of [true, false]) {
    for (const w of [8, 16, 32]) out += rowsZ(w, binary) + scatterG(w, binary);
    for (const w of [16, 32]) out += cscG(w, binary);
  }
  return out;
}
