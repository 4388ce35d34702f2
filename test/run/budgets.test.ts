/**
 * One budget table and one resolver (src/run/budgets.ts) for the library, the CLI, the sweep and the
 * playground. The defect it fixes: a full-batch run bounded only by epochs never stopped
 * (`optlab run --data a9a --method gd --epochs 3 --tol 0` ran forever).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OptlabError } from '../../src/errors.js';
import { DEFAULT_TOL, resolveBudgets } from '../../src/run/budgets.js';
import { defaultBudgets, minimize } from '../../src/run/minimize.js';
import { effectiveBudgets } from '../../src/sweep/expand.js';
import { BUDGET_FIELDS, DEFAULT_TOL as PLAYGROUND_TOL } from '../../web/src/fields.js';
import { optlab } from '../helpers/cli.js';
import { Quadratic } from '../helpers/problems.js';

const quad = () =>
  new Quadratic(
    [
      [2, 0],
      [0, 1],
    ],
    [1, 1],
  );

describe('budgets: one table, one resolver', () => {
  it('a full-batch run bounded only by epochs is an error, in the library', () => {
    assert.throws(
      () => minimize(quad(), { method: 'gd', step: 0.1 }, { epochs: 3, tol: 0 }),
      (e: unknown) =>
        e instanceof OptlabError &&
        e.message === 'gd is a full-batch method and epochs does not bound it: give maxIter, maxPasses or timeLimit',
    );
  });

  it('the same in the CLI, before any data is read, in its words', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optlab-budgets-'));
    const file = join(dir, 'tiny.svm');
    writeFileSync(file, '+1 1:1 3:0.5\n-1 2:1\n+1 1:2 2:-1\n-1 3:1\n');
    const r = optlab(['run', '--data', file, '--method', 'gd', '--epochs', '3', '--tol', '0']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      'optlab: gd is a full-batch method and --epochs does not bound it: give --max-iter, --max-passes or --time-limit\n',
    );
    assert.equal(r.stdout, '');
  });

  it('the same in a sweep (see test/sweep/schema.test.ts) and in the playground, by the same function', () => {
    assert.throws(() => effectiveBudgets('gd', { epochs: 3, tol: 0 }), /epochs does not bound it/);
    assert.throws(() => defaultBudgets('bfgs', { epochs: 3 }), /epochs does not bound it/);
  });

  it('defaults: tol 1e-6 everywhere, 1000 iterations or 10 epochs when no bound is given', () => {
    assert.equal(DEFAULT_TOL, 1e-6);
    assert.equal(PLAYGROUND_TOL, DEFAULT_TOL);
    assert.equal(BUDGET_FIELDS.tol.fallback, '0.000001');
    assert.deepEqual(resolveBudgets('gd', false, {}), { tol: 1e-6, maxIter: 1000 });
    assert.deepEqual(resolveBudgets('sgd', true, { tol: 0 }), { tol: 0, epochs: 10 });
    assert.deepEqual(resolveBudgets('gd', false, { epochs: 3, maxPasses: 4 }), { epochs: 3, maxPasses: 4, tol: 1e-6 });
    assert.deepEqual(resolveBudgets('sgd', true, { epochs: 3 }), { epochs: 3, tol: 1e-6 });
    // the library's own default is the same: a run without tol stops at 1e-6
    const r = minimize(quad(), { method: 'lbfgs' });
    assert.equal(r.stopReason, 'converged');
    assert.ok(r.gradNorm <= 1e-6 && r.gradNorm > 0);
  });

  it('values are checked by the table', () => {
    assert.throws(
      () => resolveBudgets('gd', false, { maxIter: 2.5 }),
      /^OptlabError: maxIter: expected a positive integer, got 2.5$/,
    );
    assert.throws(() => resolveBudgets('gd', false, { tol: -1 }), /tol: expected a number >= 0, got -1/);
    assert.throws(
      () => resolveBudgets('gd', false, { maxIter: 0 }, (b) => `--${b}`),
      /--maxIter: expected a positive integer/,
    );
  });
});
