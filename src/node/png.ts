/**
 * SVG → PNG with resvg, chart files on disk, and a small PNG reader for tests ("is there ink here?").
 *
 * FONT PITFALL: resvg draws no text at all, silently, when it finds no font. We never rely on system fonts:
 * the DejaVu TTFs of the `dejavu-fonts-ttf` package are passed as `fontFiles` with `loadSystemFonts: false`,
 * and `sans-serif` is mapped to DejaVu Sans, matching the `font-family="DejaVu Sans, sans-serif"` that
 * `src/report/vega.ts` puts on every chart text. `pngHasInk` lets tests check that text is really drawn.
 */
import { extname } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { TopLevelSpec } from 'vega-lite';
import { type CompileOptions, renderSvg } from '../report/vega.js';
import { writeFileAtomic } from './atomic.js';
import { type PngOptions, svgToPng } from './raster.js';

export { chartFontFiles, type PngOptions, svgToPng } from './raster.js';

export interface WriteChartOptions extends PngOptions, CompileOptions {}

/**
 * Renders a Vega-Lite spec to chart file(s), each written atomically, and returns the paths written.
 *
 * - `target` ending in `.svg` or `.png` (any case): that one file.
 * - any other `target` is a base name: `<target>.svg` and `<target>.png` are both written
 *   (so `out/fig.v2` gives `out/fig.v2.svg` and `out/fig.v2.png`).
 *
 * Parent folders are created when missing.
 */
export async function writeChart(
  vlSpec: TopLevelSpec,
  target: string,
  opts: WriteChartOptions = {},
): Promise<string[]> {
  const ext = extname(target).toLowerCase();
  const svg = await renderSvg(vlSpec, opts);
  const written: string[] = [];
  if (ext !== '.png') {
    const path = ext === '.svg' ? target : `${target}.svg`;
    writeFileAtomic(path, svg);
    written.push(path);
  }
  if (ext !== '.svg') {
    const path = ext === '.png' ? target : `${target}.png`;
    writeFileAtomic(path, svgToPng(svg, opts));
    written.push(path);
  }
  return written;
}

/** A decoded PNG as 8-bit RGBA, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * Decodes an 8-bit, non-interlaced PNG (greyscale, RGB, grey+alpha or RGBA; what resvg writes) to RGBA.
 * Only meant for checking rendered charts; throws on anything else (palette, 16-bit, interlaced).
 */
export function decodePng(png: Uint8Array): RgbaImage {
  for (let k = 0; k < 8; k++) if (png[k] !== PNG_SIGNATURE[k]) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= png.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(png[pos + 4], png[pos + 5], png[pos + 6], png[pos + 7]);
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      const depth = body[8];
      colorType = body[9];
      if (depth !== 8 || body[12] !== 0 || ![0, 2, 4, 6].includes(colorType)) {
        throw new Error(`unsupported PNG (bit depth ${depth}, colour type ${colorType}, interlace ${body[12]})`);
      }
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : colorType === 4 ? 2 : 1;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[dst + x - channels] : 0;
      const b = y > 0 ? px[dst - stride + x] : 0;
      const c = x >= channels && y > 0 ? px[dst - stride + x - channels] : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      px[dst + x] = (raw[src + x] + pred) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const g = px[s];
    if (channels >= 3) {
      rgba[4 * i] = g;
      rgba[4 * i + 1] = px[s + 1];
      rgba[4 * i + 2] = px[s + 2];
    } else {
      rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = g;
    }
    rgba[4 * i + 3] = channels === 4 ? px[s + 3] : channels === 2 ? px[s + 1] : 255;
  }
  return { width, height, rgba };
}

/** A pixel rectangle; clipped to the image. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface InkOptions {
  /** Background colour [r, g, b] (default white). Pixels are composited over white before comparing. */
  background?: [number, number, number];
  /** A pixel is ink when some channel differs from the background by more than this (default 64 of 255). */
  threshold?: number;
}

/**
 * Number of "ink" pixels in a region of a PNG (default: the whole image): pixels that, composited over white,
 * differ from the background by more than `threshold` in some channel. Anti-aliased fringes below the
 * threshold do not count, so faint noise cannot pass for text.
 */
export function pngInkCount(png: Uint8Array, region?: Region, opts: InkOptions = {}): number {
  const { width, height, rgba } = decodePng(png);
  const [br, bg, bb] = opts.background ?? [255, 255, 255];
  const threshold = opts.threshold ?? 64;
  const x0 = Math.max(0, Math.floor(region?.x ?? 0));
  const y0 = Math.max(0, Math.floor(region?.y ?? 0));
  const x1 = Math.min(width, x0 + Math.ceil(region?.width ?? width));
  const y1 = Math.min(height, y0 + Math.ceil(region?.height ?? height));
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = 4 * (y * width + x);
      const a = rgba[i + 3] / 255;
      const r = rgba[i] * a + 255 * (1 - a);
      const g = rgba[i + 1] * a + 255 * (1 - a);
      const b = rgba[i + 2] * a + 255 * (1 - a);
      if (Math.abs(r - br) > threshold || Math.abs(g - bg) > threshold || Math.abs(b - bb) > threshold) count++;
    }
  }
  return count;
}

/** True when the region holds at least `minPixels` ink pixels (default 10); see {@link pngInkCount}. */
export function pngHasInk(png: Uint8Array, region?: Region, opts: InkOptions & { minPixels?: number } = {}): boolean {
  return pngInkCount(png, region, opts) >= (opts.minPixels ?? 10);
}
