/**
 * Vega-Lite → Vega compilation and headless SVG rendering.
 *
 * Core-safe: imports only `vega` and `vega-lite`, which are pure JavaScript, so it runs in Node and in a
 * browser Web Worker alike. Rendering uses `new View(parse(vgSpec), { renderer: 'none' }).toSVG()`: no DOM and
 * no canvas. Without node-canvas Vega estimates text widths from the font size, which is good enough for axis
 * layout.
 *
 * Every chart gets {@link CHART_CONFIG}: all text in the DejaVu Sans family, the font that `src/node/png.ts`
 * ships to resvg (which draws no text at all without a font file), so the SVG, the PNG and the HTML report
 * all name the same font. The spec's own `config` wins over it.
 */
import { type LoggerInterface, parse, type Spec as VgSpec, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ConvergenceMeta } from './charts/convergence.js';

/** The font family of every chart text: DejaVu Sans, falling back to the platform's sans-serif in a browser. */
export const CHART_FONT = 'DejaVu Sans, sans-serif';

/** Vega-Lite config applied under every spec (titles, axis labels, legends, text marks). */
export const CHART_CONFIG = {
  font: CHART_FONT,
  background: 'white',
  title: { font: CHART_FONT, subtitleFont: CHART_FONT },
  axis: { labelFont: CHART_FONT, titleFont: CHART_FONT },
  legend: { labelFont: CHART_FONT, titleFont: CHART_FONT, labelLimit: 420 },
  header: { labelFont: CHART_FONT, titleFont: CHART_FONT },
} as const;

export interface CompileOptions {
  /** Receives Vega-Lite's and Vega's warnings (the core never prints); ignored when absent. */
  onWarn?: (message: string) => void;
}

const WARN_LEVEL = 2; // vega-util's Warn

/** A logger that hands warnings and errors to a callback instead of the console. */
class SinkLogger implements LoggerInterface {
  private lvl = WARN_LEVEL;
  constructor(private readonly onWarn: ((message: string) => void) | undefined) {}
  level(l?: number): number | LoggerInterface {
    if (l === undefined) return this.lvl;
    this.lvl = l;
    return this;
  }
  error(...args: unknown[]): this {
    this.onWarn?.(`error: ${args.map(String).join(' ')}`);
    return this;
  }
  warn(...args: unknown[]): this {
    if (this.lvl >= WARN_LEVEL) this.onWarn?.(args.map(String).join(' '));
    return this;
  }
  info(): this {
    return this;
  }
  debug(): this {
    return this;
  }
}

type VgAxis = { scale?: string; title?: unknown; values?: unknown };
type VgLegend = { encode?: Record<string, { interactive?: boolean; update?: Record<string, unknown> }> };

/**
 * What Vega-Lite cannot say, applied to the compiled spec of a chart that asks for it in
 * `usermeta.optlab` (see `./charts/convergence.ts`): axis titles that follow a signal, and legend entries
 * that fade when their value is in the signal `hidden` (and take clicks).
 */
function applyMeta(vg: VgSpec, meta: Partial<ConvergenceMeta> | undefined): VgSpec {
  if (!meta) return vg;
  const spec = vg as VgSpec & { axes?: VgAxis[]; legends?: VgLegend[] };
  for (const axis of spec.axes ?? []) {
    const expr = axis.scale === 'x' ? meta.axisTitles?.x : axis.scale === 'y' ? meta.axisTitles?.y : undefined;
    if (expr !== undefined && axis.title !== undefined) axis.title = { signal: expr };
    const values = axis.scale === 'x' ? meta.axisValues?.x : axis.scale === 'y' ? meta.axisValues?.y : undefined;
    if (values !== undefined) axis.values = { signal: values };
  }
  if (meta.legendHidden) {
    const faded = { signal: 'indexof(hidden, datum.value) < 0 ? 1 : 0.3' };
    for (const legend of spec.legends ?? []) {
      const encode = legend.encode ?? {};
      for (const part of ['symbols', 'labels'] as const) {
        const e = encode[part] ?? {};
        encode[part] = {
          ...e,
          interactive: true,
          update: { ...e.update, opacity: faded, cursor: { value: 'pointer' } },
        };
      }
      legend.encode = encode;
    }
  }
  return vg;
}

/** Compiles a Vega-Lite spec to a Vega spec, with {@link CHART_CONFIG} under the spec's own config. */
export function compileToVega(vlSpec: TopLevelSpec, opts: CompileOptions = {}): VgSpec {
  const vg = compile(vlSpec, { config: CHART_CONFIG, logger: new SinkLogger(opts.onWarn) }).spec;
  const meta = (vlSpec as { usermeta?: { optlab?: Partial<ConvergenceMeta> } }).usermeta?.optlab;
  return applyMeta(vg, meta);
}

/**
 * Renders a Vega-Lite spec to an SVG document string (headless; no DOM). Text is emitted as `<text>` elements
 * with `font-family="DejaVu Sans, sans-serif"`. The View is finalized afterwards.
 */
export async function renderSvg(vlSpec: TopLevelSpec, opts: CompileOptions = {}): Promise<string> {
  const logger = new SinkLogger(opts.onWarn);
  const view = new View(parse(compileToVega(vlSpec, opts)), { renderer: 'none', logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
