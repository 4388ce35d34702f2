import { VERSION } from '../version.js';
import type { RunResult, TracePoint } from './result.js';
import type { Budgets } from './run.js';

/** The configuration a run records: everything needed to run it again. */
export interface RunConfig {
  method: string;
  params: Record<string, unknown>;
  objective: string;
  lambda: number;
  l2: number;
  labels: string;
  subset?: number;
  init: string;
  seed: number;
  budgets: Budgets;
  version: string;
}

export interface DatasetInfo {
  name: string;
  sha256: string;
  rows: number;
  features: number;
}

/** The JSON a run writes (`optlab run --json`, the playground's export, one row of a sweep). */
export interface RunRecord {
  config: RunConfig;
  dataset: DatasetInfo;
  testDataset?: DatasetInfo;
  result: {
    value: number;
    gradNorm: number;
    iterations: number;
    epochs: number;
    stopReason: string;
    message: string;
    counts: RunResult['counts'];
    seconds: number;
    sparsity: number;
    trainAccuracy?: number;
    testAccuracy?: number;
  };
  x: Float64Array;
  trace: TracePoint[];
}

/** The budgets a run records: exactly the bounding fields of its options (undefined ones are left out of JSON). */
export function recordedBudgets(o: Budgets): Budgets {
  return {
    maxIter: o.maxIter,
    epochs: o.epochs,
    maxPasses: o.maxPasses,
    timeLimit: o.timeLimit,
    tol: o.tol,
    traceEvery: o.traceEvery,
  };
}

/** The configuration of a run, from its method, resolved parameters, problem, start and budgets. */
export function runConfig(c: {
  method: string;
  params: object;
  objective: string;
  lambda: number;
  l2: number;
  labels: string;
  subset?: number;
  init: string;
  seed: number;
  budgets: Budgets;
}): RunConfig {
  return {
    method: c.method,
    params: { ...c.params } as Record<string, unknown>,
    objective: c.objective,
    lambda: c.lambda,
    l2: c.l2,
    labels: c.labels,
    ...(c.subset !== undefined ? { subset: c.subset } : {}),
    init: c.init,
    seed: c.seed,
    budgets: recordedBudgets(c.budgets),
    version: VERSION,
  };
}

export function runRecord(
  config: RunConfig,
  dataset: DatasetInfo,
  r: RunResult,
  extra: { trainAccuracy?: number; testAccuracy?: number; testDataset?: DatasetInfo } = {},
): RunRecord {
  return {
    config,
    dataset,
    ...(extra.testDataset ? { testDataset: extra.testDataset } : {}),
    result: {
      value: r.value,
      gradNorm: r.gradNorm,
      iterations: r.iterations,
      epochs: r.epochs,
      stopReason: r.stopReason,
      message: r.message,
      counts: r.counts,
      seconds: r.seconds,
      sparsity: r.sparsity,
      ...(extra.trainAccuracy !== undefined ? { trainAccuracy: extra.trainAccuracy } : {}),
      ...(extra.testAccuracy !== undefined ? { testAccuracy: extra.testAccuracy } : {}),
    },
    x: r.x,
    trace: r.trace,
  };
}

export const TRACE_COLUMNS: Array<keyof TracePoint> = [
  'iter',
  'epoch',
  'value',
  'gradNorm',
  'seconds',
  'sampleGradients',
  'oracleCalls',
  'vectorUpdates',
];

/**
 * The trace as CSV (header + one line per point; numbers in shortest round-trip form, −0 as 0). With the
 * number of rows `n` of the data, a last column `passes` = sampleGradients / n, the fair x-axis across methods.
 */
export function traceCsv(trace: TracePoint[], n?: number): string {
  const fmt = (v: number) => (Object.is(v, -0) ? '0' : String(v));
  const passes = n !== undefined && n > 0;
  const lines = [[...TRACE_COLUMNS, ...(passes ? ['passes'] : [])].join(',')];
  for (const p of trace) {
    const cells = TRACE_COLUMNS.map((k) => fmt(p[k]));
    if (passes) cells.push(fmt(p.sampleGradients / (n as number)));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
