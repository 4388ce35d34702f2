import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pngHasInk } from '../../src/node/png.js';
import type { Manifest, RunRow } from '../../src/sweep/results.js';
import { openReport, skipWithoutBrowser } from '../helpers/browser.js';
import { limitFor, optlab } from '../helpers/cli.js';
import { dataDir, findDataFile } from '../helpers/data.js';
import { checkInteractiveReport } from '../helpers/report-page.js';
import { checkFigures, checkReport } from './checker.js';

const root = mkdtempSync(join(tmpdir(), 'optlab-study-'));
after(() => rmSync(root, { recursive: true, force: true }));

const required = process.env.OPTLAB_REQUIRE_DATA === '1';
const haveData = findDataFile('a9a') !== undefined && findDataFile('a9a.t') !== undefined;
const skipData = !haveData && !required ? 'a9a and a9a.t not found: set OPTLAB_DATA to the data folder' : false;

function readRuns(dir: string): RunRow[] {
  return readFileSync(join(dir, 'runs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunRow);
}

// Limits: 10× a quiet machine's time for the whole suite, times the machine's slowdown (test/helpers/cli.ts).
describe('optlab study --preset full on a9a', { skip: skipData, timeout: limitFor(60_000) }, () => {
  const out = join(root, 'full');
  let run: ReturnType<typeof optlab>;
  before(() => {
    assert.ok(haveData, `a9a and a9a.t are required (OPTLAB_REQUIRE_DATA=1) but missing from ${dataDir()}`);
    run = optlab(['study', '--out', out, '--quiet'], { OPTLAB_DATA: dataDir() }, undefined, {
      timeoutMs: limitFor(59_000),
    });
  });

  it('completes and prints the summary table and the report path', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /study \(full\) complete in [\d.]+ s/);
    assert.match(run.stdout, new RegExp(`report: ${join(out, 'report.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(run.stdout, /L-BFGS, m = 10\s+lbfgs\[memory=10\]/);
  });

  it('writes at least 12 figures as SVG and PNG, with drawn text in every PNG', () => {
    const files = readdirSync(join(out, 'figures'));
    const svgs = files.filter((f) => f.endsWith('.svg')).map((f) => f.slice(0, -4));
    assert.ok(svgs.length >= 12, `${svgs.length} figures`);
    for (const id of svgs) {
      assert.ok(files.includes(`${id}.png`), `${id}.png`);
      const png = readFileSync(join(out, 'figures', `${id}.png`));
      // the title band at the top of every figure holds text (resvg draws none without a font)
      assert.ok(
        pngHasInk(png, { x: 0, y: 0, width: 100000, height: 70 }, { minPixels: 200 }),
        `${id}.png has no title text`,
      );
    }
  });

  it('writes the results as JSON Lines with a manifest', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(manifest.status, 'complete');
    assert.equal(manifest.runs.failed, 0);
    assert.ok(
      manifest.datasets.some((d) => d.sha256 === 'f5d5ffd8d865ff41328e7ee043e4b020816914ff6843ff15b98905ddbedce906'),
    );
    const runs = readRuns(out);
    assert.equal(runs.length, manifest.runs.total);
    assert.ok(existsSync(join(out, 'trace.jsonl')));
    assert.ok(existsSync(join(out, 'study.json')));
  });

  it('every run stays finite, and the quasi-Newton methods reach the minimum', () => {
    const runs = readRuns(out);
    for (const r of runs) {
      assert.notEqual(r.result.stopReason, 'diverged', r.id);
      assert.ok(Number.isFinite(r.result.value), r.id);
    }
    const fStar = Math.min(...runs.filter((r) => r.objective.lambda === 0).map((r) => r.result.value));
    assert.ok(Math.abs(fStar - 0.10330823007232857) < 1e-8, `f* = ${fStar}`);
    const bfgs = runs.find((r) => r.group === 'reference' && r.method === 'bfgs')!;
    assert.ok(bfgs.result.value - 0.10330823007232857 < 1e-9);
    const sbfgs = runs.filter((r) => r.method === 'sbfgs');
    assert.ok(sbfgs.length >= 9);
    // converged quasi-Newton points classify a9a.t as well as logistic regression does (about 85%)
    for (const r of runs.filter(
      (x) => (x.group === 'reference' && x.objective.lambda <= 0.001) || x.group === 'q11-lbfgs-memory',
    )) {
      assert.ok(r.result.testAccuracy! > 0.83, `${r.id}: ${r.result.testAccuracy}`);
    }
  });

  it('report.html draws every chart offline, with no console error and no request', {
    skip: skipWithoutBrowser,
  }, async () => {
    const page = await openReport(join(out, 'report.html'), 'Conclusions');
    const figures = readdirSync(join(out, 'figures')).filter((f) => f.endsWith('.svg')).length;
    assert.equal(page.charts.length, figures);
    assert.deepEqual(
      page.charts.filter((c) => !c.drawn || c.error),
      [],
    );
    assert.equal(page.requests.length, 1);
    assert.deepEqual(page.errors, []);
    // the conclusions table: a header and one row per conclusion, each with a verdict
    assert.ok(page.table.length >= 9, `${page.table.length} rows`);
    for (const row of page.table.slice(1)) assert.match(row[2], /^(confirmed|contradicted|refined)$/);
  });

  it('no sentence contradicts the tables, and every figure draws its data', () => {
    assert.deepEqual(
      checkReport(readFileSync(join(out, 'report.html'), 'utf8'), { dataset: 'a9a', testSet: true }),
      [],
    );
    assert.deepEqual(checkFigures(out), []);
  });

  it('study.json carries the landscape, and f* is its best value or lower', () => {
    const meta = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    const land = meta.landscape;
    assert.ok(land.starts >= 6, `${land.starts} starts`);
    assert.ok(land.minima.length >= 1);
    for (const m of land.minima) {
      for (const k of ['value', 'gradNorm', 'norm', 'count', 'minEigenvalue']) assert.equal(typeof m[k], 'number', k);
      assert.ok(m.gradNorm <= 1e-6 * 1.0001, `${m.gradNorm}`);
    }
    assert.equal(
      land.minima.reduce((s: number, m: { count: number }) => s + m.count, 0),
      land.starts,
    );
    const runs = readRuns(out).filter((r) => r.objective.lambda === 0);
    const best = Math.min(...runs.map((r) => r.result.value));
    assert.ok(land.fStar >= best - 1e-9, `the landscape's ${land.fStar} against the runs' ${best}`);
    assert.ok(Object.keys(land.reached).length >= 1);
  });

  it('report.html is interactive: x switch, legend toggle, table CSV, no sideways scroll, marks with extent', {
    skip: skipWithoutBrowser,
  }, async () => {
    await checkInteractiveReport(join(out, 'report.html'));
  });

  it('optlab report rebuilds the study report from the folder', () => {
    const r = optlab(['report', out, '--no-png', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /report\.html\n\d+ figures \(SVG\)/);
    const figures = Number(/\n(\d+) figures/.exec(r.stdout)![1]);
    assert.ok(figures >= 12);
  });
});

describe('optlab study --preset seed (the original setting)', { skip: skipData, timeout: limitFor(30_000) }, () => {
  it('reproduces the sparse proximal-gradient solution at λ = 0.01', () => {
    const out = join(root, 'seed');
    const r = optlab(['study', '--preset', 'seed', '--out', out, '--quiet', '--no-png'], { OPTLAB_DATA: dataDir() });
    assert.equal(r.code, 0, r.stderr);
    const runs = readRuns(out);
    const prox = runs.filter((x) => x.label === 'prox-gd[lambda=0.01,step=2.5]');
    assert.equal(prox.length, 3);
    for (const p of prox) {
      assert.equal(p.dataset.subset, 1000);
      assert.equal(p.objective.labels, 'pm1');
      // the study: 91.87% zeros; ours over three random starts
      assert.ok(p.result.sparsity >= 0.85, `${p.id}: ${p.result.sparsity}`);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.deepEqual(checkReport(html, { dataset: 'a9a', testSet: true }), []);
    assert.deepEqual(checkFigures(out), []);
    // the text describes its own setting: 1000 rows, labels ±1, a random start
    assert.match(
      html,
      /1000 rows and 123 features of a9a, labels ±1 fed to the sigmoid, start at a random N\(0, 1\) point/,
    );
    assert.doesNotMatch(html, /on the full data with labels \{0, 1\}|2036 accesses|any memory helps/);
  });

  it('refuses to overwrite a study folder, and --resume on it finishes at once', () => {
    const out = join(root, 'seed');
    const r = optlab(['study', '--preset', 'seed', '--out', out, '--quiet', '--no-png'], { OPTLAB_DATA: dataDir() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /already holds results; use --resume/);
    const again = optlab(['study', '--preset', 'seed', '--out', out, '--quiet', '--no-png', '--resume'], {
      OPTLAB_DATA: dataDir(),
    });
    assert.equal(again.code, 0, again.stderr);
    const other = optlab(['study', '--preset', 'full', '--out', out, '--quiet', '--resume'], {
      OPTLAB_DATA: dataDir(),
    });
    assert.equal(other.code, 2);
    assert.match(other.stderr, /holds a different study/);
  });
});

describe('optlab study on a synthetic dataset of another shape (no test set)', { timeout: limitFor(30_000) }, () => {
  const dir = join(root, 'synth');
  const train = join(root, 'synth-train.svm');
  const wide = join(root, 'synth-wide.svm');
  let run: ReturnType<typeof optlab>;
  before(() => {
    const a = optlab([
      'synth',
      '--rows',
      '3000',
      '--features',
      '40',
      '--nnz-per-row',
      '8',
      '--values',
      '--noise',
      '0.5',
      '--out',
      train,
      '--quiet',
    ]);
    assert.equal(a.code, 0, a.stderr);
    const b = optlab([
      'synth',
      '--rows',
      '200',
      '--features',
      '50',
      '--nnz-per-row',
      '8',
      '--seed',
      '2',
      '--out',
      wide,
      '--quiet',
    ]);
    assert.equal(b.code, 0, b.stderr);
    run = optlab(['study', '--data', train, '--out', dir, '--quiet', '--no-png', '--seeds', '1']);
  });

  it('finishes; no test set is used unless given; no foreign dataset name or shape in the text', () => {
    assert.equal(run.code, 0, run.stderr);
    const runs = readRuns(dir);
    assert.ok(runs.every((r) => r.testDataset === undefined && r.dataset.features === 40));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.deepEqual(checkReport(html, { dataset: train, testSet: false }), []);
    assert.deepEqual(checkFigures(dir), []);
    assert.match(html, /3000 rows and 40 features of /);
  });

  it('with --objective logistic (a convex loss) the text says so, and no sentence contradicts the tables', () => {
    const out = join(root, 'synth-logistic');
    const r = optlab([
      'study',
      '--data',
      train,
      '--objective',
      'logistic',
      '--out',
      out,
      '--quiet',
      '--no-png',
      '--seeds',
      '1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.deepEqual(checkReport(html, { dataset: train, testSet: false, loss: 'logistic' }), []);
    assert.deepEqual(checkFigures(out), []);
    assert.match(html, /The logistic loss is convex/);
  });

  it('optlab report computes the landscape when study.json asks for one and lacks it (the --slurm path), bit for bit', () => {
    assert.equal(run.code, 0, run.stderr);
    const meta = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
    assert.equal(meta.landscapeSetting.starts, 5);
    assert.ok(meta.landscape.minima.length >= 1);
    // as the merge job of `optlab study --slurm` finds the folder: the runs merged, study.json as prepared
    const copy = join(root, 'synth-no-landscape');
    cpSync(dir, copy, { recursive: true });
    const { landscape, ...prepared } = meta;
    writeFileSync(join(copy, 'study.json'), JSON.stringify(prepared));
    const r = optlab(['report', copy, '--no-png', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(copy, 'study.json'), 'utf8')).landscape, landscape);
    const html = readFileSync(join(copy, 'report.html'), 'utf8');
    assert.match(html, /id="landscape"/);
    assert.deepEqual(checkReport(html, { dataset: train, testSet: false }), []);
    // other data than the study's is refused, naming both checksums
    const other = join(root, 'synth-other-data');
    cpSync(copy, other, { recursive: true });
    writeFileSync(
      join(other, 'study.json'),
      JSON.stringify({ ...prepared, landscapeSetting: { ...prepared.landscapeSetting, data: wide } }),
    );
    const bad = optlab(['report', other, '--no-png', '--quiet']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /the landscape needs the study's data/);
  });

  it('a test set with more features than the training data is a clear error in run, sweep and study', () => {
    const msg = /has 50 features, more than the 40 of the training data/;
    const r = optlab(['run', '--data', train, '--test-data', wide, '--method', 'gd', '--max-iter', '2', '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, msg);
    const s = optlab([
      'study',
      '--data',
      train,
      '--test-data',
      wide,
      '--out',
      join(root, 'synth-wide-study'),
      '--quiet',
    ]);
    assert.notEqual(s.code, 0);
    assert.match(s.stderr, msg);
    const file = join(root, 'wide-sweep.json');
    writeFileSync(
      file,
      JSON.stringify({
        datasets: [{ data: train }],
        testData: wide,
        methods: [{ method: 'gd' }],
        budgets: { maxIter: 2 },
      }),
    );
    const w = optlab(['sweep', file, '--out', join(root, 'wide-sweep'), '--quiet']);
    assert.notEqual(w.code, 0);
    assert.match(w.stderr, msg);
    // fewer features is fine (LIBSVM omits trailing zero features): the test set is padded
    const ok = optlab(['run', '--data', wide, '--test-data', train, '--method', 'gd', '--max-iter', '2', '--quiet']);
    assert.equal(ok.code, 0, ok.stderr);
  });
});
