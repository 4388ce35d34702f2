/**
 * A report as data, and the generic report of a sweep. Core-safe: no Node API; `src/node/report-writer.ts`
 * turns a {@link Report} into `figures/*.svg|png` and a self-contained `report.html`.
 *
 * {@link buildSweepReport} composes:
 *   1. "Sweep": what ran where (manifest: versions, CPU, times, status; datasets with SHA-256; the problems with
 *      their f*).
 *   2. "Methods compared" (when a problem has two methods or more): per problem, the best setting of each
 *      method on one figure, by the rule of {@link bestPerMethod}, and a table of the chosen labels.
 *   3. One section per group of the sweep file (per method when no run has a group): for each problem, the
 *      convergence of F − f* (log scale, f* in the subtitle) against passes over the data and against seconds,
 *      mean over seeds with min–max bands; then a results table (one row per run label and problem).
 *   4. "All runs": one row per run.
 *
 * The building blocks ({@link summarySection}, {@link resultsTable}, {@link allRunsTable},
 * {@link problemFigures}, and the figure builders of `./figures.ts`) are exported for studies that compose
 * their own sections.
 */
import type { Manifest, RunRow, TraceRow } from '../sweep/results.js';
import {
  bestValues,
  gap,
  groupBy,
  groupRuns,
  type Problem,
  problemKey,
  problemName,
  problemOf,
  summarize,
  type XField,
} from './aggregate.js';
import { convergenceFigure, type Figure, slugId } from './figures.js';
import { type Cell, escapeHtml } from './html.js';
import { referenceSection } from './reference.js';

/** A table of a report (cells are escaped when rendered). */
export interface Table {
  caption?: string;
  headers: string[];
  rows: Cell[][];
  /** Columns shown while the table is collapsed (default: `collapsedColumns` of `./columns.ts`). */
  keep?: number[];
}

/** One section: trusted HTML text, then tables and figures. */
export interface Section {
  /** Letters, digits, `-`, `_`, starting with a letter; unique among sections and figures. */
  id: string;
  title: string;
  /** Trusted HTML (escape any user text with `escapeHtml`). */
  text: string;
  figures: Figure[];
  tables: Table[];
}

export interface Report {
  title: string;
  /** One plain-text line under the title. */
  subtitle?: string;
  /** Trusted HTML shown before the first section. */
  intro?: string;
  sections: Section[];
}

/** Numbers for tables: integers as is, others with `digits` significant digits, exponents when tiny/huge. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/** `mean ± half-range` of finite values (the ± is half of max − min); just the value for one; '' for none. */
export function fmtSpread(values: ReadonlyArray<number | null | undefined>, digits = 4): string {
  const s = summarize(values);
  if (s.n === 0) return '';
  if (s.n === 1 || s.max === s.min) return fmt(s.mean, digits);
  return `${fmt(s.mean, digits)} ± ${fmt((s.max - s.min) / 2, 2)}`;
}

function percent(v: number): string {
  return Number.isNaN(v) ? '' : `${fmt(100 * v, 4)}%`;
}

/** Stop reasons and how often each occurred, e.g. `converged ×2, max-iterations`. */
export function stopReasons(runs: readonly RunRow[]): string {
  const counts = groupBy(runs, (r) => r.result.stopReason);
  return [...counts]
    .map(([reason, list]) => (list.length === 1 && runs.length === 1 ? reason : `${reason} ×${list.length}`))
    .join(', ');
}

function duration(from: string, to: string | null): string {
  if (to === null) return '';
  const s = (Date.parse(to) - Date.parse(from)) / 1000;
  if (!Number.isFinite(s)) return '';
  if (s < 120) return `${fmt(s, 3)} s`;
  if (s < 7200) return `${fmt(s / 60, 3)} min`;
  return `${fmt(s / 3600, 3)} h`;
}

/** The f* of every problem, plus each problem's description and runs (in first-appearance order). */
export interface ProblemInfo {
  key: string;
  problem: Problem;
  name: string;
  fStar: number;
  runs: RunRow[];
}

/** Every problem of the sweep with its f* (see `bestValues`). */
export function problems(runs: readonly RunRow[], traces: readonly TraceRow[]): ProblemInfo[] {
  const best = bestValues(runs, traces);
  return [...groupRuns(runs, 'problem')].map(([key, list]) => {
    const problem = problemOf(list[0]);
    return { key, problem, name: problemName(problem), fStar: best.get(key) ?? Number.NaN, runs: list };
  });
}

