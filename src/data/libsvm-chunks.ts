import { OptlabError } from '../errors.js';
import type { Csr } from './csr.js';

/**
 * LIBSVM text as a stream of byte chunks, for matrices too large for one string (60M non-zeros make ~600 MB
 * of text). The bytes are exactly those of {@link formatLibsvm} without a comment (`String(x)` for labels
 * and values, `-0` for a negative zero, `1` for a binary matrix), so {@link parseLibsvm} reads back the same
 * doubles; they are written straight into a reused buffer, with no string per row.
 */

/** Options of {@link libsvmChunks}. */
export interface LibsvmChunkOptions {
  /** Write positive labels with a plus sign (`+1`). Default false. */
  plusSign?: boolean;
  /** Size of the reused buffer in bytes (default 1 MiB); a longer single row gets a larger buffer. */
  chunkBytes?: number;
  /** Called after each chunk with the rows written so far and the total. */
  onRows?: (done: number, total: number) => void;
}

/** Longest `String(x)` of a finite double: 24 characters, e.g. `-2.2250738585072014e-308`. */
const MAX_NUMBER_CHARS = 24;
/** Longest entry: space, 10-digit index, colon, number. */
const MAX_ENTRY_BYTES = 1 + 10 + 1 + MAX_NUMBER_CHARS;

function numberText(v: number, what: string): string {
  if (!Number.isFinite(v)) throw new OptlabError(`cannot write a non-finite ${what} (${v}) in LIBSVM format`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * Yields the LIBSVM text of (X, labels) in chunks of at most `chunkBytes` bytes, each ending at a line end.
 * Every chunk is a view of one reused buffer: consume it (write it out) before asking for the next.
 */
export function* libsvmChunks(
  X: Csr,
  labels: ArrayLike<number>,
  opts: LibsvmChunkOptions = {},
): Generator<Uint8Array, void, undefined> {
  if (labels.length !== X.rows) {
    throw new OptlabError(`cannot write LIBSVM: ${labels.length} labels for ${X.rows} rows`);
  }
  const { rowPtr, colIdx, values } = X;
  let buf = new Uint8Array(Math.max(opts.chunkBytes ?? 1 << 20, 256));
  let pos = 0;
  let lastLabel = Number.NaN;
  let labelText = '';
  for (let i = 0; i < X.rows; i++) {
    const y = labels[i];
    if (!Object.is(y, lastLabel)) {
      labelText = numberText(y, 'label');
      if (opts.plusSign && y > 0) labelText = `+${labelText}`;
      lastLabel = y;
    }
    const start = rowPtr[i];
    const end = rowPtr[i + 1];
    const worst = labelText.length + (end - start) * MAX_ENTRY_BYTES + 1;
    if (pos + worst > buf.length) {
      if (pos > 0) {
        yield buf.subarray(0, pos);
        opts.onRows?.(i, X.rows);
        pos = 0;
      }
      if (worst > buf.length) buf = new Uint8Array(worst);
    }
    for (let c = 0; c < labelText.length; c++) buf[pos++] = labelText.charCodeAt(c);
    for (let k = start; k < end; k++) {
      buf[pos++] = 32; // space
      pos = writeUint(buf, pos, colIdx[k] + 1);
      buf[pos++] = 58; // colon
      if (values === null)
        buf[pos++] = 49; // '1'
      else {
        const s = numberText(values[k], 'value');
        for (let c = 0; c < s.length; c++) buf[pos++] = s.charCodeAt(c);
      }
    }
    buf[pos++] = 10; // LF
  }
  if (pos > 0) yield buf.subarray(0, pos);
  opts.onRows?.(X.rows, X.rows);
}

/** Writes the decimal digits of a non-negative integer v < 2³² at pos; returns the position after them. */
function writeUint(buf: Uint8Array, pos: number, v: number): number {
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  let p = pos + digits;
  do {
    const q = Math.floor(v / 10);
    buf[--p] = 48 + (v - q * 10);
    v = q;
  } while (v > 0);
  return pos + digits;
}
