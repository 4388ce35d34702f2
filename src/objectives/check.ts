/**
 * Run-time checks of an objective's input, for callers from plain JavaScript: the loss name (with "did you
 * mean"), the data matrix's shape and typed arrays, and the labels (the encoded classes: 1 for the positive
 * class and 0, or −1 under the ±1 encoding, for the other; `encodeLabels` maps raw labels to them).
 */
import type { Csr } from '../data/csr.js';
import { OptlabError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { LOSS_NAMES } from './losses.js';

export function checkObjectiveInput(X: Csr, y: Float64Array, spec: { loss: unknown }): void {
  if (typeof spec !== 'object' || spec === null)
    throw new OptlabError(`the objective spec must be an object such as {loss: 'logistic'}`);
  const loss = spec.loss;
  if (typeof loss !== 'string' || !(LOSS_NAMES as readonly string[]).includes(loss)) {
    const hint = typeof loss === 'string' ? didYouMean(loss, LOSS_NAMES) : '';
    throw new OptlabError(
      `unknown loss ${typeof loss === 'string' ? `'${loss}'` : String(loss)}${hint || ` (one of ${LOSS_NAMES.join(', ')})`}`,
    );
  }
  const csr = X as Partial<Csr> | null;
  if (
    typeof csr !== 'object' ||
    csr === null ||
    !(csr.rowPtr instanceof Int32Array) ||
    !(csr.colIdx instanceof Int32Array || csr.colIdx instanceof Uint16Array || csr.colIdx instanceof Uint8Array) ||
    !Number.isSafeInteger(csr.rows) ||
    !Number.isSafeInteger(csr.cols) ||
    csr.rowPtr.length !== (csr.rows ?? 0) + 1
  )
    throw new OptlabError('the data must be a Csr matrix (makeCsr, fromDense or parseLibsvm build one)');
  if (!(y instanceof Float64Array))
    throw new OptlabError('the labels must be a Float64Array (encodeLabels builds one)');
  let zero = false;
  let minus = false;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === 0) zero = true;
    else if (v === -1) minus = true;
    else if (v !== 1)
      throw new OptlabError(
        `label ${v} at row ${i}: the labels must be encoded as 1 (positive class) and 0 (or -1); encodeLabels(raw, '01' | 'pm1', name) maps two raw label values to them`,
      );
  }
  if (zero && minus) throw new OptlabError('the labels mix 0 and -1: encode them as {0, 1} or as {-1, +1}, not both');
}
