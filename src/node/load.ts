import { existsSync } from 'node:fs';
import { headRows, withCols } from '../data/csr.js';
import type { Dataset } from '../data/dataset.js';
import { applyLabelMap, encodeLabels, type LabelEncoding } from '../data/labels.js';
import type { InputLimits } from '../data/limits.js';
import { isDatasetName, REGISTRY } from '../data/registry.js';
import { OptlabError } from '../errors.js';
import { type DownloadProgress, download, locate } from './fetch.js';
import { type ReadResult, readLibsvmFile } from './read-libsvm.js';

export interface LoadOptions {
  /** Label encoding (default '01'). */
  labels?: LabelEncoding;
  /** Raw label value of the positive class (default: the larger). */
  positive?: number;
  /** Declared number of features; default: the registry's value for a named dataset, else the largest index. */
  features?: number;
  /** Keep only the first N rows. */
  subset?: number;
  onWarning?: (message: string) => void;
  /** Called while a registry dataset downloads; downloading is allowed unless `download` is false. */
  onDownload?: DownloadProgress;
  download?: boolean;
  /** Use the binary CSR cache of parsed files (default true; see {@link readLibsvmFile}). */
  cache?: boolean;
  /** Environment for OPTLAB_DATA, XDG_CACHE_HOME, OPTLAB_NO_CSR_CACHE and OPTLAB_MAX_* (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Input limits (src/data/limits.ts); absent ones come from OPTLAB_MAX_* in `env`, then the defaults. */
  limits?: Partial<InputLimits>;
}

/** Where the bytes of a dataset came from. */
export type DataSource = 'OPTLAB_DATA' | 'cache' | 'download' | 'file';

export interface Loaded {
  dataset: Dataset;
  path: string;
  from: DataSource;
  read: ReadResult;
}

/**
 * Resolves `--data X`: a registry name is looked up in `$OPTLAB_DATA`, then the cache, then downloaded
 * (checksum verified); anything else is a file path.
 */
export async function resolveData(
  spec: string,
  opts: LoadOptions = {},
): Promise<{ path: string; from: DataSource; registered: boolean }> {
  if (isDatasetName(spec)) {
    const found = locate(spec, opts.env);
    if (found) return { ...found, registered: true };
    if (existsSync(spec)) return { path: spec, from: 'file', registered: false };
    if (opts.download === false) {
      throw new OptlabError(`dataset ${spec} is not in OPTLAB_DATA or the cache (run: optlab fetch ${spec})`);
    }
    return { path: await download(spec, opts.onDownload, opts.env), from: 'download', registered: true };
  }
  if (!existsSync(spec)) {
    const names = Object.keys(REGISTRY).join(', ');
    throw new OptlabError(`cannot read ${spec}: no such file, and not a registry dataset (${names})`);
  }
  return { path: spec, from: 'file', registered: false };
}

/** Reads a dataset (by name or path), checks a registry checksum, and encodes its labels. */
export async function loadDataset(spec: string, opts: LoadOptions = {}): Promise<Loaded> {
  const where = await resolveData(spec, opts);
  const reg = where.registered && isDatasetName(spec) ? REGISTRY[spec] : undefined;
  const features = opts.features ?? reg?.features;
  const read = await readLibsvmFile(where.path, {
    displayName: where.from === 'file' ? spec : where.path,
    features,
    onWarning: opts.onWarning,
    cache: opts.cache,
    env: opts.env,
    limits: opts.limits,
  });
  if (reg && where.path.endsWith(reg.name) && read.sha256 !== reg.sha256) {
    throw new OptlabError(
      `${where.path}: SHA-256 ${read.sha256} does not match the registry's ${reg.sha256} for ${reg.name}`,
    );
  }
  let X = read.X;
  let raw = read.labels;
  if (opts.subset !== undefined) {
    if (!Number.isInteger(opts.subset) || opts.subset < 1) {
      throw new OptlabError(`--subset must be a positive integer, got ${opts.subset}`);
    }
    X = headRows(X, opts.subset);
    raw = raw.subarray(0, X.rows);
  }
  const { y, map } = encodeLabels(raw, opts.labels ?? '01', spec, opts.positive);
  return {
    dataset: { name: spec, X, y, labelMap: map, sha256: read.sha256 },
    path: where.path,
    from: where.from,
    read,
  };
}

/**
 * Reads a test set beside a training set: same label mapping, and both share one dimension (the larger of
 * the two; the training matrix is widened in place of the test set being cut).
 */
export async function loadTestSet(
  spec: string,
  train: Dataset,
  opts: LoadOptions = {},
): Promise<{ train: Dataset; test: Dataset }> {
  const where = await resolveData(spec, opts);
  const read = await readLibsvmFile(where.path, {
    displayName: where.from === 'file' ? spec : where.path,
    onWarning: opts.onWarning,
    cache: opts.cache,
    env: opts.env,
    limits: opts.limits,
  });
  // A model trained on d features cannot score more: refuse rather than widen the model. Fewer is fine
  // (LIBSVM files omit trailing features that are zero in every row): the test matrix is padded.
  if (read.X.cols > train.X.cols) {
    throw new OptlabError(
      `test set ${spec} has ${read.X.cols} features, more than the ${train.X.cols} of the training data ${train.name}: a model trained on ${train.X.cols} features cannot score it (give the training data --features ${read.X.cols} if the extra features are real, or use a test set of the same data)`,
    );
  }
  const y = applyLabelMap(read.labels, train.labelMap, spec);
  return {
    train,
    test: { name: spec, X: withCols(read.X, train.X.cols), y, labelMap: train.labelMap, sha256: read.sha256 },
  };
}
