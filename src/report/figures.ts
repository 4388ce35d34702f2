/**
 * Figure builders: each returns a {@link Figure}, a Vega-Lite spec with a stable id (its file name under
 * `figures/`, and its chart id in the HTML report) and a caption. Core-safe: no Node API.
 *
 * - {@link convergenceFigure}: loss curves from trace rows against iterations, epochs, passes or seconds; F, the
 *   gap F − f* on a log scale (f* stated in the subtitle), or the gradient norm; the mean over seeds as a line
 *   over a shaded min–max band when a label has several seeds (see `seedSeries` in `./aggregate.ts`). The
 *   page switches x, y, log scales and hidden series (`./charts/convergence.ts`).
 * - {@link barFigure}: bars per category, optionally grouped by a colour field, with error rules and a log scale.
 * - {@link scatterFigure}: one point per row, e.g. final gap against seconds, or test accuracy against sparsity.
 *
 * Inlined data are rounded to 6 significant digits (`round6`): charts cannot show more, and it keeps a
 * self-contained report small. Long traces are thinned to `maxPoints` aligned points per curve (first and last
 * kept). Non-finite values, and values ≤ 0 on a log axis, are left out and counted in the caption.
 */
import type { TopLevelSpec } from 'vega-lite';
import { OptlabError } from '../errors.js';
import type { TraceRow } from '../sweep/results.js';
import {
  gapFloor,
  type Series,
  seedSeries,
  thinIndices,
  X_FIELDS,
  type XField,
  Y_FIELDS,
  type YField,
} from './aggregate.js';
import { LOG_AXIS } from './charts/axes.js';
import { convergenceChartSpec } from './charts/convergence.js';
import type { ChartControl } from './html.js';

/** One figure of a report. */
export interface Figure {
  /** Letters, digits, `-`, `_`, starting with a letter: the file name (`figures/<id>.svg`) and the chart id. */
  id: string;
  title: string;
  /** Plain text shown under the chart. */
  caption: string;
  spec: TopLevelSpec;
  /** Browser renderer in the HTML report: 'svg' (default) or 'canvas' (faster for many marks). */
  renderer?: 'svg' | 'canvas';
  /** Controls of the interactive page, each bound to a signal of the spec (see `./charts/convergence.ts`). */
  controls?: ChartControl[];
  /** A click on a legend entry hides or shows its series (the spec has the array signal `hidden`). */
  legendToggles?: boolean;
}

const ID_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Throws unless `id` is a valid figure id (see {@link Figure.id}). */
export function checkFigureId(id: string): string {
  if (!ID_RE.test(id)) throw new OptlabError(`figure id ${JSON.stringify(id)} must be letters, digits, '-' or '_'`);
  return id;
}

/**
 * A valid id made from any text: lower case, runs of other characters as `-`, prefixed with `f-` when it would
 * not start with a letter; `taken` (when given) makes it unique with a `-2`, `-3`… suffix and records it.
 */
export function slugId(text: string, taken?: Set<string>): string {
  let base = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(base)) base = `f-${base}`.replace(/-+$/, '');
  if (!taken) return base;
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

