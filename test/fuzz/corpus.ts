/**
 * A seeded corpus of hostile inputs for the readers (LIBSVM text, gzip, binary CSR): every case is a pure
 * function of (seed, index), so a failure is reproduced from its name alone and kept as a fixture.
 *
 * Kinds: byte flips; truncation at every kind of boundary (inside a label, an index, a value, at a colon, a
 * space, before and inside a CRLF); inserted NUL, UTF-8 (valid and broken) and bare CR bytes; huge and tiny
 * numbers; duplicate and unsorted indices; index 2^31 and 2^53; very long lines and tokens; gzip mutations
 * (flipped and truncated members, trailing zeros, garbage, a second member); binary CSR mutations (every header
 * field, truncation, flipped payload bytes).
 */
import { gzipSync } from 'node:zlib';
import { makeCsr } from '../../src/data/csr.js';
import { concatChunks, encodeCsrBinary } from '../../src/data/csr-binary.js';
import { sealCsrChunks } from '../../src/node/csr-cache.js';
import { Rng } from '../../src/run/rng.js';

export interface FuzzCase {
  /** `kind-seed-index`, also the fixture's file name (with its extension). */
  name: string;
  kind: string;
  bytes: Uint8Array;
  /** File extension: .svm, .gz or .csr. */
  ext: string;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A small valid LIBSVM text: a few rows, valued or binary, with comments and CRLF sometimes. */
function baseText(r: Rng): string {
  const rows = 1 + r.int(12);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const label = r.int(2) === 0 ? '-1' : r.int(2) === 0 ? '+1' : '1';
    let idx = 0;
    const feats: string[] = [];
    const k = r.int(8);
    for (let j = 0; j < k; j++) {
      idx += 1 + r.int(20);
      const v = r.int(3) === 0 ? '1' : (r.next() * 10 - 5).toPrecision(1 + r.int(17));
      feats.push(`${idx}:${v}`);
    }
    const comment = r.int(6) === 0 ? ' # note' : '';
    lines.push(`${label} ${feats.join(' ')}${comment}`);
  }
  const eol = r.int(5) === 0 ? '\r\n' : '\n';
  return lines.join(eol) + (r.int(4) === 0 ? '' : eol);
}

const NUMBERS = [
  '1e308',
  '1e309',
  '-1e309',
  '4.9e-324',
  '1e-400',
  '2.2250738585072014e-308',
  '0.' + '0'.repeat(400) + '1',
  '9'.repeat(30),
  '1'.repeat(5000),
  'NaN',
  'inf',
  '0x1p3',
  '+-1',
  '1e',
  '.',
  '-0',
  '+0',
];
const INDICES = [
  '2147483647',
  '2147483648',
  '9007199254740992',
  '9007199254740993',
  '0',
  '-1',
  '+3',
  '++3',
  '03',
  '1.0',
];
const INSERTS = [[0], [0xc3, 0xa9], [0xe2, 0x82], [0xff], [13], [0xef, 0xbb, 0xbf], [9], [0x7f], [0x1f, 0x8b]];

function insertAt(b: Uint8Array, at: number, ins: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length + ins.length);
  out.set(b.subarray(0, at), 0);
  out.set(ins, at);
  out.set(b.subarray(at), at + ins.length);
  return out;
}

/** Positions of each boundary kind in a text: after a label, at a colon, inside a value, at a space, at CR/LF. */
function boundaries(b: Uint8Array): number[] {
  const out: number[] = [0, b.length];
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 58 || c === 32 || c === 10 || c === 13 || c === 46 || c === 101) out.push(i, i + 1);
  }
  return out;
}

type Maker = (r: Rng) => { bytes: Uint8Array; ext?: string };

const TEXT_MAKERS: Record<string, Maker> = {
  valid: (r) => ({ bytes: enc(baseText(r)) }),
  flip: (r) => {
    const b = enc(baseText(r));
    const n = 1 + r.int(4);
    for (let k = 0; k < n && b.length > 0; k++) b[r.int(b.length)] ^= 1 << r.int(8);
    return { bytes: b };
  },
  truncate: (r) => {
    const b = enc(baseText(r));
    const cuts = boundaries(b);
    return { bytes: b.subarray(0, cuts[r.int(cuts.length)]) };
  },
  insert: (r) => {
    const b = enc(baseText(r));
    return { bytes: insertAt(b, r.int(b.length + 1), INSERTS[r.int(INSERTS.length)]) };
  },
  number: (r) => {
    const n = NUMBERS[r.int(NUMBERS.length)];
    const lines = [`1 1:1`, r.int(2) === 0 ? `${n} 2:1` : `-1 2:${n}`, `1 3:1`];
    return { bytes: enc(`${lines.join('\n')}\n`) };
  },
  index: (r) => {
    const i = INDICES[r.int(INDICES.length)];
    return { bytes: enc(`1 1:1\n-1 ${i}:1\n`) };
  },
  order: (r) => {
    const a = 1 + r.int(9);
    const b = r.int(2) === 0 ? a : a - r.int(a);
    return { bytes: enc(`1 ${a}:1 ${b}:1\n-1 1:1\n`) };
  },
  longLine: (r) => {
    const len = 70 * 2 ** 20 + r.int(1000); // past the 64 MiB line limit
    const b = new Uint8Array(len + 6);
    b.fill(r.int(2) === 0 ? 49 : 32, 2, len); // digits or spaces, no newline
    b.set(enc('1 '), 0);
    b.set(enc('2:1\n'), len + 2);
    return { bytes: b };
  },
  longToken: (r) => ({ bytes: enc(`1 1:${'7'.repeat(4097 + r.int(100000))}\n-1 2:1\n`) }),
  manyRows: (r) => {
    const n = 20000 + r.int(20000);
    return { bytes: enc(r.int(2) === 0 ? '1\n-1\n'.repeat(n) : '1 1:1 5:2.5\n-1 3:1\n'.repeat(n)) };
  },
};

