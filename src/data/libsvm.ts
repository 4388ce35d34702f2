import { InputError, OptlabError } from '../errors.js';
import { type ColumnIndices, type Csr, makeCsr } from './csr.js';

/**
 * Streaming parser for the LIBSVM / SVMlight sparse text format, working on bytes (no Node API).
 *
 * One row per line: `LABEL INDEX:VALUE INDEX:VALUE ...` with one-based, strictly increasing indices
 * (Chang & Lin, LIBSVM FAQ, https://www.csie.ntu.edu.tw/~cjlin/libsvm/faq.html#f303). Accepted besides:
 * blank lines (skipped), `#` comments to the end of a line (also after a row's data), CRLF line ends, tabs and
 * runs of spaces, a UTF-8 byte order mark, a missing final newline, rows with no features, a `qid:N` field
 * right after the label (ignored, one warning per file) and explicit zeros such as `123:0` (not stored, but
 * counted in `maxIndex` and in the number of columns).
 *
 * Numbers are plain decimals: `[+-]? (D+ (. D*)? | . D+) ([eE] [+-]? D+)?`. The form is checked byte by byte
 * before conversion, so `0x10`, `1_000`, `Infinity` or `nan` are rejected. Short decimals are converted
 * exactly as m·10^e or m/10^−e with m < 10^15 < 2^53 and |e| ≤ 22 (both operands exact, one rounding, so
 * the result is correctly rounded: Clinger, "How to read floating point numbers accurately", PLDI 1990);
 * longer ones fall back to `Number()` on the validated text.
 *
 * A leading `+` is accepted on labels, indices and values, as LIBSVM's own reader (`strtol`, `strtod`) accepts
 * it. Limits keep the memory bounded by the input: a line longer than `maxLineBytes` (64 MiB) or a token longer
 * than `maxTokenBytes` (4 KiB) is an error (a line is held whole only while it spans chunks).
 *
 * Errors are {@link InputError}s at `FILE:LINE:COLUMN`: LINE is one-based; COLUMN is one-based in bytes from
 * the start of the line, not counting a UTF-8 byte order mark on line 1.
 */

/** Options of {@link LibsvmParser} and {@link parseLibsvm}. */
export interface LibsvmOptions {
  /** Name used in error messages. */
  fileName: string;
  /** Declared number of features (`--features D`): an index beyond it is an error; cols is at least D. */
  features?: number;
  /** Receives non-fatal notices (the `qid` warning, once per file). */
  onWarning?: (message: string) => void;
  /** Longest line in bytes, its LF excluded (default {@link DEFAULT_MAX_LINE_BYTES}): a longer one is an error. */
  maxLineBytes?: number;
  /** Longest token (label, index or value) in bytes (default {@link DEFAULT_MAX_TOKEN_BYTES}). */
  maxTokenBytes?: number;
  /** Where the column indices go (default: Int32 arrays); see {@link IndexStorage}. */
  indexStorage?: IndexStorage;
}

/** Width in bits of stored column indices. */
export type IndexBits = 8 | 16 | 32;

/**
 * Where a parser keeps its column indices, so that a caller can have them parsed straight into their final
 * storage (WebAssembly memory laid out for the kernels, src/objectives/wasm/resident.ts) at the narrowest
 * width the columns seen so far allow: the parser starts at `initialWidth` and widens (8 → 16 → 32 bits)
 * when an index needs it, which costs one pass over the entries stored so far.
 */
export interface IndexStorage {
  /** The width to start with, given the declared feature count (0 when none). */
  initialWidth(declared: number): IndexBits;
  /**
   * An array of `capacity` indices of `width` bits whose first `keep` entries are those of `old` (the array
   * this storage returned last, of width `oldWidth`; it may be invalid after the call). The parser trims
   * the last one it gets with `subarray`, never with a copy.
   */
  indices(capacity: number, width: IndexBits, old: ColumnIndices, oldWidth: IndexBits, keep: number): ColumnIndices;
}

/** The default storage: Int32 arrays, grown by copying. */
export const INT32_INDICES: IndexStorage = {
  initialWidth: () => 32,
  indices(capacity, _width, old, _oldWidth, keep) {
    const a = new Int32Array(capacity);
    if (keep > 0) a.set(old.subarray(0, keep));
    return a;
  },
};

