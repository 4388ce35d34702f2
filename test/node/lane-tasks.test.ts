/**
 * The sweep's lanes: runs ordered longest first on several lanes, and other work (the study's landscape
 * minimizations, src/node/lane-tasks.ts) done on the same threads with the same bits as on the main thread.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { prestartLanes, waitingWorkers } from '../../src/node/lane-pool.js';
import type { LaneTask } from '../../src/node/lane-tasks.js';
import { loadDataset } from '../../src/node/load.js';
import { ensureStudyLandscape, prepareStudy, runStudy, type StudyOptions } from '../../src/node/study.js';
import { runSweep, type SweepEvent } from '../../src/node/sweep-runner.js';
import { Objective } from '../../src/objectives/objective.js';
import { toJson } from '../../src/run/json.js';
import { landscapeBudget, landscapeStarts, minimizeFromStart } from '../../src/run/landscape.js';
import { expectedCost } from '../../src/sweep/cost.js';
import { expandSweep } from '../../src/sweep/expand.js';
import { readSweep } from '../../src/sweep/schema.js';
import { writeLibsvmFixture } from '../helpers/libsvm-fixture.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'optlab-lanes-'));

const SWEEP = [
  'name: lanes',
  'datasets: [train.svm]',
  'seeds: 1',
  'budgets: {maxIter: 30, epochs: 2}',
  'methods:',
  '  - {method: sgd, params: {batch: 8}, grid: {step: [1, 0.5]}}',
  '  - {method: gd, params: {step: 1}}',
  '  - {method: bfgs, budgets: {maxIter: 60}}',
].join('\n');

function setup(): { dir: string; file: string } {
  const dir = tmp();
  writeLibsvmFixture(join(dir, 'train.svm'), 200, 10, 4, 3);
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, SWEEP);
  return { dir, file };
}

describe('sweep lanes', () => {
  it('on two lanes, runs start longest first (expected cost); on one lane, in sweep order', async () => {
    const { dir, file } = setup();
    const runs = expandSweep(readSweep(SWEEP, file));
    const size = { rows: 200, nnz: 800, features: 10 };
    const byCost = [...runs].sort((a, b) => expectedCost(b, size) - expectedCost(a, size)).map((r) => r.id);
    assert.notDeepEqual(
      byCost,
      runs.map((r) => r.id),
      'the fixture must have runs out of cost order',
    );
    for (const jobs of [1, 2]) {
      const started: string[] = [];
      const onEvent = (e: SweepEvent) => {
        if (e.type === 'start') started.push(e.run.id);
      };
      await runSweep({ file, out: join(dir, `out${jobs}`), jobs, onEvent });
      assert.deepEqual(started, jobs === 1 ? runs.map((r) => r.id) : byCost);
    }
  });

  it('workers started ahead of the sweep are taken by its lanes and give the same results', async () => {
    const { dir, file } = setup();
    const strip = (p: string) =>
      readFileSync(p, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.stringify(JSON.parse(l), (k, v) => (k === 'seconds' ? undefined : v)));
    await runSweep({ file, out: join(dir, 'fresh'), jobs: 2 });
    assert.equal(waitingWorkers(), 0);
    prestartLanes(2);
    assert.equal(waitingWorkers(), 2);
    prestartLanes(1); // one lane runs on the main thread: nothing more to start
    assert.equal(waitingWorkers(), 2);
    await runSweep({ file, out: join(dir, 'prestarted'), jobs: 2 });
    assert.equal(waitingWorkers(), 0, 'both lanes took a waiting worker');
    for (const f of ['runs.jsonl', 'trace.jsonl'])
      assert.deepEqual(strip(join(dir, 'prestarted', f)), strip(join(dir, 'fresh', f)), f);
  });

  it("tasks run on the lanes, with the main thread's bits; a task on other data fails alone", async () => {
    const { dir, file } = setup();
    const ds = (await loadDataset(join(dir, 'train.svm'), { labels: '01' })).dataset;
    const key = expandSweep(readSweep(SWEEP, file))[0].dataset.key;
    const starts = landscapeStarts(ds.X.cols, { randomStarts: 3, seed: 7, zeros: true });
    const budget = landscapeBudget({ tol: 1e-8, maxIter: 300 });
    const task = (start: (typeof starts)[number], sha256 = ds.sha256): LaneTask => ({
      type: 'minimize',
      dataset: key,
      sha256,
      features: ds.X.cols,
      labelMap: ds.labelMap,
      loss: 'sigmoid-lsq',
      l2: 0.01,
      method: { method: 'bfgs' },
      budget,
      start,
    });
    const tasks = [...starts.map((s) => task(s)), task(starts[0], 'f'.repeat(64))];
    const objective = new Objective(ds.X, ds.y, { loss: 'sigmoid-lsq', l2: 0.01 });
    const expected = starts.map((s) => minimizeFromStart(objective, { method: 'bfgs' }, budget, s));
    for (const jobs of [1, 2]) {
      const order: string[] = [];
      const out = await runSweep({
        file,
        out: join(dir, `tasks${jobs}`),
        jobs,
        tasks,
        onEvent: (e) => {
          if (e.type === 'start') order.push(e.run.id);
        },
      });
      assert.equal(out.status, 'complete');
      assert.equal(out.tasks.length, tasks.length);
      for (let i = 0; i < starts.length; i++) {
        const t = out.tasks[i];
        assert.ok('result' in t, `task ${i}: ${'error' in t ? t.error : ''}`);
        assert.equal(t.result.type, 'minimize');
        assert.ok(t.result.seconds >= 0);
        if (t.result.type !== 'minimize') continue;
        assert.deepEqual(t.result.end, expected[i]);
        assert.ok(t.result.end.x instanceof Float64Array);
      }
      const bad = out.tasks[starts.length];
      assert.ok('error' in bad && /is not the data of this minimize task/.test(bad.error));
      assert.equal(order.length, 4, 'every run still runs');
    }
  });

  it("a study's extras and landscape from its lanes are the main thread's, also when the sweep is interrupted", async () => {
    const dir = tmp();
    const data = join(dir, 'train.svm');
    writeLibsvmFixture(data, 300, 8, 3, 6);
    const setting: StudyOptions = {
      out: '',
      preset: 'seed',
      data,
      testData: null,
      seeds: 1,
      landscapeStarts: 2,
      png: false,
    };
    const meta = (out: string) => JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    // on this thread, before any sweep (what `optlab study --slurm` writes)
    const mainOut = join(dir, 'main');
    await prepareStudy({ ...setting, out: mainOut });
    const expected = meta(mainOut);
    assert.ok(expected.extras.gradchecks.length > 0);
    const stages: string[] = [];
    const lanes = join(dir, 'lanes');
    const done = await runStudy({ ...setting, out: lanes, onStage: (m) => stages.push(m) });
    assert.equal(done.status, 'complete');
    assert.ok(stages.includes('the landscape: grouping the end points of 2 random starts'), stages.join('; '));
    const { landscape, ...rest } = meta(lanes);
    assert.ok(landscape && landscape.starts >= 2);
    assert.deepEqual(rest, expected);
    // the landscape from the lanes' end points = the one minimized on this thread from the folder (optlab report)
    writeFileSync(join(lanes, 'study.json'), `${toJson(rest)}\n`);
    const here = await ensureStudyLandscape(lanes);
    assert.deepEqual(here.landscape, landscape);
    // interrupted at the first finished run: study.json is there all the same, with the same extras
    const ctl = new AbortController();
    const cut = await runStudy({
      ...setting,
      out: join(dir, 'cut'),
      signal: ctl.signal,
      onEvent: (e) => {
        if (e.type === 'done') ctl.abort();
      },
    });
    assert.equal(cut.status, 'interrupted');
    assert.deepEqual(meta(join(dir, 'cut')), expected);
  });
});
