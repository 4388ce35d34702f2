import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bestValue,
  bestValues,
  gap,
  gapFloor,
  groupRuns,
  problemKey,
  problemName,
  problemOf,
  seedBands,
  summarize,
  thinIndices,
} from '../../src/report/aggregate.js';
import type { RunRow, TraceRow } from '../../src/sweep/results.js';

/** A trace row with the fields that matter here; `value` null means non-finite. */
function tr(label: string, seed: number, iter: number, value: number | null, extra: Partial<TraceRow> = {}): TraceRow {
  return {
    id: `${label}@d#${seed}`,
    label,
    method: 'gd',
    dataset: 'd',
    loss: 'sigmoid-lsq',
    lambda: 0,
    l2: 0,
    labels: '01',
    seed,
    given: {},
    iter,
    epoch: iter,
    value,
    gradNorm: value === null ? null : value / 10,
    seconds: iter * seed,
    sampleGradients: 10 * iter,
    oracleCalls: iter,
    vectorUpdates: iter,
    passes: iter,
    ...extra,
  };
}

function run(
  id: string,
  value: number,
  o: {
    dataset?: string;
    subset?: number;
    lambda?: number;
    loss?: string;
    group?: string;
    method?: RunRow['method'];
  } = {},
): RunRow {
  const [label] = id.split('@');
  return {
    id,
    label,
    ...(o.group !== undefined ? { group: o.group } : {}),
    method: o.method ?? 'gd',
    given: {},
    params: {},
    objective: { loss: o.loss ?? 'logistic', lambda: o.lambda ?? 0, l2: 0, labels: 'pm1' },
    dataset: {
      name: o.dataset ?? 'd',
      sha256: '0'.repeat(64),
      rows: 10,
      features: 3,
      ...(o.subset !== undefined ? { subset: o.subset } : {}),
    },
    seed: 1,
    init: 'zeros',
    budgets: {},
    result: {
      value,
      gradNorm: 0,
      iterations: 1,
      epochs: 1,
      stopReason: 'max-iterations',
      message: '',
      counts: { sampleGradients: 10, oracleCalls: 1, vectorUpdates: 1, passes: 1 },
      seconds: 0,
      sparsity: 0,
    },
  };
}

