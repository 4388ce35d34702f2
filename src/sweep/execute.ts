/**
 * Executes one run of a sweep: builds the objective F(x) = 1/n Σ ℓ(a_iᵀx, y_i) + (μ/2)‖x‖² + λ‖x‖₁ on the run's
 * dataset, prepares the method (`prepare`: parameters resolved, defaults filled), drives the `Runner` in time
 * slices (yielding between slices so an abort — Ctrl-C, a stop button, a message to a worker — is seen), and
 * returns the finished run as a `RunFile` with train (and test) accuracy.
 *
 * No Node API here: the CLI runs it on the main thread or in worker threads, the playground in a Web Worker.
 */
import type { Dataset } from '../data/dataset.js';
import { OptlabError } from '../errors.js';
import { Objective } from '../objectives/objective.js';
import { accuracy, prepare } from '../run/minimize.js';
import { runConfig, runRecord } from '../run/record.js';
import type { RunResult } from '../run/result.js';
import type { RunSpec } from './expand.js';
import type { ParamValue, RunFile, RunRow, TraceRow } from './results.js';

/** The loaded data of one dataset entry: the training set and, when the run has one, its test set. */
export interface RunData {
  train: Dataset;
  test?: Dataset;
}

/** Where a run in flight is, reported after each time slice. */
export interface RunProgress {
  id: string;
  iter: number;
  epoch: number;
  value: number;
  passes: number;
}

export interface ExecuteOptions {
  /** Aborting stops the run at its next step; the returned file then has stop reason 'interrupted'. */
  signal?: AbortSignal;
  /** Milliseconds of work between pauses (default 50). */
  sliceMs?: number;
  /** What to await between slices (default: a zero-delay timer, so queued messages and signals are handled). */
  pause?: () => Promise<void>;
  /** Called after each slice. */
  onProgress?: (p: RunProgress) => void;
}

const defaultPause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Runs `spec` on its data (looked up by `spec.dataset.key`) and returns the run file. Deterministic for a
 * given spec and data except for `seconds` (and a `timeLimit` budget), whatever the slicing.
 */
export async function executeRun(
  spec: RunSpec,
  datasets: ReadonlyMap<string, RunData>,
  opts: ExecuteOptions = {},
): Promise<RunFile> {
  const data = datasets.get(spec.dataset.key);
  if (data === undefined) throw new OptlabError(`run ${spec.id}: dataset ${spec.dataset.display} is not loaded`);
  const { train } = data;
  const objective = new Objective(train.X, train.y, {
    loss: spec.objective.loss,
    l1: spec.objective.lambda,
    l2: spec.objective.l2,
  });
  const { runner, params } = prepare(
    objective,
    { method: spec.method, ...spec.params },
    { ...spec.budgets, init: spec.init, seed: spec.seed, signal: opts.signal },
  );
  const pause = opts.pause ?? defaultPause;
  const sliceMs = opts.sliceMs ?? 50;
  while (!runner.advance(sliceMs)) {
    if (opts.onProgress) {
      const last = runner.trace[runner.trace.length - 1];
      const c = runner.oracle.counts;
      opts.onProgress({
        id: spec.id,
        iter: last.iter,
        epoch: last.epoch,
        value: last.value,
        passes: c.sampleGradients / objective.n,
      });
    }
    await pause();
  }
  return runFile(spec, data, params as Record<string, ParamValue>, runner.result());
}

/** Builds the run file (`RunRow` + trace) of a finished run. */
export function runFile(spec: RunSpec, data: RunData, params: Record<string, ParamValue>, r: RunResult): RunFile {
  const { train, test } = data;
  const info = (d: Dataset) => ({ name: d.name, sha256: d.sha256, rows: d.X.rows, features: d.X.cols });
  const record = runRecord(
    runConfig({
      method: spec.method,
      params,
      objective: spec.objective.loss,
      lambda: spec.objective.lambda,
      l2: spec.objective.l2,
      labels: spec.objective.labels,
      init: spec.init,
      seed: spec.seed,
      budgets: spec.budgets,
    }),
    info(train),
    r,
    {
      trainAccuracy: accuracy(train.X, train.y, r.x),
      ...(test ? { testAccuracy: accuracy(test.X, test.y, r.x), testDataset: info(test) } : {}),
    },
  );
  const run: RunRow = {
    id: spec.id,
    label: spec.label,
    ...(spec.group !== undefined ? { group: spec.group } : {}),
    method: spec.method,
    given: { ...spec.given },
    params: { ...params },
    objective: { ...spec.objective },
    dataset: {
      name: spec.dataset.data,
      sha256: train.sha256,
      rows: train.X.rows,
      features: train.X.cols,
      ...(spec.dataset.subset !== undefined ? { subset: spec.dataset.subset } : {}),
    },
    ...(test
      ? { testDataset: { name: test.name, sha256: test.sha256, rows: test.X.rows, features: test.X.cols } }
      : {}),
    seed: spec.seed,
    init: spec.init,
    budgets: { ...spec.budgets },
    result: record.result,
    x: Array.from(r.x),
  };
  return { run, trace: r.trace };
}

/** The dataset part of a run id (`${label}@${dataset}#${seed}`). */
export function datasetOfId(run: Pick<RunRow, 'id' | 'label'>): string {
  return run.id.slice(run.label.length + 1, run.id.lastIndexOf('#'));
}

/**
 * The flat trace rows of a run (DIR/trace.jsonl): each point with the run's id, label, method, problem (dataset,
 * subset, loss, λ, l2, labels) and seed, and `passes` = sampleGradients / n.
 */
export function traceRows(file: RunFile): TraceRow[] {
  const { run } = file;
  const dataset = datasetOfId(run);
  const { loss, lambda, l2, labels } = run.objective;
  const subset = run.dataset.subset;
  return file.trace.map((p) => ({
    id: run.id,
    label: run.label,
    ...(run.group !== undefined ? { group: run.group } : {}),
    method: run.method,
    dataset,
    ...(subset !== undefined ? { subset } : {}),
    loss,
    lambda,
    l2,
    labels,
    seed: run.seed,
    given: run.given,
    iter: p.iter,
    epoch: p.epoch,
    value: p.value,
    gradNorm: p.gradNorm,
    seconds: p.seconds,
    sampleGradients: p.sampleGradients,
    oracleCalls: p.oracleCalls,
    vectorUpdates: p.vectorUpdates,
    passes: p.sampleGradients / run.dataset.rows,
  }));
}

/** The row of DIR/runs.jsonl: the run without its final iterate. */
export function runRowWithoutX(run: RunRow): RunRow {
  const { x: _x, ...rest } = run;
  return rest;
}
