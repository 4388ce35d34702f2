import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { studySweep } from '../../src/study/preset.js';
import { type DataSize, expectedCost, TOL_FRACTION } from '../../src/sweep/cost.js';
import { expandSweep, type RunSpec } from '../../src/sweep/expand.js';
import { validateSweep } from '../../src/sweep/schema.js';
import { compareIds, parseShard, partition, shardFromEnv, shardPlan } from '../../src/sweep/shard.js';
import { inRepo } from '../helpers/repo.js';

/** a9a's size: 32561 rows, 451592 stored entries, 123 features. */
const A9A: DataSize = { rows: 32561, nnz: 451592, features: 123 };

function study(preset: 'full' | 'seed' = 'full', seeds = 3): RunSpec[] {
  const raw = studySweep({ preset, seeds, lambdaMax: 0.13452443106786216, data: 'a9a', testData: 'a9a.t' });
  return expandSweep(validateSweep(raw, 'study-sweep.json'));
}

const sizeA9a = (r: RunSpec): DataSize =>
  r.dataset.subset !== undefined ? { rows: r.dataset.subset, nnz: 14 * r.dataset.subset, features: 123 } : A9A;

function sweepOf(methods: unknown[], extra: Record<string, unknown> = {}): RunSpec[] {
  return expandSweep(validateSweep({ datasets: ['a9a'], seeds: [0, 1, 2], methods, ...extra }, 'x.yaml'));
}

describe('parseShard', () => {
  it('reads K/N and refuses what is not a shard', () => {
    assert.deepEqual(parseShard('0/2'), { index: 0, count: 2, source: '--shard' });
    assert.deepEqual(parseShard(' 7 / 8 '), { index: 7, count: 8, source: '--shard' });
    assert.throws(() => parseShard('2/2'), /shard index must be in 0\.\.1, got 2/);
    assert.throws(() => parseShard('0/0'), /shard count must be at least 1/);
    assert.throws(() => parseShard('1'), /--shard takes K\/N/);
    assert.throws(() => parseShard('-1/3'), /--shard takes K\/N/);
    assert.throws(() => parseShard('a/b'), /--shard takes K\/N/);
  });
});

describe('shardFromEnv', () => {
  it('is null outside a scheduler', () => {
    assert.equal(shardFromEnv({ PATH: '/bin' }), null);
  });
  it('takes a SLURM array task from its id, min, max, step and count', () => {
    const slurm = (id: number, min: number, max: number, count: number, step?: number) => ({
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: String(min),
      SLURM_ARRAY_TASK_MAX: String(max),
      SLURM_ARRAY_TASK_COUNT: String(count),
      ...(step !== undefined ? { SLURM_ARRAY_TASK_STEP: String(step) } : {}),
    });
    assert.deepEqual(shardFromEnv(slurm(3, 0, 7, 8)), { index: 3, count: 8, source: 'SLURM_ARRAY_TASK_ID' });
    assert.deepEqual(shardFromEnv(slurm(1, 1, 8, 8)), { index: 0, count: 8, source: 'SLURM_ARRAY_TASK_ID' });
    assert.deepEqual(shardFromEnv(slurm(8, 1, 8, 8)), { index: 7, count: 8, source: 'SLURM_ARRAY_TASK_ID' });
    assert.deepEqual(shardFromEnv(slurm(6, 0, 14, 8, 2)), { index: 3, count: 8, source: 'SLURM_ARRAY_TASK_ID' });
    // MAX and MIN alone (no COUNT)
    assert.deepEqual(shardFromEnv({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '4' }), {
      index: 2,
      count: 5,
      source: 'SLURM_ARRAY_TASK_ID',
    });
    // --array=1,3,7: not one range
    assert.throws(
      () => shardFromEnv(slurm(3, 1, 7, 3)),
      /not one range of task ids.*pass --shard K\/N or --shard-count N/,
    );
    // with a count, the task id is the shard index
    assert.deepEqual(shardFromEnv(slurm(3, 1, 7, 3), 8), {
      index: 3,
      count: 8,
      source: 'SLURM_ARRAY_TASK_ID=3 (count 8)',
    });
    assert.throws(() => shardFromEnv(slurm(8, 1, 8, 8), 8), /shard index must be in 0\.\.7, got 8/);
  });
  it('takes a Kubernetes Indexed Job pod from JOB_COMPLETION_INDEX and a count from the flag or OPTLAB_SHARD_COUNT', () => {
    assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: '4' }, 6), {
      index: 4,
      count: 6,
      source: 'JOB_COMPLETION_INDEX',
    });
    assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: '0', OPTLAB_SHARD_COUNT: '3' }), {
      index: 0,
      count: 3,
      source: 'JOB_COMPLETION_INDEX',
    });
    assert.throws(
      () => shardFromEnv({ JOB_COMPLETION_INDEX: '4' }),
      /gives the shard but not the count: pass --shard-count N/,
    );
    assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: '6' }, 6), /shard index must be in 0\.\.5, got 6/);
    assert.throws(
      () => shardFromEnv({ JOB_COMPLETION_INDEX: 'x' }, 6),
      /JOB_COMPLETION_INDEX must be a non-negative integer/,
    );
  });
});

