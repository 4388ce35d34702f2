import { OptlabError } from '../errors.js';

/**
 * How the two classes of a binary problem are encoded as numbers.
 * - `01`: negative → 0, positive → 1 (what a sigmoid can fit; the default).
 * - `pm1`: negative → −1, positive → +1 (the original study fed these to a sigmoid, which can never reach −1).
 */
export type LabelEncoding = '01' | 'pm1';
export const LABEL_ENCODINGS: readonly LabelEncoding[] = ['01', 'pm1'];

/** The mapping from the file's raw label values to the encoded classes. */
export interface LabelMap {
  encoding: LabelEncoding;
  /** Raw value of the positive class (the larger of the two unless `--positive` says otherwise). */
  positive: number;
  /** Raw value of the negative class. */
  negative: number;
  positiveCount: number;
  negativeCount: number;
}

/** Distinct values of a label array, sorted ascending, with their counts. */
export function labelCounts(raw: Float64Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] === 0 ? 0 : raw[i]; // fold −0 into 0
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return new Map([...counts.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Maps raw labels of a binary problem to {0, 1} or {−1, +1}.
 *
 * The file must hold exactly two distinct values (one is allowed when `positive` names the other class, as
 * for a small test subset); the larger is the positive class unless `positive` is given.
 * @param source name used in error messages (a file or dataset name)
 */
export function encodeLabels(
  raw: Float64Array,
  encoding: LabelEncoding,
  source: string,
  positive?: number,
): { y: Float64Array; map: LabelMap } {
  const counts = labelCounts(raw);
  const values = [...counts.keys()];
  if (values.length > 2) {
    const shown = values.slice(0, 20).join(', ') + (values.length > 20 ? ', ...' : '');
    throw new OptlabError(
      `${source}: found ${values.length} distinct labels (${shown}); optlab handles binary problems only (exactly two label values)`,
    );
  }
  if (values.length === 0) throw new OptlabError(`${source}: no rows, so no labels`);
  let pos: number;
  let neg: number;
  if (positive !== undefined) {
    if (!values.includes(positive)) {
      throw new OptlabError(`${source}: --positive ${positive} is not one of the labels (${values.join(', ')})`);
    }
    pos = positive;
    neg = values.find((v) => v !== positive) ?? Number.NaN;
  } else if (values.length === 2) {
    neg = values[0];
    pos = values[1];
  } else {
    throw new OptlabError(
      `${source}: only one label value (${values[0]}) is present; a binary problem needs two (use --positive to name the positive class)`,
    );
  }
  const lo = encoding === '01' ? 0 : -1;
  const y = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) y[i] = raw[i] === pos ? 1 : lo;
  return {
    y,
    map: {
      encoding,
      positive: pos,
      negative: neg,
      positiveCount: counts.get(pos) ?? 0,
      negativeCount: Number.isNaN(neg) ? 0 : (counts.get(neg) ?? 0),
    },
  };
}

/** Applies an existing mapping (from a training set) to the labels of a test set. */
export function applyLabelMap(raw: Float64Array, map: LabelMap, source: string): Float64Array {
  const lo = map.encoding === '01' ? 0 : -1;
  const y = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === map.positive) y[i] = 1;
    else if (raw[i] === map.negative) y[i] = lo;
    else {
      throw new OptlabError(
        `${source}: row ${i + 1} has label ${raw[i]}, which is neither class of the training set (${map.negative}, ${map.positive})`,
      );
    }
  }
  return y;
}