/**
 * Default longest line: 64 MiB. A line is held whole while it is parsed (it may span chunks), so this bounds
 * the parser's working memory by about twice the limit, whatever the input.
 */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Default longest token: 4 KiB (a double needs at most ~25 characters; an index 10 digits). */
export const DEFAULT_MAX_TOKEN_BYTES = 4096;

/** `n` bytes in the largest binary unit that divides it (`64 MiB`, `4 KiB`, `1000 bytes`). */
export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

/** A parsed LIBSVM file. */
export interface ParsedLibsvm {
  /** Rows = data lines; cols = max(maxIndex, features ?? 0); values null when every stored value is 1. */
  X: Csr;
  /** Label of each row, as written in the file (e.g. −1/+1). */
  labels: Float64Array;
  /** Largest one-based feature index seen, explicit zeros included (0 if no feature at all). */
  maxIndex: number;
  /** Number of entries written with value 0 (`123:0`), which are not stored. */
  explicitZeros: number;
  /** Physical lines read (a final line without newline counts). */
  lines: number;
}

/** Largest feature index that fits a zero-based Int32 column index. */
export const MAX_FEATURE_INDEX = 2147483647;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const HASH = 35;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const COLON = 58;

/** 10^0 ... 10^22, all exact in binary64. */
const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;

/** What {@link scanNumber} returns for a number longer than the token limit (its text is never built). */
const TOO_LONG = -2;

/** Value of the last successful {@link scanNumber} (module state: no result object per number). */
let scanned = 0;

/**
 * Scans a decimal number `[+-]? (D+ (. D*)? | . D+) ([eE] [+-]? D+)?` starting at p (before `end`).
 * Returns the position just after it and leaves its value in `scanned`, or returns −1 when the bytes at p do
 * not start a number of that form, or {@link TOO_LONG} when a number that needs the slow conversion is longer
 * than `maxToken` bytes. The caller checks that a delimiter follows. The value may be ±Infinity
 * when the text overflows (the caller rejects it).
 */
