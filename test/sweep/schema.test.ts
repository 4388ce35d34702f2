import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptlabError } from '../../src/errors.js';
import { formatPath, readSweep, SweepError, type SweepSpec, validateSweep } from '../../src/sweep/schema.js';

const FILE = 'sweep.yaml';

/** The `FILE: path: rule` lines a sweep produces (fails if it validates). */
function problems(raw: unknown, file = FILE): string[] {
  try {
    validateSweep(raw, file);
  } catch (e) {
    assert.ok(e instanceof SweepError, `expected a SweepError, got ${e}`);
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, e.problems.map((_, i) => SweepError.lines(file, e.problems)[i]).join('\n'));
    return e.message.split('\n');
  }
  assert.fail('the sweep validated');
}

const minimal = (methods: unknown[], extra: Record<string, unknown> = {}) => ({
  datasets: ['a9a'],
  budgets: { maxIter: 10 },
  methods,
  ...extra,
});

describe('sweep schema: valid files, defaults filled', () => {
  it('a YAML sweep parses, with every default filled and seeds normalized to a list', () => {
    const spec = readSweep(
      [
        'name: sgd-steps',
        'datasets: [a9a, {data: a9a, subset: 1000, labels: pm1, testData: a9a.t}]',
        'seeds: 3',
        'budgets: {epochs: 10, traceEvery: 100}',
        'methods:',
        '  - method: sgd',
        '    group: q4-steps',
        '    params: {batch: 64}',
        '    grid: {step: [3, 2.5, 2]}',
        '    seeds: 1',
        '    budgets: {epochs: 20, traceEvery: null}',
        '  - {method: lbfgs, params: {lineSearch: wolfe, c1: 1.0e-4, c2: 0.9}, budgets: {maxIter: 100}}',
        '  - {method: prox-gd, grid: {lambda: [0, 0.001]}, budgets: {maxIter: 100}}',
      ].join('\n'),
      FILE,
    );
    const expected: SweepSpec = {
      name: 'sgd-steps',
      datasets: [{ data: 'a9a' }, { data: 'a9a', subset: 1000, labels: 'pm1', testData: 'a9a.t' }],
      objective: { loss: 'sigmoid-lsq', lambda: 0, l2: 0, labels: '01' },
      init: 'zeros',
      seeds: [0, 1, 2],
      budgets: { epochs: 10, tol: 1e-6, traceEvery: 100 },
      methods: [
        {
          method: 'sgd',
          group: 'q4-steps',
          params: { batch: 64 },
          grid: { step: [3, 2.5, 2] },
          seeds: [0],
          budgets: { epochs: 20, traceEvery: null },
        },
        { method: 'lbfgs', params: { lineSearch: 'wolfe', c1: 1e-4, c2: 0.9 }, grid: {}, budgets: { maxIter: 100 } },
        { method: 'prox-gd', params: {}, grid: { lambda: [0, 0.001] }, budgets: { maxIter: 100 } },
      ],
    };
    assert.deepEqual(spec, expected);
  });

  it('the same sweep as JSON gives the same spec', () => {
    const yaml = readSweep(
      'datasets: [a9a]\nseeds: [4, 7]\nbudgets: {maxIter: 5, tol: 0}\nmethods: [{method: gd}]\n',
      FILE,
    );
    const json = readSweep(
      JSON.stringify({
        datasets: ['a9a'],
        seeds: [4, 7],
        budgets: { maxIter: 5, tol: 0 },
        methods: [{ method: 'gd' }],
      }),
      'sweep.json',
    );
    assert.deepEqual(yaml, json);
    assert.deepEqual(json.seeds, [4, 7]);
    assert.equal(json.budgets.tol, 0);
  });

  it('objective, init and labels take their values', () => {
    const spec = validateSweep(
      minimal([{ method: 'owlqn' }], {
        objective: { loss: 'logistic', lambda: 0.01, l2: 0.5, labels: 'pm1' },
        init: 'randn',
      }),
      FILE,
    );
    assert.deepEqual(spec.objective, { loss: 'logistic', lambda: 0.01, l2: 0.5, labels: 'pm1' });
    assert.equal(spec.init, 'randn');
  });
});

