import { OptlabError } from '../errors.js';
import type { Csr } from './csr.js';

/**
 * LIBSVM writer: a Csr matrix and raw labels as `LABEL INDEX:VALUE ...` lines, one-based indices.
 *
 * Numbers are written with JavaScript's shortest round-trip form (`String(x)`, ECMA-262 Number::toString),
 * so {@link parseLibsvm} reads back the very same doubles, bit for bit (−0 labels are written as `-0`).
 * Binary matrices (values null) are written as `j:1`. Stored zeros are written as `j:0` and come back as
 * explicit zeros, not stored.
 */

/** Options of {@link formatLibsvm} and {@link writeLibsvm}. */
export interface LibsvmWriteOptions {
  /** Write positive labels with a plus sign (`+1`), as the LIBSVM datasets do. Default false. */
  plusSign?: boolean;
  /** Text written first as `# ` comment lines (split at newlines). */
  comment?: string;
}

/** One number in the shortest form that reads back to the same double. */
function formatNumber(v: number, what: string): string {
  if (!Number.isFinite(v)) throw new OptlabError(`cannot write a non-finite ${what} (${v}) in LIBSVM format`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The LIBSVM text of (X, labels), one line per row, each ending in LF. */
export function formatLibsvm(X: Csr, labels: ArrayLike<number>, opts: LibsvmWriteOptions = {}): string {
  if (labels.length !== X.rows) {
    throw new OptlabError(`cannot write LIBSVM: ${labels.length} labels for ${X.rows} rows`);
  }
  const parts: string[] = [];
  if (opts.comment !== undefined) {
    for (const line of opts.comment.split(/\r?\n/)) parts.push(line === '' ? '#\n' : `# ${line}\n`);
  }
  const { rowPtr, colIdx, values } = X;
  for (let i = 0; i < X.rows; i++) {
    const y = labels[i];
    let line = formatNumber(y, 'label');
    if (opts.plusSign && y > 0) line = `+${line}`;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      line += ` ${colIdx[k] + 1}:${values === null ? '1' : formatNumber(values[k], 'value')}`;
    }
    parts.push(`${line}\n`);
  }
  return parts.join('');
}

/** The LIBSVM text of (X, labels) as UTF-8 bytes (plain ASCII unless the comment has other characters). */
export function writeLibsvm(X: Csr, labels: ArrayLike<number>, opts: LibsvmWriteOptions = {}): Uint8Array {
  return new TextEncoder().encode(formatLibsvm(X, labels, opts));
}
