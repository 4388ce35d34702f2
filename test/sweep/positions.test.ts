import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textLocator } from '../../src/sweep/positions.js';
import { readSweep, SweepError, validateSweep } from '../../src/sweep/schema.js';

/** The `FILE:LINE:COL: path: rule` lines of a sweep file's text (fails if it validates). */
function problems(text: string, file: string): string[] {
  try {
    readSweep(text, file);
  } catch (e) {
    assert.ok(e instanceof SweepError, `expected a SweepError, got ${e}`);
    assert.equal(e.exitCode, 2);
    return e.message.split('\n');
  }
  assert.fail('the sweep validated');
}

/** The one-based line and column of the n-th (default first) occurrence of `needle` in `text`. */
function posOf(text: string, needle: string, n = 1): string {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `'${needle}' (${n}) not in the text`);
  }
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

const YAML = [
  'datasets: [a9a]',
  'nme: steps', // unknown key at the root
  'budgets: {maxIter: 5}',
  'methods:',
  '  - method: sgd',
  '    grid:',
  '      step: [0.1, -2]', // a bad grid value
  '      batchh: [4]', // a mistyped nested key
  '  - method: lbfgs',
  '    params: {lineSearch: wolfe, c1: 0.9, c2: 0.5}', // joint rule in params
  '  - method: gd',
  '    params: {lineSearch: wolfe}',
  '    grid:',
  '      c1: [0.5, 0.95]', // joint rule on a grid point
  '      c2: [0.9]',
  '  - grid: {step: [1]}', // a required key missing
  '',
].join('\n');

