/**
 * The live convergence chart: the core's Vega-Lite line chart (src/report/charts/lines.ts) drawn by
 * vega-embed, embedded once per choice of axes; new trace points replace the named dataset `points` of the
 * live view (no re-embedding while a run goes). Drawn on a canvas: redrawing an SVG of a few thousand
 * points every 100 ms took enough of a two-core machine to slow the runs' workers down about twofold; the
 * exports render SVG and PNG from the same view. Loaded lazily: Vega is most of the bundle.
 */
import embed, { type Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from '../../../src/report/charts/lines.js';
import { CHART_CONFIG } from '../../../src/report/vega.js';
import type { ChartConfig } from '../config.js';
import { type ChartRow, X_TITLES, Y_TITLES } from '../series.js';

export class ConvergenceChart {
  private result: Result | null = null;
  private axes = '';
  /** Every update waits for the previous one (embed and runAsync are asynchronous). */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly el: HTMLElement) {}

  /** Draws these rows with these axes (re-embeds only when the axes or the title change). */
  update(rows: ChartRow[], chart: ChartConfig, title: string): Promise<void> {
    this.queue = this.queue
      .then(() => this.draw(rows, chart, title))
      .catch((e: unknown) => {
        this.el.setAttribute('data-error', String(e));
      });
    return this.queue;
  }

  private async draw(rows: ChartRow[], chart: ChartConfig, title: string): Promise<void> {
    const key = JSON.stringify([chart, title]);
    if (this.result === null || key !== this.axes) {
      this.result?.finalize();
      this.axes = key;
      const narrow = this.el.clientWidth < 520;
      const spec = lineChartSpec([], {
        x: 'x',
        y: 'y',
        color: 'run',
        title,
        xTitle: `${X_TITLES[chart.x]}${chart.logX ? ' (log scale)' : ''}`,
        yTitle: `${Y_TITLES[chart.y]}${chart.log ? ' (log scale)' : ''}`,
        logY: chart.log,
        logX: chart.logX,
        seriesTitle: 'run',
        height: narrow ? 220 : 320,
      }) as TopLevelSpec & Record<string, unknown>;
      const live = {
        ...spec,
        width: 'container',
        autosize: { type: 'fit-x', contains: 'padding', resize: true }, // re-layout as labels change
        data: { name: 'points', values: rows },
        // On a phone the legend goes under the chart, one entry per line, labels cut to the width (not the page's).
        config: {
          ...CHART_CONFIG,
          legend: {
            ...CHART_CONFIG.legend,
            orient: narrow ? 'bottom' : 'right',
            ...(narrow ? { columns: 1, labelLimit: Math.max(120, this.el.clientWidth - 60) } : {}),
          },
        },
      } as unknown as TopLevelSpec;
      this.result = await embed(this.el, live, {
        renderer: 'canvas',
        actions: false,
        tooltip: true,
        logLevel: 1, // errors only: an empty chart's "infinite extent" warnings are expected
      });
      return;
    }
    await this.result.view.data('points', rows).runAsync();
  }

  async png(): Promise<string> {
    await this.queue;
    if (this.result === null) throw new Error('no chart yet');
    return this.result.view.toImageURL('png', 2);
  }

  async svg(): Promise<string> {
    await this.queue;
    if (this.result === null) throw new Error('no chart yet');
    return this.result.view.toSVG();
  }
}
