import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from '../../src/node/atomic.js';
import { decodePng, pngHasInk, pngInkCount, svgToPng, writeChart } from '../../src/node/png.js';
import { correlationHeatmapSpec, heatmapTicks } from '../../src/report/charts/heatmap.js';
import { lineChartSpec } from '../../src/report/charts/lines.js';
import { CHART_FONT, compileToVega, renderSvg } from '../../src/report/vega.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-charts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function convergenceRows(): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const method of ['gd', 'lbfgs']) {
    const rate = method === 'gd' ? 0.3 : 1;
    for (let k = 0; k < 20; k++) {
      const gap = Math.exp(-rate * k);
      rows.push({ method, iter: k, gap, lo: gap * 0.5, hi: gap * 2 });
    }
  }
  return rows;
}

const LINE_TITLE = 'Convergence on a9a';
const lineSpec = lineChartSpec(convergenceRows(), {
  x: 'iter',
  y: 'gap',
  color: 'method',
  title: LINE_TITLE,
  subtitle: 'min-max over seeds',
  logY: true,
  band: { lo: 'lo', hi: 'hi' },
});

/** The text content of every <text> element of an SVG. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Removes the <text> elements whose content equals `content` (every text when content is undefined). */
function stripText(svg: string, content?: string): string {
  return svg.replace(/<text\b[^>]*>([^<]*)<\/text>/g, (all, t: string) =>
    content === undefined || t === content ? '' : all,
  );
}

