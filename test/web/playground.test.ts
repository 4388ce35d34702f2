/**
 * The playground end to end: the web app built with Vite, served by `optlab serve` (a9a from OPTLAB_DATA), and
 * driven in Debian's Chromium with playwright-core. It loads a9a from the server, runs lbfgs and sgd to the
 * CLI's final values (1e-12 relative) with the CLI's JSON and CSV shapes, draws the chart while a run goes,
 * stops a run, restores a configuration from a URL (and starts it with run=1), shows a bad file's
 * `FILE:LINE:COLUMN` error (picked or dropped, plain or gzip), and works offline, by keyboard, with labelled
 * controls, on a phone-sized screen.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { parseLibsvm } from '../../src/data/libsvm.js';
import { TRACE_COLUMNS } from '../../src/run/record.js';
import { cliArgs, fromQuery, toQuery } from '../../web/src/config.js';
import { CHROMIUM, skipWithoutBrowser } from '../helpers/browser.js';
import { CLI_ARGS, optlab } from '../helpers/cli.js';
import { dataDir, requireDataFile } from '../helpers/data.js';
import { ensureWebBuild } from '../helpers/web-build.js';

const LONG = { timeout: 240_000 };

let server: ChildProcess | null = null;
let base = '';

/** Starts `optlab serve --port 0` and resolves with the URL it prints. */
function serve(): Promise<string> {
  const child = spawn(process.execPath, [...CLI_ARGS, 'serve', '--port', '0'], {
    env: { ...process.env, OPTLAB_DATA: dataDir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /optlab playground: (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('exit', (code) => rej(new Error(`optlab serve exited with ${code}: ${err}${out}`)));
  });
}

before(
  async () => {
    // The app built with Vite as `npm run build:web` and prepack build it, once for this file and the package
    // test (reused when fresh), then served.
    ensureWebBuild();
    base = await serve();
  },
  { timeout: 180_000 },
);

after(async () => {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server?.on('exit', r));
    server.kill('SIGTERM');
    await done;
  }
});

describe('optlab serve', () => {
  it('serves the built app and the dataset index, and refuses a taken port in one line', async () => {
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>optlab playground<\/title>/);
    const index = (await (await fetch(new URL('data/index.json', base))).json()) as Array<{ name: string }>;
    for (const d of index) assert.ok(['a9a', 'a9a.t'].includes(d.name));
    const port = new URL(base).port;
    const taken = spawnSync(process.execPath, [...CLI_ARGS, 'serve', '--port', port], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(taken.status, 2);
    assert.equal(
      taken.stderr,
      `optlab: port ${port} on 127.0.0.1 is already in use: choose another with --port (0 picks a free one)\n`,
    );
  });
});

interface Opened {
  page: Page;
  /** Console errors and page errors. */
  errors: string[];
  /** Requests to anywhere but the server (blocked). */
  blocked: string[];
}

