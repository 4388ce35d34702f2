/**
 * Rows of a results folder's JSON Lines files, checked: a `runs.jsonl` line as a `RunRow` (nulls back to NaN,
 * as `toJson` wrote non-finite numbers), a `trace.jsonl` line as a `TraceRow`. A trace row of an older folder,
 * written before the rows carried their problem, gets loss, λ, l2, labels (and subset) from its run's row.
 * Used by `optlab report` (src/node/report-writer.ts, which adds the file and line to a message) and by the
 * playground's results-folder view. Core-safe: no Node API.
 */
import type { z } from 'zod';
import type { RunRow, TraceRow } from './results.js';
import { firstIssue, LegacyTraceRowSchema, RunRowSchema } from './results-schema.js';

/** A row that breaks the format; `message` names the field. The caller adds the file and line. */
export class RowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowError';
  }
}

function parse<T>(schema: z.ZodType<T>, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new RowError(`not a valid ${what}: ${firstIssue(r.error)}`);
  return r.data;
}

const nan = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);

/** A `runs.jsonl` row (or a run file's `run`, whose `x` is dropped), with null numbers of its result as NaN. */
export function runRowOf(v: unknown): RunRow {
  const run = parse(RunRowSchema, v, 'run row');
  const res = run.result;
  return {
    ...run,
    method: run.method as RunRow['method'],
    result: {
      ...res,
      value: nan(res.value),
      gradNorm: nan(res.gradNorm),
      seconds: nan(res.seconds),
      sparsity: nan(res.sparsity),
      ...(res.trainAccuracy !== undefined ? { trainAccuracy: nan(res.trainAccuracy) } : {}),
      ...(res.testAccuracy !== undefined ? { testAccuracy: nan(res.testAccuracy) } : {}),
      counts: { ...res.counts, passes: nan(res.counts.passes) },
    },
  } as RunRow;
}

/**
 * A `trace.jsonl` row. One of an older folder, without the problem fields, takes them from its run in `runs`
 * (by id); such a row whose run is not there is a `RowError`.
 */
export function traceRowOf(v: unknown, runs: ReadonlyMap<string, RunRow>): TraceRow {
  const t = parse(LegacyTraceRowSchema, v, 'trace row');
  const { loss, lambda, l2, labels } = t;
  let problem: RunRow['objective'];
  let subset = t.subset;
  if (loss !== undefined && lambda !== undefined && l2 !== undefined && labels !== undefined) {
    problem = { loss, lambda, l2, labels };
  } else {
    const run = runs.get(t.id);
    if (run === undefined) {
      throw new RowError(
        `trace row of run "${t.id}" has no loss/lambda/l2/labels fields, and runs.jsonl has no run of that id to take them from`,
      );
    }
    problem = run.objective;
    subset ??= run.dataset.subset;
  }
  return {
    ...t,
    ...(subset !== undefined ? { subset } : {}),
    ...problem,
    method: t.method as TraceRow['method'],
    seconds: nan(t.seconds),
    passes: nan(t.passes),
  };
}

/** The key of a row's problem (dataset, rows kept, loss, λ, l2, labels): rows of one key share one f*. */
export function traceProblemKey(t: Pick<TraceRow, 'dataset' | 'subset' | 'loss' | 'lambda' | 'l2' | 'labels'>): string {
  return JSON.stringify([t.dataset, t.subset ?? null, t.loss, t.lambda, t.l2, t.labels]);
}