describe('line chart spec', () => {
  it('compiles to Vega without warnings and renders an SVG with the title, legend and both series', async () => {
    const warnings: string[] = [];
    const vg = compileToVega(lineSpec, { onWarn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.match(String(vg.$schema), /vega\/v6/);
    const svg = await renderSvg(lineSpec);
    const t = texts(svg);
    assert.ok(t.includes(LINE_TITLE), `title missing from ${t.join('|')}`);
    assert.ok(t.includes('min-max over seeds'));
    assert.ok(t.includes('gd') && t.includes('lbfgs'), 'legend labels');
    assert.equal((svg.match(/aria-roledescription="line mark"/g) ?? []).length, 2);
    assert.equal((svg.match(/aria-roledescription="area mark"/g) ?? []).length, 2);
    assert.ok(svg.includes(`font-family="${CHART_FONT}"`));
  });

  it('supports a dash field and log x without warnings, one line per (colour, dash) pair', async () => {
    const rows = convergenceRows().flatMap((r) => [
      { ...r, iter: (r.iter as number) + 1, variant: 'exact' },
      { ...r, iter: (r.iter as number) + 1, gap: (r.gap as number) * 3, variant: 'inexact' },
    ]);
    const spec = lineChartSpec(rows, {
      x: 'iter',
      y: 'gap',
      color: 'method',
      strokeDash: 'variant',
      title: 'dashes',
      logX: true,
      logY: true,
    });
    const warnings: string[] = [];
    const svg = await renderSvg(spec, { onWarn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.equal((svg.match(/aria-roledescription="line mark"/g) ?? []).length, 4);
    assert.ok(svg.includes('stroke-dasharray'));
  });

  it('omits the band layer when no band is given, and uses a linear scale by default', () => {
    const spec = lineChartSpec(convergenceRows(), { x: 'iter', y: 'gap', color: 'method', title: 't' }) as {
      layer: Array<{ mark: { type: string }; encoding: { y: { scale: object } } }>;
    };
    assert.deepEqual(
      spec.layer.map((l) => l.mark.type),
      ['line'],
    );
    assert.deepEqual(spec.layer[0].encoding.y.scale, { zero: false });
  });
});

/** The drawn cells of a rendered heatmap of side `size` px: 1-based (i, j) from each rect's position, and its fill. */
function heatmapCells(svg: string, d: number, size: number): Array<{ i: number; j: number; fill: number[] }> {
  const group = svg.match(/<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/)?.[1] ?? '';
  const cell = size / d;
  const re = /<path d="M([\d.]+),([\d.]+)h[^"]*" fill="rgb\((\d+), (\d+), (\d+)\)"/g;
  return [...group.matchAll(re)].map((m) => ({
    i: Math.round(Number(m[2]) / cell) + 1,
    j: Math.round(Number(m[1]) / cell) + 1,
    fill: [Number(m[3]), Number(m[4]), Number(m[5])],
  }));
}

describe('correlation heatmap spec', () => {
  it('draws one cell per finite entry at (row i, column j), with the diverging colours, NaN cells blank', async () => {
    // Not symmetric on purpose, so that a mix-up of i/j or of the flattened (j, r) pairs shows.
    const corr = {
      d: 3,
      corr: new Float64Array([1, -1, 0, 0.5, Number.NaN, -0.5, Number.NaN, Number.NaN, Number.NaN]),
    };
    const warnings: string[] = [];
    const svg = await renderSvg(correlationHeatmapSpec(corr, { title: 'Feature correlation', size: 240 }), {
      onWarn: (m) => warnings.push(m),
    });
    assert.deepEqual(warnings, []);
    assert.ok(texts(svg).includes('Feature correlation'));
    const cells = heatmapCells(svg, 3, 240);
    const at = new Map(cells.map((c) => [`${c.i},${c.j}`, c.fill]));
    assert.deepEqual([...at.keys()].sort(), ['1,1', '1,2', '1,3', '2,1', '2,3']);
    const [r11, , b11] = at.get('1,1')!;
    assert.ok(r11 > 100 && b11 < 60, `r = 1 should be red, got ${at.get('1,1')}`);
    const [r12, , b12] = at.get('1,2')!;
    assert.ok(b12 > 60 && r12 < 60, `r = -1 should be blue, got ${at.get('1,2')}`);
    assert.ok(
      at.get('1,3')!.every((c) => c > 220),
      `r = 0 should be near white, got ${at.get('1,3')}`,
    );
    const [r21, , b21] = at.get('2,1')!;
    assert.ok(r21 > b21 + 40, `r = 0.5 should be light red, got ${at.get('2,1')}`);
    const [r23, , b23] = at.get('2,3')!;
    assert.ok(b23 > r23 + 40, `r = -0.5 should be light blue, got ${at.get('2,3')}`);
    // The axes keep every feature, including the constant third one that has no cell.
    assert.ok(['1', '2', '3'].every((t) => texts(svg).includes(t)));
  });

  it('labels every index for small d and every 10th for large d', () => {
    assert.deepEqual(heatmapTicks(4), [1, 2, 3, 4]);
    assert.deepEqual(heatmapTicks(123), [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
  });
});

const TEXT_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><rect width="200" height="50" fill="white"/>' +
  `<text x="10" y="35" font-size="24" font-family="${CHART_FONT}">Hello</text></svg>`;

describe('PNG rendering draws text (resvg font pitfall)', () => {
  it('a text-only SVG has ink with the bundled fonts, and none with resvg given no font (the silent failure)', () => {
    const png = svgToPng(TEXT_SVG, { scale: 1 });
    const ink = pngInkCount(png);
    assert.ok(ink > 150, `expected glyph pixels, got ${ink}`);
    // Glyphs sit where the text is: the left part holds ink, the far right quarter none.
    assert.ok(pngHasInk(png, { x: 10, y: 10, width: 80, height: 30 }));
    assert.equal(pngInkCount(png, { x: 150, y: 0, width: 50, height: 50 }), 0);
    // The pitfall itself: without fonts resvg silently draws nothing, and the ink check notices.
    const bare = new Resvg(TEXT_SVG, { font: { loadSystemFonts: false }, logLevel: 'off' }).render().asPng();
    assert.equal(pngInkCount(bare), 0);
    assert.equal(pngHasInk(bare), false);
  });

  it("a chart's PNG holds its title's glyphs: removing the title text removes hundreds of ink pixels", async () => {
    const svg = await renderSvg(lineSpec);
    const full = pngInkCount(svgToPng(svg));
    const noTitle = pngInkCount(svgToPng(stripText(svg, LINE_TITLE)));
    const noText = pngInkCount(svgToPng(stripText(svg)));
    assert.ok(full - noTitle > 300, `title ink: ${full} vs ${noTitle}`);
    assert.ok(noTitle - noText > 1000, `other text ink: ${noTitle} vs ${noText}`);
  });

  it('decodes resvg output exactly (solid colours at known places, scale applied)', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">' +
      '<rect width="20" height="20" fill="rgb(255,0,0)"/><rect x="20" width="20" height="20" fill="rgb(0,0,255)"/></svg>';
    const img = decodePng(svgToPng(svg, { scale: 3 }));
    assert.equal(img.width, 120);
    assert.equal(img.height, 60);
    const px = (x: number, y: number) =>
      Array.from(img.rgba.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 4));
    assert.deepEqual(px(5, 5), [255, 0, 0, 255]);
    assert.deepEqual(px(100, 50), [0, 0, 255, 255]);
  });
});

describe('writeChart and writeFileAtomic', () => {
  it('writes <base>.svg and <base>.png for a base name, one file for an explicit extension, no temp files', async () => {
    const base = join(dir, 'nested', 'conv.v1');
    const written = await writeChart(lineSpec, base, { scale: 1 });
    assert.deepEqual(written, [`${base}.svg`, `${base}.png`]);
    assert.ok(readFileSync(`${base}.svg`, 'utf8').startsWith('<svg'));
    const png = readFileSync(`${base}.png`);
    const svgWidth = Number(readFileSync(`${base}.svg`, 'utf8').match(/width="(\d+)"/)![1]);
    assert.equal(decodePng(png).width, svgWidth);
    assert.ok(pngHasInk(png));

    assert.deepEqual(await writeChart(lineSpec, join(dir, 'only.PNG')), [join(dir, 'only.PNG')]);
    assert.deepEqual(await writeChart(lineSpec, join(dir, 'only.svg')), [join(dir, 'only.svg')]);
    assert.equal(existsSync(join(dir, 'only.PNG.svg')), false);
    const leftovers = [...readdirSync(dir), ...readdirSync(join(dir, 'nested'))].filter((f) => f.includes('.tmp-'));
    assert.deepEqual(leftovers, []);
  });

  it('replaces an existing file whole and creates missing parent folders', () => {
    const path = join(dir, 'a', 'b', 'c.txt');
    writeFileAtomic(path, 'first version, longer than the second');
    writeFileAtomic(path, new TextEncoder().encode('second'));
    assert.equal(readFileSync(path, 'utf8'), 'second');
    writeFileAtomic(path, 'third', { fsync: true });
    assert.equal(readFileSync(path, 'utf8'), 'third');
    assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['c.txt']);
  });
});
