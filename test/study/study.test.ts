import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pngHasInk } from '../../src/node/png.js';
import type { Manifest, RunRow } from '../../src/sweep/results.js';
import { openReport, skipWithoutBrowser } from '../helpers/browser.js';
import { optlab } from '../helpers/cli.js';
import { dataDir, findDataFile } from '../helpers/data.js';
import { checkInteractiveReport } from '../helpers/report-page.js';

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

describe('optlab study --preset full on a9a', { skip: skipData, timeout: 600_000 }, () => {
  const out = join(root, 'full');
  let run: ReturnType<typeof optlab>;
  before(() => {
    assert.ok(haveData, `a9a and a9a.t are required (OPTLAB_REQUIRE_DATA=1) but missing from ${dataDir()}`);
    run = optlab(['study', '--out', out, '--quiet'], { OPTLAB_DATA: dataDir() });
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

describe('optlab study --preset seed (the original setting)', { skip: skipData, timeout: 300_000 }, () => {
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
