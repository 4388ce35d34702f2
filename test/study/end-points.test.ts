/**
 * Each run of the study's tables and convergence figures can be told which end point (stationary point of the
 * landscape) it reached: the results tables' and the every-run table's "end point" column, and the hover of
 * the convergence figures. Runs and traces are built by hand; `reached` is study.json's `landscape.reached`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StudyData } from '../../src/study/data.js';
import { gapFigure } from '../../src/study/sections/figures.js';
import { studyAllRunsTable, studyResultsTable } from '../../src/study/sections/tables.js';
import type { RunRow, TraceRow } from '../../src/sweep/results.js';

function run(label: string, seed: number, method: RunRow['method'] = 'lbfgs'): RunRow {
  return {
    id: `${label}@d#${seed}`,
    label,
    method,
    given: {},
    params: {},
    objective: { loss: 'sigmoid-lsq', lambda: 0, l2: 0, labels: '01' },
    dataset: { name: 'd', sha256: '0'.repeat(64), rows: 10, features: 3 },
    seed,
    init: 'randn',
    budgets: {},
    result: {
      value: 0.1,
      gradNorm: 1e-7,
      iterations: 2,
      epochs: 2,
      stopReason: 'converged',
      message: '',
      counts: { sampleGradients: 20, oracleCalls: 2, vectorUpdates: 2, passes: 2 },
      seconds: 0,
      sparsity: 0,
    },
  };
}

function traces(r: RunRow): TraceRow[] {
  return [0, 1, 2].map((iter) => ({
    id: r.id,
    label: r.label,
    method: r.method,
    dataset: 'd',
    loss: 'sigmoid-lsq',
    lambda: 0,
    l2: 0,
    labels: '01',
    seed: r.seed,
    given: {},
    iter,
    epoch: iter,
    value: 0.3 - 0.1 * iter,
    gradNorm: 10 ** -iter,
    seconds: iter,
    sampleGradients: 10 * iter,
    oracleCalls: iter,
    vectorUpdates: iter,
    passes: iter,
  }));
}

const a = [run('lbfgs[memory=5]', 1), run('lbfgs[memory=5]', 2), run('lbfgs[memory=5]', 3)];
const b = [run('bfgs', 1, 'bfgs')];
const c = [run('sgd[step=1]', 1, 'sgd')];
const all = [...a, ...b, ...c];
// seeds 1 and 3 of memory 5 at the best point, seed 2 at the third; bfgs at none; sgd not told
const reached = { [a[0].id]: 0, [a[2].id]: 2, [a[1].id]: 0, [b[0].id]: null };

function column(t: { headers: string[]; rows: unknown[][] }, header: string): unknown[] {
  const i = t.headers.indexOf(header);
  return i < 0 ? [] : t.rows.map((r) => r[i]);
}

describe('the end point of each run, in the tables and the figures', () => {
  const d = new StudyData(all, all.flatMap(traces), 0.05, reached);

  it('a label whose seeds reached different points counts them; a told label with one point names it', () => {
    assert.equal(d.endPoint(a), '#1 ×2, #3 ×1');
    assert.equal(d.endPoint(b), 'none');
    assert.equal(d.endPoint(c), '');
    assert.equal(d.endPoint([a[0], a[2], c[0]]), '#1 ×1, #3 ×1, not stationary ×1');
  });

  it('the results table has the column (and says what it means) only when a run of it was told its point', () => {
    const t = studyResultsTable(d, all);
    assert.deepEqual(column(t, 'end point'), ['#1 ×2, #3 ×1', 'none', '']);
    assert.match(
      t.caption ?? '',
      /end point: #k is the landscape section's k-th point \(a stationary point or a barrier-free valley of them\)/,
    );
    const none = studyResultsTable(d, c);
    assert.equal(none.headers.includes('end point'), false);
    assert.doesNotMatch(none.caption ?? '', /end point/);
  });

  it('the every-run table tells each run its own point', () => {
    assert.deepEqual(column(studyAllRunsTable(d), 'end point'), ['#1', '#1', '#3', 'none', '']);
  });

  it('the convergence figure hovers the end point of each curve', () => {
    const fig = gapFigure(d, [...a, ...b], { id: 'f', title: 'f', x: 'iter' });
    const spec = JSON.stringify(fig.spec);
    assert.match(spec, /"field":"note","type":"nominal","title":"end point"/);
    const rows = (fig.spec as { data: { values: Array<{ label: string; note: string }> } }).data.values;
    assert.deepEqual(
      [...new Set(rows.map((r) => `${r.label}: ${r.note}`))],
      ['lbfgs[memory=5]: #1 ×2, #3 ×1', 'bfgs: none'],
    );
    const plain = JSON.stringify(gapFigure(d, c, { id: 'g', title: 'g', x: 'iter' }).spec);
    assert.doesNotMatch(plain, /end point|"note"/);
  });
});