/** Key/value table of a manifest. */
export function manifestTable(manifest: Manifest): Table {
  const r = manifest.runs;
  return {
    caption: 'Environment and status',
    headers: ['item', 'value'],
    rows: [
      ['status', manifest.status],
      ['runs', `${r.finished} finished of ${r.total}, ${r.failed} failed, ${r.resumed} resumed`],
      ['started', manifest.startedAt],
      ['ended', manifest.endedAt ?? ''],
      ['duration', duration(manifest.startedAt, manifest.endedAt)],
      ['parallel jobs', manifest.jobs],
      ['sweep file', manifest.sweepFile ?? ''],
      ['sweep file SHA-256', manifest.sweepSha256 ?? ''],
      ['optlab', manifest.optlab],
      ['Node.js / V8', `${manifest.node} / ${manifest.v8}`],
      ['platform', manifest.platform],
      ['CPU', `${manifest.cpu.model} (${manifest.cpu.cores} cores)`],
    ],
  };
}

/** Datasets with SHA-256 (from the manifest, else from the runs). */
export function datasetsTable(runs: readonly RunRow[], manifest?: Manifest): Table {
  const list = manifest?.datasets.length
    ? manifest.datasets
    : [...groupRuns(runs, 'dataset').values()].map((l) => l[0].dataset);
  return {
    caption: 'Datasets',
    headers: ['dataset', 'rows', 'features', 'SHA-256'],
    rows: list.map((d) => [d.name, d.rows, d.features, d.sha256]),
  };
}

/** Problems with f* and the run that reached it. */
export function problemsTable(runs: readonly RunRow[], traces: readonly TraceRow[]): Table {
  const rows: Cell[][] = problems(runs, traces).map((p) => {
    // The run whose trace (or final value) holds f*.
    const ids = new Set(p.runs.map((r) => r.id));
    const holder =
      traces.find((t) => ids.has(t.id) && t.value === p.fStar)?.id ??
      p.runs.find((r) => r.result.value === p.fStar)?.id ??
      '';
    const pr = p.problem;
    return [
      pr.dataset,
      pr.subset ?? '',
      pr.labels,
      pr.loss,
      pr.lambda,
      pr.l2,
      p.runs.length,
      Number.isNaN(p.fStar) ? '' : Number(p.fStar.toPrecision(12)),
      holder,
    ];
  });
  return {
    caption: 'Problems: f* is the best value any run reached on the dataset and objective',
    headers: ['dataset', 'subset', 'labels', 'loss', 'λ', 'l2', 'runs', 'f*', 'reached by'],
    rows,
  };
}

/** The first section: manifest, datasets, problems. */
export function summarySection(runs: readonly RunRow[], traces: readonly TraceRow[], manifest?: Manifest): Section {
  const perLabel = new Map<string, number>();
  for (const r of runs) perLabel.set(r.label, (perLabel.get(r.label) ?? 0) + 1);
  const labels = perLabel.size;
  const counts = [...perLabel.values()];
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  const each = `${lo === hi ? lo : `${lo} to ${hi}`} run${hi === 1 ? '' : 's'} each, one per seed and dataset`;
  const probs = new Set(runs.map(problemKey)).size;
  const parts = [
    `<p>${runs.length} runs of ${labels} parametrized method${labels === 1 ? '' : 's'} (${each}) on ${probs} problem${probs === 1 ? '' : 's'} (dataset and objective).</p>`,
  ];
  if (manifest && manifest.status !== 'complete') {
    parts.push(
      `<p><strong>The sweep is ${escapeHtml(manifest.status)}:</strong> ${manifest.runs.finished} of ${manifest.runs.total} runs finished; the figures show those.</p>`,
    );
  }
  if (manifest && manifest.runs.failed > 0) {
    parts.push(`<p><strong>${manifest.runs.failed} run(s) failed</strong> and are not shown.</p>`);
  }
  return {
    id: 'sweep',
    title: 'Sweep',
    text: parts.join('\n'),
    figures: [],
    tables: [
      ...(manifest ? [manifestTable(manifest)] : []),
      datasetsTable(runs, manifest),
      problemsTable(runs, traces),
    ],
  };
}

/**
 * One row per run label (and problem, when the runs span several): seeds, final value (mean ± half-range over
 * seeds), final gap, gradient norm, stop reasons, iterations, passes, seconds, sparsity, and train/test
 * accuracy when recorded. `fStar` maps problem keys to f* (see `bestValues`).
 */