describe('seedBands', () => {
  it('aligns seeds by iteration: exact mean, min, max of y, and x = mean of the x column', () => {
    const rows = [
      tr('a', 1, 0, 4),
      tr('a', 1, 1, 2),
      tr('a', 1, 2, 1),
      tr('a', 2, 0, 6),
      tr('a', 2, 1, 3),
      tr('a', 2, 2, 0.5),
      tr('a', 3, 0, 8),
      tr('a', 3, 1, 1),
      tr('a', 3, 2, 1.5),
    ];
    const [band] = seedBands(rows, 'seconds');
    assert.equal(band.label, 'a');
    assert.deepEqual(band.seeds, [1, 2, 3]);
    assert.deepEqual(band.flagged, []);
    assert.deepEqual(band.points, [
      { index: 0, x: 0, mean: 6, min: 4, max: 8, n: 3 },
      // seconds = iter·seed: (1 + 2 + 3)/3 = 2 at iter 1, 4 at iter 2
      { index: 1, x: 2, mean: 2, min: 1, max: 3, n: 3 },
      { index: 2, x: 4, mean: 1, min: 0.5, max: 1.5, n: 3 },
    ]);
  });

  it('keeps one band per label in first-appearance order, whatever the row order', () => {
    const rows = [tr('b', 2, 1, 5), tr('a', 1, 0, 1), tr('b', 1, 1, 3), tr('b', 1, 0, 9), tr('b', 2, 0, 7)];
    const bands = seedBands(rows, 'iter');
    assert.deepEqual(
      bands.map((b) => b.label),
      ['b', 'a'],
    );
    assert.deepEqual(
      bands[0].points.map((p) => [p.index, p.mean, p.min, p.max]),
      [
        [0, 8, 7, 9],
        [1, 4, 3, 5],
      ],
    );
  });

  it('drops an index where any seed is non-finite from the band, and flags it', () => {
    const rows = [
      tr('a', 1, 0, 2),
      tr('a', 2, 0, 4),
      tr('a', 1, 1, null),
      tr('a', 2, 1, 3),
      tr('a', 1, 2, Number.POSITIVE_INFINITY),
      tr('a', 2, 2, Number.NaN),
      tr('a', 1, 3, 1),
      tr('a', 2, 3, 1),
    ];
    const [band] = seedBands(rows, 'iter');
    assert.deepEqual(
      band.points.map((p) => p.index),
      [0, 3],
    );
    assert.deepEqual(band.flagged, [
      { index: 1, x: 1, n: 2, nonFinite: 1 },
      { index: 2, x: 2, n: 2, nonFinite: 2 },
    ]);
  });

  it('averages only the seeds present where a run stopped earlier (n says how many)', () => {
    const rows = [tr('a', 1, 0, 2), tr('a', 2, 0, 4), tr('a', 1, 1, 1)];
    const [band] = seedBands(rows, 'iter');
    assert.deepEqual(band.points[1], { index: 1, x: 1, mean: 1, min: 1, max: 1, n: 1 });
  });

  it('aligns by epoch for x = epoch (several iterations per epoch)', () => {
    const rows = [
      tr('a', 1, 10, 4, { epoch: 1 }),
      tr('a', 2, 10, 2, { epoch: 1 }),
      tr('a', 1, 20, 1, { epoch: 2 }),
      tr('a', 2, 20, 3, { epoch: 2 }),
    ];
    const [band] = seedBands(rows, 'epoch');
    assert.deepEqual(
      band.points.map((p) => [p.index, p.x, p.mean]),
      [
        [1, 1, 3],
        [2, 2, 2],
      ],
    );
  });

  it('computes gaps (floored) and gradient norms', () => {
    const fStar = 0.5;
    const rows = [tr('a', 1, 0, 1.5), tr('a', 2, 0, 0.75), tr('a', 1, 1, 0.5), tr('a', 2, 1, 0.5)];
    const [g] = seedBands(rows, 'iter', { y: 'gap', fStar });
    assert.deepEqual(g.points[0], { index: 0, x: 0, mean: (1 + 0.25) / 2, min: 0.25, max: 1, n: 2 });
    // Both seeds reach f* exactly: the gap sits on the floor, 1e-16 (|f*| < 1).
    assert.equal(g.points[1].mean, 1e-16);
    assert.equal(g.points[1].min, 1e-16);
    // f* per row through a function; a row without f* is flagged.
    const [h] = seedBands(rows, 'iter', { y: 'gap', fStar: (r) => (r.seed === 1 ? 0 : Number.NaN) });
    assert.equal(h.points.length, 0);
    assert.equal(h.flagged.length, 2);
    const [n] = seedBands(rows, 'iter', { y: 'gradNorm' });
    assert.deepEqual([n.points[0].min, n.points[0].max], [0.075, 0.15]);
  });
});

