import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError, OptlabError } from '../../src/errors.js';
import { decodePng, pngHasInk, pngInkCount, svgToPng } from '../../src/node/png.js';
import { readResults, writeReport } from '../../src/node/report-writer.js';
import { buildSweepReport, type Report } from '../../src/report/build.js';
import type { Manifest, RunFile, RunRow, TraceRow } from '../../src/sweep/results.js';
import { readCharts, skipWithoutBrowser, waitForCharts, withOfflinePage } from '../helpers/browser.js';
import { optlab } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'optlab-report-'));
after(() => rmSync(root, { recursive: true, force: true }));

const N = 50; // rows of the fake dataset
const ITERS = 12;
const METHODS = [
  { method: 'gd', label: 'gd[step=0.5]', rate: 0.5, cost: 1 },
  { method: 'lbfgs', label: 'lbfgs[memory=5]', rate: 0.1, cost: 2 },
] as const;
const SEEDS = [1, 2];

/** The RunFile of one fake run: F_k = 0.4 + rate^k·(1 + seed/10); `sampleGradients` = cost·n·k. */
function runFile(m: (typeof METHODS)[number], seed: number): RunFile {
  const trace: RunFile['trace'] = [];
  for (let k = 0; k <= ITERS; k++) {
    trace.push({
      iter: k,
      epoch: k,
      value: 0.4 + m.rate ** k * (1 + seed / 10),
      gradNorm: m.rate ** k,
      seconds: 0.002 * k * m.cost * (1 + seed / 20),
      sampleGradients: m.cost * N * k,
      oracleCalls: m.cost * k,
      vectorUpdates: k,
    });
  }
  const last = trace[ITERS];
  const run: RunRow = {
    id: `${m.label}@tiny#${seed}`,
    label: m.label,
    method: m.method,
    given: {},
    params: {},
    objective: { loss: 'logistic', lambda: 0, l2: 0, labels: 'pm1' },
    dataset: { name: 'tiny', sha256: 'a'.repeat(64), rows: N, features: 4 },
    testDataset: { name: 'tiny.t', sha256: 'b'.repeat(64), rows: 20, features: 4 },
    seed,
    init: 'zeros',
    budgets: { maxIter: ITERS },
    result: {
      value: last.value,
      gradNorm: last.gradNorm,
      iterations: ITERS,
      epochs: ITERS,
      stopReason: 'max-iterations',
      message: 'the iteration budget was used up',
      counts: {
        sampleGradients: last.sampleGradients,
        oracleCalls: last.oracleCalls,
        vectorUpdates: last.vectorUpdates,
        passes: last.sampleGradients / N,
      },
      seconds: last.seconds,
      sparsity: 0.25,
      trainAccuracy: 0.9,
      testAccuracy: 0.85 - seed / 100,
    },
    x: [0.1, 0, -0.2, 0.3],
  };
  return { run, trace };
}

const MANIFEST: Manifest = {
  optlab: '0.1.0',
  node: process.version,
  v8: process.versions.v8,
  platform: 'linux x64',
  cpu: { model: 'Test CPU', cores: 2 },
  sweepFile: 'sweep.yaml',
  sweepSha256: 'c'.repeat(64),
  datasets: [{ name: 'tiny', sha256: 'a'.repeat(64), rows: N, features: 4 }],
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:00:42.000Z',
  runs: { total: 4, finished: 4, failed: 0, resumed: 0 },
  jobs: 2,
  status: 'complete',
};

/** A results folder as `optlab sweep --out` leaves it while running: manifest + runs/<file>.json. */
function resultsFolder(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'runs'), { recursive: true });
  for (const m of METHODS) {
    for (const seed of SEEDS) {
      const f = runFile(m, seed);
      writeFileSync(join(dir, 'runs', `${f.run.id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`), JSON.stringify(f, null, 2));
    }
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(MANIFEST, null, 2));
  return dir;
}

