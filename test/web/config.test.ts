/**
 * The playground's configuration in the URL: every configuration survives toQuery → fromQuery (property
 * test over random configurations), the query reads like the CLI, bad values are reported and skipped, the
 * command line it shows is the CLI's, labels are stable and unique, and the chart's rows follow the axes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { METHOD_NAMES, METHODS, type MethodName } from '../../src/methods/index.js';
import type { TracePoint } from '../../src/run/result.js';
import {
  cliArgs,
  cliCommand,
  defaultConfig,
  fromQuery,
  type PlaygroundConfig,
  type RunSpec,
  runLabels,
  toQuery,
  X_AXES,
  Y_AXES,
} from '../../web/src/config.js';
import { BUDGET_FIELDS, BUDGET_NAMES, PARAM_FIELDS, parseNumber } from '../../web/src/fields.js';
import { bestValue, chartRows } from '../../web/src/series.js';

/** fast-check's records have no prototype; the configuration's objects are plain. */
const plain = <T extends object>(o: T): T => ({ ...o });

/** A value a field of this rule accepts. */
function valueFor(rule: string | undefined): fc.Arbitrary<number> {
  switch (rule) {
    case 'positiveInt':
      return fc.integer({ min: 1, max: 100000 });
    case 'nonNegativeInt':
      return fc.integer({ min: 0, max: 100 });
    case 'positive':
      return fc.double({ min: 1e-12, max: 1e6, noNaN: true });
    case 'nonNegative':
      return fc.oneof(fc.constant(0), fc.double({ min: 1e-12, max: 0.999, noNaN: true }));
    default:
      return fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v));
  }
}

const runArb: fc.Arbitrary<RunSpec> = fc.constantFrom(...METHOD_NAMES).chain((method: MethodName) => {
  const paramArbs: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of METHODS[method].params) {
    const f = PARAM_FIELDS[p];
    paramArbs[p] =
      f.kind === 'flag'
        ? fc.constant(true)
        : f.kind === 'choice'
          ? fc.constantFrom(...(f.choices ?? []))
          : valueFor(f.rule);
  }
  const budgetArbs: Record<string, fc.Arbitrary<number>> = {};
  for (const b of BUDGET_NAMES) budgetArbs[b] = valueFor(BUDGET_FIELDS[b].rule);
  return fc
    .record({
      method: fc.constant(method),
      params: fc.record(paramArbs, { requiredKeys: [] }).map(plain),
      budgets: fc.record(budgetArbs, { requiredKeys: [] }).map(plain),
      seed: fc.integer({ min: -5, max: 1_000_000 }),
      init: fc.constantFrom('zeros', 'randn'),
    })
    .map(plain) as fc.Arbitrary<RunSpec>;
});

const configArb: fc.Arbitrary<PlaygroundConfig> = fc
  .record({
    data: fc.constantFrom('a9a', 'a9a.t', 'file:my data.svm.gz', ''),
    testData: fc.constantFrom('', 'a9a.t', 'file:t&t=1.svm'),
    problem: fc
      .record(
        {
          objective: fc.constantFrom('sigmoid-lsq', 'logistic'),
          labels: fc.constantFrom('01', 'pm1'),
          lambda: valueFor('nonNegative'),
          l2: valueFor('nonNegative'),
          subset: fc.integer({ min: 1, max: 50000 }),
          positive: fc.constantFrom(-1, 0, 1, 2.5),
        },
        { requiredKeys: ['objective', 'labels', 'lambda', 'l2'] },
      )
      .map(plain),
    runs: fc.array(runArb, { minLength: 1, maxLength: 4 }),
    chart: fc
      .record({ x: fc.constantFrom(...X_AXES), y: fc.constantFrom(...Y_AXES), log: fc.boolean(), logX: fc.boolean() })
      .map(plain),
  })
  .map(plain) as fc.Arbitrary<PlaygroundConfig>;

