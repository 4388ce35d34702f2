/**
 * Script injection through a results folder (issue 15.2, issue 14's escaping item): every string read from a
 * folder is validated and escaped, and the page's Content-Security-Policy allows no inline code but its own.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { readResults, writeReport } from '../../src/node/report-writer.js';
import { buildSweepReport } from '../../src/report/build.js';
import type { Manifest, RunFile, RunRow } from '../../src/sweep/results.js';
import { skipWithoutBrowser, withOfflinePage } from '../helpers/browser.js';
import { optlab } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'optlab-safety-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SCRIPT = '<script>window.__pwned = 1; alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const EVIL = `${SCRIPT}${IMG}`;
const N = 20;

function runFile(label: string, method: string, seed: number): RunFile {
  const trace: RunFile['trace'] = [];
  for (let k = 0; k <= 8; k++) {
    trace.push({
      iter: k,
      epoch: k,
      value: 0.3 + 0.5 ** k,
      gradNorm: 0.5 ** k,
      seconds: 0.001 * k,
      sampleGradients: N * k,
      oracleCalls: k,
      vectorUpdates: k,
    });
  }
  const run: RunRow = {
    id: `${label}@${EVIL}#${seed}`,
    label,
    group: `group ${EVIL}`,
    method: method as RunRow['method'],
    given: { step: EVIL },
    params: { step: EVIL },
    objective: { loss: 'logistic', lambda: 0, l2: 0, labels: 'pm1' },
    dataset: { name: EVIL, sha256: EVIL, rows: N, features: 3 },
    seed,
    init: 'zeros',
    budgets: { maxIter: 8 },
    result: {
      value: trace[8].value,
      gradNorm: trace[8].gradNorm,
      iterations: 8,
      epochs: 8,
      stopReason: EVIL,
      message: EVIL,
      counts: { sampleGradients: N * 8, oracleCalls: 8, vectorUpdates: 8, passes: 8 },
      seconds: 0.008,
      sparsity: 0,
    },
  };
  return { run, trace };
}

const MANIFEST: Manifest = {
  optlab: EVIL,
  node: EVIL,
  v8: EVIL,
  platform: EVIL,
  cpu: { model: EVIL, cores: 2 },
  sweepFile: EVIL,
  sweepSha256: EVIL,
  datasets: [{ name: EVIL, sha256: EVIL, rows: N, features: 3 }],
  startedAt: EVIL,
  endedAt: EVIL,
  runs: { total: 2, finished: 2, failed: 0, resumed: 0 },
  jobs: 1,
  status: 'interrupted',
};

function hostileFolder(name: string, manifest: unknown = MANIFEST): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'runs'), { recursive: true });
  [runFile(`gd${EVIL}`, 'gd', 1), runFile(`sgd ${IMG}`, `sgd${SCRIPT}`, 1)].forEach((f, i) => {
    writeFileSync(join(dir, 'runs', `${i}.json`), JSON.stringify(f));
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('results folder validation', () => {
  it('refuses a manifest whose numbers or status are text, naming the file and the field', async () => {
    const bad = [
      [{ ...MANIFEST, status: IMG }, /field "status"/],
      [{ ...MANIFEST, runs: { ...MANIFEST.runs, finished: IMG } }, /field "runs\.finished"/],
      [{ ...MANIFEST, cpu: { model: EVIL, cores: '2' } }, /field "cpu\.cores"/],
    ] as const;
    for (const [manifest, field] of bad) {
      const dir = hostileFolder(`bad-${String(field).replace(/\W+/g, '')}`, manifest);
      await assert.rejects(readResults(dir), (e: unknown) => {
        assert.ok(e instanceof InputError, String(e));
        assert.equal(e.file, join(dir, 'manifest.json'));
        assert.match(e.message, field);
        return true;
      });
    }
  });

  it('refuses a run row whose counts are not numbers', async () => {
    const dir = hostileFolder('bad-run');
    const f = runFile('x', 'gd', 2) as unknown as { run: { result: { iterations: unknown } } };
    f.run.result.iterations = IMG;
    writeFileSync(join(dir, 'runs', '9.json'), JSON.stringify(f));
    await assert.rejects(
      readResults(dir),
      (e: unknown) => e instanceof InputError && /field "run\.result\.iterations"/.test(e.message),
    );
  });

  it('the CLI prints one line for a hostile manifest, no stack trace', () => {
    const dir = hostileFolder('cli-bad', { ...MANIFEST, status: IMG });
    const r = optlab(['report', dir, '--no-png', '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /manifest\.json:1:1: not a valid manifest: field "status"/);
  });
});

describe('report page with hostile strings', () => {
  it('escapes every string and allows no inline code but its own', async () => {
    const dir = hostileFolder('page');
    const { runs, traces, manifest } = await readResults(dir);
    const report = buildSweepReport(runs, traces, manifest, { title: `title ${EVIL}`, subtitle: EVIL });
    await writeReport(report, dir, { png: false });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /script-src 'sha256-[^']+' 'sha256-[^']+' 'sha256-[^']+';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    // Outside the inlined code and specs, the markup holds no tag made from the data.
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    assert.ok(!markup.includes('<img') && !markup.includes('<script>window'), 'raw markup from the data');
    assert.ok(markup.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.equal((html.match(/<script>/g) ?? []).length, 3, 'vega, vega-embed and the boot script, nothing else');
  });

  it('in Chromium: no dialog, no injected element, the strings shown as text, inline handlers blocked', {
    skip: skipWithoutBrowser,
    timeout: 120_000,
  }, async () => {
    const dir = hostileFolder('browser');
    const { runs, traces, manifest } = await readResults(dir);
    await writeReport(buildSweepReport(runs, traces, manifest, { title: `title ${EVIL}` }), dir, { png: false });
    await withOfflinePage(join(dir, 'report.html'), async ({ page, errors }) => {
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.waitForFunction(
        `[...document.querySelectorAll('div.chart')].every((el) => el.hasAttribute('data-rendered') || el.hasAttribute('data-error'))`,
        undefined,
        { timeout: 90_000 },
      );
      const seen = (await page.evaluate(`({
        imgs: document.querySelectorAll('img').length,
        scripts: [...document.querySelectorAll('script')].filter((s) => !s.type).length,
        pwned: window.__pwned === 1,
        text: document.body.innerText,
        title: document.title,
        failed: document.querySelectorAll('[data-error]').length,
      })`)) as { imgs: number; scripts: number; pwned: boolean; text: string; title: string; failed: number };
      assert.equal(seen.imgs, 0);
      assert.equal(seen.scripts, 3);
      assert.equal(seen.pwned, false);
      assert.equal(seen.failed, 0);
      assert.equal(seen.title, `title ${EVIL}`);
      assert.ok(seen.text.includes(EVIL), 'the hostile strings are shown verbatim as text');
      // Defence in depth: markup that did get in could not run (the CSP has no 'unsafe-inline').
      await page.evaluate(
        `document.body.insertAdjacentHTML('beforeend', '<img id="probe" src="x" onerror="window.__pwned=1;alert(2)">')`,
      );
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate('window.__pwned === 1'), false);
      assert.deepEqual(dialogs, []);
      // The only errors are the CSP refusing the probe's inline handler (and its blocked image request).
      assert.ok(
        errors.every((e) => /Content Security Policy|ERR_FAILED|net::/.test(e)),
        errors.join('\n'),
      );
    });
  });
});