const jsonl = (rows: unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('readResults', () => {
  it('reads runs/*.json into run rows and flat trace rows (passes = sampleGradients / n)', async () => {
    const dir = resultsFolder('read');
    writeFileSync(join(dir, 'runs', 'half-written.json.tmp-1-abcd'), '{"run":');
    const r = await readResults(dir);
    assert.equal(r.source, 'runs');
    assert.equal(r.runs.length, 4);
    assert.deepEqual(
      r.runs.map((x) => x.id),
      ['gd[step=0.5]@tiny#1', 'gd[step=0.5]@tiny#2', 'lbfgs[memory=5]@tiny#1', 'lbfgs[memory=5]@tiny#2'],
    );
    assert.ok(r.runs.every((x) => x.x === undefined));
    assert.equal(r.traces.length, 4 * (ITERS + 1));
    const t = r.traces.find((x) => x.id === 'lbfgs[memory=5]@tiny#2' && x.iter === 3)!;
    assert.equal(t.passes, 6); // cost 2 × n × 3 / n
    assert.equal(t.label, 'lbfgs[memory=5]');
    assert.equal(t.dataset, 'tiny');
    assert.equal(t.seed, 2);
    assert.equal(r.manifest?.cpu.model, 'Test CPU');
  });

  it('prefers a complete runs.jsonl + trace.jsonl, falls back to runs/ when the pair is stale; nulls become NaN', async () => {
    const dir = resultsFolder('jsonl');
    const files = METHODS.flatMap((m) => SEEDS.map((s) => runFile(m, s)));
    const rows = files.map((f) => {
      const { x: _x, ...rest } = f.run;
      return rest;
    });
    const traces: TraceRow[] = (await readResults(dir)).traces;
    (rows[0].result as { value: number | null }).value = null;
    writeFileSync(join(dir, 'runs.jsonl'), jsonl(rows));
    writeFileSync(join(dir, 'trace.jsonl'), `${jsonl(traces)}\n`);
    const r = await readResults(dir);
    assert.equal(r.source, 'jsonl');
    assert.equal(r.runs.length, 4);
    assert.equal(r.traces.length, traces.length);
    assert.ok(Number.isNaN(r.runs[0].result.value));
    // A runs.jsonl from before a resume (fewer runs than runs/ holds) is not trusted.
    writeFileSync(join(dir, 'runs.jsonl'), jsonl(rows.slice(0, 3)));
    assert.equal((await readResults(dir)).source, 'runs');
  });

  it('names the folder, the file and the line of every problem', async () => {
    await assert.rejects(
      readResults(join(root, 'no-such-folder')),
      (e: unknown) => e instanceof OptlabError && /no such folder/.test(e.message),
    );
    const empty = join(root, 'empty');
    mkdirSync(join(empty, 'runs'), { recursive: true });
    await assert.rejects(
      readResults(empty),
      (e: unknown) => e instanceof OptlabError && /holds no results: expected runs\/\*\.json/.test(e.message),
    );

    const bad = resultsFolder('bad-jsonl');
    const rows = METHODS.flatMap((m) => SEEDS.map((s) => runFile(m, s).run));
    writeFileSync(join(bad, 'runs.jsonl'), `${jsonl(rows.slice(0, 2))}{"id": "x", oops\n${jsonl(rows.slice(2))}`);
    writeFileSync(join(bad, 'trace.jsonl'), '');
    await assert.rejects(readResults(bad), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.file, join(bad, 'runs.jsonl'));
      assert.equal(e.line, 3);
      assert.match(e.message, /not valid JSON/);
      return true;
    });
    writeFileSync(join(bad, 'runs.jsonl'), jsonl(rows));
    writeFileSync(join(bad, 'trace.jsonl'), '{"id": "a"}\n');
    await assert.rejects(
      readResults(bad),
      (e: unknown) => e instanceof InputError && e.line === 1 && /field "label": .*expected string/.test(e.message),
    );

    const broken = resultsFolder('bad-runfile');
    const file = join(broken, 'runs', 'gd_step_0.5_tiny_1.json');
    writeFileSync(file, '{\n  "run": {\n    "id": 1,\n  }\n}\n');
    await assert.rejects(readResults(broken), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.file, file);
      assert.equal(e.line, 4);
      return true;
    });
    writeFileSync(file, JSON.stringify({ run: { ...runFile(METHODS[0], 1).run, result: undefined }, trace: [] }));
    await assert.rejects(
      readResults(broken),
      (e: unknown) =>
        e instanceof InputError && e.file === file && /field "run\.result": .*expected object/.test(e.message),
    );
  });
});