describe('the configuration in the URL', () => {
  it('survives toQuery -> fromQuery for any configuration, with no problems reported', () => {
    fc.assert(
      fc.property(configArb, fc.boolean(), (c, run) => {
        const back = fromQuery(toQuery(c, run));
        assert.deepEqual(back.problems, []);
        assert.equal(back.run, run);
        assert.deepEqual(back.config, c);
      }),
      { numRuns: 300 },
    );
  });

  it('reads like the CLI: flag names as keys, only the values given', () => {
    const c = defaultConfig();
    c.data = 'a9a';
    c.testData = 'a9a.t';
    c.problem.l2 = 0.001;
    c.runs = [
      {
        method: 'lbfgs',
        params: { memory: 5, lineSearch: 'armijo' },
        budgets: { maxIter: 50, tol: 1e-8 },
        seed: 0,
        init: 'zeros',
      },
      { method: 'sgd', params: { step: 0.5, nesterov: true, momentum: 0.9 }, budgets: {}, seed: 3, init: 'randn' },
    ];
    assert.equal(
      toQuery(c, true),
      '?data=a9a&test-data=a9a.t&objective=sigmoid-lsq&labels=01&l2=0.001' +
        '&m1=lbfgs&m1.line-search=armijo&m1.memory=5&m1.max-iter=50&m1.tol=1e-8' +
        '&m2=sgd&m2.step=0.5&m2.momentum=0.9&m2.nesterov=1&m2.init=randn&m2.seed=3&x=passes&y=gap&log=1&run=1',
    );
    assert.deepEqual(cliArgs(c, 0), [
      'run',
      '--data',
      'a9a',
      '--test-data',
      'a9a.t',
      '--method',
      'lbfgs',
      '--line-search',
      'armijo',
      '--memory',
      '5',
      '--l2',
      '0.001',
      '--max-iter',
      '50',
      '--tol',
      '1e-8',
    ]);
    assert.equal(
      cliCommand(c, 1),
      'optlab run --data a9a --test-data a9a.t --method sgd --step 0.5 --momentum 0.9 --nesterov --l2 0.001 --init randn --seed 3',
    );
    c.data = "file:it's mine.svm";
    assert.match(cliCommand(c, 0), /^optlab run --data 'it'\\''s mine\.svm' /);
  });

  it('reports bad values and unknown keys, skips them and keeps the rest', () => {
    const q = fromQuery(
      '?data=a9a&objective=hinge&lambda=-1&m1=lbfgs&m1.memory=x&m1.step=0.5&m1.batch=4&m2=newton&m3=sgd&m3.seed=2&m9.step=1&zzz=1',
    );
    assert.deepEqual(q.problems, [
      "objective: expected one of sigmoid-lsq, logistic, got 'hinge'",
      "lambda: expected a number >= 0, got '-1'",
      "m2: unknown method 'newton' (one of gd, sgd, adagrad, adam, prox-gd, fista, bfgs, sbfgs, prox-bfgs, owlqn, lbfgs)",
      'zzz: unknown setting (ignored)',
      "m1.memory: expected a number, got 'x'",
      'm1.batch: --batch does not apply to lbfgs (ignored)',
      'm9.step: no method m9 (ignored)',
    ]);
    assert.equal(q.config.problem.objective, 'sigmoid-lsq');
    assert.equal(q.config.problem.lambda, 0);
    assert.deepEqual(
      q.config.runs.map((r) => [r.method, r.params, r.seed]),
      [
        ['lbfgs', { step: 0.5 }, 0],
        ['sgd', {}, 2],
      ],
    );
    assert.equal(q.run, false);
  });

  it('keeps the default runs when the link names none', () => {
    const q = fromQuery('?data=a9a&run=1');
    assert.deepEqual(q.config.runs, defaultConfig().runs);
    assert.equal(q.run, true);
  });

  it('parses numbers by the CLI rules and messages', () => {
    assert.deepEqual(parseNumber('positive', '1e-4'), { ok: true, value: 1e-4 });
    assert.deepEqual(parseNumber('positive', '0'), { ok: false, message: "expected a positive number, got '0'" });
    assert.deepEqual(parseNumber('positiveInt', '2.5'), {
      ok: false,
      message: "expected a positive integer, got '2.5'",
    });
    assert.deepEqual(parseNumber('finite', 'Infinity'), { ok: false, message: "expected a number, got 'Infinity'" });
    assert.deepEqual(parseNumber('nonNegativeInt', '0'), { ok: true, value: 0 });
  });
});

describe('run labels', () => {
  it('are the sweep labels over the values given, with the seed, and unique', () => {
    const runs: RunSpec[] = [
      { method: 'sgd', params: { step: 0.5, batch: 64 }, budgets: {}, seed: 0, init: 'zeros' },
      { method: 'sgd', params: { step: 0.5, batch: 64 }, budgets: {}, seed: 0, init: 'zeros' },
      { method: 'lbfgs', params: {}, budgets: { maxIter: 10 }, seed: 1, init: 'randn' },
    ];
    assert.deepEqual(runLabels(runs), [
      'sgd[batch=64,step=0.5]#0',
      'sgd[batch=64,step=0.5]#0 (2)',
      'lbfgs[init=randn,maxIter=10]#1',
    ]);
  });
});

describe('chart rows', () => {
  const point = (iter: number, value: number, gradNorm: number, sampleGradients: number): TracePoint => ({
    iter,
    epoch: iter,
    value,
    gradNorm,
    seconds: iter / 10,
    sampleGradients,
    oracleCalls: iter + 1,
    vectorUpdates: iter,
  });
  const series = [
    { label: 'a', n: 4, trace: [point(0, 0.25, 1, 4), point(1, 0.2, 0.5, 8), point(2, 0.15, 0, 12)] },
    { label: 'b', n: 4, trace: [point(0, 0.25, 1, 4), point(1, Number.NaN, Number.NaN, 6)] },
  ];

  it('measure x in iterations, passes (sample gradients / n) or seconds', () => {
    assert.deepEqual(
      chartRows(series, 'passes', 'value', false).map((r) => r.x),
      [1, 2, 3, 1],
    );
    assert.deepEqual(
      chartRows(series, 'seconds', 'value', false).map((r) => r.x),
      [0, 0.1, 0.2, 0],
    );
  });

  it('give F - F_best against the best value of all runs, leaving out what a log axis cannot show', () => {
    assert.equal(bestValue(series), 0.15);
    const gap = chartRows(series, 'iter', 'gap', true);
    assert.deepEqual(
      gap.map((r) => [r.run, r.x]),
      [
        ['a', 0],
        ['a', 1],
        ['b', 0],
      ],
    );
    assert.ok(Math.abs(gap[1].y - 0.05) < 1e-15);
    assert.equal(chartRows(series, 'iter', 'gap', false).length, 4);
    assert.deepEqual(
      chartRows(series, 'iter', 'gradNorm', true).map((r) => r.y),
      [1, 0.5, 1],
    );
  });
});