describe('expectedCost', () => {
  const one = (m: Record<string, unknown>, extra: Record<string, unknown> = {}) => sweepOf([m], extra)[0];
  it('counts passes over the data and vector work: a full-batch L-BFGS run costs many SGD runs', () => {
    const lbfgs = expectedCost(one({ method: 'lbfgs', budgets: { maxIter: 400, tol: 0 } }), A9A);
    const sgd = expectedCost(one({ method: 'sgd', params: { batch: 64 }, budgets: { epochs: 10, tol: 0 } }), A9A);
    // L-BFGS: 400 iterations x 1.5 evaluations; SGD: 10 epochs of sample gradients + 10 trace passes
    assert.equal(lbfgs, Math.round(600 * (A9A.nnz + A9A.rows) + 400 * 4 * 10 * 123));
    // the model says 24; measured in the study on a9a: 0.53 s against 0.04 s, a ratio of 13 (the model is rough)
    assert.ok(lbfgs > 10 * sgd && lbfgs < 40 * sgd, `${lbfgs / sgd}`);
  });
  it('grows with the budgets and the data, and takes a third of the iterations when a tolerance may stop the run', () => {
    const gd = (b: Record<string, unknown>) => expectedCost(one({ method: 'gd', budgets: b }), A9A);
    assert.equal(gd({ maxIter: 200, tol: 0 }), Math.round(200 * (A9A.nnz + A9A.rows) + 200 * 4 * 123));
    assert.equal(gd({ maxIter: 400, tol: 0 }), 2 * gd({ maxIter: 200, tol: 0 }));
    assert.equal(gd({ maxIter: 300, tol: 1e-6 }), gd({ maxIter: 300 * TOL_FRACTION, tol: 0 }));
    assert.equal(gd({ maxIter: 1000, maxPasses: 50, tol: 0 }), gd({ maxIter: 50, tol: 0 }));
    const run = one({ method: 'gd', budgets: { maxIter: 10, tol: 0 } });
    assert.equal(expectedCost(run, { ...A9A, nnz: 2 * A9A.nnz }) > expectedCost(run, A9A), true);
    // smaller batches cost more vector work for the same epochs; sbfgs's dense update costs d^2 per step
    const sgd = (batch: number) =>
      expectedCost(one({ method: 'sgd', params: { batch }, budgets: { epochs: 10 } }), A9A);
    assert.ok(sgd(16) > sgd(128));
    const sbfgs = expectedCost(one({ method: 'sbfgs', params: { batch: 128 }, budgets: { epochs: 10 } }), A9A);
    assert.ok(sbfgs > 2 * sgd(128));
  });
  it('is an integer', () => {
    for (const r of study()) assert.ok(Number.isSafeInteger(expectedCost(r, A9A)) && expectedCost(r, A9A) > 0, r.id);
  });
});

describe('partition', () => {
  const runs = study();
  it('puts every run in exactly one shard, for any shard count', () => {
    for (const n of [1, 2, 3, 5, 8, 13, runs.length, runs.length + 3]) {
      const { shards } = partition(runs, n, sizeA9a);
      assert.equal(shards.length, n);
      const all = shards.flat().sort((a, b) => a - b);
      assert.deepEqual(
        all,
        runs.map((_, i) => i),
      );
    }
  });
  it("balances the study's sweep over 8 shards: the largest within 1.5x of the mean expected cost", () => {
    for (const preset of ['full', 'seed'] as const) {
      const r = study(preset);
      const { costs } = partition(r, 8, sizeA9a);
      const mean = costs.reduce((a, b) => a + b, 0) / costs.length;
      const max = Math.max(...costs);
      assert.ok(max <= 1.5 * mean, `${preset}: largest shard ${max}, mean ${mean}, ratio ${max / mean}`);
      assert.ok(Math.min(...costs) > 0, preset);
    }
  });
  it('does not depend on the order of the sweep file: the shards hold the same run ids', () => {
    const raw = studySweep({ preset: 'full', seeds: 3, lambdaMax: 0.13452443106786216, data: 'a9a' });
    const reversed = { ...raw, methods: [...(raw.methods as unknown[])].reverse() };
    const a = expandSweep(validateSweep(raw, 'a.json'));
    const b = expandSweep(validateSweep(reversed, 'b.json'));
    const ids = (r: RunSpec[]) => partition(r, 8, sizeA9a).shards.map((s) => s.map((i) => r[i].id).sort(compareIds));
    assert.deepEqual(ids(a), ids(b));
  });
  it('runs the longest first within a shard', () => {
    const plan = shardPlan(runs, { index: 0, count: 4, source: '--shard' }, sizeA9a);
    const costs = plan.runs.map((r) => expectedCost(r, sizeA9a(r)));
    assert.deepEqual(
      costs,
      [...costs].sort((x, y) => y - x),
    );
  });
  it('is the same in another process with another time zone, locale and core count (a pure function)', () => {
    const here = partition(runs, 8, sizeA9a).shards.map((s) => s.map((i) => runs[i].id));
    const code = `
      import { studySweep } from ${JSON.stringify(inRepo('src/study/preset.ts'))};
      import { expandSweep } from ${JSON.stringify(inRepo('src/sweep/expand.ts'))};
      import { validateSweep } from ${JSON.stringify(inRepo('src/sweep/schema.ts'))};
      import { partition } from ${JSON.stringify(inRepo('src/sweep/shard.ts'))};
      const runs = expandSweep(validateSweep(studySweep({ preset: 'full', seeds: 3, lambdaMax: 0.13452443106786216, data: 'a9a', testData: 'a9a.t' }), 'study-sweep.json'));
      const size = { rows: 32561, nnz: 451592, features: 123 };
      process.stdout.write(JSON.stringify(partition(runs, 8, () => size).shards.map((s) => s.map((i) => runs[i].id))));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
      env: {
        ...process.env,
        TZ: 'Pacific/Kiritimati',
        LANG: 'tr_TR.UTF-8',
        LC_ALL: 'tr_TR.UTF-8',
        UV_THREADPOOL_SIZE: '1',
      },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), here);
  });
});
