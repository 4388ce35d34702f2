/**
 * The runs in flight and finished: one module Web Worker per run (so the page never blocks and runs proceed
 * side by side), their traces as they arrive, and their records when they end.
 */
import type { RunRecord } from '../../src/run/record.js';
import type { TracePoint } from '../../src/run/result.js';
import type { RunRow } from '../../src/sweep/results.js';
import type { ProblemConfig, RunSpec } from './config.js';
import type { DataPayload, RunMessage, RunRequest } from './protocol.js';

export type RunStatus = 'running' | 'stopping' | 'done' | 'error';

export interface RunState {
  index: number;
  label: string;
  spec: RunSpec;
  /** The command line of the same run. */
  cli: string;
  status: RunStatus;
  trace: TracePoint[];
  /** Rows of the objective (for passes = sampleGradients / n). */
  n: number;
  record?: RunRecord;
  error?: string;
  /** Wall-clock milliseconds from the start message to the record. */
  wallMs?: number;
  worker: Worker | null;
  started: number;
  /** Set on a run read from a results folder (not run here): its row in runs.jsonl. */
  row?: RunRow;
  /** Key of the run's problem (F_best is per problem) and, for a folder's run, that problem's F_best. */
  problem?: string;
  best?: number;
}

export interface StartInput {
  specs: RunSpec[];
  labels: string[];
  clis: string[];
  problem: ProblemConfig;
  train: DataPayload;
  test?: DataPayload;
}

export class RunManager {
  runs: RunState[] = [];

  /** `changed` is called on every message (the page throttles its redraws). */
  constructor(private readonly changed: () => void) {}

  get active(): boolean {
    return this.runs.some((r) => r.status === 'running' || r.status === 'stopping');
  }

  /** Starts every run (ending any still going: their results are replaced). */
  start(input: StartInput): void {
    this.clear();
    const rows =
      input.problem.subset === undefined ? input.train.rows : Math.min(input.problem.subset, input.train.rows);
    this.runs = input.specs.map((spec, index) => {
      const worker = new Worker(new URL('./workers/run-worker.ts', import.meta.url), { type: 'module' });
      const run: RunState = {
        index,
        label: input.labels[index],
        spec,
        cli: input.clis[index],
        status: 'running',
        trace: [],
        n: rows,
        problem: String(spec.lambda ?? input.problem.lambda),
        worker,
        started: performance.now(),
      };
      worker.onmessage = (e: MessageEvent<RunMessage>) => this.receive(run, e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        this.fail(run, `the run's worker failed: ${e.message || 'unknown error'}`);
      };
      const req: RunRequest = {
        kind: 'start',
        spec: structuredClone(spec),
        problem: structuredClone(input.problem),
        train: input.train,
        ...(input.test ? { test: input.test } : {}),
      };
      worker.postMessage(req);
      return run;
    });
    this.changed();
  }

  /** Asks one run to stop: it ends at its next time slice with reason `interrupted` and keeps its trace. */
  stop(index: number): void {
    const run = this.runs[index];
    if (run?.worker && run.status === 'running') {
      run.status = 'stopping';
      run.worker.postMessage({ kind: 'stop' } satisfies RunRequest);
      this.changed();
    }
  }

  stopAll(): void {
    for (const r of this.runs) this.stop(r.index);
  }

  /** Shows runs that ran elsewhere (a results folder), ending any run still going. */
  show(runs: RunState[]): void {
    this.clear();
    this.runs = runs;
    this.changed();
  }

  /** Whether the runs shown come from a results folder. */
  get fromFolder(): boolean {
    return this.runs.length > 0 && this.runs.every((r) => r.row !== undefined);
  }

  /** Ends every worker at once and forgets the runs. */
  clear(): void {
    for (const r of this.runs) r.worker?.terminate();
    this.runs = [];
  }

  private receive(run: RunState, msg: RunMessage): void {
    if (!this.runs.includes(run)) return;
    switch (msg.kind) {
      case 'started':
        break;
      case 'trace':
        for (const p of msg.points) run.trace.push(p);
        break;
      case 'done':
        run.record = msg.record;
        run.trace = msg.record.trace;
        run.status = 'done';
        run.wallMs = performance.now() - run.started;
        this.release(run);
        break;
      case 'error':
        this.fail(run, msg.message);
        return;
    }
    this.changed();
  }

  private fail(run: RunState, message: string): void {
    run.status = 'error';
    run.error = message;
    this.release(run);
    this.changed();
  }

  private release(run: RunState): void {
    run.worker?.terminate();
    run.worker = null;
  }
}
