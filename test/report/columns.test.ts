/**
 * The columns a collapsed report table shows (src/report/columns.ts), on the headers of the study's tables:
 * per kind of table and section, constant columns giving way, the verdict and the first column kept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COLLAPSED_COLUMNS, collapsedColumns } from '../../src/report/columns.js';

const RESULTS = [
  'run',
  'seeds',
  'final F',
  'F − f*',
  'grad norm',
  'stopped',
  'iterations',
  'passes',
  'seconds',
  'zeros',
  'train acc.',
  'test acc.',
];

/** Rows whose cells differ in every column but those named in `constant`. */
function rows(headers: string[], n: number, constant: string[] = []): string[][] {
  return Array.from({ length: n }, (_, r) => headers.map((h) => (constant.includes(h) ? 'same' : `${h} ${r}`)));
}

const shown = (headers: string[], keep: number[]) => keep.map((i) => headers[i]);

describe('collapsed table columns', () => {
  it("the study's end point shows beside the stop reason in full-batch sections and in the every-run table", () => {
    const withEnd = [...RESULTS, 'end point'];
    assert.deepEqual(shown(withEnd, collapsedColumns(withEnd, rows(withEnd, 3), 'q7')), [
      'run',
      'final F',
      'F − f*',
      'stopped',
      'iterations',
      'passes',
      'end point',
    ]);
    const every = [
      'id',
      'seed',
      'stopped',
      'F',
      'F − f*',
      'grad norm',
      'iterations',
      'epochs',
      'passes',
      'seconds',
      'zeros',
      'end point',
    ];
    assert.ok(shown(every, collapsedColumns(every, rows(every, 3))).includes('end point'));
  });

  it('results tables show what their section compares', () => {
    const all = rows(RESULTS, 3);
    assert.deepEqual(shown(RESULTS, collapsedColumns(RESULTS, all, 'q7')), [
      'run',
      'final F',
      'F − f*',
      'stopped',
      'iterations',
      'passes',
      'seconds',
    ]);
    assert.deepEqual(shown(RESULTS, collapsedColumns(RESULTS, all, 'q6')), [
      'run',
      'final F',
      'F − f*',
      'stopped',
      'iterations',
      'passes',
      'zeros',
    ]);
    assert.deepEqual(shown(RESULTS, collapsedColumns(RESULTS, all, 'q4')), [
      'run',
      'final F',
      'F − f*',
      'stopped',
      'passes',
      'seconds',
      'test acc.',
    ]);
  });

  it('a column that is the same on every row gives way to one that tells rows apart', () => {
    // Every SGD run stops at its epoch budget and pays 10 passes: those two columns go.
    const sgd = rows(RESULTS, 4, ['stopped', 'passes', 'seeds']);
    assert.deepEqual(shown(RESULTS, collapsedColumns(RESULTS, sgd, 'q4')), [
      'run',
      'final F',
      'F − f*',
      'grad norm',
      'iterations',
      'seconds',
      'test acc.',
    ]);
    // A table of one row has no constant column.
    assert.deepEqual(shown(RESULTS, collapsedColumns(RESULTS, rows(RESULTS, 1), 'q7')), [
      'run',
      'final F',
      'F − f*',
      'stopped',
      'iterations',
      'passes',
      'seconds',
    ]);
  });

  it('the cost, every-run, gradient-check and problem tables', () => {
    const cost = [
      'problem',
      'method',
      'run',
      'oracle calls per iteration',
      'passes per iteration',
      'passes to 0.01',
      'oracle calls to 0.01',
      'vector updates to 0.01',
      'seconds to 0.01',
      'passes to 0.0001',
      'oracle calls to 0.0001',
      'vector updates to 0.0001',
      'seconds to 0.0001',
      'final F − f*',
    ];
    assert.deepEqual(shown(cost, collapsedColumns(cost, rows(cost, 5))), [
      'problem',
      'run',
      'passes per iteration',
      'passes to 0.01',
      'passes to 0.0001',
      'seconds to 0.0001',
      'final F − f*',
    ]);
    const every = ['id', 'seed', 'stopped', 'F', 'F − f*', 'grad norm', 'iterations', 'epochs', 'passes', 'seconds'];
    assert.deepEqual(shown(every, collapsedColumns(every, rows(every, 9))), [
      'id',
      'stopped',
      'F',
      'F − f*',
      'iterations',
      'passes',
      'seconds',
    ]);
    const checks = [
      'objective',
      'point',
      'max |aᵀx|',
      'vs autodiff',
      'vs finite diff.',
      'Hv vs FD',
      'Hv vs autodiff',
      'ok',
    ];
    // Every check passed: the verdict column is the same on every row and still shows.
    assert.deepEqual(shown(checks, collapsedColumns(checks, rows(checks, 4, ['ok']))), [
      'objective',
      'point',
      'vs autodiff',
      'vs finite diff.',
      'Hv vs FD',
      'Hv vs autodiff',
      'ok',
    ]);
    const problems = ['dataset', 'subset', 'labels', 'loss', 'λ', 'l2', 'runs', 'f*', 'reached by'];
    const p = collapsedColumns(problems, rows(problems, 14, ['dataset', 'subset', 'labels', 'loss', 'l2']));
    assert.deepEqual(shown(problems, p), ['dataset', 'subset', 'loss', 'λ', 'runs', 'f*', 'reached by']);
  });

  it('a table of at most 7 columns shows them all; a table of no known kind its first and key columns', () => {
    const narrow = ['run', 'iterations', 'passes', 'final F − f*'];
    assert.deepEqual(collapsedColumns(narrow, rows(narrow, 3)), [0, 1, 2, 3]);
    const other = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'method', 'seconds'];
    const keep = collapsedColumns(other, rows(other, 2));
    assert.equal(keep.length, COLLAPSED_COLUMNS);
    assert.deepEqual(shown(other, keep), ['a', 'b', 'c', 'd', 'e', 'method', 'seconds']);
  });
});