describe('sweep file problems at FILE:LINE:COL (YAML)', () => {
  const lines = problems(YAML, 'sweep.yaml');

  it('an unknown key at the document root, at the key, with did you mean', () => {
    assert.ok(
      lines.includes(
        `sweep.yaml:${posOf(YAML, 'nme')}: nme: unknown key (did you mean 'name'? allowed: name, datasets, testData, objective, init, seeds, budgets, methods)`,
      ),
      lines.join('\n'),
    );
    assert.equal(posOf(YAML, 'nme'), '2:1');
  });

  it('a grid value, at the value itself', () => {
    assert.ok(
      lines.includes(`sweep.yaml:${posOf(YAML, '-2')}: methods[0].grid.step[1]: expected a positive number`),
      lines.join('\n'),
    );
  });

  it('a mistyped nested key, at the key, with did you mean', () => {
    const line = lines.find((l) => l.includes('batchh'));
    assert.ok(
      line?.startsWith(
        `sweep.yaml:${posOf(YAML, 'batchh')}: methods[0].grid.batchh: unknown key (did you mean 'batch'?`,
      ),
    );
  });

  it("joint rules (c1 < c2): each at the parameter's value, with the grid point", () => {
    assert.ok(
      lines.includes(
        `sweep.yaml:${posOf(YAML, '0.9')}: methods[1].params.c1: need 0 < c1 < c2 < 1, got c1 = 0.9, c2 = 0.5`,
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.includes(
        `sweep.yaml:${posOf(YAML, '[0.5, 0.95]')}: methods[2].grid.c1: need 0 < c1 < c2 < 1, got c1 = 0.95, c2 = 0.9 (at c1=0.95,c2=0.9)`,
      ),
      lines.join('\n'),
    );
  });

  it('a missing required key, at the mapping it belongs in', () => {
    assert.ok(
      lines.includes(`sweep.yaml:${posOf(YAML, 'grid: {step: [1]}')}: methods[3].method: required`),
      lines.join('\n'),
    );
  });

  it('every problem, in the order of the file', () => {
    assert.equal(lines.length, 6, lines.join('\n'));
    const places = lines.map((l) => l.split(':').slice(1, 3).map(Number));
    const sorted = [...places].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    assert.deepEqual(places, sorted);
  });

  it('the cross-checks are placed too: a parameter that does not apply, a duplicate grid value', () => {
    const text =
      'datasets: [a9a]\nbudgets: {maxIter: 5}\nmethods:\n  - method: gd\n    params:\n      memory: 3\n  - method: gd\n    grid: {step: [1, 2, 1]}\n';
    assert.deepEqual(problems(text, 's.yml'), [
      `s.yml:6:7: methods[0].params.memory: does not apply to gd (it takes: step, lineSearch, c1, c2)`,
      `s.yml:8:25: methods[1].grid.step[2]: duplicate value 1`,
    ]);
  });

  it('a block mapping or list with a wrong type is placed at its key; a root that is no mapping at 1:1', () => {
    assert.deepEqual(problems('datasets: [a9a]\nmethods:\n  - method: gd\n    grid:\n      - 1\n', 's.yaml'), [
      's.yaml:4:5: methods[0].grid: expected a mapping (key: value pairs)',
    ]);
    assert.deepEqual(problems('- a\n- b\n', 's.yaml'), ['s.yaml:1:1: expected a mapping (key: value pairs)']);
    // an empty file has no node to point at
    assert.deepEqual(problems('', 's.yaml'), ['s.yaml: expected a mapping (key: value pairs)']);
  });

  it('a whole-file problem (the run cap) has no place; data validated without its text has paths only', () => {
    const big = 'datasets: [a9a]\nseeds: 3\nbudgets: {epochs: 1}\nmethods: [{method: sgd, grid: {step: [1, 2]}}]\n';
    assert.throws(
      () => readSweep(big, 's.yaml', { maxRuns: 2 }),
      (e: unknown) => e instanceof SweepError && e.message.startsWith('s.yaml: the sweep has 6 runs, more than the 2'),
    );
    assert.throws(
      () => validateSweep({ datasets: ['a9a'], methods: [{ method: 'sgd', grid: { step: [-1] } }] }, 's.yaml'),
      (e: unknown) =>
        e instanceof SweepError && e.message === 's.yaml: methods[0].grid.step[0]: expected a positive number',
    );
  });
});

const JSON_TEXT = `{
  "datasets": ["a9a"],
  "nam": "x",
  "budgets": {"maxIter": 5},
  "methods": [
    {"method": "sgd", "grid": {"step": [0.1, -2], "batchh": [4]}},
    {
      "method": "lbfgs",
      "params": {"lineSearch": "wolfe", "c1": 0.9, "c2": 0.5}
    },
    {"method": "gd", "params": {"lineSearch": "wolfe"}, "grid": {"c1": [0.5, 0.95], "c2": [0.9]}}
  ]
}
`;

describe('sweep file problems at FILE:LINE:COL (JSON)', () => {
  const lines = problems(JSON_TEXT, 'sweep.json');

  it('root key, nested key, grid value and joint rules, each at its place', () => {
    assert.deepEqual(lines, [
      `sweep.json:${posOf(JSON_TEXT, '"nam"')}: nam: unknown key (did you mean 'name'? allowed: name, datasets, testData, objective, init, seeds, budgets, methods)`,
      `sweep.json:${posOf(JSON_TEXT, '-2')}: methods[0].grid.step[1]: expected a positive number`,
      `sweep.json:${posOf(JSON_TEXT, '"batchh"')}: methods[0].grid.batchh: unknown key (did you mean 'batch'? allowed: step, lineSearch, c1, c2, batch, momentum, nesterov, eps, beta1, beta2, memory, lambda, l2)`,
      `sweep.json:${posOf(JSON_TEXT, '0.9')}: methods[1].params.c1: need 0 < c1 < c2 < 1, got c1 = 0.9, c2 = 0.5`,
      `sweep.json:${posOf(JSON_TEXT, '[0.5, 0.95]')}: methods[2].grid.c1: need 0 < c1 < c2 < 1, got c1 = 0.95, c2 = 0.9 (at c1=0.95,c2=0.9)`,
    ]);
    assert.equal(posOf(JSON_TEXT, '"nam"'), '3:3');
  });

  it("JSON keeps its own semantics (the values are JSON.parse's), with tabs and a duplicate key", () => {
    const text =
      '{\n\t"datasets": ["a9a"],\n\t"budgets": {"maxIter": 5},\n\t"methods": [{"method": "gd", "grid": {"step": [-1]}}],\n\t"seeds": 1, "seeds": [0, 0]\n}';
    assert.deepEqual(problems(text, 's.json'), ['s.json:4:49: methods[0].grid.step[0]: expected a positive number']);
  });
});

describe('textLocator', () => {
  it('follows aliases, stops at the deepest existing node, and places keys or values', () => {
    const text = 'a: &x {b: [1, 2]}\nc: *x\nd:\n  e: 1\n';
    const at = textLocator(text);
    assert.deepEqual(at(['a', 'b', 1]), { line: 1, col: 15 });
    assert.deepEqual(at(['c', 'b', 0]), { line: 1, col: 12 }); // through the alias, where the value is written
    assert.deepEqual(at(['d', 'e']), { line: 4, col: 6 });
    assert.deepEqual(at(['d', 'e'], true), { line: 4, col: 3 });
    assert.deepEqual(at(['d']), { line: 3, col: 1 }); // a block mapping: at its key
    assert.deepEqual(at(['d', 'missing', 3]), { line: 4, col: 3 }); // the mapping it would be in
    assert.deepEqual(at([]), { line: 1, col: 1 });
    assert.equal(textLocator('')([]), undefined);
  });
});
