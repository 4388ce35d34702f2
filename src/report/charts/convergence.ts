/**
 * The interactive convergence chart: one Vega-Lite spec whose x column, y quantity, log scales and hidden
 * series are signals, so the report page switches them without rebuilding the chart, and a static render
 * (SVG/PNG) shows the signals' initial values.
 *
 * Signals (Vega-Lite `params`): `xField` (a trace column: iter, epoch, passes, seconds), `yField` (value,
 * gap, gradNorm), `logX`, `logY` (booleans) and `hidden` (the series hidden from the legend, an array).
 *
 * Rows carry every column: `{ label, method, params, seeds, iter, epoch, passes, seconds, value, gap,
 * gradNorm }` (and `note`, a hover field per run label titled `noteTitle`, when given) and, with bands, `<y>_lo` / `<y>_hi` for each y (min and max over seeds). Transforms pick the
 * columns: `_x = datum[xField]`, `_y = datum[yField]`. A Vega scale's type cannot be a signal, so a log axis
 * is a linear axis of log10 of the value (non-positive values dropped) whose labels show 10^tick: powers of
 * ten as `1e-7`, other ticks (on ranges under a few decades) with two significant digits.
 *
 * The axis titles follow the signals through `usermeta.optlab` (see `compileToVega` in `../vega.ts`, which
 * turns them into signal expressions of the compiled Vega axes), and so does the legend: an entry of a hidden
 * series is drawn faded. The colour scale's domain is fixed to every series, so hiding one keeps its legend
 * entry (to show it again) and its colour.
 *
 * Core-safe: no Node API.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { XField, YField } from '../aggregate.js';

export interface ConvergenceChartOptions {
  /** Initial x column and y quantity (what a static render shows). */
  x: XField;
  y: YField;
  logX: boolean;
  logY: boolean;
  /** Axis titles of every column and quantity that a switch can select. */
  xTitles: Partial<Record<XField, string>>;
  yTitles: Partial<Record<YField, string>>;
  /** Field naming the series: one colour and one legend entry per value. */
  color: 'label' | 'method';
  /** Every value of `color`, in legend order. */
  series: string[];
  /** Field whose values select the dash pattern of the lines (e.g. the label when colouring by method). */
  strokeDash?: 'label';
  /** Rows have `<y>_lo` and `<y>_hi`: draw a shaded band between them. */
  band: boolean;
  /** Rows have `note` (one more hover field, e.g. the study's end point), titled so. */
  noteTitle?: string;
  title: string | { text: string; subtitle: string | string[] };
  width?: number;
  height?: number;
}

/** A Vega expression string literal. */
const lit = (s: string) => JSON.stringify(s);

/** `signal === 'a' ? A : signal === 'b' ? B : …`, the last title as the fallback. */
function titleExpr(signal: string, titles: Record<string, string | undefined>, log: string): string {
  const entries = Object.entries(titles).filter((e): e is [string, string] => e[1] !== undefined);
  let expr = lit(entries.at(-1)?.[1] ?? '');
  for (const [k, t] of entries.slice(0, -1).reverse()) expr = `${signal} === ${lit(k)} ? ${lit(t)} : ${expr}`;
  return `(${expr}) + (${log} ? ' (log scale)' : '')`;
}

/**
 * Tick values of an axis that may be log10 of the value: every integer (power of ten) in the domain when the
 * domain holds at least two, else (and on a linear axis) Vega's own ticks.
 */
function ticksExpr(log: string, scale: string): string {
  const d = `domain(${lit(scale)})`;
  return `${log} && floor(${d}[1]) - ceil(${d}[0]) >= 1 ? sequence(ceil(${d}[0]), floor(${d}[1]) + 1) : null`;
}

/** Labels of an axis that may be log10 of the value. */
function labelExpr(log: string): string {
  return (
    `${log} ? (abs(datum.value - round(datum.value)) < 1e-9 ? format(pow(10, datum.value), '.0e') ` +
    `: format(pow(10, datum.value), '.2~g')) : datum.label`
  );
}

/** `_name = log ? log10(datum[field]) (positive only, else null) : datum[field]`. */
function pick(as: string, field: string, log: string): object[] {
  return [
    { calculate: `datum[${field}]`, as: `${as}_raw` },
    {
      calculate: `${log} ? (isValid(datum.${as}_raw) && datum.${as}_raw > 0 ? log(datum.${as}_raw) / LN10 : null) : datum.${as}_raw`,
      as,
    },
  ];
}