/** A column a caller adds to `resultsTable`: its header and the cell of one row's runs (all seeds of a label). */
export interface ExtraColumn {
  header: string;
  cell: (runs: readonly RunRow[]) => Cell;
  /** What the column means, appended to the caption. */
  note?: string;
}

export function resultsTable(
  runs: readonly RunRow[],
  fStar: Map<string, number>,
  caption?: string,
  extra: readonly ExtraColumn[] = [],
): Table {
  const multi = new Set(runs.map(problemKey)).size > 1;
  const hasTrain = runs.some((r) => r.result.trainAccuracy !== undefined);
  const hasTest = runs.some((r) => r.result.testAccuracy !== undefined);
  const headers = [
    'run',
    ...(multi ? ['problem'] : []),
    'seeds',
    'final F',
    'F − f*',
    'grad norm',
    'stopped',
    'iterations',
    'passes',
    'seconds',
    'zeros',
    ...(hasTrain ? ['train acc.'] : []),
    ...(hasTest ? ['test acc.'] : []),
    ...extra.map((c) => c.header),
  ];
  const rows: Cell[][] = [];
  for (const list of groupRuns(runs, (r) => `${r.label}\u0000${problemKey(r)}`).values()) {
    const r0 = list[0];
    const f = fStar.get(problemKey(r0)) ?? Number.NaN;
    const mean = (get: (r: RunRow) => number | null | undefined) => summarize(list.map(get)).mean;
    rows.push([
      r0.label,
      ...(multi ? [problemName(problemOf(r0))] : []),
      list.length,
      fmtSpread(
        list.map((r) => r.result.value),
        10,
      ),
      fmt(
        mean((r) => gap(r.result.value, f)),
        3,
      ),
      fmt(
        mean((r) => r.result.gradNorm),
        3,
      ),
      stopReasons(list),
      fmt(
        mean((r) => r.result.iterations),
        4,
      ),
      fmt(
        mean((r) => r.result.counts.passes),
        4,
      ),
      fmt(
        mean((r) => r.result.seconds),
        3,
      ),
      percent(mean((r) => r.result.sparsity)),
      ...(hasTrain ? [percent(mean((r) => r.result.trainAccuracy))] : []),
      ...(hasTest ? [percent(mean((r) => r.result.testAccuracy))] : []),
      ...extra.map((c) => c.cell(list)),
    ]);
  }
  const notes = extra.flatMap((c) => (c.note ? [c.note] : []));
  return {
    caption: [
      caption ??
        'Results per run label: means over seeds; final F as mean ± half the min–max range; F − f* floored at 1e-16·max(1, |f*|)',
      ...notes,
    ].join('; '),
    headers,
    rows,
  };
}

/** One row per run. */
export function allRunsTable(
  runs: readonly RunRow[],
  fStar: Map<string, number>,
  extra: readonly ExtraColumn[] = [],
): Table {
  const hasTest = runs.some((r) => r.result.testAccuracy !== undefined);
  const notes = extra.flatMap((c) => (c.note ? [c.note] : []));
  return {
    caption: ['Every run', ...notes].join('; '),
    headers: [
      'id',
      'seed',
      'stopped',
      'F',
      'F − f*',
      'grad norm',
      'iterations',
      'epochs',
      'passes',
      'seconds',
      'zeros',
      ...(hasTest ? ['test acc.'] : []),
      ...extra.map((c) => c.header),
    ],
    rows: runs.map((r) => [
      r.id,
      r.seed,
      r.result.stopReason,
      fmt(r.result.value, 10),
      fmt(gap(r.result.value, fStar.get(problemKey(r)) ?? Number.NaN), 3),
      fmt(r.result.gradNorm, 3),
      r.result.iterations,
      r.result.epochs,
      fmt(r.result.counts.passes, 4),
      fmt(r.result.seconds, 3),
      percent(r.result.sparsity),
      ...(hasTest ? [percent(r.result.testAccuracy ?? Number.NaN)] : []),
      ...extra.map((c) => c.cell([r])),
    ]),
  };
}

const AGAINST: Record<XField, string> = { iter: 'iterations', epoch: 'epochs', passes: 'passes', seconds: 'time' };

export interface ProblemFiguresOptions {
  /** Prefix of the figure ids (a valid id). */
  idPrefix: string;
  /** Title prefix, e.g. the group's name. */
  title: string;
  /** X axes, one figure each (default passes and seconds). */
  xs?: XField[];
  colorBy?: 'label' | 'method';
  maxPoints?: number;
}

