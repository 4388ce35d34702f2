/**
 * A results folder opened in the playground (`runs.jsonl` + `trace.jsonl` of `optlab sweep --out` or
 * `optlab study --out`, picked or dropped): its rows checked with the same schemas as `optlab report`
 * (src/sweep/rows.ts; an older folder's trace rows get their problem from runs.jsonl), grouped into views
 * (every run, each group of the sweep, each problem) that the page draws with its own chart and table.
 * F_best of a run is the lowest value of any run of its problem in the whole folder, whatever the view.
 *
 * DOM-free (tests import it in Node).
 */
import type { RunRow, TraceRow } from '../../src/sweep/results.js';
import { RowError, runRowOf, traceProblemKey, traceRowOf } from '../../src/sweep/rows.js';
import { STUDY_GROUPS } from './study-groups.js';

export interface FolderRun {
  row: RunRow;
  trace: TraceRow[];
  /** Legend and table label: `label#seed`, with `@dataset` when the folder has several datasets. */
  label: string;
  problem: string;
}

export interface Folder {
  runs: FolderRun[];
  /** The lowest finite value of each problem over the folder's traces. */
  best: Map<string, number>;
  /** Views: 'all', `group:<name>`, `problem:<key>`; each with its title and run count. */
  views: Array<{ id: string; title: string; runs: number }>;
}

/** Thrown for a file that is not a results file; the message names the file and line. */
export class FolderError extends Error {}

function lines(text: string, file: string, each: (v: unknown, line: number) => void): void {
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const t = all[i].trim();
    if (t === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      throw new FolderError(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    try {
      each(v, i + 1);
    } catch (e) {
      if (e instanceof RowError) throw new FolderError(`${file}:${i + 1}: ${e.message}`);
      throw e;
    }
  }
}

function problemTitle(r: RunRow): string {
  const o = r.objective;
  const terms = [o.loss, o.lambda ? `λ = ${o.lambda}` : '', o.l2 ? `l2 = ${o.l2}` : '', `labels ${o.labels}`];
  const rows = r.dataset.subset !== undefined ? ` (first ${r.dataset.subset} rows)` : '';
  return `${r.dataset.name}${rows}: ${terms.filter(Boolean).join(', ')}`;
}

/** Reads the two files' text; throws `FolderError` naming the file and the line of the first bad row. */
export function readFolder(runsText: string, traceText: string): Folder {
  const rows: RunRow[] = [];
  lines(runsText, 'runs.jsonl', (v) => rows.push(runRowOf(v)));
  if (rows.length === 0) throw new FolderError('runs.jsonl holds no runs');
  const byId = new Map(rows.map((r) => [r.id, r]));
  const traces = new Map<string, TraceRow[]>();
  lines(traceText, 'trace.jsonl', (v, line) => {
    const t = traceRowOf(v, byId);
    if (!byId.has(t.id)) throw new FolderError(`trace.jsonl:${line}: run "${t.id}" is not in runs.jsonl`);
    const list = traces.get(t.id);
    if (list) list.push(t);
    else traces.set(t.id, [t]);
  });
  const datasets = new Set(rows.map((r) => r.dataset.name));
  const runs = rows.map((row) => {
    const trace = traces.get(row.id) ?? [];
    const problem = traceProblemKey({ ...row.objective, dataset: row.dataset.name, subset: row.dataset.subset });
    const label = datasets.size > 1 ? `${row.label}@${row.dataset.name}#${row.seed}` : `${row.label}#${row.seed}`;
    return { row, trace, label, problem };
  });
  const best = new Map<string, number>();
  for (const r of runs) {
    for (const t of r.trace) {
      if (t.value !== null && Number.isFinite(t.value) && t.value < (best.get(r.problem) ?? Number.POSITIVE_INFINITY))
        best.set(r.problem, t.value);
    }
  }
  const views: Folder['views'] = [{ id: 'all', title: 'every run', runs: runs.length }];
  const groups = new Map<string, number>();
  for (const r of runs) if (r.row.group !== undefined) groups.set(r.row.group, (groups.get(r.row.group) ?? 0) + 1);
  for (const [g, n] of groups) views.push({ id: `group:${g}`, title: STUDY_GROUPS[g]?.title ?? `group ${g}`, runs: n });
  const problems = new Map<string, { title: string; n: number }>();
  for (const r of runs) {
    const p = problems.get(r.problem);
    if (p) p.n++;
    else problems.set(r.problem, { title: problemTitle(r.row), n: 1 });
  }
  if (problems.size > 1)
    for (const [k, p] of problems) views.push({ id: `problem:${k}`, title: `problem ${p.title}`, runs: p.n });
  return { runs, best, views };
}

/** The runs of a view (see `Folder.views`); an unknown view shows every run. */
export function viewRuns(folder: Folder, view: string): FolderRun[] {
  if (view.startsWith('group:')) return folder.runs.filter((r) => r.row.group === view.slice(6));
  if (view.startsWith('problem:')) return folder.runs.filter((r) => r.problem === view.slice(8));
  return folder.runs;
}

/** The view shown first: every run when they are few, else the first group (a study has about a hundred runs). */
export function firstView(folder: Folder, few = 12): string {
  if (folder.runs.length <= few) return 'all';
  return folder.views.find((v) => v.id.startsWith('group:'))?.id ?? 'all';
}