function scanNumber(b: Uint8Array, p: number, end: number, maxToken: number): number {
  let i = p;
  let neg = false;
  if (i < end && (b[i] === PLUS || b[i] === MINUS)) {
    neg = b[i] === MINUS;
    i++;
  }
  let mant = 0; // significant digits as an integer, exact while sig <= 15
  let sig = 0; // significant digits (after leading zeros)
  let exp = 0; // decimal exponent from the fraction part
  let digits = 0;
  let d = 0;
  while (i < end && (d = b[i] - 48) >= 0 && d <= 9) {
    if (mant !== 0 || d !== 0) {
      mant = mant * 10 + d;
      sig++;
    }
    digits++;
    i++;
  }
  if (i < end && b[i] === DOT) {
    i++;
    while (i < end && (d = b[i] - 48) >= 0 && d <= 9) {
      if (mant !== 0 || d !== 0) {
        mant = mant * 10 + d;
        sig++;
      }
      exp--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return -1;
  if (i < end && (b[i] | 0x20) === 101 /* e or E */) {
    i++;
    let eneg = false;
    if (i < end && (b[i] === PLUS || b[i] === MINUS)) {
      eneg = b[i] === MINUS;
      i++;
    }
    let ev = 0;
    let edigits = 0;
    while (i < end && (d = b[i] - 48) >= 0 && d <= 9) {
      if (ev < 100000) ev = ev * 10 + d;
      edigits++;
      i++;
    }
    if (edigits === 0) return -1;
    exp += eneg ? -ev : ev;
  }
  if (mant === 0) {
    scanned = neg ? -0 : 0;
  } else if (sig <= 15 && exp >= -22 && exp <= 22) {
    const v = exp >= 0 ? mant * POW10[exp] : mant / POW10[-exp];
    scanned = neg ? -v : v;
  } else {
    if (i - p > maxToken) return TOO_LONG;
    scanned = Number(asciiText(b, p, i));
  }
  return i;
}

/** The bytes [from, to) as a string, one char per byte. */
function asciiText(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += String.fromCharCode(b[k]);
  return s;
}

/** A token for a message: printable ASCII as is, other bytes as \xNN, cut after 32 bytes. */
function show(b: Uint8Array, from: number, to: number): string {
  let s = '';
  const stop = Math.min(to, from + 32);
  for (let k = from; k < stop; k++) {
    const c = b[k];
    s += c >= 32 && c < 127 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return to > stop ? `${s}...` : s;
}

/** Position after the token starting at p: up to the next space, tab or the end of the line. */
function tokenEnd(b: Uint8Array, p: number, end: number): number {
  while (p < end && b[p] !== SPACE && b[p] !== TAB) p++;
  return p;
}

function isDelimiter(c: number): boolean {
  return c === SPACE || c === TAB || c === HASH;
}

const INITIAL_ROWS = 1024;
const INITIAL_NNZ = 16384;

/**
 * Incremental LIBSVM parser: `push` chunks of bytes split anywhere, then `finish`.
 *
 * Complete lines are parsed straight from each chunk; the unfinished tail is carried over to the next push,
 * so the result does not depend on where chunks are split. Storage grows by doubling in typed arrays and is
 * trimmed by `finish`.
 */
export class LibsvmParser {
  private readonly file: string;
  /** Largest allowed index: the declared feature count, else 2^31-1. */
  private readonly features: number;
  /** Declared feature count, 0 when none. */
  private readonly declared: number;
  private readonly onWarning: ((message: string) => void) | undefined;
  private readonly maxLine: number;
  private readonly maxToken: number;

  private rowPtr = new Int32Array(INITIAL_ROWS + 1);
  private labels = new Float64Array(INITIAL_ROWS);
  private readonly storage: IndexStorage;
  private colIdx: ColumnIndices;
  /** Width of the stored indices, and the largest one-based index it holds. */
  private width: IndexBits;
  private wideAt: number;
  /** Null while every value so far is 1 (binary data never allocates it); then as long as colIdx. */
  private values: Float64Array | null = null;
  private rows = 0;
  private nnz = 0;
  private maxIndex = 0;
  private explicitZeros = 0;
  private lineNo = 0;
  private warnedQid = false;
  /** Set by `reserve`: the arrays were sized from the input's length and are returned as views, not copies. */
  private reserved = false;

  /** Unfinished line carried between pushes. */
  private carry = new Uint8Array(256);
  private carryLen = 0;
  /** First bytes of the input, to recognise compressed or UTF-16 input. */
  private readonly head = new Uint8Array(3);
  private headLen = 0;
  private state: 'open' | 'finished' | 'failed' = 'open';

  constructor(opts: LibsvmOptions) {
    this.file = opts.fileName;
    const f = opts.features;
    if (f !== undefined && (!Number.isInteger(f) || f < 0 || f > MAX_FEATURE_INDEX)) {
      throw new OptlabError(`${opts.fileName}: the declared number of features must be an integer in [0, 2^31-1]`);
    }
    this.features = f ?? MAX_FEATURE_INDEX;
    this.declared = f ?? 0;
    this.onWarning = opts.onWarning;
    this.maxLine = limit(opts.maxLineBytes, DEFAULT_MAX_LINE_BYTES, 'maxLineBytes', opts.fileName);
    this.maxToken = limit(opts.maxTokenBytes, DEFAULT_MAX_TOKEN_BYTES, 'maxTokenBytes', opts.fileName);
    this.storage = opts.indexStorage ?? INT32_INDICES;
    this.width = this.storage.initialWidth(this.declared);
    this.wideAt = widthLimit(this.width);
    this.colIdx = this.storage.indices(INITIAL_NNZ, this.width, new Int32Array(0), this.width, 0);
  }

  /**
   * Sizes the storage for an input of `textBytes` bytes of uncompressed text, before the first push: every
   * entry takes at least 4 bytes (`1:1 `), so the column indices never need to grow, and `finish` returns
   * views instead of trimmed copies. Memory that is never written is never touched (the allocation is
   * lazily committed by the OS), so the resident peak stays at what the data need — about 4 bytes per
   * non-zero for binary data instead of 12 while doubling and copying.
   */
  reserve(textBytes: number): void {
    if (this.state !== 'open' || this.nnz > 0 || this.rows > 0 || !(textBytes > 0)) return;
    const entries = Math.min(MAX_FEATURE_INDEX, Math.ceil(textBytes / 4) + 16);
    if (entries > this.colIdx.length)
      this.colIdx = this.storage.indices(entries, this.width, this.colIdx, this.width, 0);
    const rows = Math.ceil(textBytes / 32);
    if (rows > this.labels.length) {
      this.labels = new Float64Array(rows);
      this.rowPtr = new Int32Array(rows + 1);
    }
    this.reserved = true;
  }

  /** Parses the complete lines of `chunk` and keeps its unfinished tail for the next call. */
  push(chunk: Uint8Array): void {
    if (this.state !== 'open') this.misuse('push');
    if (chunk.length === 0) return;
    try {
      if (this.headLen < 3) this.checkHead(chunk, false);
      let pos = 0;
      if (this.carryLen > 0) {
        const nl = chunk.indexOf(LF);
        if (nl < 0) {
          this.appendCarry(chunk, 0, chunk.length);
          return;
        }
        this.appendCarry(chunk, 0, nl);
        const len = this.carryLen;
        this.carryLen = 0;
        this.parseLine(this.carry, 0, len, true);
        pos = nl + 1;
      }
      pos = this.parseLines(chunk, pos);
      if (pos < chunk.length) this.appendCarry(chunk, pos, chunk.length);
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
  }

  private misuse(method: string): never {
    throw new Error(`LibsvmParser.${method} called after ${this.state === 'failed' ? 'an error' : 'finish'}`);
  }

  /** Parses the last line (if it has no newline) and returns the trimmed result. */
  finish(): ParsedLibsvm {
    if (this.state !== 'open') this.misuse('finish');
    try {
      if (this.headLen < 3) this.checkHead(new Uint8Array(0), true);
      if (this.carryLen > 0) {
        const len = this.carryLen;
        this.carryLen = 0;
        this.parseLine(this.carry, 0, len, false);
      }
      if (this.rows === 0) {
        throw new InputError(
          this.file,
          1,
          1,
          'no data rows (the input is empty or holds only comments and blank lines)',
        );
      }
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
    this.state = 'finished';
    const rows = this.rows;
    const nz = this.nnz;
    const cols = Math.max(this.maxIndex, this.declared);
    const trim = <T extends ColumnIndices | Float64Array>(a: T, n: number): T =>
      (this.reserved ? a.subarray(0, n) : a.slice(0, n)) as T;
    const values = this.values === null ? null : trim(this.values, nz);
    // indices in a caller's storage stay there (a view); Int32 ones are trimmed as the values are
    const colIdx = this.storage === INT32_INDICES ? trim(this.colIdx, nz) : this.colIdx.subarray(0, nz);
    const X = makeCsr(rows, cols, this.rowPtr.slice(0, rows + 1), colIdx, values);
    return {
      X,
      labels: this.labels.slice(0, rows),
      maxIndex: this.maxIndex,
      explicitZeros: this.explicitZeros,
      lines: this.lineNo,
    };
  }

  /**
   * Appends the bytes [from, to) of src to the unfinished line. Refuses a line longer than the limit before
   * storing it, so the carry never exceeds the limit (it grows by doubling, capped at the limit).
   */
  private appendCarry(src: Uint8Array, from: number, to: number): void {
    const need = this.carryLen + (to - from);
    if (need > this.maxLine) this.lineTooLong(this.lineNo + 1);
    if (need > this.carry.length) {
      let cap = this.carry.length * 2;
      while (cap < need) cap *= 2;
      cap = Math.min(cap, this.maxLine);
      const next = new Uint8Array(cap);
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(src.subarray(from, to), this.carryLen);
    this.carryLen = need;
  }

  /** Rejects compressed, UTF-16 or other non-text input by its first bytes, before any line is parsed. */
  private checkHead(chunk: Uint8Array, atEnd: boolean): void {
    for (let k = 0; k < chunk.length && this.headLen < 3; k++) this.head[this.headLen++] = chunk[k];
    const h = this.head;
    const n = this.headLen;
    if (n >= 2 && h[0] === 0x1f && h[1] === 0x8b) {
      throw new InputError(this.file, 1, 1, 'the input is gzip-compressed: decompress it first');
    }
    if (n >= 2 && ((h[0] === 0xff && h[1] === 0xfe) || (h[0] === 0xfe && h[1] === 0xff))) {
      throw new InputError(this.file, 1, 1, 'UTF-16 text is not supported: convert the file to ASCII or UTF-8');
    }
    if (n >= 3 && h[0] === 0x42 && h[1] === 0x5a && h[2] === 0x68) {
      throw new InputError(this.file, 1, 1, 'bzip2-compressed input is not supported; decompress it first');
    }
    if (atEnd) this.headLen = 3;
  }

  private grow(): void {
    const cap = this.colIdx.length;
    if (cap >= MAX_FEATURE_INDEX) {
      throw new OptlabError(`${this.file}: more than 2^31-1 non-zeros are not supported`);
    }
    const next = Math.min(cap * 2, MAX_FEATURE_INDEX);
    this.colIdx = this.storage.indices(next, this.width, this.colIdx, this.width, this.nnz);
    if (this.values !== null) {
      const v = new Float64Array(next);
      v.set(this.values);
      this.values = v;
    }
  }

  /** Widens the stored indices (the nnz stored so far) to hold the one-based index idx. */
  private widen(idx: number): void {
    const width: IndexBits = idx <= 65536 ? 16 : 32;
    this.colIdx = this.storage.indices(this.colIdx.length, width, this.colIdx, this.width, this.nnz);
    this.width = width;
    this.wideAt = widthLimit(width);
  }

  /** Allocates the values array at the first stored value other than 1: the nz entries before it are 1. */
  private materializeValues(nz: number): Float64Array {
    const v = new Float64Array(this.colIdx.length);
    v.fill(1, 0, nz);
    this.values = v;
    return v;
  }

  private growRows(): void {
    const cap = this.labels.length * 2;
    const l = new Float64Array(cap);
    l.set(this.labels);
    this.labels = l;
    const r = new Int32Array(cap + 1);
    r.set(this.rowPtr);
    this.rowPtr = r;
  }

  private lineTooLong(line: number): never {
    this.fail(
      line,
      this.maxLine,
      `line longer than ${formatBytes(this.maxLine)} (the longest line allowed; raise it with --max-line-bytes)`,
    );
  }

  private tokenTooLong(line: number, offset: number): never {
    this.fail(
      line,
      offset,
      `token longer than ${formatBytes(this.maxToken)} (the longest token allowed; raise it with --max-token-bytes)`,
    );
  }

  /** Parses the complete lines of chunk from pos on; returns the start of the unfinished tail. */
  private parseLines(chunk: Uint8Array, pos: number): number {
    let nl = 0;
    while ((nl = chunk.indexOf(LF, pos)) >= 0) {
      if (nl - pos > this.maxLine) this.lineTooLong(this.lineNo + 1);
      this.parseLine(chunk, pos, nl, true);
      pos = nl + 1;
    }
    return pos;
  }

  /**
   * Parses one line: the bytes [start, end) of b, without its LF. A CR just before the LF is dropped; a
   * final line without LF keeps its CR, which is then reported as a bare CR.
   */
  private parseLine(b: Uint8Array, start: number, end: number, terminated: boolean): void {
    const line = ++this.lineNo;
    if (terminated && end > start && b[end - 1] === CR) end--;
    if (line === 1 && end - start >= 3 && b[start] === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) {
      start += 3;
    }
    let p = start;
    while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
    if (p === end) return;
    if (b[p] === HASH) {
      this.checkComment(b, p, end, start, line);
      return;
    }

    // Label.
    const labelStart = p;
    p = scanNumber(b, p, end, this.maxToken);
    if (p === TOO_LONG || p - labelStart > this.maxToken) this.tokenTooLong(line, labelStart - start);
    if (p < 0 || (p < end && !isDelimiter(b[p]))) this.labelError(b, labelStart, end, start, line);
    const label = scanned;
    if (label - label !== 0) {
      this.fail(line, labelStart - start, `label '${show(b, labelStart, p)}' is not finite`);
    }

    // Features.
    const features = this.features;
    let colIdx = this.colIdx;
    let values = this.values;
    let nz = this.nnz;
    let cap = colIdx.length;
    let prev = 0;
    let first = true;
    let maxIndex = this.maxIndex;
    for (;;) {
      let c = 0;
      while (p < end && ((c = b[p]) === SPACE || c === TAB)) p++;
      if (p === end) break;
      if (c === HASH) {
        this.checkComment(b, p, end, start, line);
        break;
      }
      const tokStart = p;
      // A leading '+' on an index, as strtol (LIBSVM's own reader) accepts it: `+3:1`.
      if (c === PLUS && p + 1 < end) c = b[++p];
      let d = c - 48;
      if (d < 0 || d > 9) {
        p = tokStart;
        if (first && this.isQid(b, p, end)) {
          this.warnQid(line, p - start);
          p = tokenEnd(b, p, end);
          first = false;
          continue;
        }
        this.indexError(b, tokStart, tokStart, end, start, line);
      }
      let idx = 0;
      do {
        if (idx <= MAX_FEATURE_INDEX) idx = idx * 10 + d;
        p++;
      } while (p < end && (d = b[p] - 48) >= 0 && d <= 9);
      if (p === end || b[p] !== COLON) this.indexError(b, tokStart, p, end, start, line);
      if (p - tokStart > this.maxToken) this.tokenTooLong(line, tokStart - start);
      if (idx === 0) this.fail(line, tokStart - start, 'feature index 0 is not allowed (indices are one-based)');
      if (idx > MAX_FEATURE_INDEX) {
        this.fail(line, tokStart - start, `feature index ${show(b, tokStart, p)} exceeds the maximum 2^31-1`);
      }
      if (idx > features) {
        this.fail(line, tokStart - start, `feature index ${idx} exceeds the declared number of features ${features}`);
      }
      if (idx <= prev) {
        this.fail(
          line,
          tokStart - start,
          idx === prev
            ? `feature index ${idx} is repeated (indices must increase within a row)`
            : `feature index ${idx} comes after ${prev} (indices must increase within a row)`,
        );
      }
      p++; // the colon
      const valStart = p;
      let v = 0;
      // Fast path for a one-digit value (binary data such as a9a), else the full scanner.
      if (p < end && (d = b[p] - 48) >= 0 && d <= 9 && (p + 1 === end || (c = b[p + 1]) === SPACE || c === TAB)) {
        v = d;
        p++;
      } else {
        p = scanNumber(b, p, end, this.maxToken);
        if (p === TOO_LONG || p - valStart > this.maxToken) this.tokenTooLong(line, valStart - start);
        if (p < 0 || (p < end && !isDelimiter(b[p]))) this.valueError(b, tokStart, valStart, end, start, line);
        v = scanned;
      }
      if (v - v !== 0) this.fail(line, valStart - start, `value '${show(b, valStart, p)}' overflows (not finite)`);
      prev = idx;
      if (idx > maxIndex) {
        maxIndex = idx;
        if (idx > this.wideAt) {
          this.nnz = nz;
          this.widen(idx);
          colIdx = this.colIdx;
          cap = colIdx.length;
        }
      }
      first = false;
      if (v === 0) {
        this.explicitZeros++;
        continue;
      }
      if (nz === cap) {
        this.nnz = nz;
        this.grow();
        colIdx = this.colIdx;
        values = this.values;
        cap = colIdx.length;
      }
      colIdx[nz] = idx - 1;
      if (values !== null) values[nz] = v;
      else if (v !== 1) {
        values = this.materializeValues(nz);
        values[nz] = v;
      }
      nz++;
    }

    if (this.rows === this.labels.length) this.growRows();
    this.labels[this.rows] = label;
    this.rows++;
    this.rowPtr[this.rows] = nz;
    this.nnz = nz;
    this.maxIndex = maxIndex;
  }

  private isQid(b: Uint8Array, p: number, end: number): boolean {
    return p + 3 < end && b[p] === 0x71 && b[p + 1] === 0x69 && b[p + 2] === 0x64 && b[p + 3] === COLON;
  }

  private warnQid(line: number, offset: number): void {
    if (this.warnedQid) return;
    this.warnedQid = true;
    this.onWarning?.(`${this.file}:${line}:${offset + 1}: qid fields are ignored (reported once per file)`);
  }

  private fail(line: number, offset: number, reason: string): never {
    throw new InputError(this.file, line, offset + 1, reason);
  }

  /** Throws for a control byte in [from, to): a bare CR, or a NUL or other byte that only binary data holds. */
  private checkControl(b: Uint8Array, from: number, to: number, start: number, line: number): void {
    for (let k = from; k < to; k++) {
      const c = b[k];
      if ((c < 32 && c !== TAB) || c === 127) {
        if (c === CR) this.fail(line, k - start, 'bare CR line ending (a CR not followed by LF)');
        if (c === 0) this.fail(line, k - start, 'NUL byte: the input looks binary, not LIBSVM text');
        this.fail(
          line,
          k - start,
          `control byte 0x${c.toString(16).padStart(2, '0')}: the input looks binary, not LIBSVM text`,
        );
      }
    }
  }

  private checkComment(b: Uint8Array, p: number, end: number, start: number, line: number): void {
    this.checkControl(b, p, end, start, line);
  }

  private labelError(b: Uint8Array, p: number, end: number, start: number, line: number): never {
    const t = tokenEnd(b, p, end);
    this.checkControl(b, p, t, start, line);
    if (b.subarray(p, t).indexOf(COLON) >= 0) {
      this.fail(line, p - start, `missing label: the row starts with the feature '${show(b, p, t)}'`);
    }
    this.fail(line, p - start, `label '${show(b, p, t)}' is not a number`);
  }

  /** Error in the index part of the token at tokStart; q is where the index digits stopped. */
  private indexError(b: Uint8Array, tokStart: number, q: number, end: number, start: number, line: number): never {
    const t = tokenEnd(b, tokStart, end);
    this.checkControl(b, tokStart, t, start, line);
    const colon = b.subarray(tokStart, t).indexOf(COLON);
    const at = tokStart - start;
    if (colon < 0) this.fail(line, at, `expected INDEX:VALUE, found '${show(b, tokStart, t)}'`);
    if (colon === 0) this.fail(line, at, `missing feature index before ':' in '${show(b, tokStart, t)}'`);
    const text = show(b, tokStart, tokStart + colon);
    if (this.isQid(b, tokStart, end)) this.fail(line, at, 'a qid field must come right after the label');
    if (b[tokStart] === MINUS) this.fail(line, at, `feature index ${text} is negative (indices are one-based)`);
    if (q > tokStart && b[q] === DOT) this.fail(line, at, `feature index ${text} is not an integer`);
    this.fail(line, at, `feature index '${text}' is not a positive integer`);
  }

  private valueError(b: Uint8Array, tokStart: number, p: number, end: number, start: number, line: number): never {
    const t = tokenEnd(b, p, end);
    this.checkControl(b, p, t, start, line);
    if (p === t || b[p] === HASH) {
      this.fail(line, tokStart - start, `missing value after '${show(b, tokStart, p)}'`);
    }
    const text = show(b, p, t);
    if (/^[+-]?(nan|inf|infinity)$/i.test(text)) this.fail(line, p - start, `value '${text}' is not finite`);
    this.fail(line, p - start, `value '${text}' is not a decimal number`);
  }
}

/** The largest one-based index that indices of this width hold. */
function widthLimit(width: IndexBits): number {
  return width === 8 ? 256 : width === 16 ? 65536 : MAX_FEATURE_INDEX;
}

/** A limit option: a positive safe integer, or the default when absent. */
function limit(value: number | undefined, fallback: number, name: string, file: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new OptlabError(`${file}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Parses a whole LIBSVM text held in memory (push + finish). */
export function parseLibsvm(bytes: Uint8Array, opts: LibsvmOptions): ParsedLibsvm {
  const parser = new LibsvmParser(opts);
  parser.push(bytes);
  return parser.finish();
}
