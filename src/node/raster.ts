/**
 * SVG → PNG with resvg and the bundled DejaVu fonts: the rasterizer alone (no Vega), so that a worker thread
 * that only rasterizes (./png-pool.ts) loads nothing else. See ./png.ts for the font pitfall.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { OptlabError } from '../errors.js';

const require = createRequire(import.meta.url);

/** Absolute paths of the bundled TTFs given to resvg (regular and bold: Vega titles are bold). */
export function chartFontFiles(): string[] {
  return [
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  ];
}

export interface PngOptions {
  /** Zoom factor from SVG pixels to PNG pixels (default 2, sharp on high-density screens and in print). */
  scale?: number;
}

/** The resvg options of every chart PNG: bundled DejaVu fonts, no system fonts, `sans-serif` = DejaVu Sans. */
export function resvgOptions(scale: number) {
  return {
    fitTo: { mode: 'zoom' as const, value: scale },
    font: {
      fontFiles: chartFontFiles(),
      loadSystemFonts: false,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    logLevel: 'off' as const,
  };
}

/** Rasterizes an SVG document to PNG bytes with the bundled DejaVu fonts (no system font needed). */
export function svgToPng(svg: string, opts: PngOptions = {}): Uint8Array {
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new OptlabError(`PNG scale must be a positive number, got ${scale}`);
  const png = new Resvg(svg, resvgOptions(scale)).render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
