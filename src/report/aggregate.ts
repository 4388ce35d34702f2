/**
 * Read-side helpers over a sweep's rows (`RunRow`, `TraceRow` of `src/sweep/results.ts`): grouping, the best
 * value f* per problem, gaps for log scales, and seed bands. Core-safe: no Node API.
 *
 * PROBLEM. Runs are comparable when they minimize the same function: same dataset (name and subset), same
 * label mapping, loss, λ (L1) and l2. {@link problemKey} names that tuple; f* and gaps are per problem.
 *
 * f*. `f* = min { F(x) : x a trace point or the final iterate of any run of the problem }`, over finite values
 * only (benchopt's convention: the best value any solver reached). It is an estimate of the optimum, so the
 * best run's gap reaches 0 at its best point: see {@link gapFloor}.
 *
 * SEED BANDS. Runs of one label that differ only by the seed are aggregated point by point. With deterministic
 * budgets (iterations, epochs, passes) the trace points of every seed sit at the same iteration (or epoch)
 * indices, so points are aligned by index, not interpolated: at each index the band holds the mean, min and max
 * of y over the seeds that have a point there, and x is the mean of the x column (e.g. seconds) over those
 * seeds. With a time limit the indices differ between seeds and the bands say little; `n` tells how many
 * seeds each point averages.
 */
import type { RunRow, TraceRow } from '../sweep/results.js';

/** What makes two runs minimize the same function. */
export interface Problem {
  dataset: string;
  subset?: number;
  labels: string;
  loss: string;
  lambda: number;
  l2: number;
}

/** The problem a run minimizes. */
export function problemOf(run: RunRow): Problem {
  const { name, subset } = run.dataset;
  const { labels, loss, lambda, l2 } = run.objective;
  return { dataset: name, ...(subset !== undefined ? { subset } : {}), labels, loss, lambda, l2 };
}

/** A stable string key of a run's problem (dataset name + subset + labels + loss + λ + l2). */
export function problemKey(run: RunRow): string {
  const p = problemOf(run);
  return JSON.stringify([p.dataset, p.subset ?? null, p.labels, p.loss, p.lambda, p.l2]);
}

/** A human-readable name of a problem, e.g. `a9a[:1000], logistic, λ = 0.001, labels pm1`. */
export function problemName(p: Problem): string {
  const parts = [`${p.dataset}${p.subset !== undefined ? `[:${p.subset}]` : ''}`, p.loss];
  if (p.lambda !== 0) parts.push(`λ = ${p.lambda}`);
  if (p.l2 !== 0) parts.push(`l2 = ${p.l2}`);
  parts.push(`labels ${p.labels}`);
  return parts.join(', ');
}

/** Groups items by a key, keeping the order in which keys (and items within a key) first appear. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** How {@link groupRuns} groups: a named field, or any key function. */
export type RunGrouping = 'label' | 'method' | 'group' | 'problem' | 'dataset' | ((run: RunRow) => string);

/**
 * Groups runs (first-appearance order). `'group'` uses the sweep file's group, or the method for runs without
 * one; `'label'` puts every seed of one parametrized method together (across datasets: combine with
 * `'problem'` through a key function when that matters).
 */
export function groupRuns(runs: readonly RunRow[], by: RunGrouping): Map<string, RunRow[]> {
  const key: (r: RunRow) => string =
    typeof by === 'function'
      ? by
      : by === 'label'
        ? (r) => r.label
        : by === 'method'
          ? (r) => r.method
          : by === 'group'
            ? (r) => r.group ?? r.method
            : by === 'problem'
              ? problemKey
              : (r) => r.dataset.name;
  return groupBy(runs, key);
}

