import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OptlabError } from '../../src/errors.js';
import { runSweep, type SweepEvent } from '../../src/node/sweep-runner.js';
import { countRuns, DEFAULT_MAX_RUNS } from '../../src/sweep/expand.js';
import { readSweep, SweepError, validateSweep } from '../../src/sweep/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-size-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sweep = (seeds: unknown, grid: Record<string, unknown[]> = {}) => ({
  datasets: ['a9a'],
  seeds,
  budgets: { epochs: 1 },
  methods: [{ method: 'sgd', grid }],
});

describe('sweep size (15.8)', () => {
  it('counts runs without expanding, and caps them with a message naming --max-runs', () => {
    const spec = validateSweep(sweep(3, { step: [1, 2], batch: [1, 2, 4] }), 's.yaml');
    assert.equal(countRuns(spec), 18);
    assert.equal(DEFAULT_MAX_RUNS, 100_000);
    assert.throws(
      () => validateSweep(sweep(3, { step: [1, 2], batch: [1, 2, 4] }), 's.yaml', { maxRuns: 10 }),
      (e: unknown) =>
        e instanceof SweepError &&
        e.message ===
          's.yaml: the sweep has 18 runs, more than the 10 allowed (datasets x grid points x seeds); reduce the grid or the seeds, or raise the cap with --max-runs 18',
    );
  });

  it('a million seeds: refused by the cap at once; allowed by --max-runs, with linear duplicate checks', () => {
    assert.throws(
      () => validateSweep(sweep(1_000_000), 's.yaml'),
      /the sweep has 1000000 runs, more than the 100000 allowed/,
    );
    // a quadratic check took 333 s here; the test runner's timeout would catch a regression
    const spec = validateSweep(sweep(1_000_000), 's.yaml', { maxRuns: 1_000_000 });
    assert.equal(spec.seeds.length, 1_000_000);
    const list = Array.from({ length: 200_000 }, (_, i) => i);
    list.push(7);
    assert.throws(() => validateSweep(sweep(list), 's.yaml', { maxRuns: 1e6 }), /seeds\[200000\]: duplicate seed 7/);
  });

  it('seeds: 1e15 and 2e9 are clean errors, not a crash', () => {
    for (const n of [1e15, 2_000_000_000]) {
      assert.throws(
        () => readSweep(`datasets: [a9a]\nseeds: ${n}\nmethods: [{method: sgd}]\n`, 's.yaml'),
        (e: unknown) => e instanceof SweepError && /seeds: expected at most 10000000 seeds/.test(e.message),
      );
    }
  });

  it('a billion-laughs YAML is a clean error (the yaml alias guard)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let k = 1; k < 9; k++) {
      const prev = String.fromCharCode(96 + k);
      const cur = String.fromCharCode(97 + k);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    lines.push('datasets: [a9a]', 'methods: [{method: sgd}]');
    assert.throws(
      () => readSweep(lines.join('\n'), 'laughs.yaml'),
      (e: unknown) => e instanceof OptlabError && /^laughs\.yaml: the YAML expands too much \(.*alias/.test(e.message),
    );
  });

  it('says how many runs there are before the data load (progress before a big grid)', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(join(dir, 'd.svm'), '1 1:1\n-1 2:1\n1 1:0.5 2:1\n');
    writeFileSync(file, 'datasets: [d.svm]\nseeds: 2\nbudgets: {epochs: 1}\nmethods: [{method: sgd}]\n');
    const events: SweepEvent['type'][] = [];
    await runSweep({ file, out: join(dir, 'out'), jobs: 1, onEvent: (e) => events.push(e.type) });
    assert.deepEqual(events.slice(0, 2), ['expanded', 'begin']);
  });
});
