/**
 * Vega-Lite spec of convergence curves: one line per value of `color`, optionally over a shaded min–max band.
 *
 * Generic: the rows are inlined as `data.values` and the caller names the fields. A typical study row is
 * `{ method: 'lbfgs', iter: 12, gap: 3.1e-7, gapMin: 2e-7, gapMax: 5e-7 }` with
 * `{ x: 'iter', y: 'gap', color: 'method', band: { lo: 'gapMin', hi: 'gapMax' }, logY: true }`.
 *
 * Layers: (1) when `band` is given, an area from `band.lo` to `band.hi` per series at opacity 0.18; (2) the
 * lines, with invisible points that carry the tooltips (x, y, series and the band when present). Series share
 * one colour scale and one legend.
 *
 * Log scales: a log axis cannot show values ≤ 0; Vega-Lite drops such points (with a warning, see
 * `compileToVega`'s `onWarn`). Plot a gap (f − f*, clamped to a small positive floor) rather than f.
 */
import type { TopLevelSpec } from 'vega-lite';
import { LOG_AXIS } from './axes.js';

export interface LineChartOptions {
  /** Field of the horizontal value (quantitative). */
  x: string;
  /** Field of the vertical value (quantitative). */
  y: string;
  /** Field naming the series (nominal): one line and one legend entry per value. */
  color: string;
  title: string;
  subtitle?: string;
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
  logX?: boolean;
  /** Fields of the lower and upper edge of a shaded band around each line (e.g. min and max over seeds). */
  band?: { lo: string; hi: string };
  /** Plot-area width in pixels (default 480). */
  width?: number;
  /** Plot-area height in pixels (default 300). */
  height?: number;
  /** Field (nominal) whose values select the dash pattern of the lines, e.g. a variant next to the colour. */
  strokeDash?: string;
  /** Title of the series in the legend and the tooltip (default: the `color` field's name). */
  seriesTitle?: string;
}

function fmt(log: boolean | undefined): string {
  return log ? '.3e' : '.4~g';
}

/** Builds the layered line chart; see the module comment. */
export function lineChartSpec(rows: Array<Record<string, unknown>>, opts: LineChartOptions): TopLevelSpec {
  const xScale = opts.logX ? { type: 'log' as const } : { zero: false };
  const yScale = opts.logY ? { type: 'log' as const } : { zero: false };
  // Log axes: powers of ten labelled as 1e-7 (not a mix of 0.000001 and 1e-7), other ticks unlabelled.
  const logAxis = LOG_AXIS;
  const x = {
    field: opts.x,
    type: 'quantitative' as const,
    scale: xScale,
    title: opts.xTitle ?? opts.x,
    ...(opts.logX ? { axis: logAxis } : {}),
  };
  const y = {
    field: opts.y,
    type: 'quantitative' as const,
    scale: yScale,
    title: opts.yTitle ?? opts.y,
    ...(opts.logY ? { axis: logAxis } : {}),
  };
  // One legend for all layers, drawn as solid strokes (it would otherwise inherit the invisible points' opacity).
  const color = {
    field: opts.color,
    type: 'nominal' as const,
    title: opts.seriesTitle ?? opts.color,
    legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2.5, symbolSize: 200 },
  };
  // Tooltips name what they show (the axis titles), not the fields (which may be 'x' and 'y').
  const tooltip = [
    { field: opts.color, type: 'nominal' as const, title: opts.seriesTitle ?? opts.color },
    ...(opts.strokeDash !== undefined ? [{ field: opts.strokeDash, type: 'nominal' as const }] : []),
    { field: opts.x, type: 'quantitative' as const, format: fmt(opts.logX), title: opts.xTitle ?? opts.x },
    { field: opts.y, type: 'quantitative' as const, format: fmt(opts.logY), title: opts.yTitle ?? opts.y },
    ...(opts.band
      ? [
          { field: opts.band.lo, type: 'quantitative' as const, format: fmt(opts.logY) },
          { field: opts.band.hi, type: 'quantitative' as const, format: fmt(opts.logY) },
        ]
      : []),
  ];
  const detail = opts.strokeDash !== undefined ? { detail: { field: opts.strokeDash, type: 'nominal' as const } } : {};
  const layers: object[] = [];
  if (opts.band) {
    layers.push({
      mark: { type: 'area', opacity: 0.18, tooltip: false },
      encoding: {
        x,
        y: { ...y, field: opts.band.lo },
        y2: { field: opts.band.hi },
        color,
        ...detail,
      },
    });
  }
  layers.push({
    mark: { type: 'line', strokeWidth: 1.75, point: { filled: true, opacity: 0, size: 40 } },
    encoding: {
      x,
      y,
      color,
      ...(opts.strokeDash !== undefined ? { strokeDash: { field: opts.strokeDash, type: 'nominal' } } : {}),
      tooltip,
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.subtitle !== undefined ? { text: opts.title, subtitle: opts.subtitle } : opts.title,
    width: opts.width ?? 480,
    height: opts.height ?? 300,
    data: { values: rows },
    layer: layers,
  } as TopLevelSpec;
}
