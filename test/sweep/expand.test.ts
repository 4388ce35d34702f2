import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  datasetRefs,
  effectiveBudgets,
  expandSweep,
  gridPoints,
  runFileName,
  runLabel,
} from '../../src/sweep/expand.js';
import { validateSweep } from '../../src/sweep/schema.js';

const spec = (raw: Record<string, unknown>) => validateSweep(raw, 'test.yaml');

describe('run labels and ids', () => {
  it('label: method[k=v,...] over the given keys, sorted; the method alone when none', () => {
    assert.equal(runLabel('sgd', { step: 2.5, batch: 16 }), 'sgd[batch=16,step=2.5]');
    assert.equal(runLabel('lbfgs', {}), 'lbfgs');
    assert.equal(runLabel('lbfgs', { lineSearch: 'armijo', c1: 1e-4 }), 'lbfgs[c1=0.0001,lineSearch=armijo]');
    assert.equal(runLabel('sgd', { nesterov: true, momentum: 0.9 }), 'sgd[momentum=0.9,nesterov=true]');
    assert.equal(runLabel('prox-gd', { lambda: 1e-7 }), 'prox-gd[lambda=1e-7]');
  });

  it('ids are label@dataset#seed; dataset options set on the entry join the dataset part', () => {
    const runs = expandSweep(
      spec({
        datasets: ['a9a', { data: 'a9a', subset: 1000 }, { data: 'a9a', labels: 'pm1', positive: 1 }],
        budgets: { maxIter: 10 },
        methods: [{ method: 'gd', params: { step: 2 } }],
      }),
    );
    assert.deepEqual(
      runs.map((r) => r.id),
      ['gd[step=2]@a9a#0', 'gd[step=2]@a9a,subset=1000#0', 'gd[step=2]@a9a,labels=pm1,positive=1#0'],
    );
    assert.deepEqual(
      runs.map((r) => r.objective.labels),
      ['01', '01', 'pm1'],
    );
  });

  it('file names: the id when it is safe, else a sanitized form with a hash, distinct for distinct ids', () => {
    assert.equal(runFileName('sgd[batch=16,step=2.5]@a9a#0'), 'sgd[batch=16,step=2.5]@a9a#0.json');
    const a = runFileName('gd@/tmp/x/data.svm#0');
    const b = runFileName('gd@/tmp_x/data.svm#0');
    assert.match(a, /^gd@_tmp_x_data\.svm#0~[0-9a-f]{8}\.json$/);
    assert.notEqual(a, b);
    assert.doesNotMatch(runFileName('gd@../../etc#0'), /\//);
    fc.assert(
      fc.property(fc.string(), fc.string(), (x, y) => {
        const fx = runFileName(x);
        assert.match(fx, /^[A-Za-z0-9._=,+@#[\]~-]+$/);
        assert.ok(!fx.startsWith('.'));
        assert.ok(fx.length <= 210);
        return x === y || fx !== runFileName(y);
      }),
    );
  });
});

describe('grid expansion', () => {
  it('the cross product, keys sorted, first key slowest, values in the given order', () => {
    assert.deepEqual(gridPoints({ step: [1, 0.5], batch: [8, 16] }), [
      { batch: 8, step: 1 },
      { batch: 8, step: 0.5 },
      { batch: 16, step: 1 },
      { batch: 16, step: 0.5 },
    ]);
    assert.deepEqual(gridPoints({}), [{}]);
  });

  it('has as many points as the product of the list lengths (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
        (step, batch) => gridPoints({ step, batch }).length === step.length * batch.length,
      ),
    );
  });

  it('orders runs datasets × entries × grid points × seeds, and fills every field', () => {
    const runs = expandSweep(
      spec({
        datasets: ['a9a', { data: 'b.svm', subset: 50, testData: 'b.t' }],
        testData: 'a9a.t',
        objective: { lambda: 0, l2: 0.5 },
        init: 'randn',
        seeds: 2,
        budgets: { epochs: 3, maxIter: 500 },
        methods: [
          { method: 'sgd', group: 'steps', params: { batch: 4 }, grid: { step: [1, 2] } },
          { method: 'prox-gd', seeds: [7], grid: { lambda: [0.1] }, budgets: { epochs: null } },
        ],
      }),
    );
    assert.deepEqual(
      runs.map((r) => r.id),
      [
        'sgd[batch=4,step=1]@a9a#0',
        'sgd[batch=4,step=1]@a9a#1',
        'sgd[batch=4,step=2]@a9a#0',
        'sgd[batch=4,step=2]@a9a#1',
        'prox-gd[lambda=0.1]@a9a#7',
        'sgd[batch=4,step=1]@b.svm,subset=50#0',
        'sgd[batch=4,step=1]@b.svm,subset=50#1',
        'sgd[batch=4,step=2]@b.svm,subset=50#0',
        'sgd[batch=4,step=2]@b.svm,subset=50#1',
        'prox-gd[lambda=0.1]@b.svm,subset=50#7',
      ],
    );
    assert.deepEqual(
      runs.map((r) => r.index),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    const sgd = runs[2];
    assert.equal(sgd.label, 'sgd[batch=4,step=2]');
    assert.equal(sgd.group, 'steps');
    assert.equal(sgd.entry, 0);
    assert.deepEqual(sgd.given, { batch: 4, step: 2 });
    assert.deepEqual(sgd.params, { batch: 4, step: 2 });
    assert.deepEqual(sgd.objective, { loss: 'sigmoid-lsq', lambda: 0, l2: 0.5, labels: '01' });
    assert.equal(sgd.init, 'randn');
    assert.equal(sgd.seed, 0);
    assert.deepEqual(sgd.budgets, { maxIter: 500, epochs: 3, tol: 1e-6 });
    assert.equal(sgd.dataset.testData, 'a9a.t');
    assert.equal(sgd.file, 'sgd[batch=4,step=2]@a9a#0.json');
    const prox = runs[9];
    assert.equal(prox.group, undefined);
    assert.deepEqual(prox.given, { lambda: 0.1 });
    assert.deepEqual(prox.params, {}, 'lambda goes to the objective, not to the method');
    assert.equal(prox.objective.lambda, 0.1);
    assert.deepEqual(prox.budgets, { maxIter: 500, tol: 1e-6 }, 'null removed the sweep-level epochs');
    assert.equal(prox.dataset.testData, 'b.t');
    assert.equal(prox.dataset.subset, 50);
  });

  it('every id is unique and every file name is unique', () => {
    const runs = expandSweep(
      spec({
        datasets: ['/data/x.svm', '/data_x.svm', { data: '/data/x.svm', subset: 3 }],
        seeds: 3,
        budgets: { maxIter: 10 },
        methods: [
          { method: 'gd', grid: { step: [1, 2] } },
          { method: 'lbfgs', grid: { memory: [0, 5] } },
        ],
      }),
    );
    assert.equal(runs.length, 3 * 3 * 4);
    assert.equal(new Set(runs.map((r) => r.id)).size, runs.length);
    assert.equal(new Set(runs.map((r) => r.file)).size, runs.length);
  });
});

describe('budgets and datasets', () => {
  it('defaultBudgets fills 1000 iterations (full batch) or 10 epochs (stochastic) when none bounds the run', () => {
    assert.deepEqual(effectiveBudgets('gd', { tol: 1e-6 }), { maxIter: 1000, tol: 1e-6 });
    assert.deepEqual(effectiveBudgets('sgd', { tol: 0 }), { epochs: 10, tol: 0 });
    assert.deepEqual(effectiveBudgets('sgd', { maxPasses: 5, tol: 0 }, { maxPasses: null, timeLimit: 2 }), {
      timeLimit: 2,
      tol: 0,
    });
  });

  it('dataset refs share a key exactly when they load the same data', () => {
    const refs = datasetRefs(
      spec({
        datasets: ['a9a', { data: 'a9a', labels: 'pm1' }, { data: 'a9a', subset: 10 }],
        objective: { labels: 'pm1' },
        budgets: { maxIter: 1 },
        methods: [{ method: 'gd' }],
      }),
    );
    assert.deepEqual(
      refs.map((r) => r.display),
      ['a9a', 'a9a,labels=pm1', 'a9a,subset=10'],
    );
    assert.deepEqual(
      refs.map((r) => r.labels),
      ['pm1', 'pm1', 'pm1'],
    );
    assert.equal(refs[0].key, refs[1].key, 'same file, same encoding: same data');
    assert.notEqual(refs[0].key, refs[2].key);
  });
});