/** What `compileToVega` applies to the compiled Vega spec of a chart built here. */
export interface ConvergenceMeta {
  /** Signal expressions of the x and y axis titles. */
  axisTitles: { x: string; y: string };
  /** Signal expressions of the x and y tick values (null: Vega's own). */
  axisValues: { x: string; y: string };
  /** The legend fades the entries whose value is in the signal `hidden`. */
  legendHidden: true;
}

/** Builds the chart; see the module comment. */
export function convergenceChartSpec(rows: Array<Record<string, unknown>>, o: ConvergenceChartOptions): TopLevelSpec {
  const quantitative = 'quantitative' as const;
  const x = {
    field: '_x',
    type: quantitative,
    scale: { zero: false },
    title: o.xTitles[o.x] ?? o.x,
    axis: { labelExpr: labelExpr('logX') },
  };
  const y = {
    field: '_y',
    type: quantitative,
    scale: { zero: false },
    title: o.yTitles[o.y] ?? o.y,
    axis: { labelExpr: labelExpr('logY') },
  };
  const color = {
    field: o.color,
    type: 'nominal' as const,
    title: o.color,
    scale: { domain: o.series },
    legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2.5, symbolSize: 200 },
  };
  const fmt = (field: string, title: string, format: string) => ({ field, title, type: quantitative, format });
  const tooltip = [
    { field: 'label', type: 'nominal' as const, title: 'run' },
    { field: 'method', type: 'nominal' as const, title: 'method' },
    { field: 'params', type: 'nominal' as const, title: 'parameters' },
    { field: 'seeds', type: quantitative, title: 'seeds' },
    ...(o.noteTitle !== undefined ? [{ field: 'note', type: 'nominal' as const, title: o.noteTitle }] : []),
    fmt('iter', 'iterations', ',.0f'),
    fmt('epoch', 'epochs', '.4~g'),
    fmt('passes', 'passes', '.4~g'),
    fmt('seconds', 'seconds', '.3~g'),
    fmt('value', 'F', '.8~g'),
    fmt('gap', 'F − f*', '.3e'),
    fmt('gradNorm', 'gradient norm', '.3e'),
  ];
  const strokeDash =
    o.strokeDash !== undefined ? { strokeDash: { field: o.strokeDash, type: 'nominal' as const } } : {};
  const detail = o.strokeDash !== undefined ? { detail: { field: o.strokeDash, type: 'nominal' as const } } : {};
  const layers: object[] = [];
  if (o.band) {
    layers.push({
      transform: [...pick('_lo', "yField + '_lo'", 'logY'), ...pick('_hi', "yField + '_hi'", 'logY')],
      mark: { type: 'area', opacity: 0.18, tooltip: false },
      encoding: { x, y: { ...y, field: '_lo' }, y2: { field: '_hi' }, color, ...detail },
    });
  }
  layers.push({
    mark: { type: 'line', strokeWidth: 1.75, point: { filled: true, opacity: 0, size: 40 } },
    encoding: { x, y, color, ...strokeDash, tooltip },
  });
  const meta: ConvergenceMeta = {
    axisTitles: {
      x: titleExpr('xField', o.xTitles, 'logX'),
      y: titleExpr('yField', o.yTitles, 'logY'),
    },
    axisValues: { x: ticksExpr('logX', 'x'), y: ticksExpr('logY', 'y') },
    legendHidden: true,
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: o.width ?? 480,
    height: o.height ?? 300,
    usermeta: { optlab: meta },
    params: [
      { name: 'xField', value: o.x },
      { name: 'yField', value: o.y },
      { name: 'logX', value: o.logX },
      { name: 'logY', value: o.logY },
      { name: 'hidden', value: [] },
    ],
    data: { values: rows },
    transform: [
      { filter: `indexof(hidden, datum[${lit(o.color)}]) < 0` },
      ...pick('_x', 'xField', 'logX'),
      ...pick('_y', 'yField', 'logY'),
      { filter: 'isValid(datum._x) && isFinite(datum._x) && isValid(datum._y) && isFinite(datum._y)' },
    ],
    layer: layers,
  } as TopLevelSpec;
}
