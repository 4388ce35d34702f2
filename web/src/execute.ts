/**
 * One playground run, exactly as `optlab run` does it (src/cli/commands/run.ts, src/node/load.ts): the same
 * subset and label encoding, the same test-set widening, the same objective, `prepare` with the CLI's
 * defaults (tol 1e-6, zeros, seed 0), the same record. Only the driving differs: time slices with the
 * trace handed out between them. DOM-free (the run worker and the tests use it).
 */
import { headRows, makeCsr, withCols } from '../../src/data/csr.js';
import type { Dataset } from '../../src/data/dataset.js';
import { applyLabelMap, encodeLabels } from '../../src/data/labels.js';
import { CLI_VOICE } from '../../src/methods/index.js';
import { Objective } from '../../src/objectives/objective.js';
import { accuracy, defaultBudgets, prepare } from '../../src/run/minimize.js';
import { type DatasetInfo, type RunRecord, runConfig, runRecord } from '../../src/run/record.js';
import type { TracePoint } from '../../src/run/result.js';
import type { Runner, RunOptions } from '../../src/run/run.js';
import { type ProblemConfig, type RunSpec, runLambda } from './config.js';
import { DEFAULT_TOL } from './fields.js';
import type { DataPayload } from './protocol.js';

/** The train (and test) datasets of a problem, as `loadDataset` and `loadTestSet` build them. */
export function datasets(
  problem: ProblemConfig,
  train: DataPayload,
  test?: DataPayload,
): { train: Dataset; test?: Dataset } {
  let X = makeCsr(train.rows, train.cols, train.rowPtr, train.colIdx, train.values);
  let raw = train.labels;
  if (problem.subset !== undefined) {
    X = headRows(X, problem.subset);
    raw = raw.subarray(0, X.rows);
  }
  const { y, map } = encodeLabels(raw, problem.labels, train.name, problem.positive);
  const tr: Dataset = { name: train.name, X, y, labelMap: map, sha256: train.sha256 };
  if (test === undefined) return { train: tr };
  const TX = makeCsr(test.rows, test.cols, test.rowPtr, test.colIdx, test.values);
  const d = Math.max(tr.X.cols, TX.cols);
  const ty = applyLabelMap(test.labels, map, test.name);
  return {
    train: { ...tr, X: withCols(tr.X, d) },
    test: { name: test.name, X: withCols(TX, d), y: ty, labelMap: map, sha256: test.sha256 },
  };
}

/** The run options `optlab run` passes for a spec (budgets given, tol 1e-6 unless given, start, seed). */
export function runOptions(spec: RunSpec): RunOptions {
  const b = spec.budgets;
  return {
    maxIter: b.maxIter,
    epochs: b.epochs,
    maxPasses: b.maxPasses,
    timeLimit: b.timeLimit,
    tol: b.tol ?? DEFAULT_TOL,
    traceEvery: b.traceEvery,
    init: spec.init,
    seed: spec.seed,
  };
}

/** A prepared run: drive `runner.advance(ms)` until it returns true, then call `record()`. */
export interface PreparedRun {
  runner: Runner;
  params: Record<string, unknown>;
  record(): RunRecord;
}

/** Builds the objective and the runner; throws `OptlabError` with the CLI's message for a bad setting. */
export function prepareRun(spec: RunSpec, problem: ProblemConfig, train: DataPayload, test?: DataPayload): PreparedRun {
  const ds = datasets(problem, train, test);
  const objective = new Objective(ds.train.X, ds.train.y, {
    loss: problem.objective,
    l1: runLambda(spec, problem),
    l2: problem.l2,
  });
  const opts = runOptions(spec);
  const { runner, params } = prepare(objective, { method: spec.method, ...spec.params }, opts, CLI_VOICE);
  const budgets = defaultBudgets(spec.method, opts, CLI_VOICE);
  const config = runConfig({
    method: spec.method,
    params,
    objective: problem.objective,
    lambda: runLambda(spec, problem),
    l2: problem.l2,
    labels: problem.labels,
    subset: problem.subset,
    init: spec.init,
    seed: spec.seed,
    budgets,
  });
  const info = (d: Dataset, p: DataPayload): DatasetInfo => ({
    name: p.name,
    sha256: d.sha256,
    rows: d.X.rows,
    features: d.X.cols,
  });
  return {
    runner,
    params: { ...params },
    record() {
      const r = runner.result();
      const t = ds.test;
      return runRecord(config, info(ds.train, train), r, {
        trainAccuracy: accuracy(ds.train.X, ds.train.y, r.x),
        ...(t && test ? { testAccuracy: accuracy(t.X, t.y, r.x), testDataset: info(t, test) } : {}),
      });
    },
  };
}

/** Trace points recorded since `from` (the runner's trace only grows). */
export function newPoints(runner: Runner, from: number): TracePoint[] {
  return runner.trace.slice(from);
}
