/**
 * Datasets optlab knows by name: where to download each, its SHA-256 and its shape.
 * Sources: the LIBSVM binary classification datasets (Chang & Lin, https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/binary.html).
 */

/** Names in the registry; `Record<DatasetName, ...>` below makes a missing entry a compile error. */
export type DatasetName = 'a9a' | 'a9a.t';

export interface DatasetSpec {
  name: DatasetName;
  description: string;
  url: string;
  /** SHA-256 of the file as served (hex). */
  sha256: string;
  bytes: number;
  rows: number;
  features: number;
  /** The test split that goes with a training set. */
  test?: DatasetName;
}

export const REGISTRY: Record<DatasetName, DatasetSpec> = {
  a9a: {
    name: 'a9a',
    description: 'Adult census income (UCI), binarized features: income > 50K (training split)',
    url: 'https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/binary/a9a',
    sha256: 'f5d5ffd8d865ff41328e7ee043e4b020816914ff6843ff15b98905ddbedce906',
    bytes: 2329875,
    rows: 32561,
    features: 123,
    test: 'a9a.t',
  },
  'a9a.t': {
    name: 'a9a.t',
    description: 'Adult census income (UCI), binarized features: income > 50K (test split)',
    url: 'https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/binary/a9a.t',
    sha256: '4af3129b1b09137562c49d1e2c58f48af185f4b3ca130cd8ee2fbe10e7eb69b8',
    bytes: 1164633,
    rows: 16281,
    features: 123,
  },
};

export const DATASET_NAMES = Object.keys(REGISTRY) as DatasetName[];

export function isDatasetName(s: string): s is DatasetName {
  return Object.hasOwn(REGISTRY, s);
}