/**
 * Convergence figures of the given runs on one problem: F − f* on a log scale when f* is finite (else F),
 * one figure per x axis, ids `${idPrefix}-${x}`.
 */
export function problemFigures(
  runs: readonly RunRow[],
  traces: readonly TraceRow[],
  problem: ProblemInfo,
  opts: ProblemFiguresOptions,
): Figure[] {
  const ids = new Set(runs.map((r) => r.id));
  const rows = traces.filter((t) => ids.has(t.id));
  const hasGap = Number.isFinite(problem.fStar);
  return (opts.xs ?? ['passes', 'seconds']).map((x) =>
    convergenceFigure(rows, {
      id: `${opts.idPrefix}-${x}`,
      x,
      y: hasGap ? 'gap' : 'value',
      ...(hasGap ? { fStar: problem.fStar } : {}),
      problem: problem.name,
      title: `${opts.title} on ${problem.problem.dataset}${problem.problem.subset !== undefined ? `[:${problem.problem.subset}]` : ''}: against ${AGAINST[x]}`,
      ...(opts.colorBy !== undefined ? { colorBy: opts.colorBy } : {}),
      ...(opts.maxPoints !== undefined ? { maxPoints: opts.maxPoints } : {}),
      caption: `${problem.name}.`,
    }),
  );
}

/**
 * Short names of problems for ids: only the fields that differ between them, e.g. `a9a` and `rcv1` when only
 * the dataset varies, `a9a-lambda-0.001` when λ varies too.
 */
export function problemSlugs(probs: readonly ProblemInfo[]): Map<string, string> {
  const fields: Array<[keyof Problem, string]> = [
    ['dataset', ''],
    ['subset', 'subset'],
    ['labels', 'labels'],
    ['loss', ''],
    ['lambda', 'lambda'],
    ['l2', 'l2'],
  ];
  const vary = fields.filter(([f]) => new Set(probs.map((p) => String(p.problem[f]))).size > 1);
  return new Map(
    probs.map((p) => [
      p.key,
      vary.map(([f, name]) => (name ? `${name}-${p.problem[f] ?? 'all'}` : String(p.problem[f]))).join('-'),
    ]),
  );
}

/** One method's best run label on a problem, by the rule of {@link bestPerMethod}. */
export interface BestLabel {
  method: string;
  label: string;
  runs: RunRow[];
  /** Labels of the method on the problem (the grid it was chosen from). */
  candidates: number;
  meanValue: number;
  meanPasses: number;
}

/**
 * The best setting of each method among runs of ONE problem: the run label with the lowest mean final F over
 * its seeds; a label with a non-finite final value in any seed ranks last; ties go to fewer mean passes.
 * Methods in first-appearance order.
 */
export function bestPerMethod(runs: readonly RunRow[]): BestLabel[] {
  const out: BestLabel[] = [];
  for (const [method, list] of groupRuns(runs, 'method')) {
    const labels = [...groupRuns(list, 'label')].map(([label, rs]) => {
      const finiteAll = rs.every((r) => Number.isFinite(r.result.value));
      return {
        method,
        label,
        runs: rs,
        candidates: 0,
        meanValue: finiteAll ? summarize(rs.map((r) => r.result.value)).mean : Number.POSITIVE_INFINITY,
        meanPasses: summarize(rs.map((r) => r.result.counts.passes)).mean,
      };
    });
    labels.sort((a, b) => a.meanValue - b.meanValue || a.meanPasses - b.meanPasses);
    out.push({ ...labels[0], candidates: labels.length });
  }
  return out;
}

/** The rule of {@link bestPerMethod}, as the report states it. */
export const BEST_RULE =
  'each method is shown with its best setting on the problem: the run label with the lowest mean final F over its seeds (a label with a diverged seed ranks last; ties go to fewer passes)';

/**
 * "Methods compared": for each problem with at least two methods, one figure with the best setting of every
 * method (see {@link bestPerMethod}) against passes, and a table of the chosen labels.
 */