const GZIP_MAKERS: Record<string, Maker> = {
  gzipFlip: (r) => {
    const g = gzipSync(enc(baseText(r).repeat(20)));
    g[10 + r.int(g.length - 10)] ^= 1 << r.int(8);
    return { bytes: g, ext: '.gz' };
  },
  gzipTruncate: (r) => {
    const g = gzipSync(enc(baseText(r)));
    return { bytes: g.subarray(0, 2 + r.int(g.length - 2)), ext: '.gz' };
  },
  gzipTrailing: (r) => {
    const g = gzipSync(enc(baseText(r)));
    const tails = [new Uint8Array(1 + r.int(5000)), enc('junk'), gzipSync(enc(baseText(r))), new Uint8Array([0, 0, 1])];
    return { bytes: concatChunks([g, tails[r.int(tails.length)]]), ext: '.gz' };
  },
  gzipBomb: (r) => {
    const fill = [10, 32, 0, 49][r.int(4)];
    return { bytes: gzipSync(new Uint8Array(72 * 2 ** 20).fill(fill)), ext: '.gz' };
  },
};

function baseCsr(r: Rng): Uint8Array {
  const rows = 1 + r.int(6);
  const cols = 1 + r.int(10);
  const rowPtr = new Int32Array(rows + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (r.int(3) === 0) {
        colIdx.push(j);
        values.push(r.int(2) === 0 ? 1 : r.next());
      }
    }
    rowPtr[i + 1] = colIdx.length;
  }
  const binary = values.every((v) => v === 1);
  const X = makeCsr(rows, cols, rowPtr, Int32Array.from(colIdx), binary ? null : Float64Array.from(values));
  const labels = Float64Array.from({ length: rows }, (_, i) => (i % 2 === 0 ? 1 : -1));
  const chunks = encodeCsrBinary(X, labels, { sourceSha256: r.int(2) === 0 ? null : 'ab'.repeat(32) });
  return concatChunks(r.int(2) === 0 ? sealCsrChunks(chunks) : chunks);
}

const HEADER_FIELDS = [10, 12, 16, 20, 24, 28, 32, 36, 40, 48, 56, 64, 72, 76, 112];
const HUGE = [0xffffffff, 0x7fffffff, 1e9, 0x80000000, 0x200000, 0];

const CSR_MAKERS: Record<string, Maker> = {
  csrValid: (r) => ({ bytes: baseCsr(r), ext: '.csr' }),
  csrField: (r) => {
    const b = baseCsr(r);
    const v = new DataView(b.buffer, b.byteOffset, b.length);
    v.setUint32(HEADER_FIELDS[r.int(HEADER_FIELDS.length)], HUGE[r.int(HUGE.length)], true);
    return { bytes: b, ext: '.csr' };
  },
  csrTruncate: (r) => {
    const b = baseCsr(r);
    return { bytes: b.subarray(0, 10 + r.int(b.length - 10)), ext: '.csr' };
  },
  csrPayload: (r) => {
    const b = baseCsr(r);
    if (b.length > 128) b[128 + r.int(b.length - 128)] ^= 1 << r.int(8);
    return { bytes: b, ext: '.csr' };
  },
};

export const MAKERS: Record<string, Maker> = { ...TEXT_MAKERS, ...GZIP_MAKERS, ...CSR_MAKERS };
/** Kinds whose inputs are tens of MB: fewer of them in a short run. */
export const HEAVY_KINDS = new Set(['longLine', 'gzipBomb', 'manyRows', 'longToken']);

/** The case `index` of the corpus for `seed`; kinds cycle so that every kind appears in any window. */
export function fuzzCase(seed: number, index: number, kinds: readonly string[] = Object.keys(MAKERS)): FuzzCase {
  const kind = kinds[index % kinds.length];
  const r = new Rng(seed * 1_000_003 + index);
  const made = MAKERS[kind](r);
  const ext = made.ext ?? '.svm';
  return { name: `${kind}-${seed}-${index}`, kind, bytes: made.bytes, ext };
}
