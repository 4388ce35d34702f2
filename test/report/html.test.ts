import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { correlationMatrix } from '../../src/data/correlation.js';
import { fromDense } from '../../src/data/csr.js';
import { OptlabError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/node/atomic.js';
import { loadInlineScripts } from '../../src/node/scripts.js';
import { correlationHeatmapSpec } from '../../src/report/charts/heatmap.js';
import { lineChartSpec } from '../../src/report/charts/lines.js';
import { escapeInlineScript, htmlTable, inlineJson, renderHtmlPage } from '../../src/report/html.js';
import { skipWithoutBrowser, withOfflinePage } from '../helpers/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-html-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A nasty series name: it must neither close the JSON script element nor open an HTML comment. */
const NASTY = '</script><!-- gd & "co" -->';

function twoChartPage(): string {
  const rows: Array<Record<string, unknown>> = [];
  for (const method of ['gd', NASTY]) {
    for (let k = 0; k < 30; k++) {
      const gap = Math.exp(-(method === 'gd' ? 0.2 : 0.6) * k);
      rows.push({ method, iter: k, gap, lo: gap / 2, hi: gap * 2 });
    }
  }
  const dense: number[][] = [];
  for (let i = 0; i < 40; i++) {
    const row: number[] = [];
    for (let j = 0; j < 25; j++) row.push(((i * 7 + j * 13) % 5 === 0 ? 1 : 0) * (j === 4 ? 0 : 1));
    dense.push(row);
  }
  const corr = correlationMatrix(fromDense(dense, 25));
  return renderHtmlPage({
    title: 'optlab report <test>',
    subtitle: 'two charts & a table',
    sections: [
      {
        id: 'convergence',
        title: 'Convergence',
        html: '<p>Gap to the optimum per iteration.</p>',
        charts: [
          {
            id: 'lines',
            caption: 'Line chart with a band',
            spec: lineChartSpec(rows, {
              x: 'iter',
              y: 'gap',
              color: 'method',
              title: 'Convergence curves',
              logY: true,
              band: { lo: 'lo', hi: 'hi' },
            }),
          },
        ],
        tables: [
          {
            caption: 'Summary',
            headers: ['method', 'iterations'],
            rows: [
              ['gd', 30],
              [NASTY, 30],
            ],
          },
        ],
      },
      {
        id: 'data',
        title: 'Data',
        charts: [{ id: 'heatmap', spec: correlationHeatmapSpec(corr, { title: 'Feature correlation' }) }],
      },
    ],
    scripts: loadInlineScripts(),
  });
}

describe('html helpers (no browser)', () => {
  it('escapes table cells, right-aligns numbers and leaves null cells empty', () => {
    const t = htmlTable(
      ['a<b', 'n'],
      [
        ['x & "y"', 1.5],
        [null, -2],
      ],
      'cap <i>',
    );
    assert.ok(t.includes('<th>a&lt;b</th>'));
    assert.ok(t.includes('<td>x &amp; &quot;y&quot;</td><td class="num">1.5</td>'));
    assert.ok(t.includes('<td></td><td class="num">-2</td>'));
    assert.ok(t.includes('<caption>cap &lt;i&gt;</caption>'));
  });

  it('inline JSON and code cannot close the script element or open a comment', () => {
    const json = inlineJson({ s: NASTY, u: '\u2028' });
    assert.ok(!/<\/script|<!--/i.test(json));
    assert.deepEqual(JSON.parse(json), { s: NASTY, u: '\u2028' });
    const code = escapeInlineScript('var a="</SCRIPT>",b="<!--";');
    assert.ok(!/<\/script|<!--/i.test(code));
    assert.equal(new Function(`${code}; return a + b;`)(), '</SCRIPT><!--');
  });

  it('builds one page: escaped title, table of contents, each script and spec once, vega-lite not inlined', () => {
    const html = twoChartPage();
    assert.ok(html.startsWith('<!doctype html>'));
    assert.ok(html.includes('<title>optlab report &lt;test&gt;</title>'));
    assert.ok(html.includes('<a href="#convergence">Convergence</a>') && html.includes('<a href="#data">Data</a>'));
    // Exactly three </script> closers for code (vega, vega-embed, boot) plus one per chart spec.
    assert.equal((html.match(/<\/script>/g) ?? []).length, 5);
    assert.equal((html.match(/<!--/g) ?? []).length, 0);
    assert.equal((html.match(/<script type="application\/json" data-chart="chart-/g) ?? []).length, 2);
    assert.ok(!html.includes('vega-lite.min') && !/\bvegaLite\s*=\s*function/.test(html));
    assert.ok(
      !/https?:\/\/(?!www\.w3\.org|vega\.github\.io\/schema)/.test(html.replace(/<script>[\s\S]*?<\/script>/g, '')),
    );
  });

  it('rejects bad and duplicate ids', () => {
    const scripts = { vega: '', vegaEmbed: '' };
    assert.throws(
      () => renderHtmlPage({ title: 't', sections: [{ id: 'a b', title: 'x' }], scripts }),
      (e: unknown) => e instanceof OptlabError,
    );
    assert.throws(
      () =>
        renderHtmlPage({
          title: 't',
          sections: [
            { id: 'a', title: 'x' },
            { id: 'a', title: 'y' },
          ],
          scripts,
        }),
      (e: unknown) => e instanceof OptlabError && /used twice/.test(e.message),
    );
  });
});

describe('html report in headless Chromium', () => {
  it('renders both charts offline: no request but the file, no console error, SVG/PNG/CSV buttons', {
    skip: skipWithoutBrowser,
    timeout: 90_000,
  }, async () => {
    const file = join(dir, 'report.html');
    writeFileAtomic(file, twoChartPage());
    assert.ok(readFileSync(file).length > 500_000, 'vega should be inlined');

    await withOfflinePage(file, async ({ page, url, requests, blocked, errors }) => {
      // A string: the test's tsconfig has no DOM types. The boot script marks each container data-rendered
      // once vegaEmbed has resolved (after the view ran and the actions menu was added), or data-error.
      await page.waitForFunction(
        `[...document.querySelectorAll('div.chart')].every(
          (el) => el.hasAttribute('data-rendered') || el.hasAttribute('data-error'))`,
        undefined,
        { timeout: 60_000 },
      );
      const charts = await page.$$eval('div.chart', (els) =>
        els.map((el) => ({
          id: el.id,
          rendered: el.getAttribute('data-rendered'),
          drawn: el.querySelector('svg.marks, canvas.marks') !== null,
          error: el.textContent?.includes('Chart failed') ?? false,
          svgTexts: [...el.querySelectorAll('svg.marks text')].map((t) => t.textContent ?? ''),
          marks: el.querySelectorAll('svg.marks path, svg.marks line').length,
          actions: [...(el.closest('figure')?.querySelectorAll('.fig-tools button') ?? [])].map(
            (a) => a.textContent ?? '',
          ),
        })),
      );
      assert.deepEqual(
        charts.map((c) => [c.id, c.rendered, c.drawn, c.error]),
        [
          ['chart-lines', '1', true, false],
          ['chart-heatmap', '1', true, false],
        ],
      );
      const [lines, heatmap] = charts;
      assert.ok(lines.svgTexts.includes('Convergence curves'), lines.svgTexts.join('|'));
      assert.ok(lines.svgTexts.includes(NASTY), 'the nasty series name is drawn verbatim in the legend');
      assert.ok(heatmap.svgTexts.includes('Feature correlation'));
      assert.ok(heatmap.marks > 25 * 25 - 2 * 25, `heatmap cells: ${heatmap.marks}`);
      for (const c of charts) assert.deepEqual(c.actions, ['SVG', 'PNG', 'CSV']);
      assert.deepEqual(blocked, []);
      assert.deepEqual(requests, [url]);
      assert.deepEqual(errors, []);
      // The table survived the nasty cell (escaped, not parsed as markup).
      const cells = await page.$$eval('table td', (tds) => tds.map((td) => td.textContent));
      assert.ok(cells.includes(NASTY));
    });
  });
});