/** A finite number, or NaN for null, undefined and non-finite values. */
export function finite(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

/**
 * f* of every problem: the least finite value over the trace points and final values of all its runs (see the
 * module comment). Keys are {@link problemKey}s; a problem whose runs have no finite value maps to NaN. Trace
 * rows are tied to their run by `id`; rows of unknown runs are ignored.
 */
export function bestValues(runs: readonly RunRow[], traces: readonly TraceRow[]): Map<string, number> {
  const keyById = new Map<string, string>();
  const best = new Map<string, number>();
  const offer = (key: string, v: number | null | undefined) => {
    const f = finite(v);
    const cur = best.get(key)!;
    if (!Number.isNaN(f) && (Number.isNaN(cur) || f < cur)) best.set(key, f);
  };
  for (const r of runs) {
    const key = problemKey(r);
    keyById.set(r.id, key);
    if (!best.has(key)) best.set(key, Number.NaN);
    offer(key, r.result.value);
  }
  for (const t of traces) {
    const key = keyById.get(t.id);
    if (key !== undefined) offer(key, t.value);
  }
  return best;
}

/** f* of one problem (a {@link problemKey}); NaN when no run of it reached a finite value. */
export function bestValue(runs: readonly RunRow[], traces: readonly TraceRow[], key: string): number {
  return bestValues(runs, traces).get(key) ?? Number.NaN;
}

/**
 * The smallest gap drawn on a log scale: `1e-16 · max(1, |f*|)`. A double carries ~16 significant digits, so
 * a difference F − f* below 1e-16·|f*| is rounding noise (and exactly 0 at the run that defines f*); flooring
 * keeps such points on the chart, at the bottom, instead of letting the log scale drop them.
 */
export function gapFloor(fStar: number): number {
  return 1e-16 * Math.max(1, Math.abs(fStar));
}

/** The gap `max(F − f*, gapFloor(f*))`, or NaN when F (or f*) is not finite. */
export function gap(value: number | null | undefined, fStar: number): number {
  const f = finite(value);
  if (Number.isNaN(f) || !Number.isFinite(fStar)) return Number.NaN;
  return Math.max(f - fStar, gapFloor(fStar));
}

/** The horizontal axis of a convergence figure: a column of the trace. */
export type XField = 'iter' | 'passes' | 'seconds' | 'epoch';

/** The vertical quantity: F, the gap F − f* (floored, see {@link gap}) or the gradient (mapping) norm. */
export type YField = 'value' | 'gap' | 'gradNorm';

export interface SeedBandOptions {
  /** What to aggregate (default 'value'). */
  y?: YField;
  /** f* for y = 'gap': one number, or one per trace row (e.g. looked up through the run's problem). */
  fStar?: number | ((row: TraceRow) => number);
  /** Which rows form one band (default: same label on the same dataset, `${label}@${dataset}`). */
  by?: (row: TraceRow) => string;
}

/** One aligned point of a band: aggregates over the `n` seeds that have a point at this index. */
export interface BandPoint {
  /** The alignment index: `iter`, or `epoch` when x is 'epoch'. */
  index: number;
  /** Mean of the x column over the seeds at this index. */
  x: number;
  mean: number;
  min: number;
  max: number;
  /** Seeds with a point at this index (less than the band's seeds where some run stopped earlier). */
  n: number;
}

/** An index where some seed's y was not finite (null, NaN, ±∞, or a gap without f*): left out of `points`. */
export interface FlaggedPoint {
  index: number;
  /** Mean of the x column over the seeds at this index. */
  x: number;
  n: number;
  /** Seeds whose y is not finite here. */
  nonFinite: number;
}

/** The seeds of one label (on one dataset), aggregated point by point. */
export interface SeedBand {
  key: string;
  label: string;
  method: TraceRow['method'];
  group?: string;
  dataset: string;
  /** Distinct seeds, ascending. */
  seeds: number[];
  /** Aligned points where every seed present has a finite y, by increasing index. */
  points: BandPoint[];
  /** Aligned points left out because some seed's y is not finite there. */
  flagged: FlaggedPoint[];
}

function yOf(row: TraceRow, y: YField, fStar: SeedBandOptions['fStar']): number {
  if (y === 'value') return finite(row.value);
  if (y === 'gradNorm') return finite(row.gradNorm);
  if (fStar === undefined) return Number.NaN;
  return gap(row.value, typeof fStar === 'number' ? fStar : fStar(row));
}

/**
 * Aggregates trace rows over seeds, point by point (see the module comment): one {@link SeedBand} per label
 * (and dataset), in first-appearance order. Rows are aligned by `iter`, or by `epoch` when `x` is 'epoch'.
 */
export function seedBands(traces: readonly TraceRow[], x: XField, opts: SeedBandOptions = {}): SeedBand[] {
  const y = opts.y ?? 'value';
  const by = opts.by ?? ((r: TraceRow) => `${r.label}@${r.dataset}`);
  const align = x === 'epoch' ? 'epoch' : 'iter';
  const bands: SeedBand[] = [];
  for (const [key, rows] of groupBy(traces, by)) {
    const first = rows[0];
    const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
    const byIndex = groupBy(rows, (r) => String(r[align]));
    const points: BandPoint[] = [];
    const flagged: FlaggedPoint[] = [];
    for (const at of byIndex.values()) {
      const index = at[0][align];
      let sx = 0;
      let sy = 0;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      let bad = 0;
      for (const r of at) {
        sx += r[x];
        const v = yOf(r, y, opts.fStar);
        if (Number.isNaN(v)) {
          bad++;
          continue;
        }
        sy += v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const n = at.length;
      if (bad > 0) flagged.push({ index, x: sx / n, n, nonFinite: bad });
      else points.push({ index, x: sx / n, mean: sy / n, min: lo, max: hi, n });
    }
    points.sort((a, b) => a.index - b.index);
    flagged.sort((a, b) => a.index - b.index);
    bands.push({
      key,
      label: first.label,
      method: first.method,
      ...(first.group !== undefined ? { group: first.group } : {}),
      dataset: first.dataset,
      seeds,
      points,
      flagged,
    });
  }
  return bands;
}

/**
 * Indices of at most `max` (≥ 2) items out of `n`, evenly spaced, always keeping the first and the last: used to
 * thin long traces before they are inlined in a chart (a curve needs a few hundred points, not thousands).
 */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max || max < 2) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  let last = -1;
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1));
    if (i !== last) out.push(i);
    last = i;
  }
  return out;
}

