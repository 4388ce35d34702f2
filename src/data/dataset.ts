import type { Csr } from './csr.js';
import type { LabelMap } from './labels.js';

/**
 * A binary classification dataset ready for an objective: the design matrix, the encoded labels
 * (y ∈ {0, 1} or {−1, +1}, positive class = 1), and where it came from.
 */
export interface Dataset {
  /** Registry name or file path as the user gave it. */
  name: string;
  X: Csr;
  y: Float64Array;
  labelMap: LabelMap;
  /** SHA-256 (hex) of the source file's bytes as stored (compressed if it was compressed); '' if unknown. */
  sha256: string;
}
