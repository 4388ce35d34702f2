/**
 * The interactive report page in Chromium, on a small sweep folder: switches, legend, page-wide defaults,
 * downloads, widths, print. (The study's report gets the same checks in test/study/study.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, writeReport } from '../../src/node/report-writer.js';
import { buildSweepReport } from '../../src/report/build.js';
import type { RunFile, RunRow } from '../../src/sweep/results.js';
import { skipWithoutBrowser, waitForCharts, withOfflinePage } from '../helpers/browser.js';
import {
  chartWithSeries,
  checkAxisSwitch,
  checkColumnsOneClickAway,
  checkLegendToggle,
  checkMarksHaveExtent,
  checkNoSidewaysScroll,
  checkTableCsv,
} from '../helpers/report-page.js';

const root = mkdtempSync(join(tmpdir(), 'optlab-interactive-'));
after(() => rmSync(root, { recursive: true, force: true }));

const N = 40;
const METHODS = [
  { method: 'gd', label: 'gd[step=0.5]', rate: 0.6, cost: 1 },
  { method: 'lbfgs', label: 'lbfgs[memory=5]', rate: 0.2, cost: 2 },
  { method: 'sgd', label: 'sgd[batch=4,step=0.1]', rate: 0.8, cost: 0.5 },
] as const;

function runFile(m: (typeof METHODS)[number], seed: number): RunFile {
  const trace: RunFile['trace'] = [];
  for (let k = 0; k <= 15; k++) {
    trace.push({
      iter: k,
      epoch: m.method === 'sgd' ? Math.floor(k / 2) : k,
      value: 0.4 + m.rate ** k * (1 + seed / 10),
      gradNorm: m.rate ** k,
      seconds: 0.003 * k * m.cost * (1 + k / 10),
      sampleGradients: m.cost * N * k,
      oracleCalls: k,
      vectorUpdates: k,
    });
  }
  const last = trace[15];
  const run: RunRow = {
    id: `${m.label}@tiny#${seed}`,
    label: m.label,
    method: m.method,
    given: {},
    params: {},
    objective: { loss: 'logistic', lambda: 0, l2: 0, labels: 'pm1' },
    dataset: { name: 'tiny', sha256: 'a'.repeat(64), rows: N, features: 4 },
    seed,
    init: 'zeros',
    budgets: { maxIter: 15 },
    result: {
      value: last.value,
      gradNorm: last.gradNorm,
      iterations: 15,
      epochs: last.epoch,
      stopReason: 'max-iterations',
      message: '',
      counts: {
        sampleGradients: last.sampleGradients,
        oracleCalls: 15,
        vectorUpdates: 15,
        passes: last.sampleGradients / N,
      },
      seconds: last.seconds,
      sparsity: 0,
      testAccuracy: 0.8,
    },
  };
  return { run, trace };
}

let dir: string;
before(async () => {
  dir = join(root, 'sweep');
  mkdirSync(join(dir, 'runs'), { recursive: true });
  for (const m of METHODS) {
    for (const seed of [1, 2]) {
      const f = runFile(m, seed);
      writeFileSync(join(dir, 'runs', `${f.run.id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`), JSON.stringify(f));
    }
  }
  const { runs, traces } = await readResults(dir);
  await writeReport(buildSweepReport(runs, traces, undefined), dir, { png: false });
});

describe('interactive report page', { skip: skipWithoutBrowser, timeout: 180_000 }, () => {
  it('x switch, legend toggle, table CSV, figure CSV, widths, extents; no console error or warning', async () => {
    await withOfflinePage(join(dir, 'report.html'), async ({ page, errors, requests, url }) => {
      await waitForCharts(page, 60_000);
      await page.waitForFunction(
        `[...document.querySelectorAll('div.chart')].every((el) => el.hasAttribute('data-rendered'))`,
      );
      await checkMarksHaveExtent(page);
      const chart = await checkAxisSwitch(page);
      await checkLegendToggle(page, await chartWithSeries(page));
      await checkTableCsv(page);
      // The figure's CSV holds its data rows: every column, one line per point.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`button[data-download="csv"][data-chart="${chart}"]`),
      ]);
      const csv = readFileSync((await download.path()) as string, 'utf8')
        .trimEnd()
        .split('\n');
      assert.match(csv[0], /^label,method,params,seeds,iter,epoch,passes,seconds,value,gap,gradNorm/);
      assert.ok(csv.length > 16, `${csv.length} lines`);
      await checkNoSidewaysScroll(page);
      await checkColumnsOneClickAway(page);
      assert.deepEqual(requests, [url]);
      assert.deepEqual(errors, []);
    });
  });

  it('the page-wide default sets every figure; a figure keeps its own choice afterwards', async () => {
    await withOfflinePage(join(dir, 'report.html'), async ({ page, errors }) => {
      await page.waitForFunction(
        `[...document.querySelectorAll('div.chart')].every((el) => el.hasAttribute('data-rendered'))`,
        undefined,
        { timeout: 60_000 },
      );
      const values = () =>
        page.$$eval('.fig-tools select[data-signal="yField"]', (els) =>
          els.map((e) => (e as unknown as { value: string }).value),
        );
      const n = (await values()).length;
      assert.ok(n >= 4, `${n} figures with a y switch`);
      await page.selectOption('.page-controls select[data-signal="yField"]', 'gradNorm');
      assert.deepEqual(await values(), Array(n).fill('gradNorm'));
      await page.waitForFunction(
        `[...document.querySelectorAll('div.chart g.role-axis-title text')].filter((t) => t.textContent.startsWith('gradient norm')).length === ${n}`,
        undefined,
        { timeout: 10_000 },
      );
      const first = (await page.$$eval('.fig-tools select[data-signal="yField"]', (els) =>
        els[0].getAttribute('data-chart'),
      )) as string;
      await page.selectOption(`.fig-tools select[data-signal="yField"][data-chart="${first}"]`, 'value');
      assert.deepEqual(await values(), ['value', ...Array(n - 1).fill('gradNorm')]);
      // Log x: the axis title says so.
      await page.check(`.fig-tools input[data-signal="logX"][data-chart="${first}"]`);
      await page.waitForFunction(
        `[...document.querySelectorAll('#${first} g.role-axis-title text')].some((t) => t.textContent.endsWith('(log scale)') && !t.textContent.startsWith('F'))`,
        undefined,
        { timeout: 10_000 },
      );
      assert.deepEqual(errors, []);
    });
  });

  it('prints to PDF with every figure drawn', async () => {
    await withOfflinePage(join(dir, 'report.html'), async ({ page, errors }) => {
      await page.waitForFunction(
        `[...document.querySelectorAll('div.chart')].every((el) => el.hasAttribute('data-rendered'))`,
        undefined,
        { timeout: 60_000 },
      );
      await page.emulateMedia({ media: 'print' });
      const hidden = (await page.evaluate(
        `[...document.querySelectorAll('.fig-tools, .page-controls, nav.toc')].filter((e) => getComputedStyle(e).display !== 'none').length`,
      )) as number;
      assert.equal(hidden, 0, 'controls are not printed');
      const pdf = await page.pdf({ format: 'A4' });
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      assert.ok(pages >= 2, `${pages} pages`);
      assert.deepEqual(errors, []);
    });
  });
});
