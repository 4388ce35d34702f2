/**
 * A report of POOL_FIGURES figures or more makes its PNGs on worker threads (src/node/png-pool.ts): the same
 * bytes as rasterizing on this thread (`svgToPng`), every file written, progress for every figure; the pool
 * reports a bad SVG as an error and keeps working.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { svgToPng } from '../../src/node/png.js';
import { PngPool } from '../../src/node/png-pool.js';
import { POOL_FIGURES, writeReport } from '../../src/node/report-writer.js';
import type { Report } from '../../src/report/build.js';
import { staticSpec } from '../../src/report/figures.js';
import { renderSvg } from '../../src/report/vega.js';

function spec(k: number): TopLevelSpec {
  return {
    title: `figure ${k}`,
    width: 120,
    height: 60,
    data: { values: Array.from({ length: 5 }, (_, i) => ({ x: i, y: (i * (k + 1)) % 7 })) },
    mark: 'line',
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  } as TopLevelSpec;
}

describe('PNGs on worker threads', () => {
  it('a report of POOL_FIGURES figures writes the bytes of svgToPng for each, in report order', async () => {
    const n = POOL_FIGURES;
    const report: Report = {
      title: 'pool',
      sections: [
        {
          id: 's',
          title: 'S',
          text: '',
          tables: [],
          figures: Array.from({ length: n }, (_, k) => ({ id: `f${k}`, title: `f${k}`, caption: '', spec: spec(k) })),
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'optlab-pngpool-'));
    const progress: string[] = [];
    const files = await writeReport(report, dir, { onProgress: (_d, _t, id) => progress.push(id) });
    assert.equal(files.length, 2 * n + 1);
    assert.deepEqual([...progress].sort(), Array.from({ length: n }, (_, k) => `f${k}`).sort());
    for (let k = 0; k < n; k++) {
      const svg = await renderSvg(staticSpec(spec(k)));
      assert.equal(readFileSync(join(dir, 'figures', `f${k}.svg`), 'utf8'), svg);
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'figures', `f${k}.png`))), svgToPng(svg), `f${k}.png`);
      assert.deepEqual(files.slice(2 * k, 2 * k + 2), [
        join(dir, 'figures', `f${k}.svg`),
        join(dir, 'figures', `f${k}.png`),
      ]);
    }
  });

  it('a warmed pool renders; a warmed worker that dies before its first job is replaced', async () => {
    const pool = new PngPool(2).warm();
    try {
      const workers = (pool as unknown as { all: Array<{ terminate(): Promise<number> }> }).all;
      assert.equal(workers.length, 2, 'warm() starts every worker');
      await workers[0].terminate();
      const svgs = await Promise.all([1, 2, 3].map((k) => renderSvg(staticSpec(spec(k)))));
      const pngs = await Promise.all(svgs.map((svg) => pool.render(svg, 1)));
      for (let k = 0; k < svgs.length; k++)
        assert.deepEqual(pngs[k], svgToPng(svgs[k], { scale: 1 }), `figure ${k + 1}`);
    } finally {
      await pool.close();
    }
  });

  it('a report whose page cannot be built fails before any write, and its warmed pool is closed', async () => {
    const bad = { ...spec(0), mark: 'no-such-mark' } as unknown as TopLevelSpec;
    const report: Report = {
      title: 'bad',
      sections: [
        {
          id: 's',
          title: 'S',
          text: '',
          tables: [],
          figures: Array.from({ length: POOL_FIGURES }, (_, k) => ({
            id: `f${k}`,
            title: `f${k}`,
            caption: '',
            spec: k === 3 ? bad : spec(k),
          })),
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'optlab-pngpool-'));
    await assert.rejects(writeReport(report, dir));
    assert.deepEqual(readdirSync(dir), [], 'nothing written');
    // (a pool left open would keep this test file's process alive until the runner's timeout)
  });

  it('a bad SVG is an error of its render; the pool renders the next one', async () => {
    const pool = new PngPool(1);
    try {
      await assert.rejects(pool.render('<svg', 2), /cannot rasterize a figure to PNG/);
      const svg = await renderSvg(staticSpec(spec(1)));
      assert.deepEqual(await pool.render(svg, 1), svgToPng(svg, { scale: 1 }));
    } finally {
      await pool.close();
    }
  });
});
