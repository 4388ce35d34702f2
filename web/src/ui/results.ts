/**
 * The results table: one row per run with its status, final (or current) value, gradient norm, the cost
 * counters, time, sparsity and accuracies, and per-run actions (stop, export JSON / CSV). Rows are built once
 * per set of runs and then only their cells' text changes, so a focused button keeps its focus.
 */
import { toJson } from '../../../src/run/json.js';
import { traceCsv } from '../../../src/run/record.js';
import type { RunManager, RunState } from '../runs.js';
import { download, fmt, h } from './dom.js';

const COLUMNS = [
  'run',
  'status',
  'F(x)',
  'gradient norm',
  'iterations',
  'epochs',
  'passes',
  'sample gradients',
  'oracle calls',
  'vector updates',
  'seconds',
  'sparsity',
  'train accuracy',
  'test accuracy',
  'actions',
] as const;

interface Row {
  run: RunState;
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  stop: HTMLButtonElement;
  json: HTMLButtonElement;
  csv: HTMLButtonElement;
}

/** A file-name-safe form of a run label. */
export function fileStem(label: string): string {
  return label.replace(/[^A-Za-z0-9._=,+@#[\]-]/g, '_');
}

export class ResultsTable {
  private rows: Row[] = [];
  private runsShown: RunState[] = [];
  private readonly tbody: HTMLTableSectionElement;

  constructor(
    table: HTMLTableElement,
    private readonly manager: RunManager,
    private readonly hasTest: () => boolean,
  ) {
    const head = h('tr', {});
    for (const c of COLUMNS) head.append(h('th', { scope: 'col' }, c));
    this.tbody = h('tbody', {});
    table.append(h('thead', {}, head), this.tbody);
  }

  render(): void {
    const runs = this.manager.runs;
    if (runs.length !== this.runsShown.length || runs.some((r, i) => r !== this.runsShown[i])) this.rebuild(runs);
    for (const row of this.rows) this.fill(row);
  }

  private rebuild(runs: RunState[]): void {
    this.runsShown = [...runs];
    this.rows = runs.map((run) => {
      const cells = COLUMNS.map((c) => (c === 'run' ? h('th', { scope: 'row', tabindex: -1 }) : h('td', {})));
      const stop = h('button', { type: 'button', class: 'small', onclick: () => this.manager.stop(run.index) }, 'Stop');
      stop.setAttribute('aria-label', `Stop run ${run.index + 1}`);
      const json = h('button', { type: 'button', class: 'small secondary', onclick: () => exportJson(run) }, 'JSON');
      json.setAttribute('aria-label', `Export run ${run.index + 1} as JSON`);
      const csv = h('button', { type: 'button', class: 'small secondary', onclick: () => exportCsv(run) }, 'CSV');
      csv.setAttribute('aria-label', `Export the trace of run ${run.index + 1} as CSV`);
      cells[cells.length - 1].append(stop, ' ', json, ' ', csv);
      const tr = h('tr', { 'data-run': run.index + 1 }, ...cells);
      return { run, tr, cells, stop, json, csv };
    });
    this.tbody.replaceChildren(...this.rows.map((r) => r.tr));
  }

  private fill(row: Row): void {
    const { run, cells } = row;
    const rec = run.record?.result;
    const last = run.trace[run.trace.length - 1];
    const set = (col: (typeof COLUMNS)[number], text: string) => {
      const cell = cells[COLUMNS.indexOf(col)];
      if (cell.textContent !== text) cell.textContent = text;
    };
    set('run', run.label);
    const status =
      run.status === 'done'
        ? `${rec?.stopReason}: ${rec?.message}`
        : run.status === 'error'
          ? `error: ${run.error}`
          : run.status === 'stopping'
            ? 'stopping…'
            : 'running…';
    set('status', status);
    cells[COLUMNS.indexOf('status')].className = `status-${run.status}`;
    const valueCell = cells[COLUMNS.indexOf('F(x)')];
    if (rec) {
      // The number as text, in shortest round-trip form: exactly the CLI's JSON value.
      set('F(x)', String(rec.value));
      valueCell.setAttribute('data-testid', 'final-value');
    } else {
      set('F(x)', last ? fmt(last.value) : '');
      valueCell.removeAttribute('data-testid');
    }
    const counts = rec?.counts ?? (last ? { ...last, passes: last.sampleGradients / run.n } : undefined);
    set('gradient norm', fmt(rec?.gradNorm ?? last?.gradNorm));
    set('iterations', fmt(rec?.iterations ?? last?.iter));
    set('epochs', fmt(rec?.epochs ?? last?.epoch));
    set('passes', fmt(counts?.passes));
    set('sample gradients', fmt(counts?.sampleGradients));
    set('oracle calls', fmt(counts?.oracleCalls));
    set('vector updates', fmt(counts?.vectorUpdates));
    set('seconds', fmt(rec?.seconds ?? last?.seconds));
    set('sparsity', rec ? `${fmt(rec.sparsity * 100)}%` : '');
    set('train accuracy', rec?.trainAccuracy !== undefined ? `${fmt(rec.trainAccuracy * 100)}%` : '');
    set(
      'test accuracy',
      rec?.testAccuracy !== undefined ? `${fmt(rec.testAccuracy * 100)}%` : this.hasTest() ? '' : 'no test set',
    );
    const hadFocus = document.activeElement === row.stop;
    row.stop.hidden = run.status !== 'running' && run.status !== 'stopping';
    row.stop.disabled = run.status === 'stopping';
    row.json.hidden = row.csv.hidden = run.record === undefined;
    // A stop button that goes away hands the focus to the row's next action rather than to the page.
    if (hadFocus && (row.stop.hidden || row.stop.disabled)) (row.json.hidden ? cells[0] : row.json).focus();
  }
}

export function exportJson(run: RunState): void {
  // A results folder's run goes out as its run file ({run, trace}, as in DIR/runs/), the playground's as a record.
  const content = run.row ? { run: run.row, trace: run.trace } : run.record;
  if (content) download(`${fileStem(run.label)}.json`, `${toJson(content)}\n`, 'application/json');
}

export function exportCsv(run: RunState): void {
  if (run.record) download(`${fileStem(run.label)}.csv`, traceCsv(run.record.trace), 'text/csv');
}