export function comparisonSection(
  runs: readonly RunRow[],
  traces: readonly TraceRow[],
  probs: readonly ProblemInfo[],
  taken: Set<string>,
  maxPoints?: number,
): Section | undefined {
  const figures: Figure[] = [];
  const rows: Cell[][] = [];
  const multi = probs.length > 1;
  const slugs = problemSlugs(probs);
  for (const p of probs) {
    const mine = runs.filter((r) => problemKey(r) === p.key);
    const best = bestPerMethod(mine);
    if (best.length < 2) continue;
    const chosen = best.flatMap((b) => b.runs);
    const idPrefix = slugId(multi ? `compare-${slugs.get(p.key)}` : 'compare', taken);
    figures.push(
      ...problemFigures(chosen, traces, p, {
        idPrefix,
        title: `Methods compared (best setting of each)`,
        xs: ['passes'],
        ...(maxPoints !== undefined ? { maxPoints } : {}),
      }),
    );
    for (const b of best) {
      rows.push([
        ...(multi ? [p.name] : []),
        b.method,
        b.label,
        `${b.candidates}`,
        b.runs.length,
        fmt(b.meanValue, 10),
        fmt(gap(b.meanValue, p.fStar), 3),
        fmt(b.meanPasses, 4),
      ]);
    }
  }
  for (const f of figures) taken.add(f.id);
  if (figures.length === 0) return undefined;
  return {
    id: slugId('methods-compared', taken),
    title: 'Methods compared',
    text: `<p>One figure per problem with every method on it: ${escapeHtml(BEST_RULE)}. Each method's whole grid is in its own section below.</p>`,
    figures,
    tables: [
      {
        caption: 'The setting chosen for each method',
        headers: [
          ...(multi ? ['problem'] : []),
          'method',
          'run',
          'settings tried',
          'seeds',
          'final F',
          'F − f*',
          'passes',
        ],
        rows,
      },
    ],
  };
}

export interface SweepReportOptions {
  title?: string;
  subtitle?: string;
  /** Trusted HTML before the first section. */
  intro?: string;
  /** At most this many points per curve (default 300). */
  maxPoints?: number;
}

/** The generic report of a sweep; see the module comment. */
export function buildSweepReport(
  runs: readonly RunRow[],
  traces: readonly TraceRow[],
  manifest: Manifest | undefined,
  opts: SweepReportOptions = {},
): Report {
  const probs = problems(runs, traces);
  const fStar = new Map(probs.map((p) => [p.key, p.fStar]));
  const taken = new Set<string>(['sweep', 'all-runs']);
  const sections: Section[] = [summarySection(runs, traces, manifest)];
  const grouped = runs.some((r) => r.group !== undefined);
  const multi = probs.length > 1;
  const slugs = problemSlugs(probs);
  const compared = comparisonSection(runs, traces, probs, taken, opts.maxPoints);
  if (compared) sections.push(compared);
  const reference = referenceSection(runs, traces, taken);
  if (reference) sections.push(reference);
  for (const [name, list] of groupRuns(runs, grouped ? 'group' : 'method')) {
    const id = slugId(`${grouped ? 'group' : 'method'}-${name}`, taken);
    const figures: Figure[] = [];
    const inGroup = groupRuns(list, 'problem');
    for (const p of probs) {
      const mine = inGroup.get(p.key);
      if (!mine) continue;
      const idPrefix = multi ? slugId(`${id}-${slugs.get(p.key)}`, taken) : id;
      figures.push(
        ...problemFigures(mine, traces, p, {
          idPrefix,
          title: name,
          ...(opts.maxPoints !== undefined ? { maxPoints: opts.maxPoints } : {}),
        }),
      );
    }
    for (const f of figures) taken.add(f.id);
    const labels = new Set(list.map((r) => r.label)).size;
    const seeds = new Set(list.map((r) => r.seed)).size;
    sections.push({
      id,
      title: grouped ? name : `Method ${name}`,
      text:
        `<p>${labels} run label${labels === 1 ? '' : 's'} × ${seeds} seed${seeds === 1 ? '' : 's'}. ` +
        'Curves show F − f* on a log scale, where f* is the best value any run of the sweep reached on the same ' +
        'dataset and objective (stated above each chart); lines are means over seeds, shaded bands span the ' +
        'min–max over seeds. Passes count sample gradients / n, a cost every method pays alike.</p>',
      figures,
      tables: [resultsTable(list, fStar)],
    });
  }
  sections.push({
    id: 'all-runs',
    title: 'All runs',
    text: '<p>One row per run.</p>',
    figures: [],
    tables: [allRunsTable(runs, fStar)],
  });
  const datasets = [...new Set(runs.map((r) => r.dataset.name))];
  return {
    title: opts.title ?? `optlab sweep: ${datasets.join(', ')}`,
    subtitle:
      opts.subtitle ??
      [manifest ? `optlab ${manifest.optlab}` : '', manifest?.startedAt ?? '', `${runs.length} runs`]
        .filter((s) => s)
        .join(' · '),
    ...(opts.intro !== undefined ? { intro: opts.intro } : {}),
    sections,
  };
}
