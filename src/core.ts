/**
 * optlab's numerical core: no Node-only API, so it runs in Node and in a browser Web Worker alike.
 * (`optlab` itself re-exports all of this plus the Node edge: files, cache, downloads.)
 */
export { type Csr, fromDense, headRows, makeCsr, matTVec, matVec, nnz } from './data/csr.js';
export { concatChunks, decodeCsrBinary, encodeCsrBinary, isCsrBinary } from './data/csr-binary.js';
export type { Dataset } from './data/dataset.js';
export { applyLabelMap, encodeLabels, type LabelEncoding, type LabelMap } from './data/labels.js';
export { type LibsvmOptions, LibsvmParser, type ParsedLibsvm, parseLibsvm } from './data/libsvm.js';
export { libsvmChunks } from './data/libsvm-chunks.js';
export { DATASET_NAMES, type DatasetName, type DatasetSpec, REGISTRY } from './data/registry.js';
export { type DataStats, dataStats } from './data/stats.js';
export { type SynthOptions, type SynthResult, synthesize } from './data/synth.js';
export { InputError, OptlabError } from './errors.js';
export { armijo, strongWolfe } from './linesearch/index.js';
export {
  type AnyMethodConfig,
  CLI_VOICE,
  createMethod,
  LIBRARY_VOICE,
  METHOD_NAMES,
  METHODS,
  type MethodConfig,
  type MethodName,
  type MethodParams,
  type MethodSpec,
  type ParamName,
  type ParamsOf,
  resolveParams,
  type Voice,
} from './methods/index.js';
export { flagOf, PARAMS, type ParamSpec, paramsOf } from './methods/params.js';
export type { Method, StepOutcome } from './methods/types.js';
export { l1Norm, softThreshold, sparsity } from './objectives/l1.js';
export { LOSSES, type LossName, logistic, type MarginLoss, sigmoidLsq } from './objectives/losses.js';
export { Objective, type ObjectiveSpec, type RowBatch } from './objectives/objective.js';
export { ParallelObjective, type ParallelObjectiveOptions, planShards, shareProblem } from './objectives/parallel.js';
export type { Problem } from './objectives/problem.js';
export {
  BUDGET_NAMES,
  BUDGETS,
  type BudgetName,
  type BudgetSpec,
  type Budgets,
  DEFAULT_TOL,
  resolveBudgets,
} from './run/budgets.js';
export {
  type EndPoint,
  extremeEigenvalues,
  groupEndPoints,
  type Landscape,
  type LandscapeOptions,
  landscape,
  type StationaryPoint,
  whichStationaryPoint,
} from './run/landscape.js';
export {
  accuracy,
  defaultBudgets,
  type FunctionOptions,
  type MinimizeResult,
  minimize,
  minimizeAsync,
  type ObjectiveFunction,
  prepare,
} from './run/minimize.js';
export { type Counts, Oracle } from './run/oracle.js';
export { type RunConfig, type RunRecord, runRecord, traceCsv } from './run/record.js';
export { type RunResult, STOP_REASONS, type StopReason, type TracePoint } from './run/result.js';
export { Rng } from './run/rng.js';
export { Runner, type RunOptions, runMethod } from './run/run.js';
export { closest, didYouMean } from './suggest.js';
export { type DatasetRef, expandSweep, type RunSpec } from './sweep/expand.js';
export {
  type Locator,
  parseSweepSource,
  parseSweepText,
  readSweep,
  type SourcePosition,
  SweepError,
  type SweepProblem,
  type SweepSource,
  type SweepSpec,
  type ValidateOptions,
  validateSweep,
} from './sweep/schema.js';
export { VERSION } from './version.js';