describe('buildSweepReport', () => {
  it('summary, one section per method with passes and seconds figures, results and all-runs tables', async () => {
    const { runs, traces, manifest } = await readResults(resultsFolder('build'));
    const report = buildSweepReport(runs, traces, manifest);
    assert.equal(report.title, 'optlab sweep: tiny');
    assert.deepEqual(
      report.sections.map((s) => s.id),
      ['sweep', 'methods-compared', 'method-gd', 'method-lbfgs', 'all-runs'],
    );
    assert.deepEqual(
      report.sections.flatMap((s) => s.figures.map((f) => f.id)),
      ['compare-passes', 'method-gd-passes', 'method-gd-seconds', 'method-lbfgs-passes', 'method-lbfgs-seconds'],
    );
    // The comparison states its rule and picks each method's best label (one label each here).
    const compared = report.sections[1];
    assert.match(compared.text, /lowest mean final F over its seeds/);
    assert.deepEqual(
      compared.tables[0].rows.map((r) => [r[0], r[1], r[2]]),
      [
        ['gd', 'gd[step=0.5]', '1'],
        ['lbfgs', 'lbfgs[memory=5]', '1'],
      ],
    );
    // f* = the best value of any run: lbfgs (rate 0.1) seed 1 at the last iteration.
    const fStar = 0.4 + 0.1 ** ITERS * 1.1;
    const fig = report.sections[2].figures[0].spec as unknown as { title: { subtitle: string } };
    assert.equal(fig.title.subtitle, 'f* = 0.4: the best value any run reached on tiny, logistic, labels pm1');
    assert.equal(Number(fStar.toPrecision(10)), 0.4);
    const problems = report.sections[0].tables[2];
    assert.equal(problems.rows[0][7], Number(fStar.toPrecision(12)));
    assert.equal(problems.rows[0][8], 'lbfgs[memory=5]@tiny#1');
    const results = report.sections[3].tables[0];
    assert.deepEqual(results.headers.slice(0, 4), ['run', 'seeds', 'final F', 'F − f*']);
    assert.equal(results.rows[0][0], 'lbfgs[memory=5]');
    assert.equal(results.rows[0][1], 2);
    assert.equal(results.rows[0][5], 'max-iterations ×2');
    assert.equal(results.rows[0][7], '24'); // passes: 2·n·12 / n
    assert.equal(results.rows[0].at(-1), '83.5%'); // mean test accuracy of 84% and 83%
    assert.equal(report.sections[4].tables[0].rows.length, 4);
  });
});