/** `v` rounded to 6 significant digits (exact for integers below 1e6; non-finite values unchanged). */
export function round6(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

/** Axis titles of the trace columns. */
export const X_TITLES: Record<XField, string> = {
  iter: 'iterations',
  epoch: 'epochs',
  passes: 'passes over the data (sample gradients / n)',
  seconds: 'seconds',
};

/** Axis titles of the plotted quantities. */
export const Y_TITLES: Record<YField, string> = {
  value: 'F(x)',
  gap: 'F(x) − f*',
  gradNorm: 'gradient norm (prox-gradient step with L1)',
};

/** f* written in full (10 significant digits), as figures state it. */
export function formatFStar(fStar: number): string {
  return Number(fStar.toPrecision(10)).toString();
}

export interface ConvergenceOptions {
  /** See {@link Figure.id}. */
  id: string;
  /** The x column the figure starts on; 'passes' instead when its runs pay different passes per unit of x. */
  x: XField;
  y: YField;
  /** f* of the problem the traces belong to: required for y = 'gap', and then stated in the subtitle. */
  fStar?: number;
  /** Names the problem in the f* statement, e.g. `a9a, logistic, λ = 0.001, labels pm1`. */
  problem?: string;
  /** What f* is, in the subtitle (default: `the best value any run reached`). */
  fStarMeaning?: string;
  title: string;
  /** A first subtitle line; the f* statement comes after it. */
  subtitle?: string;
  /** Text put before the generated caption (which says what lines, bands and floors mean). */
  caption?: string;
  /** Colour per run label (default) or per method; with 'method', labels of one method differ by dash. */
  colorBy?: 'label' | 'method';
  /** Log scales: y defaults to log for 'gap' and 'gradNorm', linear for 'value'; x defaults to linear. */
  logX?: boolean;
  logY?: boolean;
  /** At most this many aligned points per curve (default 300; first and last kept). */
  maxPoints?: number;
  /** One more hover field per run label (e.g. the study's end point); labels not in `byLabel` show nothing. */
  hoverNote?: { title: string; byLabel: Readonly<Record<string, string>> };
  width?: number;
  height?: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Names of the x columns and y quantities in the figures' switches. */
const X_CHOICES: Record<XField, string> = { iter: 'iterations', epoch: 'epochs', passes: 'passes', seconds: 'seconds' };
const Y_CHOICES: Record<YField, string> = { gap: 'F − f*', value: 'F', gradNorm: '‖∇F‖' };

/**
 * Whether the series pay different passes over the data per unit of `x` (per iteration or epoch): then
 * `x` does not compare them fairly. Passes per unit are read at each series' last point; series with no
 * recorded passes are ignored; a spread above 1% counts as different.
 */
export function costDiffers(series: readonly Series[], x: XField): boolean {
  if (x === 'passes' || x === 'seconds') return false;
  const rates: number[] = [];
  for (const s of series) {
    const last = s.points.at(-1);
    if (last && last.x[x] > 0 && last.x.passes > 0) rates.push(last.x.passes / last.x[x]);
  }
  return rates.length > 1 && Math.max(...rates) > 1.01 * Math.min(...rates);
}

/** `step=0.5, batch=16` from the values a run was given (`defaults` when none). */
function paramsText(given: Series['given']): string {
  const e = Object.entries(given);
  return e.length === 0 ? 'defaults' : e.map(([k, v]) => `${k}=${v}`).join(', ');
}

const rounded = (v: number | undefined | null) => (v === undefined || v === null ? null : round6(v));

/**
 * Convergence curves of trace rows that belong to ONE problem (one f*): one curve per label (mean over seeds),
 * over a min–max band when some label has more than one seed. Every x column and y quantity is in the data,
 * and the figure's controls switch between them (see `./charts/convergence.ts`); the static files show the
 * initial view: `opts.x` unless its runs pay different passes per unit of it (then passes), `opts.y`. See
 * also the module comment.
 */
export function convergenceFigure(traces: readonly TraceRow[], opts: ConvergenceOptions): Figure {
  const id = checkFigureId(opts.id);
  const { y } = opts;
  const hasFStar = opts.fStar !== undefined && Number.isFinite(opts.fStar);
  if (y === 'gap' && !hasFStar) throw new OptlabError(`figure ${id}: a gap figure needs a finite f*`);
  const align = opts.x === 'epoch' ? 'epoch' : 'iter';
  const series = seedSeries(traces, align, hasFStar ? opts.fStar : undefined);
  const switched = costDiffers(series, opts.x);
  const x: XField = switched ? 'passes' : opts.x;
  const logY = opts.logY ?? y !== 'value';
  const logX = opts.logX ?? false;
  const multiSeed = series.some((s) => s.seeds.length > 1);
  const colorBy = opts.colorBy ?? 'label';
  const labelsPerMethod = new Set(series.map((s) => `${s.method}\u0000${s.label}`)).size;
  const dashByLabel = colorBy === 'method' && labelsPerMethod > new Set(series.map((s) => s.method)).size;
  const max = opts.maxPoints ?? 300;
  const ys: YField[] = [...(hasFStar ? (['gap'] as const) : []), 'value', 'gradNorm'];
  const stochastic = series.some((s) => s.points.some((p) => p.x.epoch !== p.x.iter));
  const xs: XField[] = ['iter', ...(stochastic || opts.x === 'epoch' ? (['epoch'] as const) : []), 'passes', 'seconds'];

  const rows: Array<Record<string, unknown>> = [];
  let flagged = 0;
  let offAxis = 0;
  for (const s of series) {
    const drawable = s.points.filter((p) => Y_FIELDS.some((f) => p.y[f] !== null));
    for (const p of s.points) {
      const v = p.y[y];
      if (v === null) flagged++;
      else if ((logY && v.min <= 0) || (logX && p.x[x] <= 0)) offAxis++;
    }
    const params = paramsText(s.given);
    for (const i of thinIndices(drawable.length, max)) {
      const p = drawable[i];
      const row: Record<string, unknown> = { label: s.label, method: s.method, params, seeds: p.n };
      if (opts.hoverNote) row.note = opts.hoverNote.byLabel[s.label] ?? '';
      for (const f of X_FIELDS) row[f] = round6(p.x[f]);
      for (const f of Y_FIELDS) row[f] = rounded(p.y[f]?.mean);
      if (multiSeed) {
        for (const f of Y_FIELDS) {
          row[`${f}_lo`] = rounded(p.y[f]?.min);
          row[`${f}_hi`] = rounded(p.y[f]?.max);
        }
      }
      rows.push(row);
    }
  }

  const subtitle: string[] = [];
  if (opts.subtitle !== undefined) subtitle.push(opts.subtitle);
  if (hasFStar) {
    const fStar = opts.fStar as number;
    subtitle.push(
      `f* = ${formatFStar(fStar)}: ${opts.fStarMeaning ?? 'the best value any run reached'}${opts.problem ? ` on ${opts.problem}` : ''}`,
    );
  }
  const seriesNames = [...new Set(series.map((s) => (colorBy === 'method' ? s.method : s.label)))];
  const spec = convergenceChartSpec(rows, {
    x,
    y,
    logX,
    logY,
    xTitles: Object.fromEntries(xs.map((f) => [f, X_TITLES[f]])),
    yTitles: Object.fromEntries(ys.map((f) => [f, Y_TITLES[f]])),
    color: colorBy,
    series: seriesNames,
    ...(dashByLabel ? { strokeDash: 'label' as const } : {}),
    band: multiSeed,
    ...(opts.hoverNote ? { noteTitle: opts.hoverNote.title } : {}),
    title:
      subtitle.length > 0 ? { text: opts.title, subtitle: subtitle.length === 1 ? subtitle[0] : subtitle } : opts.title,
    ...(opts.width !== undefined ? { width: opts.width } : {}),
    ...(opts.height !== undefined ? { height: opts.height } : {}),
  });

  const seedCounts = [...new Set(series.map((s) => s.seeds.length))].sort((a, b) => a - b);
  const notes: string[] = [];
  if (opts.caption) notes.push(opts.caption);
  if (rows.length === 0) notes.push('No finite point to draw.');
  if (switched) {
    notes.push(
      `Drawn against passes: these runs pay different passes over the data per ${opts.x === 'epoch' ? 'epoch' : 'iteration'}, so ${X_CHOICES[opts.x]} would not compare them fairly (the switch above the chart shows them).`,
    );
  }
  notes.push(
    multiSeed
      ? `Lines: mean over seeds (${seedCounts.join(' or ')} per run label), aligned by ${align === 'epoch' ? 'epoch' : 'iteration'}; shaded: min–max over seeds.`
      : 'One seed per run label.',
  );
  if (hasFStar) {
    const floor = gapFloor(opts.fStar as number);
    // said only when a drawn point sits on the floor (rows hold values rounded to 6 digits)
    const touches = rows.some((r) => typeof r.gap === 'number' && r.gap <= floor * (1 + 1e-5));
    notes.push(
      `F − f* is floored at 1e-16·max(1, |f*|) = ${floor.toExponential(1)} for the log scale${touches ? ' (a run that reached f* touches the floor)' : ''}.`,
    );
  }
  if (flagged > 0)
    notes.push(`${plural(flagged, 'point')} where some seed's ${Y_CHOICES[y]} is not finite are left out.`);
  if (offAxis > 0) notes.push(`${plural(offAxis, 'point')} ≤ 0 cannot be drawn on the log scale and are left out.`);
  notes.push('Click a legend entry to hide or show its curve.');
  const controls: ChartControl[] = [
    { signal: 'xField', label: 'x', options: xs.map((f) => [f, X_CHOICES[f]]), value: x },
    { signal: 'yField', label: 'y', options: ys.map((f) => [f, Y_CHOICES[f]]), value: y },
    { signal: 'logY', label: 'log y', value: logY },
    { signal: 'logX', label: 'log x', value: logX },
  ];
  return { id, title: opts.title, caption: notes.join(' '), spec, controls, legendToggles: true };
}

export interface BarOptions {
  /** See {@link Figure.id}. */
  id: string;
  title: string;
  subtitle?: string;
  caption?: string;
  /** Field of the categories along x (nominal; shown in order of first appearance unless `sort` says). */
  category: string;
  /** Field of the bar lengths (quantitative). */
  value: string;
  /** Field (nominal) colouring bars; several bars per category are then drawn side by side. */
  color?: string;
  /** Fields of an error rule drawn on each bar (e.g. min and max over seeds). */
  lo?: string;
  hi?: string;
  /** Log value axis; rows with value ≤ 0 are left out (and counted in the caption). */
  log?: boolean;
  /**
   * Where bars start and the value axis begins (default 0; with `log`, the power of 10 at or below the
   * smallest value: a log scale has no 0, and bars from 0 would draw nothing).
   */
  baseline?: number;
  /** A horizontal reference line (e.g. a majority-class baseline) with its label. */
  rule?: { value: number; label: string };
  categoryTitle?: string;
  valueTitle?: string;
  sort?: 'ascending' | 'descending' | string[];
  width?: number;
  height?: number;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number.NaN;
}

function titleOf(title: string, subtitle: string | undefined): TopLevelSpec['title'] {
  return subtitle !== undefined ? { text: title, subtitle } : title;
}

/**
 * A legend that picks series: a click on a legend entry of the colour field keeps that series bright and
 * fades the others (shift-click adds one, a double click shows all again); Vega-Lite's legend-bound point
 * selection, so it needs no page script. The static SVG/PNG show every series (nothing picked).
 */
function legendPick(field: string, bright: number): { params: object[]; opacity: object } {
  return {
    params: [{ name: 'legend_pick', select: { type: 'point', fields: [field] }, bind: 'legend' }],
    opacity: { condition: { param: 'legend_pick', value: bright, empty: true }, value: 0.12 },
  };
}

const LEGEND_NOTE = 'A click on a legend entry picks that series (shift-click adds one, a double click shows all).';

/** Bar chart; see {@link BarOptions}. */
export function barFigure(rows: ReadonlyArray<Record<string, unknown>>, opts: BarOptions): Figure {
  const id = checkFigureId(opts.id);
  const kept: Array<Record<string, unknown>> = [];
  let left = 0;
  for (const r of rows) {
    const v = num(r[opts.value]);
    if (!Number.isFinite(v) || (opts.log && v <= 0)) {
      left++;
      continue;
    }
    const row: Record<string, unknown> = { ...r, [opts.value]: round6(v) };
    for (const f of [opts.lo, opts.hi]) if (f !== undefined && typeof r[f] === 'number') row[f] = round6(r[f]);
    kept.push(row);
  }
  const order = [...new Set(kept.map((r) => String(r[opts.category])))];
  const catType = 'nominal' as const;
  const x = {
    field: opts.category,
    type: catType,
    title: opts.categoryTitle ?? opts.category,
    sort: opts.sort ?? order,
    axis: { labelAngle: order.some((c) => c.length > 6) ? -30 : 0 },
  };
  const values = kept.map((r) => num(r[opts.value]));
  const smallest = values.length > 0 ? Math.min(...values) : 1;
  const baseline = opts.baseline ?? (opts.log ? 10 ** Math.floor(Math.log10(smallest > 0 ? smallest : 1)) : undefined);
  const y = {
    field: opts.value,
    type: 'quantitative' as const,
    title: opts.valueTitle ?? opts.value,
    scale: {
      ...(opts.log ? { type: 'log' as const } : {}),
      ...(baseline !== undefined ? { domainMin: baseline, ...(opts.log ? {} : { zero: false }) } : {}),
    },
    // A stacked bar starts at 0, which a log scale cannot show (Vega warns "domain includes zero").
    ...(opts.log ? { axis: LOG_AXIS, stack: null } : {}),
  };
  const offset = opts.color !== undefined ? { xOffset: { field: opts.color, type: catType } } : {};
  const tooltip = [
    { field: opts.category, type: catType },
    ...(opts.color !== undefined ? [{ field: opts.color, type: catType }] : []),
    { field: opts.value, type: 'quantitative' as const, format: '.4~g' },
    ...[opts.lo, opts.hi]
      .filter((f): f is string => f !== undefined)
      .map((f) => ({ field: f, type: 'quantitative' as const, format: '.4~g' })),
  ];
  const pick = opts.color !== undefined ? legendPick(opts.color, 1) : undefined;
  const layers: object[] = [
    {
      ...(pick ? { params: pick.params } : {}),
      mark: { type: 'bar' },
      encoding: {
        x,
        y,
        ...(baseline !== undefined ? { y2: { datum: baseline } } : {}),
        ...offset,
        ...(opts.color !== undefined ? { color: { field: opts.color, type: catType } } : {}),
        ...(pick ? { opacity: pick.opacity } : {}),
        tooltip,
      },
    },
  ];
  if (opts.rule !== undefined) {
    const datum = { datum: round6(opts.rule.value), type: 'quantitative' as const };
    layers.push(
      { mark: { type: 'rule', color: '#b00', strokeDash: [4, 3] }, encoding: { y: datum } },
      {
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#b00', x: 0 },
        encoding: { y: datum, text: { value: opts.rule.label } },
      },
    );
  }
  if (opts.lo !== undefined && opts.hi !== undefined) {
    layers.push({
      mark: { type: 'rule', color: '#333' },
      encoding: { x, ...offset, y: { ...y, field: opts.lo }, y2: { field: opts.hi } },
    });
  }
  const notes = [opts.caption ?? ''];
  if (opts.lo !== undefined && opts.hi !== undefined) notes.push(`Rules: ${opts.lo} to ${opts.hi}.`);
  if (left > 0) notes.push(`${plural(left, 'row')} without a ${opts.log ? 'positive' : 'finite'} value left out.`);
  if (pick) notes.push(LEGEND_NOTE);
  return {
    id,
    title: opts.title,
    caption: notes.filter((n) => n).join(' '),
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: titleOf(opts.title, opts.subtitle),
      ...(opts.width !== undefined ? { width: opts.width } : {}),
      ...(opts.height !== undefined ? { height: opts.height } : {}),
      data: { values: kept },
      layer: layers,
    } as TopLevelSpec,
  };
}

export interface ScatterOptions {
  /** See {@link Figure.id}. */
  id: string;
  title: string;
  subtitle?: string;
  caption?: string;
  x: string;
  y: string;
  /** Field (nominal) colouring the points. */
  color?: string;
  /** Field (nominal) choosing the point shape. */
  shape?: string;
  logX?: boolean;
  logY?: boolean;
  xTitle?: string;
  yTitle?: string;
  /** Extra fields shown in the tooltip (e.g. 'label', 'seed'). */
  tooltip?: string[];
  width?: number;
  height?: number;
}

/** Scatter plot, one point per row with finite coordinates (positive on log axes); see {@link ScatterOptions}. */
export function scatterFigure(rows: ReadonlyArray<Record<string, unknown>>, opts: ScatterOptions): Figure {
  const id = checkFigureId(opts.id);
  const kept: Array<Record<string, unknown>> = [];
  for (const r of rows) {
    const vx = num(r[opts.x]);
    const vy = num(r[opts.y]);
    if (!Number.isFinite(vx) || !Number.isFinite(vy) || (opts.logX && vx <= 0) || (opts.logY && vy <= 0)) continue;
    kept.push({ ...r, [opts.x]: round6(vx), [opts.y]: round6(vy) });
  }
  const left = rows.length - kept.length;
  const axis = (field: string, title: string | undefined, log: boolean | undefined) => ({
    field,
    type: 'quantitative' as const,
    title: title ?? field,
    scale: log ? { type: 'log' as const } : { zero: false },
    ...(log ? { axis: LOG_AXIS } : {}),
  });
  const nominal = (field: string) => ({ field, type: 'nominal' as const });
  const extra = (opts.tooltip ?? []).filter((f) => f !== opts.color && f !== opts.shape);
  const pick = opts.color !== undefined ? legendPick(opts.color, 0.85) : undefined;
  const notes = [opts.caption ?? ''];
  if (left > 0) notes.push(`${plural(left, 'row')} that cannot be drawn (not finite, or ≤ 0 on a log axis) left out.`);
  if (pick) notes.push(LEGEND_NOTE);
  return {
    id,
    title: opts.title,
    caption: notes.filter((n) => n).join(' '),
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: titleOf(opts.title, opts.subtitle),
      width: opts.width ?? 480,
      height: opts.height ?? 300,
      data: { values: kept },
      ...(pick ? { params: pick.params } : {}),
      mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
      encoding: {
        x: axis(opts.x, opts.xTitle, opts.logX),
        y: axis(opts.y, opts.yTitle, opts.logY),
        ...(opts.color !== undefined ? { color: nominal(opts.color) } : {}),
        ...(pick ? { opacity: pick.opacity } : {}),
        ...(opts.shape !== undefined ? { shape: nominal(opts.shape) } : {}),
        tooltip: [
          ...(opts.color !== undefined ? [nominal(opts.color)] : []),
          ...(opts.shape !== undefined ? [nominal(opts.shape)] : []),
          ...extra.map(nominal),
          { field: opts.x, type: 'quantitative' as const, format: '.4~g' },
          { field: opts.y, type: 'quantitative' as const, format: '.4~g' },
        ],
      },
    } as TopLevelSpec,
  };
}

type Node = { layer?: Node[]; mark?: unknown; encoding?: Record<string, unknown>; [k: string]: unknown };

/**
 * The spec for a static file (SVG/PNG): the same chart without what only serves interaction, namely tooltips
 * and the invisible points (opacity 0) that carry them, which would make up most of the SVG's bytes. The
 * input is not modified (layers, marks and encodings are copied; data are shared).
 */
export function staticSpec(spec: TopLevelSpec): TopLevelSpec {
  const strip = (node: Node): Node => {
    const out: Node = { ...node };
    if (Array.isArray(node.layer)) out.layer = node.layer.map(strip);
    if (node.mark !== null && typeof node.mark === 'object') {
      const mark = { ...(node.mark as Record<string, unknown>) };
      const point = mark.point as { opacity?: number } | undefined;
      if (point !== null && typeof point === 'object' && point.opacity === 0) mark.point = false;
      delete mark.tooltip;
      out.mark = mark;
    }
    if (node.encoding) {
      const { tooltip: _drop, ...rest } = node.encoding;
      out.encoding = rest;
    }
    return out;
  };
  return strip(spec as unknown as Node) as unknown as TopLevelSpec;
}
