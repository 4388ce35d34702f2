/**
 * optlab: the library. Everything the CLI does is a call here first.
 * The numerical core (./core.js) is environment-free; the Node edge adds files, gzip, cache and downloads.
 */
export * from './core.js';
export { cachedCsrPath, readCsrFile } from './node/csr-cache.js';
export { download, locate } from './node/fetch.js';
export { type Loaded, type LoadOptions, loadDataset, loadTestSet } from './node/load.js';
export {
  createParallelObjective,
  MIN_NNZ_PER_THREAD,
  type ParallelOptions,
  threadsFor,
} from './node/parallel-objective.js';
export { type ReadSource, readLibsvmFile } from './node/read-libsvm.js';