describe('writeReport', () => {
  let dir: string;
  let report: Report;
  let files: string[];
  let ms = 0;
  before(async () => {
    dir = resultsFolder('write');
    const { runs, traces, manifest } = await readResults(dir);
    report = buildSweepReport(runs, traces, manifest);
    const t0 = performance.now();
    const progress: string[] = [];
    files = await writeReport(report, dir, {
      onProgress: (done, total, id) => progress.push(`${done}/${total} ${id}`),
    });
    ms = performance.now() - t0;
    assert.equal(progress.length, 5);
    assert.equal(progress.at(-1)?.startsWith('5/5 '), true);
  });

  it('writes every figure as SVG and PNG, then report.html, atomically (no temp files left)', () => {
    const ids = report.sections.flatMap((s) => s.figures.map((f) => f.id));
    assert.deepEqual(files, [
      ...ids.flatMap((id) => [join(dir, 'figures', `${id}.svg`), join(dir, 'figures', `${id}.png`)]),
      join(dir, 'report.html'),
    ]);
    for (const f of files) assert.ok(statSync(f).size > 0, f);
    assert.deepEqual(
      readdirSync(join(dir, 'figures')).filter((f) => f.includes('.tmp-')),
      [],
    );
    const svg = readFileSync(join(dir, 'figures', `${ids[0]}.svg`), 'utf8');
    assert.ok(svg.startsWith('<svg') && svg.includes('f* = '));
    const png = decodePng(readFileSync(join(dir, 'figures', `${ids[0]}.png`)));
    assert.equal(png.width, 2 * Number(svg.match(/width="(\d+)"/)![1]));
    process.stdout.write(`# wrote ${ids.length} figures + report.html in ${ms.toFixed(0)} ms\n`);
  });

  it('every PNG has drawn text in its title region (the resvg font pitfall), which is text and nothing else', () => {
    for (const f of files.filter((p) => p.endsWith('.png'))) {
      const png = readFileSync(f);
      const { width } = decodePng(png);
      // At 2× the title's glyphs span about y = 4…34; nothing but text is drawn there.
      const title = { x: 0, y: 0, width, height: 34 };
      assert.ok(pngHasInk(png, title, { minPixels: 200 }), `${f}: no text drawn in the title region`);
      const svg = readFileSync(f.replace(/\.png$/, '.svg'), 'utf8').replace(/<text\b[^>]*>[^<]*<\/text>/g, '');
      assert.equal(pngInkCount(svgToPng(svg), title), 0, `${f}: the title region holds more than text`);
    }
  });

  it('report.html is self-contained: vega inlined, no vega-lite, links to each figure file', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.ok(html.length > 500_000 && html.length < 2_000_000, `size ${html.length}`);
    process.stdout.write(`# report.html: ${(html.length / 1e6).toFixed(2)} MB for 5 figures\n`);
    const links = [...html.matchAll(/href="(figures\/[^"]+)"/g)].map((m) => m[1]);
    assert.equal(links.length, 10);
    for (const l of links) assert.ok(existsSync(join(dir, l)), l);
    // Outside the inlined scripts: no external source of any kind (PNGs are linked, not embedded).
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    assert.ok(!/\ssrc=|<img|<link/i.test(markup));
    assert.ok(!/https?:\/\//.test(markup));
  });

  it('renders every chart in headless Chromium with no request but the file and no error', {
    skip: skipWithoutBrowser,
    timeout: 90_000,
  }, async () => {
    await withOfflinePage(join(dir, 'report.html'), async ({ page, url, requests, errors }) => {
      await waitForCharts(page, 60_000);
      const charts = await readCharts(page);
      const ids = report.sections.flatMap((s) => s.figures.map((f) => f.id));
      assert.equal(charts.length, ids.length);
      assert.deepEqual(
        charts.map((c) => [c.id, c.drawn, c.error]),
        ids.map((id) => [`chart-${id}`, true, false]),
      );
      assert.ok(charts[0].texts.some((t) => t.startsWith('f* = ')));
      const tables = await page.$$eval('table', (t) => t.length);
      assert.equal(tables, 3 + 1 + 2 + 1);
      assert.deepEqual(requests, [url]);
      assert.deepEqual(errors, []);
    });
  });
});

describe('optlab report (CLI)', () => {
  it('writes the report and prints the path of report.html and the number of figures', () => {
    const dir = resultsFolder('cli');
    const r = optlab(['report', dir, '--title', 'CLI <report>']);
    assert.equal(
      r.code,
      0,
      `${r.stderr}\n(is src/cli/commands/report.ts registered in src/cli/program.ts's COMMANDS?)`,
    );
    const [first, second] = r.stdout.split('\n');
    assert.equal(first, join(dir, 'report.html'));
    assert.match(second, /^5 figures \(SVG and PNG\) in /);
    assert.ok(readFileSync(join(dir, 'report.html'), 'utf8').includes('<title>CLI &lt;report&gt;</title>'));
    assert.equal(readdirSync(join(dir, 'figures')).length, 10);
  });

  it('a missing folder is one clean line on stderr and exit 2', () => {
    const missing = resolve(root, 'missing');
    const r = optlab(['report', missing]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `optlab: cannot read results folder ${missing}: no such folder\n`);
    assert.equal(r.stdout, '');
  });
});