describe('sweep schema: each problem names its path and rule', () => {
  it('formats paths with dots and [index]', () => {
    assert.equal(formatPath(['methods', 2, 'grid', 'step', 0]), 'methods[2].grid.step[0]');
    assert.equal(formatPath(['seeds', 1]), 'seeds[1]');
    assert.equal(formatPath([]), '');
  });

  it('a bad grid value: methods[2].grid.step[1]: expected a positive number', () => {
    const raw = minimal([
      { method: 'sgd' },
      { method: 'sgd', params: { batch: 4 } },
      { method: 'sgd', grid: { step: [1, 0] } },
    ]);
    assert.deepEqual(problems(raw), [`${FILE}: methods[2].grid.step[1]: expected a positive number`]);
  });

  it('unknown keys are errors at every level, listing the allowed keys', () => {
    const raw = minimal([{ method: 'sgd', params: { stepsize: 1 }, colour: 'red' }], { budget: {} });
    assert.deepEqual(problems(raw), [
      `${FILE}: methods[0].params.stepsize: unknown key (allowed: step, lineSearch, c1, c2, batch, momentum, nesterov, eps, beta1, beta2, memory, lambda, l2)`,
      `${FILE}: methods[0].colour: unknown key (allowed: method, group, params, grid, seeds, budgets)`,
      `${FILE}: budget: unknown key (did you mean 'budgets'? allowed: name, datasets, testData, objective, init, seeds, budgets, methods)`,
    ]);
  });

  it('an unknown method lists the known ones; a missing one is required', () => {
    assert.deepEqual(problems(minimal([{ method: 'newton' }, {}])), [
      `${FILE}: methods[0].method: expected one of 'gd', 'sgd', 'adagrad', 'adam', 'prox-gd', 'fista', 'bfgs', 'sbfgs', 'prox-bfgs', 'owlqn', 'lbfgs'`,
      `${FILE}: methods[1].method: required`,
    ]);
  });

  it('an empty grid list, an empty method list, missing datasets', () => {
    assert.deepEqual(problems(minimal([{ method: 'sgd', grid: { step: [] } }])), [
      `${FILE}: methods[0].grid.step: expected a non-empty list of values`,
    ]);
    assert.deepEqual(problems({ methods: [] }), [
      `${FILE}: datasets: required`,
      `${FILE}: methods: expected a non-empty list of method entries`,
    ]);
  });

  it('seeds: a count or a list of integers >= 0', () => {
    assert.deepEqual(problems(minimal([{ method: 'sgd' }], { seeds: 'three' })), [
      `${FILE}: seeds: expected a count (a positive integer) or a non-empty list of integers >= 0`,
    ]);
    assert.deepEqual(problems(minimal([{ method: 'sgd', seeds: [0, -1] }], { seeds: [] })), [
      `${FILE}: seeds: expected a non-empty list of seeds`,
      `${FILE}: methods[0].seeds[1]: expected an integer >= 0`,
    ]);
  });

  it('rules of numbers, integers, ranges, seeds and datasets', () => {
    const raw = {
      datasets: [{ data: 'a9a', subset: 2.5 }, 7],
      seeds: -1,
      budgets: { maxIter: 0, maxPasses: -1, tol: -1 },
      methods: [{ method: 'adam', params: { batch: 1.5, beta1: 1, eps: 0 } }],
    };
    assert.deepEqual(problems(raw), [
      `${FILE}: datasets[0].subset: expected a positive integer`,
      `${FILE}: datasets[1]: expected a dataset name or path, or a mapping {data: ..., subset: ..., testData: ...}`,
      `${FILE}: seeds: expected a positive integer`,
      `${FILE}: budgets.maxIter: expected a positive integer`,
      `${FILE}: budgets.maxPasses: expected a positive number`,
      `${FILE}: budgets.tol: expected a number >= 0`,
      `${FILE}: methods[0].params.batch: expected a positive integer`,
      `${FILE}: methods[0].params.eps: expected a positive number`,
      `${FILE}: methods[0].params.beta1: expected a number in [0, 1)`,
    ]);
  });

  it('labels: 01 unquoted in YAML is the number 1, and the message says so', () => {
    try {
      readSweep('datasets: [a9a]\nobjective: {labels: 01}\nmethods: [{method: sgd}]\n', FILE);
      assert.fail('validated');
    } catch (e) {
      assert.ok(e instanceof SweepError);
      assert.equal(
        e.message,
        `${FILE}:2:21: objective.labels: expected '01' or 'pm1' (YAML reads an unquoted 01 as the number 1: write '01')`,
      );
    }
  });

  it('a parameter that does not apply to the method, in params or in the grid', () => {
    const raw = minimal([{ method: 'sgd' }, { method: 'gd', grid: { memory: [3, 5] }, params: { batch: 4 } }]);
    assert.deepEqual(problems(raw), [
      `${FILE}: methods[1].params.batch: does not apply to gd (it takes: step, lineSearch, c1, c2)`,
      `${FILE}: methods[1].grid.memory: does not apply to gd (it takes: step, lineSearch, c1, c2)`,
    ]);
  });

  it('lambda > 0 needs an L1 method, wherever lambda is set', () => {
    const lines = problems({
      datasets: ['a9a'],
      objective: { lambda: 0.1 },
      budgets: { maxIter: 10 },
      methods: [
        { method: 'lbfgs' },
        { method: 'gd', params: { lambda: 0 } },
        { method: 'gd', grid: { lambda: [0, 0.5] } },
        { method: 'fista' },
      ],
    });
    const l1 = 'use one of: prox-gd, fista, prox-bfgs, owlqn';
    assert.deepEqual(lines, [
      `${FILE}: methods[0].method: lbfgs does not handle objective.lambda = 0.1 (L1); ${l1}`,
      `${FILE}: methods[2].grid.lambda[1]: gd does not handle lambda > 0 (L1); ${l1}`,
    ]);
  });

  it("resolveParams' checks run on every grid point, with the parameter's path and the point", () => {
    const raw = minimal([
      { method: 'sgd', grid: { nesterov: [false, true] } },
      { method: 'lbfgs', params: { lineSearch: 'armijo' }, grid: { c2: [0.5] } },
      { method: 'lbfgs', grid: { c1: [0.95], c2: [0.9] } },
    ]);
    assert.deepEqual(problems(raw), [
      `${FILE}: methods[0].grid.nesterov: nesterov needs momentum > 0 (at nesterov=true)`,
      `${FILE}: methods[1].grid.c2: c2 applies only to lineSearch wolfe or more-thuente (at c2=0.5)`,
      `${FILE}: methods[2].grid.c1: need 0 < c1 < c2 < 1, got c1 = 0.95, c2 = 0.9 (at c1=0.95,c2=0.9)`,
    ]);
  });

  it('a parameter given in both params and grid, duplicate grid values and seeds', () => {
    const raw = minimal([{ method: 'sgd', params: { step: 1 }, grid: { step: [1, 2], batch: [8, 16, 8] } }], {
      seeds: [0, 1, 1],
    });
    assert.deepEqual(problems(raw), [
      `${FILE}: seeds[2]: duplicate seed 1`,
      `${FILE}: methods[0].grid.step: also set in params (give a parameter in one place)`,
      `${FILE}: methods[0].grid.batch[2]: duplicate value 8`,
    ]);
  });

  it('a full-batch method needs a budget that bounds it; null removes a sweep budget', () => {
    const raw = {
      datasets: ['a9a'],
      budgets: { maxIter: 100 },
      methods: [{ method: 'sgd' }, { method: 'gd', budgets: { maxIter: null, epochs: 5 } }],
    };
    assert.deepEqual(problems(raw), [
      `${FILE}: methods[1].budgets: gd is a full-batch method and epochs does not bound it: give maxIter, maxPasses or timeLimit (here or in the sweep's budgets)`,
    ]);
  });

  it('runs whose ids would collide are refused', () => {
    const raw = minimal(
      [
        { method: 'adam', group: 'a' },
        { method: 'adam', group: 'b' },
      ],
      {
        datasets: ['a9a', { data: 'a9a' }],
      },
    );
    assert.deepEqual(problems(raw), [
      `${FILE}: datasets[1]: the same dataset as datasets[0] (run ids would collide; vary subset, labels or positive)`,
      `${FILE}: methods[1]: runs adam (seed 0) duplicate those of methods[0]; run ids must be unique (merge the entries or vary a parameter)`,
    ]);
  });

  it('a root that is not a mapping', () => {
    assert.deepEqual(problems([1, 2]), [`${FILE}: expected a mapping (key: value pairs)`]);
  });
});

describe('sweep files: syntax errors', () => {
  it('YAML syntax errors give FILE:LINE:COL', () => {
    assert.throws(
      () => readSweep('datasets: [a9a\nmethods: []\n', 'bad.yaml'),
      (e: unknown) => e instanceof OptlabError && /^bad\.yaml:\d+:\d+: /.test(e.message),
    );
  });

  it('JSON syntax errors give FILE:LINE:COL', () => {
    assert.throws(
      () => readSweep('{"datasets": ["a9a"],\n "methods": [}', 'bad.json'),
      (e: unknown) => e instanceof OptlabError && e.message.startsWith('bad.json:2:14: '),
    );
  });

  it('YAML duplicate keys are errors', () => {
    assert.throws(
      () => readSweep('datasets: [a9a]\ndatasets: [b]\nmethods: [{method: sgd}]\n', 'dup.yml'),
      (e: unknown) => e instanceof OptlabError && /^dup\.yml:2:1: .*unique/i.test(e.message),
    );
  });

  it('other extensions are refused', () => {
    assert.throws(
      () => readSweep('{}', 'sweep.toml'),
      (e: unknown) =>
        e instanceof OptlabError && e.message === 'sweep.toml: a sweep file must end in .yaml, .yml or .json',
    );
  });
});
