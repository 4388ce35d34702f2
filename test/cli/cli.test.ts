import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { optlab } from '../helpers/cli.js';
import { dataDir, requireDataFile } from '../helpers/data.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'optlab-cli-'));

/** A tiny LIBSVM file: 4 rows, 3 features, labels ±1. */
function tinyFile(dir: string): string {
  const p = join(dir, 'tiny.svm');
  writeFileSync(p, '+1 1:1 3:0.5\n-1 2:1\n+1 1:2 2:-1\n-1 3:1\n');
  return p;
}

describe('optlab CLI: errors', () => {
  it('a malformed file gives FILE:LINE:COLUMN, exit 2, no stack trace', () => {
    const dir = tmp();
    const p = join(dir, 'bad.svm');
    writeFileSync(p, '+1 1:1 2:1\n-1 3:1 0:2\n');
    const r = optlab(['inspect', '--data', p]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^optlab: ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:8: `));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(r.stdout, '');
  });

  it('an unknown method or a missing file exits 2 with one clear line', () => {
    const r = optlab(['run', '--data', '/no/such/file.svm', '--method', 'gd']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read \/no\/such\/file\.svm: no such file/);
    const r2 = optlab(['run', '--data', 'x', '--method', 'newton']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /^optlab: --method: 'newton' is not one of gd, /);
  });

  it('a parameter that does not apply to the method is refused', () => {
    const dir = tmp();
    const r = optlab(['run', '--data', tinyFile(dir), '--method', 'gd', '--memory', '5']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--memory does not apply to --method gd/);
    const r2 = optlab(['run', '--data', tinyFile(dir), '--method', 'lbfgs', '--lambda', '0.1']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /does not handle --lambda/);
  });

  it('--at FILE must hold d finite numbers', () => {
    const dir = tmp();
    const at = join(dir, 'x.json');
    writeFileSync(at, '[1, 2]');
    const r = optlab(['eval', '--data', tinyFile(dir), '--at', at]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected 3 numbers \(one per feature\), got 2/);
  });
});

describe('optlab CLI: eval, run, inspect on a tiny file', () => {
  it('eval at zeros: sigmoid-lsq with 0/1 labels is exactly 1/4, with ±1 labels the mean of 1/4 and 9/4', () => {
    const dir = tmp();
    const f = tinyFile(dir);
    const a = JSON.parse(optlab(['eval', '--data', f, '--at', 'zeros', '--json']).stdout);
    assert.equal(a.value, 0.25);
    assert.equal(a.gradient.length, 3);
    const b = JSON.parse(optlab(['eval', '--data', f, '--labels', 'pm1', '--at', 'zeros', '--json']).stdout);
    assert.equal(b.value, 1.25);
    // gradient at 0 with 0/1 labels: 1/n Σ −2(y−½)(¼) a_i = −⅛·(1/4)·Σ s_i a_i with s = ±1
    // rows: +[1,0,.5], −[0,1,0], +[2,−1,0], −[0,0,1]  →  Σ s_i a_i = [3, −2, −0.5]
    assert.deepEqual(a.gradient, [(-0.25 * 3) / 4, (-0.25 * -2) / 4, (-0.25 * -0.5) / 4]);
  });

  it('run --json has the documented shape, and the same seed gives the same bits', () => {
    const dir = tmp();
    const f = tinyFile(dir);
    const args = ['run', '--data', f, '--method', 'sgd', '--batch', '2', '--epochs', '3', '--seed', '7', '--json'];
    const r1 = optlab(args);
    assert.equal(r1.code, 0, r1.stderr);
    const j = JSON.parse(r1.stdout);
    assert.deepEqual(Object.keys(j).sort(), ['config', 'dataset', 'result', 'trace', 'x']);
    assert.deepEqual(Object.keys(j.dataset).sort(), ['features', 'name', 'rows', 'sha256']);
    for (const k of ['value', 'gradNorm', 'iterations', 'epochs', 'stopReason', 'counts', 'seconds', 'sparsity']) {
      assert.ok(k in j.result, k);
    }
    assert.deepEqual(Object.keys(j.result.counts).sort(), [
      'oracleCalls',
      'passes',
      'sampleGradients',
      'vectorUpdates',
    ]);
    assert.equal(j.result.stopReason, 'max-epochs');
    assert.equal(j.result.iterations, 6); // 2 steps per epoch × 3 epochs
    assert.equal(j.result.counts.sampleGradients, 12);
    assert.equal(j.trace.length, 4); // iteration 0 and one point per epoch
    assert.deepEqual(Object.keys(j.trace[0]).sort(), [
      'epoch',
      'gradNorm',
      'iter',
      'oracleCalls',
      'sampleGradients',
      'seconds',
      'value',
      'vectorUpdates',
    ]);
    const j2 = JSON.parse(optlab(args).stdout);
    const strip = (t: Array<Record<string, number>>) => t.map(({ seconds: _s, ...rest }) => rest);
    assert.deepEqual(strip(j2.trace), strip(j.trace));
    assert.deepEqual(j2.x, j.x);
  });

  it('run --out writes run.json and trace.csv and nothing else', () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const r = optlab(['run', '--data', tinyFile(dir), '--method', 'gd', '--max-iter', '5', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['run.json', 'trace.csv']);
    const csv = readFileSync(join(out, 'trace.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'iter,epoch,value,gradNorm,seconds,sampleGradients,oracleCalls,vectorUpdates,passes');
    assert.equal(csv.length, 7);
    // passes = sampleGradients / n: gradient descent pays one pass per iteration (plus the first evaluation).
    const rows = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).dataset.rows as number;
    for (const line of csv.slice(1)) {
      const cells = line.split(',').map(Number);
      assert.equal(cells[8], cells[5] / rows);
    }
    assert.match(r.stdout, /stopped\s+max-iterations/);
  });

  it('methods lists every optimizer', () => {
    const j = JSON.parse(optlab(['methods', '--json']).stdout);
    assert.deepEqual(j.map((m: { name: string }) => m.name).sort(), [
      'adagrad',
      'adam',
      'bfgs',
      'fista',
      'gd',
      'lbfgs',
      'owlqn',
      'prox-bfgs',
      'prox-gd',
      'sbfgs',
      'sgd',
    ]);
  });
});

describe('optlab CLI on a9a', () => {
  it('eval --data a9a --labels 01 --at zeros is exactly 0.25', (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const r = optlab(['eval', '--data', 'a9a', '--labels', '01', '--at', 'zeros', '--json'], {
      OPTLAB_DATA: dataDir(),
    });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.value, 0.25);
    assert.equal(j.gradient.length, 123);
  });

  it('inspect --json gives the a9a shape and checksum', (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const j = JSON.parse(optlab(['inspect', '--data', 'a9a', '--json'], { OPTLAB_DATA: dataDir() }).stdout);
    assert.equal(j.rows, 32561);
    assert.equal(j.features, 123);
    assert.equal(j.nnz, 451592);
    assert.equal(j.sha256, 'f5d5ffd8d865ff41328e7ee043e4b020816914ff6843ff15b98905ddbedce906');
    assert.deepEqual(
      j.labels.map((l: { value: number; count: number }) => [l.value, l.count]),
      [
        [-1, 24720],
        [1, 7841],
      ],
    );
  });

  it('datasets --json shows a9a found in OPTLAB_DATA', (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const j = JSON.parse(optlab(['datasets', '--json'], { OPTLAB_DATA: dataDir() }).stdout);
    const a9a = j.datasets.find((d: { name: string }) => d.name === 'a9a');
    assert.equal(a9a.from, 'OPTLAB_DATA');
    assert.equal(a9a.rows, 32561);
  });

  it('run with --test-data reports test accuracy', (t) => {
    if (!requireDataFile(t, 'a9a') || !requireDataFile(t, 'a9a.t')) return;
    const r = optlab(
      ['run', '--data', 'a9a', '--test-data', 'a9a.t', '--method', 'lbfgs', '--max-iter', '50', '--json'],
      { OPTLAB_DATA: dataDir() },
    );
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.testDataset.rows, 16281);
    assert.ok(j.result.testAccuracy > 0.83 && j.result.testAccuracy < 0.87, String(j.result.testAccuracy));
  });
});

describe('optlab gradcheck', () => {
  it('passes on a tiny file, prints the table, and --json carries every error', () => {
    const dir = tmp();
    const f = tinyFile(dir);
    const r = optlab(['gradcheck', '--data', f, '--objective', 'logistic', '--l2', '0.1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /all checks passed/);
    const j = JSON.parse(optlab(['gradcheck', '--data', f, '--json']).stdout);
    assert.equal(j.ok, true);
    assert.ok(j.rows.length >= 5);
    for (const row of j.rows) assert.ok(row.errAutodiff < 1e-12, `${row.point}: ${row.errAutodiff}`);
  });

  it('on a9a (both losses) every check passes', (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    for (const objective of ['sigmoid-lsq', 'logistic']) {
      const r = optlab(['gradcheck', '--data', 'a9a', '--objective', objective, '--fd-coordinates', '8', '--json'], {
        OPTLAB_DATA: dataDir(),
      });
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.ok, true);
      assert.ok(j.rows.some((row: { maxAbsZ: number }) => row.maxAbsZ >= 0.999e4));
    }
  });
});

describe('optlab run --threads', () => {
  it('splits full-data evaluations across threads with the same result to rounding', (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const args = ['run', '--data', 'a9a', '--method', 'lbfgs', '--max-iter', '5', '--json'];
    const one = JSON.parse(optlab(args, { OPTLAB_DATA: dataDir() }).stdout);
    const r = optlab([...args.slice(0, -1), '--threads', '2'], { OPTLAB_DATA: dataDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /on 2 threads/);
    const two = JSON.parse(optlab([...args, '--threads', '2'], { OPTLAB_DATA: dataDir() }).stdout);
    assert.equal(two.result.iterations, one.result.iterations);
    assert.ok(Math.abs(two.result.value - one.result.value) <= 1e-12 * one.result.value);
  });
});