describe('f* per dataset and objective', () => {
  it('is the least finite trace or final value over the runs sharing dataset, subset, loss, λ, l2, labels', () => {
    const runs = [
      run('gd@d#1', 0.9),
      run('lbfgs@d#1', 0.8),
      run('gd@d[:5]#1', 0.1, { subset: 5 }),
      run('gd@d-l1#1', 0.7, { lambda: 0.01 }),
      run('gd@e#1', Number.NaN, { dataset: 'e' }),
      run('gd@d-sq#1', 2, { loss: 'sigmoid-lsq' }),
    ];
    const traces = [
      tr('gd', 1, 0, 1.0, { id: 'gd@d#1' }),
      tr('gd', 1, 1, 0.75, { id: 'gd@d#1' }), // below both final values: f* comes from a trace
      tr('lbfgs', 1, 1, null, { id: 'lbfgs@d#1' }),
      tr('gd', 1, 0, 0.05, { id: 'gd@d[:5]#1' }),
      tr('gd', 1, 0, Number.NEGATIVE_INFINITY, { id: 'gd@d-l1#1' }),
      tr('gd', 1, 0, -100, { id: 'unknown-run' }),
      tr('gd', 1, 0, null, { id: 'gd@e#1' }),
    ];
    const best = bestValues(runs, traces);
    assert.equal(best.size, 5);
    assert.equal(best.get(problemKey(runs[0])), 0.75);
    assert.equal(best.get(problemKey(runs[2])), 0.05);
    assert.equal(best.get(problemKey(runs[3])), 0.7);
    assert.ok(Number.isNaN(best.get(problemKey(runs[4]))!));
    assert.equal(bestValue(runs, traces, problemKey(runs[5])), 2);
    assert.ok(Number.isNaN(bestValue(runs, traces, 'no such problem')));
  });

  it('problem keys and names tell subsets and λ apart', () => {
    const a = run('x@d#1', 0);
    const b = run('x@d#2', 0, { subset: 100 });
    assert.notEqual(problemKey(a), problemKey(b));
    assert.equal(problemKey(a), problemKey(run('y@d#3', 1)));
    assert.equal(problemName(problemOf(b)), 'd[:100], logistic, labels pm1');
    assert.equal(problemName(problemOf(run('x@d#1', 0, { lambda: 0.001 }))), 'd, logistic, λ = 0.001, labels pm1');
  });
});

describe('gap flooring', () => {
  it('floors at 1e-16·max(1, |f*|)', () => {
    assert.equal(gapFloor(0.3), 1e-16);
    assert.equal(gapFloor(-50), 5e-15);
    assert.equal(gap(0.3, 0.3), 1e-16);
    assert.equal(gap(-50, -50), 5e-15);
    assert.equal(gap(-50 + 1e-15, -50), 5e-15); // below the floor: rounding noise
    assert.equal(gap(2.5, 0.5), 2);
    assert.ok(Number.isNaN(gap(null, 0.5)));
    assert.ok(Number.isNaN(gap(Number.POSITIVE_INFINITY, 0.5)));
    assert.ok(Number.isNaN(gap(1, Number.NaN)));
  });
});

describe('grouping and helpers', () => {
  it('groups runs by label, method, group (method when none), problem, in first-appearance order', () => {
    const runs = [
      run('b@d#1', 1, { method: 'lbfgs', group: 'qn' }),
      run('a@d#1', 1),
      run('b@d#2', 1, { method: 'lbfgs', group: 'qn' }),
      run('a@e#1', 1, { dataset: 'e' }),
    ];
    assert.deepEqual([...groupRuns(runs, 'label').keys()], ['b', 'a']);
    assert.deepEqual(
      [...groupRuns(runs, 'group')].map(([k, v]) => [k, v.length]),
      [
        ['qn', 2],
        ['gd', 2],
      ],
    );
    assert.deepEqual([...groupRuns(runs, 'method').keys()], ['lbfgs', 'gd']);
    assert.equal(groupRuns(runs, 'problem').size, 2);
    assert.deepEqual([...groupRuns(runs, (r) => String(r.seed)).keys()], ['1']);
  });

  it('thins evenly and keeps the first and last index', () => {
    assert.deepEqual(thinIndices(5, 10), [0, 1, 2, 3, 4]);
    assert.deepEqual(thinIndices(101, 5), [0, 25, 50, 75, 100]);
    const t = thinIndices(1000, 300);
    assert.equal(t.length, 300);
    assert.equal(t[0], 0);
    assert.equal(t[299], 999);
    assert.ok(t.every((v, i) => i === 0 || v > t[i - 1]));
  });

  it('summarizes finite values only', () => {
    assert.deepEqual(summarize([1, null, 3, Number.NaN, 2]), { mean: 2, min: 1, max: 3, n: 3 });
    assert.equal(summarize([null]).n, 0);
  });
});
