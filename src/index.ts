/**
 * optlab: the library. Everything the CLI does is a call here first.
 * The numerical core (`optlab/core`, ./core.js) is environment-free; the Node edge adds files, gzip, cache,
 * downloads, threads, sweeps, studies and reports (the last three load their modules only when called).
 */
export * from './core.js';
export {
  type Report,
  type ReportFolderOptions,
  type Results,
  readResults,
  reportFolder,
  runStudy,
  runSweep,
  type StudyOptions,
  type StudyOutcome,
  type SweepOptions,
  type SweepOutcome,
  type WriteReportOptions,
  writeReport,
} from './node/api.js';
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
