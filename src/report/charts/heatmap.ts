/**
 * Vega-Lite spec of a correlation heatmap.
 *
 * Cell (i, j) — row i, column j, both 1-based feature indices — is coloured by r = corr[(i−1)·d + (j−1)] on a
 * diverging blue–white–red scale with domain [−1, 1] (blue: negative, white: 0, red: positive). NaN cells
 * (constant features, see `src/data/correlation.ts`) are left blank, while the axes keep every index 1..d.
 *
 * Data are compact: one inline row per i holding the arrays `j` and `r` (r rounded to 4 decimals, NaN as
 * null), expanded by a `flatten` transform. That is ~12 bytes per cell instead of ~26 for one object per cell,
 * which matters for a self-contained HTML report (a9a: d = 123, 15 129 cells).
 */
import type { TopLevelSpec } from 'vega-lite';

export interface HeatmapOptions {
  title?: string;
  /** Side of the square plot area in pixels; default clamps 5 px per feature to [200, 600]. */
  size?: number;
}

/** The correlation input: `d` and a d×d row-major matrix (as returned by `correlationMatrix`). */
export interface CorrelationInput {
  readonly d: number;
  readonly corr: ArrayLike<number>;
}

/** Axis tick values: every index when d ≤ 30, else 1 and every multiple of 10. */
export function heatmapTicks(d: number): number[] {
  const out: number[] = [];
  if (d <= 30) {
    for (let i = 1; i <= d; i++) out.push(i);
    return out;
  }
  out.push(1);
  for (let i = 10; i <= d; i += 10) out.push(i);
  return out;
}

function round4(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null;
}

/** Builds the heatmap spec; see the module comment. */
export function correlationHeatmapSpec(corr: CorrelationInput, opts: HeatmapOptions = {}): TopLevelSpec {
  const { d } = corr;
  const size = opts.size ?? Math.min(600, Math.max(200, 5 * d));
  const js: number[] = [];
  for (let j = 1; j <= d; j++) js.push(j);
  const values: Array<{ i: number; j: number[]; r: Array<number | null> }> = [];
  for (let i = 0; i < d; i++) {
    const r: Array<number | null> = new Array(d);
    for (let j = 0; j < d; j++) r[j] = round4(corr.corr[i * d + j]);
    values.push({ i: i + 1, j: js, r });
  }
  const ticks = heatmapTicks(d);
  const domain = [0.5, d + 0.5];
  const axis = (title: string) => ({ title, values: ticks, grid: false, labelAngle: 0, format: 'd' });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    width: size,
    height: size,
    data: { values },
    transform: [
      { flatten: ['j', 'r'] },
      { filter: 'isValid(datum.r) && isFinite(datum.r)' },
      { calculate: 'datum.j - 0.5', as: 'j0' },
      { calculate: 'datum.j + 0.5', as: 'j1' },
      { calculate: 'datum.i - 0.5', as: 'i0' },
      { calculate: 'datum.i + 0.5', as: 'i1' },
    ],
    // No per-cell aria-label: it would more than double the SVG (15k cells for a9a) and helps no screen reader.
    mark: { type: 'rect', strokeWidth: 0, aria: false },
    encoding: {
      x: { field: 'j0', type: 'quantitative', scale: { domain, nice: false, zero: false }, axis: axis('feature j') },
      x2: { field: 'j1' },
      y: {
        field: 'i0',
        type: 'quantitative',
        scale: { domain, nice: false, zero: false, reverse: true },
        axis: axis('feature i'),
      },
      y2: { field: 'i1' },
      color: {
        field: 'r',
        type: 'quantitative',
        scale: { scheme: 'redblue', reverse: true, domain: [-1, 1] },
        legend: { title: 'r' },
      },
      tooltip: [
        { field: 'i', type: 'quantitative', title: 'i' },
        { field: 'j', type: 'quantitative', title: 'j' },
        { field: 'r', type: 'quantitative', title: 'r', format: '.4f' },
      ],
    },
    config: { view: { stroke: '#ccc' } },
  };
}