describe('the playground in Chromium', { skip: skipWithoutBrowser }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(() => browser?.close());

  /** Opens the playground with a query; every request off the server is blocked and recorded. */
  async function open(query: string, viewport = { width: 1280, height: 900 }): Promise<Opened> {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await context.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith(base)) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await page.goto(`${base}${query}`);
    return { page, errors, blocked };
  }

  async function datasetLoaded(page: Page, rows: number): Promise<string> {
    await page.waitForFunction(
      `document.querySelector('[data-testid=dataset-status]')?.textContent?.includes('${rows} rows')`,
      undefined,
      { timeout: 60_000 },
    );
    return (await page.textContent('[data-testid=dataset-status]')) ?? '';
  }

  /** Waits for `n` finished runs; their final values in table order. */
  async function finalValues(page: Page, n: number): Promise<number[]> {
    await page.waitForFunction(`document.querySelectorAll('[data-testid=final-value]').length >= ${n}`, undefined, {
      timeout: 180_000,
    });
    const texts = await page.$$eval('[data-testid=final-value]', (els) => els.map((e) => e.textContent ?? ''));
    return texts.map(Number);
  }

  /** The CLI's record for run `i` of a playground query: `optlab run <the same flags> --json`. */
  function cliRecord(query: string, i: number) {
    const r = optlab([...cliArgs(fromQuery(query).config, i), '--json'], { OPTLAB_DATA: dataDir() });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  function assertClose(browserValue: number, cliValue: number, what: string): void {
    const rel = Math.abs(browserValue - cliValue) / Math.abs(cliValue);
    assert.ok(rel <= 1e-12, `${what}: browser ${browserValue} vs CLI ${cliValue} (relative ${rel})`);
  }

  /** Pixels of the chart's canvas in a saturated colour (the series' lines and legend symbols). */
  function coloredPixels(page: Page): Promise<number> {
    return page.evaluate(`(() => {
      const c = document.querySelector('[data-testid=chart] canvas');
      const ctx = c?.getContext('2d');
      if (!c || !ctx) return 0;
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const hi = Math.max(data[i], data[i + 1], data[i + 2]);
        const lo = Math.min(data[i], data[i + 1], data[i + 2]);
        if (data[i + 3] > 0 && hi - lo > 60) n++;
      }
      return n;
    })()`);
  }

  async function downloaded(page: Page, click: () => Promise<unknown>): Promise<Buffer> {
    const event = page.waitForEvent('download');
    await click();
    const path = await (await event).path();
    return readFileSync(path);
  }

  it("loads a9a from the server and runs lbfgs to the CLI's value, with the CLI's JSON and CSV", LONG, async (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const query = '?data=a9a&m1=lbfgs';
    const { page, errors, blocked } = await open(query);
    const status = await datasetLoaded(page, 32561);
    assert.match(status, /^a9a: 32561 rows, 123 features, \d+ non-zeros/);
    assert.deepEqual(cliArgs(fromQuery(query).config, 0), ['run', '--data', 'a9a', '--method', 'lbfgs']);

    const started = Date.now();
    await page.click('[data-testid=run]');
    const [value] = await finalValues(page, 1);
    const wall = (Date.now() - started) / 1000;
    const cli = cliRecord(query, 0);
    assertClose(value, cli.result.value, 'lbfgs on a9a');

    const json = JSON.parse(
      (await downloaded(page, () => page.click('button[aria-label="Export run 1 as JSON"]'))).toString(),
    );
    assert.deepEqual(json.config, cli.config);
    assert.deepEqual(json.dataset, cli.dataset);
    assert.deepEqual(Object.keys(json).sort(), Object.keys(cli).sort());
    assert.deepEqual(Object.keys(json.result).sort(), Object.keys(cli.result).sort());
    for (const k of ['value', 'gradNorm', 'iterations', 'epochs', 'stopReason', 'message', 'counts', 'sparsity']) {
      assert.deepEqual(json.result[k], cli.result[k], `result.${k}`);
    }
    assert.equal(json.result.trainAccuracy, cli.result.trainAccuracy);
    assert.deepEqual(json.x, cli.x);
    assert.equal(json.trace.length, cli.trace.length);
    assert.deepEqual(
      json.trace.map((p: Record<string, number>) => p.value),
      cli.trace.map((p: Record<string, number>) => p.value),
    );
    const csv = (await downloaded(page, () => page.click('button[aria-label="Export the trace of run 1 as CSV"]')))
      .toString()
      .split('\n');
    assert.equal(csv[0], TRACE_COLUMNS.join(','));
    assert.equal(csv.length, cli.trace.length + 2);

    t.diagnostic(
      `lbfgs on a9a: browser F = ${value}, CLI F = ${cli.result.value}; seconds inside the method: ` +
        `browser ${json.result.seconds}, CLI ${cli.result.seconds} (ratio ${(json.result.seconds / cli.result.seconds).toFixed(2)}); ` +
        `browser wall time from the click ${wall.toFixed(2)} s`,
    );
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });

  it('runs sgd beside lbfgs, draws both on the chart, switches axes and exports the chart', LONG, async (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const query = '?data=a9a&m1=sgd&m1.step=0.5&m1.seed=3&m2=lbfgs&m2.max-iter=100&x=passes&y=gap&log=1';
    const { page, errors } = await open(query);
    await datasetLoaded(page, 32561);
    await page.click('[data-testid=run]');
    const [sgd, lbfgs] = await finalValues(page, 2);
    assertClose(sgd, cliRecord(query, 0).result.value, 'sgd on a9a (seed 3)');
    assertClose(lbfgs, cliRecord(query, 1).result.value, 'lbfgs on a9a (100 iterations)');

    assert.ok((await coloredPixels(page)) > 500, 'the lines are drawn');
    const svg = (await downloaded(page, () => page.click('#export-svg'))).toString();
    assert.match(svg, /^<svg/);
    const drawn = (await page.evaluate(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(svg)}, 'image/svg+xml');
      return {
        lines: [...doc.querySelectorAll('g.mark-line path')].map((p) => (p.getAttribute('d') ?? '').length),
        legend: [...doc.querySelectorAll('g.role-legend-label text')].map((e) => e.textContent).sort(),
        x: [...doc.querySelectorAll('g.role-axis-title text')].map((e) => e.textContent),
      };
    })()`)) as { lines: number[]; legend: string[]; x: string[] };
    assert.equal(drawn.lines.length, 2);
    assert.ok(
      drawn.lines.every((n) => n > 20),
      'both lines have a path',
    );
    assert.deepEqual(drawn.legend, ['lbfgs[maxIter=100]#0', 'sgd[step=0.5]#3']);
    assert.deepEqual(drawn.x, ['passes over the data', 'F(x) − F_best (log scale)']);

    await page.selectOption('#x-axis', 'seconds');
    await page.selectOption('#y-axis', 'value');
    await page.uncheck('#log-y');
    await page.waitForFunction(`location.search.includes('x=seconds&y=value&log=0')`);
    const svg2 = (await downloaded(page, () => page.click('#export-svg'))).toString();
    assert.match(svg2, /seconds \(inside the method\)/);
    assert.ok((await coloredPixels(page)) > 500, 'redrawn with the new axes');
    const png = await downloaded(page, () => page.click('#export-png'));
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.deepEqual(errors, []);
  });

  it(
    'a new method starts from its defaults; log x; the chart and the Run button stay in view at 1440×900',
    LONG,
    async (t) => {
      if (!requireDataFile(t, 'a9a')) return;
      const query = '?data=a9a&m1=sgd&m1.step=0.1&m1.max-iter=5&m2=gd&m3=adam&m4=bfgs';
      const { page, errors } = await open(query, { width: 1440, height: 900 });
      await datasetLoaded(page, 32561);
      await page.waitForFunction(`location.search.includes('m1.step=0.1')`);
      await page.selectOption('#method-1', 'lbfgs');
      // The SGD step is gone (L-BFGS starts from its own defaults); the budget stays.
      await page.waitForFunction(`location.search.includes('m1=lbfgs') && !location.search.includes('m1.step=')`);
      assert.match(await page.evaluate('location.search'), /m1\.max-iter=5/);
      await page.check('#log-x');
      await page.waitForFunction(`location.search.includes('logx=1')`);
      // Scroll to the last run card: the chart and the Run button are still on screen.
      await page.evaluate(`document.querySelector('#runs').lastElementChild.scrollIntoView({ block: 'end' })`);
      const inView = (await page.evaluate(`(() => {
      const r = (sel) => document.querySelector(sel).getBoundingClientRect();
      const c = r('#chart'), b = r('#run');
      return { scrolled: window.scrollY, chart: [c.top, c.bottom], run: [b.top, b.bottom] };
    })()`)) as { scrolled: number; chart: [number, number]; run: [number, number] };
      assert.ok(inView.scrolled > 0, 'the page scrolled to the last card');
      assert.ok(inView.chart[0] >= 0 && inView.chart[1] <= 900, `chart at ${inView.chart.join('–')}`);
      assert.ok(inView.run[0] >= 0 && inView.run[1] <= 900, `Run button at ${inView.run.join('–')}`);
      assert.deepEqual(errors, []);
    },
  );

  it('updates the chart while runs go, and stops one run, then the other', LONG, async (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const { page, errors } = await open(
      '?data=a9a&m1=gd&m1.max-iter=1000000&m1.tol=0&m2=sgd&m2.epochs=100000&m2.trace-every=200&x=iter&y=value&log=0',
    );
    await datasetLoaded(page, 32561);
    assert.equal(await coloredPixels(page), 0, 'nothing drawn before the runs');
    await page.click('[data-testid=run]');
    const live = async (more: number) =>
      page.waitForFunction(
        `Number(document.querySelector('[data-testid=chart]')?.getAttribute('data-points')) > ${more} &&
         document.querySelector('[data-testid=final-value]') === null`,
        undefined,
        { timeout: 60_000 },
      );
    await live(40);
    const seen = Number(await page.getAttribute('[data-testid=chart]', 'data-points'));
    await live(seen); // still growing, still running
    assert.ok((await coloredPixels(page)) > 500, 'the lines are drawn while the runs go');
    const cells = async (run: number) =>
      page.$$eval(`#results tbody tr[data-run="${run}"] td`, (tds) => tds.map((td) => td.textContent ?? ''));

    // Stop run 1 with its own button: run 2 goes on.
    await page.click('button[aria-label="Stop run 1"]');
    const [value] = await finalValues(page, 1);
    assert.ok(value > 0 && value < 0.25, `value ${value}`);
    const first = await cells(1);
    assert.match(first[0], /^interrupted: stopped in the playground/);
    const iterations = Number(first[3]);
    assert.ok(iterations > 0 && iterations < 1_000_000, `iterations ${iterations}`);
    assert.match((await cells(2))[0], /^running/);
    assert.equal(await page.getAttribute('#results tbody tr[data-run="2"] td:nth-of-type(2)', 'data-testid'), null);

    // The stop button stops what is left.
    assert.equal(await page.isEnabled('[data-testid=stop]'), true);
    await page.click('[data-testid=stop]');
    const values = await finalValues(page, 2);
    assert.equal(values.length, 2);
    const second = await cells(2);
    assert.match(second[0], /^interrupted: stopped in the playground/);
    assert.ok(Number(second[4]) < 100000, `epochs ${second[4]}`);
    assert.equal(await page.isEnabled('[data-testid=stop]'), false);
    assert.deepEqual(errors, []);
  });

  it('restores a configuration from its URL and starts it with run=1', LONG, async (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const query =
      '?data=a9a&objective=logistic&l2=0.001&m1=lbfgs&m1.memory=5&m1.max-iter=60' +
      '&m2=adam&m2.step=0.01&m2.epochs=2&m2.seed=7&x=iter&y=gradNorm&log=0&run=1';
    const { page, errors } = await open(query);
    assert.equal(await page.inputValue('select[data-flag="--objective"]'), 'logistic');
    assert.equal(await page.inputValue('input[data-flag="--l2"]'), '0.001');
    assert.equal(await page.inputValue('#method-1'), 'lbfgs');
    assert.equal(await page.inputValue('#method-2'), 'adam');
    const cards = page.locator('fieldset.run-card');
    assert.equal(await cards.count(), 2);
    assert.equal(await cards.nth(0).locator('input[data-flag="--memory"]').inputValue(), '5');
    assert.equal(await cards.nth(0).locator('input[data-flag="--max-iter"]').inputValue(), '60');
    assert.equal(await cards.nth(1).locator('input[data-flag="--step"]').inputValue(), '0.01');
    assert.equal(await cards.nth(1).locator('input[data-flag="--seed"]').inputValue(), '7');
    assert.equal(await page.inputValue('#x-axis'), 'iter');
    assert.equal(await page.inputValue('#y-axis'), 'gradNorm');
    assert.equal(await page.isChecked('#log-y'), false);
    assert.match(
      (await cards.nth(1).locator('p.cli code').textContent()) ?? '',
      /^optlab run --data a9a --method adam --step 0\.01 --objective logistic --l2 0\.001 --epochs 2 --seed 7$/,
    );
    // No click: run=1 starts the runs once the data is loaded.
    const [lbfgs, adam] = await finalValues(page, 2);
    assertClose(lbfgs, cliRecord(query, 0).result.value, 'lbfgs, logistic + L2');
    assertClose(adam, cliRecord(query, 1).result.value, 'adam, logistic + L2 (seed 7)');
    assert.equal(new URL(page.url()).search, toQuery(fromQuery(query).config));
    assert.deepEqual(errors, []);
  });

  it(
    "shows a bad file's FILE:LINE:COLUMN error, picked or dropped, plain or gzip, and opens a good one",
    LONG,
    async () => {
      const { page, errors } = await open('?m1=gd&m1.max-iter=20');
      const bad = Buffer.from('+1 1:1 2:1\n-1 3:1\n+1 4:1 2:0.5\n');
      const message = 'feature index 2 comes after 4 (indices must increase within a row)';
      assert.throws(() => parseLibsvm(bad, { fileName: 'bad.svm' }), { message: `bad.svm:3:8: ${message}` });
      await page.setInputFiles('#file-train', { name: 'bad.svm', mimeType: 'text/plain', buffer: bad });
      const status = '[data-testid=dataset-status]';
      await page.waitForFunction(`document.querySelector('${status}')?.classList.contains('error')`);
      assert.equal(await page.textContent(status), `Cannot load bad.svm: bad.svm:3:8: ${message}`);
      assert.equal(await page.isEnabled('[data-testid=run]'), false);

      const drop = async (name: string, bytes: Buffer) => {
        const dt = await page.evaluateHandle(`(() => {
        const data = Uint8Array.from(atob('${bytes.toString('base64')}'), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([data], ${JSON.stringify(name)}));
        return transfer;
      })()`);
        await page.dispatchEvent('#drop-train', 'drop', { dataTransfer: dt });
      };
      await drop('bad.svm.gz', gzipSync(bad));
      await page.waitForFunction(
        `document.querySelector('${status}')?.textContent?.startsWith('Cannot load bad.svm.gz')`,
      );
      assert.equal(await page.textContent(status), `Cannot load bad.svm.gz: bad.svm.gz:3:8: ${message}`);

      await drop('good.svm.gz', gzipSync('+1 1:1 3:0.5\n-1 2:1\n+1 1:1 2:0.25\n-1 3:2\n'));
      await datasetLoaded(page, 4);
      assert.match(
        (await page.textContent(status)) ?? '',
        /^good\.svm\.gz: 4 rows, 3 features, 6 non-zeros .*, \d+ bytes gzip/,
      );
      assert.match(page.url(), /data=file:good\.svm\.gz/);
      await page.click('[data-testid=run]');
      const [value] = await finalValues(page, 1);
      assert.ok(value > 0 && value < 0.25, `value ${value}`);
      assert.deepEqual(errors, []);
    },
  );

  it(
    "the study's presets fill the run cards in one click, with each run's own λ, and run as the CLI does",
    LONG,
    async (t) => {
      if (!requireDataFile(t, 'a9a')) return;
      const { page, errors } = await open('?data=a9a');
      await datasetLoaded(page, 32561);
      await page.waitForSelector('#preset-list button');
      const titles = await page.$$eval('#preset-list button', (bs) => bs.map((b) => b.textContent ?? ''));
      assert.equal(titles.length, 11, titles.join('; '));
      assert.ok(titles.includes("Q6 proximal gradient over the study's λ (4 runs)"), titles.join('; '));
      await page.click(`#preset-list button[data-preset="q6-prox-lambda"]`);
      await page.waitForFunction(`location.search.includes('m4.lambda=0.1')`);
      const cards = page.locator('fieldset.run-card');
      assert.equal(await cards.count(), 4);
      const lambdas = [];
      for (let i = 0; i < 4; i++) {
        assert.equal(await page.inputValue(`#method-${i + 1}`), 'prox-gd');
        lambdas.push(await cards.nth(i).locator('input[data-flag="--lambda"]').inputValue());
      }
      assert.deepEqual(lambdas, ['0.001', '0.01', '0.05', '0.1']);
      assert.equal(
        await cards.nth(1).locator('p.cli code').textContent(),
        'optlab run --data a9a --method prox-gd --step 2.5 --lambda 0.01 --max-iter 200 --tol 0',
      );
      assert.equal(await page.inputValue('#x-axis'), 'iter');
      const query = new URL(page.url()).search;
      await page.click('[data-testid=run]');
      const values = await finalValues(page, 4);
      assertClose(values[1], cliRecord(query, 1).result.value, 'prox-gd λ = 0.01 from the preset');
      assert.ok(values[0] < values[1] && values[1] < values[2] && values[2] < values[3], `F grows with λ: ${values}`);

      // The notebook's setting: 1000 rows, labels ±1, a random start.
      await page.selectOption('#preset-setting', 'seed');
      await page.click(`#preset-list button[data-preset="q3-gd-steps"]`);
      await page.waitForFunction(`location.search.includes('subset=1000')`);
      assert.equal(await cards.count(), 6);
      assert.equal(await page.inputValue('input[data-flag="--subset"]'), '1000');
      assert.equal(await page.inputValue('select[data-flag="--labels"]'), 'pm1');
      assert.equal(await cards.nth(0).locator('select[data-flag="--init"]').inputValue(), 'randn');
      assert.deepEqual(errors, []);
    },
  );

  it('opens a results folder, picked or dropped, and explores it with the chart and the table', LONG, async () => {
    const { mkdtempSync, writeFileSync: write, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runSweep } = await import('../../src/node/sweep-runner.js');
    const root = mkdtempSync(join(tmpdir(), 'optlab-pg-folder-'));
    try {
      const rows = ['+1 1:1 3:0.5', '-1 2:1', '+1 1:1 2:0.25', '-1 3:2', '+1 1:0.5 2:0.5', '-1 2:1.5 3:0.5'];
      write(join(root, 'tiny.svm'), `${rows.join('\n')}\n`);
      write(
        join(root, 'sweep.yaml'),
        [
          'datasets: [tiny.svm]',
          'budgets: {maxIter: 30}',
          'methods:',
          '  - {method: gd, group: steps, grid: {step: [1, 2]}}',
          '  - {method: prox-gd, group: l1, params: {step: 1}, grid: {lambda: [0.01]}}',
        ].join('\n'),
      );
      const out = join(root, 'sweep');
      await runSweep({ file: join(root, 'sweep.yaml'), out, jobs: 1 });
      const runsJsonl = readFileSync(join(out, 'runs.jsonl'));
      const traceJsonl = readFileSync(join(out, 'trace.jsonl'));
      const expected = runsJsonl
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).result.value as number);

      const { page, errors } = await open('?m1=gd&x=iter&y=gap&log=1');
      await page.setInputFiles('#file-folder', [
        { name: 'runs.jsonl', mimeType: 'application/json', buffer: runsJsonl },
        { name: 'trace.jsonl', mimeType: 'application/json', buffer: traceJsonl },
      ]);
      await page.waitForFunction(
        `document.querySelector('[data-testid=folder-status]')?.textContent?.startsWith('Opened 3 runs')`,
      );
      assert.match(
        (await page.textContent('[data-testid=folder-status]')) ?? '',
        /^Opened 3 runs \(\d+ trace points, 2 problems, 2 groups\)/,
      );
      assert.deepEqual(await finalValues(page, 3), expected);
      const labels = await page.$$eval('#results tbody th', (ths) => ths.map((th) => th.textContent));
      assert.deepEqual(labels, ['gd[step=1]#0', 'gd[step=2]#0', 'prox-gd[lambda=0.01,step=1]#0']);
      await page.waitForFunction(
        `Number(document.querySelector('[data-testid=chart]')?.getAttribute('data-points')) > 30`,
      );
      assert.ok((await coloredPixels(page)) > 300, 'the runs are drawn');
      const svg = (await downloaded(page, () => page.click('#export-svg'))).toString();
      assert.match(svg, /results folder: every run/);
      // One group of the folder: its run alone in the table and on the chart.
      await page.selectOption('#folder-show', 'group:l1');
      await page.waitForFunction(`document.querySelectorAll('#results tbody tr').length === 1`);
      assert.deepEqual(await finalValues(page, 1), [expected[2]]);
      // A run's JSON is its run file ({run, trace}), as in DIR/runs/.
      const file = JSON.parse(
        (await downloaded(page, () => page.click('button[aria-label="Export run 1 as JSON"]'))).toString(),
      );
      assert.equal(file.run.label, 'prox-gd[lambda=0.01,step=1]');
      assert.equal(file.trace.length, JSON.parse(runsJsonl.toString().trim().split('\n')[2]).result.iterations + 1);

      // Dropped: the two files (a bad pair names what is missing, a bad row its file and line).
      const drop = async (files: Array<[string, Buffer]>) => {
        const dt = await page.evaluateHandle(`(() => {
          const transfer = new DataTransfer();
          for (const [name, b64] of ${JSON.stringify(files.map(([n, b]) => [n, b.toString('base64')]))}) {
            transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
          }
          return transfer;
        })()`);
        await page.dispatchEvent('#drop-folder', 'drop', { dataTransfer: dt });
      };
      await drop([['runs.jsonl', runsJsonl]]);
      await page.waitForFunction(`document.querySelector('[data-testid=folder-status]')?.classList.contains('error')`);
      assert.equal(
        await page.textContent('[data-testid=folder-status]'),
        'Open both runs.jsonl and trace.jsonl of a results folder (got runs.jsonl).',
      );
      await drop([
        ['runs.jsonl', runsJsonl],
        ['trace.jsonl', Buffer.from('{"id": 1}\n')],
      ]);
      await page.waitForFunction(
        `document.querySelector('[data-testid=folder-status]')?.textContent?.startsWith('Cannot open')`,
      );
      assert.match(
        (await page.textContent('[data-testid=folder-status]')) ?? '',
        /^Cannot open the folder: trace\.jsonl:1: not a valid trace row: field "id"/,
      );
      await drop([
        ['runs.jsonl', runsJsonl],
        ['trace.jsonl', traceJsonl],
      ]);
      await page.waitForFunction(
        `document.querySelector('[data-testid=folder-status]')?.textContent?.startsWith('Opened 3 runs')`,
      );
      assert.equal(await page.inputValue('#folder-show'), 'all');
      assert.equal((await finalValues(page, 3)).length, 3);
      // Closing the folder gives the page back to its own runs.
      await page.click('#folder-close');
      await page.waitForFunction(`document.querySelectorAll('#results tbody tr').length === 0`);
      assert.deepEqual(errors, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('works offline, by keyboard, with labelled controls, and fits a phone', LONG, async (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const { page, errors, blocked } = await open('?data=a9a&m1=lbfgs&m1.max-iter=5', { width: 390, height: 844 });
    await datasetLoaded(page, 32561);
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, button, textarea')]
      .filter((c) => !c.hidden && c.type !== 'hidden')
      .filter((c) => !((c.labels?.length ?? 0) > 0 || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby') ||
        (c.tagName === 'BUTTON' && c.textContent.trim() !== '')))
      .map((c) => c.outerHTML.slice(0, 80))`);
    assert.deepEqual(unlabelled, []);
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);

    // Keyboard only: Tab to the run button, press Enter.
    await page.focus('body');
    let reached = false;
    for (let k = 0; k < 60 && !reached; k++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(`document.activeElement?.getAttribute('data-testid') === 'run'`)) as boolean;
    }
    assert.ok(reached, 'Tab reaches the run button');
    await page.keyboard.press('Enter');
    await finalValues(page, 1);
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });
});