/** Mean, min and max of the finite values (NaN for all three when there is none), and how many were finite. */
export function summarize(values: ReadonlyArray<number | null | undefined>): {
  mean: number;
  min: number;
  max: number;
  n: number;
} {
  let s = 0;
  let n = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    const f = finite(v);
    if (Number.isNaN(f)) continue;
    s += f;
    n++;
    if (f < lo) lo = f;
    if (f > hi) hi = f;
  }
  return n === 0 ? { mean: Number.NaN, min: Number.NaN, max: Number.NaN, n } : { mean: s / n, min: lo, max: hi, n };
}

/** Every x column of a trace, and every plotted quantity. */
export const X_FIELDS: readonly XField[] = ['iter', 'epoch', 'passes', 'seconds'];
export const Y_FIELDS: readonly YField[] = ['value', 'gap', 'gradNorm'];

/** Mean, min and max over the seeds at one aligned index; null when some seed's value is not finite there. */
export interface Spread {
  mean: number;
  min: number;
  max: number;
}

/** One aligned point of a series with every x column (means over seeds) and every y quantity. */
export interface SeriesPoint {
  /** The alignment index (`iter`, or `epoch`). */
  index: number;
  /** Seeds with a point at this index. */
  n: number;
  x: Record<XField, number>;
  y: Record<YField, Spread | null>;
}

/** The seeds of one label (on one dataset), aggregated at each aligned index for every x and y at once. */
export interface Series {
  key: string;
  label: string;
  method: TraceRow['method'];
  group?: string;
  dataset: string;
  given: TraceRow['given'];
  seeds: number[];
  points: SeriesPoint[];
}

/**
 * {@link seedBands} for every x column and every y quantity at once (what an interactive figure switches
 * between): rows aligned by `align` (see the module comment), x columns averaged over the seeds at an index,
 * each y summarized by mean, min and max, or null at an index where some seed's y is not finite (a gap
 * without a finite `fStar` is null everywhere).
 */
export function seedSeries(traces: readonly TraceRow[], align: 'iter' | 'epoch', fStar?: number): Series[] {
  const out: Series[] = [];
  for (const [key, rows] of groupBy(traces, (r) => `${r.label}@${r.dataset}`)) {
    const first = rows[0];
    const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
    const points: SeriesPoint[] = [];
    for (const at of groupBy(rows, (r) => String(r[align])).values()) {
      const n = at.length;
      const x = {} as Record<XField, number>;
      for (const f of X_FIELDS) x[f] = at.reduce((s, r) => s + r[f], 0) / n;
      const y = {} as Record<YField, Spread | null>;
      for (const f of Y_FIELDS) {
        const vs = at.map((r) => yOf(r, f, fStar));
        y[f] = vs.some(Number.isNaN)
          ? null
          : { mean: vs.reduce((s, v) => s + v, 0) / n, min: Math.min(...vs), max: Math.max(...vs) };
      }
      points.push({ index: at[0][align], n, x, y });
    }
    points.sort((a, b) => a.index - b.index);
    out.push({
      key,
      label: first.label,
      method: first.method,
      ...(first.group !== undefined ? { group: first.group } : {}),
      dataset: first.dataset,
      given: first.given,
      seeds,
      points,
    });
  }
  return out;
}
