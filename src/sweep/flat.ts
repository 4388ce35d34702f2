/**
 * A results folder as two flat tables, the shape pandas, polars, DuckDB and R read without reshaping:
 *
 * - runs: one row per run; the problem (dataset, loss, λ, l2, labels), the seed, the budgets, every resolved
 *   method parameter as its own column `param_<name>`, and the result (final F, gradient norm, stop reason,
 *   iterations, epochs, passes and the other counts, seconds, sparsity, accuracies).
 * - trace: one row per trace point, with the run's id, label, method, seed and problem (dataset, loss, λ, l2,
 *   labels) on every row, so f* can be taken per problem with a group-by, and `passes` = sampleGradients / n.
 *
 * Columns are typed (text, number, boolean); a missing or non-finite number is null. Column order is fixed
 * (parameters sorted by name), so the same folder always gives the same file. Written as CSV or Parquet by
 * `src/node/export.ts`. Core-safe: no Node API.
 */
import type { ParamValue, RunRow, TraceRow } from './results.js';

export type ColumnKind = 'string' | 'number' | 'boolean';
export type CellValue = string | number | boolean | null;

export interface Column {
  name: string;
  kind: ColumnKind;
  values: CellValue[];
}

export interface FlatTable {
  name: 'runs' | 'trace';
  columns: Column[];
  rows: number;
}

const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The kind of a parameter column: number or boolean when every given value is, else text. */
function paramKind(values: ReadonlyArray<ParamValue | undefined>): ColumnKind {
  const present = values.filter((v) => v !== undefined);
  if (present.every((v) => typeof v === 'number')) return 'number';
  if (present.every((v) => typeof v === 'boolean')) return 'boolean';
  return 'string';
}

function table(name: FlatTable['name'], rows: number, spec: Array<[string, ColumnKind, (i: number) => CellValue]>) {
  const columns = spec.map(([col, kind, get]) => {
    const values: CellValue[] = new Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = get(i);
      values[i] = v === undefined ? null : kind === 'number' && typeof v === 'number' ? num(v) : v;
    }
    return { name: col, kind, values };
  });
  return { name, columns, rows };
}

/** The runs table; see the module comment. */
export function flatRuns(runs: readonly RunRow[]): FlatTable {
  const paramNames = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const budgetNames = ['maxIter', 'epochs', 'maxPasses', 'timeLimit', 'tol', 'traceEvery'] as const;
  const r = (i: number) => runs[i];
  return table('runs', runs.length, [
    ['id', 'string', (i) => r(i).id],
    ['label', 'string', (i) => r(i).label],
    ['group', 'string', (i) => r(i).group ?? null],
    ['method', 'string', (i) => r(i).method],
    ['dataset', 'string', (i) => r(i).dataset.name],
    ['dataset_sha256', 'string', (i) => r(i).dataset.sha256],
    ['dataset_rows', 'number', (i) => r(i).dataset.rows],
    ['dataset_features', 'number', (i) => r(i).dataset.features],
    ['subset', 'number', (i) => r(i).dataset.subset ?? null],
    ['loss', 'string', (i) => r(i).objective.loss],
    ['lambda', 'number', (i) => r(i).objective.lambda],
    ['l2', 'number', (i) => r(i).objective.l2],
    ['labels', 'string', (i) => r(i).objective.labels],
    ['seed', 'number', (i) => r(i).seed],
    ['init', 'string', (i) => r(i).init],
    ...budgetNames.map((b): [string, ColumnKind, (i: number) => CellValue] => [
      `budget_${b}`,
      'number',
      (i) => r(i).budgets[b] ?? null,
    ]),
    ...paramNames.map((p): [string, ColumnKind, (i: number) => CellValue] => {
      const kind = paramKind(runs.map((x) => x.params[p]));
      return [
        `param_${p}`,
        kind,
        (i) => {
          const v = r(i).params[p];
          return v === undefined ? null : kind === 'string' ? String(v) : v;
        },
      ];
    }),
    ['value', 'number', (i) => r(i).result.value],
    ['grad_norm', 'number', (i) => r(i).result.gradNorm],
    ['stop_reason', 'string', (i) => r(i).result.stopReason],
    ['iterations', 'number', (i) => r(i).result.iterations],
    ['epochs', 'number', (i) => r(i).result.epochs],
    ['passes', 'number', (i) => r(i).result.counts.passes],
    ['sample_gradients', 'number', (i) => r(i).result.counts.sampleGradients],
    ['oracle_calls', 'number', (i) => r(i).result.counts.oracleCalls],
    ['vector_updates', 'number', (i) => r(i).result.counts.vectorUpdates],
    ['seconds', 'number', (i) => r(i).result.seconds],
    ['sparsity', 'number', (i) => r(i).result.sparsity],
    ['train_accuracy', 'number', (i) => r(i).result.trainAccuracy ?? null],
    ['test_accuracy', 'number', (i) => r(i).result.testAccuracy ?? null],
  ]);
}

/** The trace table; see the module comment (the problem columns are the trace rows' own). */
export function flatTraces(runs: readonly RunRow[], traces: readonly TraceRow[]): FlatTable {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const t = (i: number) => traces[i];
  const run = (i: number) => byId.get(traces[i].id);
  return table('trace', traces.length, [
    ['id', 'string', (i) => t(i).id],
    ['label', 'string', (i) => t(i).label],
    ['group', 'string', (i) => t(i).group ?? null],
    ['method', 'string', (i) => t(i).method],
    ['dataset', 'string', (i) => t(i).dataset],
    ['subset', 'number', (i) => t(i).subset ?? run(i)?.dataset.subset ?? null],
    ['loss', 'string', (i) => t(i).loss],
    ['lambda', 'number', (i) => t(i).lambda],
    ['l2', 'number', (i) => t(i).l2],
    ['labels', 'string', (i) => t(i).labels],
    ['seed', 'number', (i) => t(i).seed],
    ['iter', 'number', (i) => t(i).iter],
    ['epoch', 'number', (i) => t(i).epoch],
    ['passes', 'number', (i) => t(i).passes],
    ['seconds', 'number', (i) => t(i).seconds],
    ['value', 'number', (i) => t(i).value],
    ['grad_norm', 'number', (i) => t(i).gradNorm],
    ['sample_gradients', 'number', (i) => t(i).sampleGradients],
    ['oracle_calls', 'number', (i) => t(i).oracleCalls],
    ['vector_updates', 'number', (i) => t(i).vectorUpdates],
  ]);
}

/** A CSV field: quoted when it holds a comma, a quote or a line break; null as an empty field. */
function csvField(v: CellValue): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Object.is(v, -0) ? '0' : String(v)) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header line; numbers in shortest round-trip form; null cells empty. */
export function tableCsv(t: FlatTable): string {
  const lines = [t.columns.map((c) => csvField(c.name)).join(',')];
  for (let i = 0; i < t.rows; i++) lines.push(t.columns.map((c) => csvField(c.values[i])).join(','));
  return `${lines.join('\n')}\n`;
}
