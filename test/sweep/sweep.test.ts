import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset, loadTestSet } from '../../src/node/load.js';
import { runSweep, type SweepEvent, type SweepOptions } from '../../src/node/sweep-runner.js';
import { Objective } from '../../src/objectives/objective.js';
import { accuracy, minimize } from '../../src/run/minimize.js';
import { executeRun, type RunData, traceRows } from '../../src/sweep/execute.js';
import { expandSweep } from '../../src/sweep/expand.js';
import type { Manifest, RunFile, RunRow, TraceRow } from '../../src/sweep/results.js';
import { validateSweep } from '../../src/sweep/schema.js';
import { CLI_ARGS, optlab } from '../helpers/cli.js';
import { writeLibsvmFixture } from '../helpers/libsvm-fixture.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'optlab-sweep-'));

/** A LIBSVM file `dir/name` of the shared seeded fixture (test/helpers/libsvm-fixture.ts); returns its path. */
function libsvm(dir: string, name: string, rows: number, d: number, k: number, seed: number): string {
  const path = join(dir, name);
  writeLibsvmFixture(path, rows, d, k, seed);
  return path;
}

/** Writes a sweep file (YAML text) into `dir`. */
function sweepFile(dir: string, text: string, name = 'sweep.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SMALL = [
  'name: small',
  'datasets: [train.svm, {data: train.svm, subset: 60, labels: pm1}]',
  'testData: test.svm',
  'seeds: 2',
  'budgets: {maxIter: 40, epochs: 3}',
  'methods:',
  '  - {method: sgd, group: steps, params: {batch: 8}, grid: {step: [1, 0.5]}}',
  '  - {method: lbfgs, seeds: 1, grid: {memory: [0, 5]}}',
  '  - {method: prox-gd, seeds: [0], grid: {lambda: [0, 0.01]}}',
].join('\n');

function smallSweep(): { dir: string; file: string } {
  const dir = tmp();
  libsvm(dir, 'train.svm', 150, 12, 4, 1);
  libsvm(dir, 'test.svm', 50, 12, 4, 2);
  return { dir, file: sweepFile(dir, SMALL) };
}

const jsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

/** A deep copy without any `seconds` field (the only field allowed to differ between two runs of a sweep). */
function withoutSeconds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSeconds);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'seconds')
        .map(([k, x]) => [k, withoutSeconds(x)]),
    );
  }
  return v;
}

const runFiles = (out: string) => readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json'));

async function sweep(o: SweepOptions, events: SweepEvent[] = []) {
  return runSweep({ ...o, onEvent: (e) => events.push(e) });
}

describe('executeRun', () => {
  it('gives the same result and trace as minimize(), with the row fields filled', async () => {
    const { dir } = smallSweep();
    const spec = validateSweep(
      {
        datasets: [join(dir, 'train.svm')],
        objective: { l2: 0.1 },
        init: 'randn',
        seeds: [3],
        budgets: { epochs: 2 },
        methods: [{ method: 'adam', group: 'g', params: { batch: 10 } }],
      },
      'x.yaml',
    );
    const [run] = expandSweep(spec);
    const train = (await loadDataset(join(dir, 'train.svm'))).dataset;
    const { test } = await loadTestSet(join(dir, 'test.svm'), train);
    const data = new Map<string, RunData>([[run.dataset.key, { train, test }]]);
    const file = await executeRun(run, data, { sliceMs: 0 });
    const objective = new Objective(train.X, train.y, { loss: 'sigmoid-lsq', l2: 0.1 });
    const ref = minimize(objective, { method: 'adam', batch: 10 }, { epochs: 2, tol: 1e-6, init: 'randn', seed: 3 });
    assert.equal(file.run.result.value, ref.value);
    assert.equal(file.run.result.stopReason, 'max-epochs');
    assert.deepEqual(withoutSeconds(file.trace), withoutSeconds(ref.trace));
    assert.deepEqual(file.run.x, Array.from(ref.x));
    assert.equal(file.run.result.trainAccuracy, accuracy(train.X, train.y, ref.x));
    assert.equal(file.run.result.testAccuracy, accuracy(test.X, test.y, ref.x));
    const row: RunRow = file.run;
    assert.equal(row.id, `adam[batch=10]@${join(dir, 'train.svm')}#3`);
    assert.equal(row.group, 'g');
    assert.deepEqual(row.params, { step: 0.01, batch: 10, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    assert.deepEqual(row.objective, { loss: 'sigmoid-lsq', lambda: 0, l2: 0.1, labels: '01' });
    assert.deepEqual(row.dataset, { name: join(dir, 'train.svm'), sha256: train.sha256, rows: 150, features: 12 });
    assert.deepEqual(row.testDataset, { name: join(dir, 'test.svm'), sha256: test.sha256, rows: 50, features: 12 });
    assert.deepEqual(row.budgets, { epochs: 2, tol: 1e-6 });
    // the flat trace rows
    const rows: TraceRow[] = traceRows(file);
    assert.equal(rows.length, ref.trace.length);
    assert.equal(rows[1].passes, ref.trace[1].sampleGradients / 150);
    assert.equal(rows[1].dataset, join(dir, 'train.svm'));
  });

  it('an aborted signal stops the run as interrupted', async () => {
    const { dir } = smallSweep();
    const [run] = expandSweep(
      validateSweep({ datasets: ['t.svm'], budgets: { maxIter: 1000, tol: 0 }, methods: [{ method: 'gd' }] }, 'x.yaml'),
    );
    const train = (await loadDataset(join(dir, 'train.svm'))).dataset;
    const file = await executeRun(run, new Map([[run.dataset.key, { train }]]), { signal: AbortSignal.abort() });
    assert.equal(file.run.result.stopReason, 'interrupted');
    assert.equal(file.run.result.iterations, 0);
  });
});

describe('runSweep: the results folder', () => {
  it('writes sweep.json, one file per run, runs.jsonl and trace.jsonl in sweep order, and the manifest', async () => {
    const { dir, file } = smallSweep();
    const out = join(dir, 'out');
    const events: SweepEvent[] = [];
    const r = await sweep({ file, out, jobs: 1 }, events);
    const spec = validateSweep((await import('yaml')).parse(readFileSync(file, 'utf8')), file);
    const runs = expandSweep(spec);
    assert.equal(runs.length, 2 * (2 * 2 + 2 + 2));
    assert.equal(r.status, 'complete');
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')), JSON.parse(JSON.stringify(spec)));
    assert.deepEqual(runFiles(out).sort(), runs.map((s) => s.file).sort());
    const rows = jsonl<RunRow>(join(out, 'runs.jsonl'));
    assert.deepEqual(
      rows.map((x) => x.id),
      runs.map((s) => s.id),
    );
    assert.ok(rows.every((x) => x.x === undefined));
    const perRun = runs.map((s) => JSON.parse(readFileSync(join(out, 'runs', s.file), 'utf8')) as RunFile);
    assert.ok(perRun.every((f) => Array.isArray(f.run.x) && f.run.x.length === 12));
    const trace = jsonl<TraceRow>(join(out, 'trace.jsonl'));
    assert.equal(
      trace.length,
      perRun.reduce((s, f) => s + f.trace.length, 0),
    );
    assert.deepEqual(
      trace.map((t) => t.id),
      perRun.flatMap((f) => f.trace.map(() => f.run.id)),
    );
    const sub = rows.find((x) => x.id === 'sgd[batch=8,step=0.5]@train.svm,subset=60,labels=pm1#1')!;
    assert.equal(sub.group, 'steps');
    assert.deepEqual(sub.dataset.subset, 60);
    assert.equal(sub.dataset.rows, 60);
    assert.equal(sub.objective.labels, 'pm1');
    assert.equal(sub.testDataset?.rows, 50);
    assert.ok(sub.result.testAccuracy! >= 0 && sub.result.testAccuracy! <= 1);
    const subTrace = trace.filter((t) => t.id === sub.id);
    assert.ok(
      subTrace.every((t) => t.dataset === 'train.svm,subset=60,labels=pm1' && t.passes === t.sampleGradients / 60),
    );
    const prox = rows.find((x) => x.label === 'prox-gd[lambda=0.01]')!;
    assert.equal(prox.objective.lambda, 0.01);
    assert.deepEqual(prox.given, { lambda: 0.01 });
    assert.deepEqual(prox.budgets, { maxIter: 40, epochs: 3, tol: 1e-6 });
    // the manifest
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    assert.equal(m.status, 'complete');
    assert.deepEqual(m.runs, { total: runs.length, finished: runs.length, failed: 0, resumed: 0 });
    assert.equal(m.sweepFile, file);
    assert.equal(m.sweepSha256, sha(file));
    assert.equal(m.node, process.versions.node);
    assert.equal(m.v8, process.versions.v8);
    assert.equal(m.jobs, 1);
    assert.ok(m.cpu.cores >= 1);
    assert.ok(m.endedAt !== null && m.startedAt <= m.endedAt);
    assert.deepEqual(m.datasets, [
      { name: 'train.svm', sha256: sha(join(dir, 'train.svm')), rows: 150, features: 12 },
      { name: 'test.svm', sha256: sha(join(dir, 'test.svm')), rows: 50, features: 12 },
      { name: 'train.svm', sha256: sha(join(dir, 'train.svm')), rows: 60, features: 12 },
    ]);
    // events: one start and one done per run
    assert.equal(events.filter((e) => e.type === 'start').length, runs.length);
    assert.deepEqual(
      events.filter((e) => e.type === 'done').map((e) => (e as { done: number }).done),
      runs.map((_, i) => i + 1),
    );
  });

  it('--jobs 2 (worker threads) gives the same results as --jobs 1, except seconds', async () => {
    const { dir, file } = smallSweep();
    await sweep({ file, out: join(dir, 'seq'), jobs: 1 });
    const r = await sweep({ file, out: join(dir, 'par'), jobs: 2 });
    assert.equal(r.status, 'complete');
    assert.equal(r.manifest.jobs, 2);
    for (const name of ['runs.jsonl', 'trace.jsonl']) {
      const a = jsonl(join(dir, 'seq', name));
      const b = jsonl(join(dir, 'par', name));
      assert.ok(a.length > 10);
      assert.deepEqual(withoutSeconds(b), withoutSeconds(a), name);
    }
    for (const f of runFiles(join(dir, 'seq'))) {
      const a = JSON.parse(readFileSync(join(dir, 'seq', 'runs', f), 'utf8'));
      const b = JSON.parse(readFileSync(join(dir, 'par', 'runs', f), 'utf8'));
      assert.deepEqual(withoutSeconds(b), withoutSeconds(a), f);
    }
  });

  it('refuses a folder holding results unless resuming, and a different sweep when resuming', async () => {
    const { dir, file } = smallSweep();
    const out = join(dir, 'out');
    await sweep({ file, out, jobs: 1 });
    await assert.rejects(sweep({ file, out, jobs: 1 }), /already holds sweep results; pass --resume/);
    const other = sweepFile(dir, SMALL.replace('seeds: 2', 'seeds: 3'), 'other.yaml');
    await assert.rejects(sweep({ file: other, out, jobs: 1, resume: true }), /--resume continues the same sweep only/);
  });

  it('an abort keeps the finished runs; --resume runs only the rest, then the status is complete', async () => {
    for (const jobs of [1, 2]) {
      const { dir, file } = smallSweep();
      const out = join(dir, 'out');
      const ctl = new AbortController();
      const events: SweepEvent[] = [];
      const r = await runSweep({
        file,
        out,
        jobs,
        signal: ctl.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'done' && e.done === 3) ctl.abort();
        },
      });
      assert.equal(r.status, 'interrupted');
      const kept = runFiles(out);
      assert.ok(kept.length >= 3 && kept.length < 16, `${kept.length} runs kept`);
      const files = kept.map((f) => JSON.parse(readFileSync(join(out, 'runs', f), 'utf8')) as RunFile);
      assert.ok(files.every((f) => f.run.result.stopReason !== 'interrupted'));
      assert.equal(jsonl(join(out, 'runs.jsonl')).length, kept.length);
      const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
      assert.equal(m.status, 'interrupted');
      assert.equal(m.runs.finished, kept.length);
      const mtimes = new Map(kept.map((f) => [f, statSync(join(out, 'runs', f)).mtimeMs]));
      const again: SweepEvent[] = [];
      const r2 = await sweep({ file, out, jobs, resume: true }, again);
      assert.equal(r2.status, 'complete');
      assert.equal(again.filter((e) => e.type === 'start').length, 16 - kept.length, 'only the rest ran');
      assert.deepEqual(r2.manifest.runs, { total: 16, finished: 16, failed: 0, resumed: kept.length });
      for (const [f, t] of mtimes) assert.equal(statSync(join(out, 'runs', f)).mtimeMs, t, `${f} was not rewritten`);
      assert.equal(jsonl(join(out, 'runs.jsonl')).length, 16);
      // and the result is the one of an uninterrupted sweep
      await sweep({ file, out: join(dir, 'whole'), jobs: 1 });
      assert.deepEqual(
        withoutSeconds(jsonl(join(out, 'trace.jsonl'))),
        withoutSeconds(jsonl(join(dir, 'whole', 'trace.jsonl'))),
      );
    }
  });
});

describe('optlab sweep (CLI)', () => {
  it('an invalid sweep file: one line per problem, exit 2, nothing written', () => {
    const dir = tmp();
    const file = sweepFile(
      dir,
      'datasets: [a9a]\nbudgets: {maxIter: 5}\nmethods:\n  - {method: sgd, grid: {step: [1, -1]}}\n  - {method: gd, grid: {memory: [5]}}\n  - {method: newton}\n',
    );
    const out = join(dir, 'out');
    const r = optlab(['sweep', file, '--out', out]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      [
        `optlab: ${file}:4:36: methods[0].grid.step[1]: expected a positive number`,
        `optlab: ${file}:6:14: methods[2].method: expected one of 'gd', 'sgd', 'adagrad', 'adam', 'prox-gd', 'fista', 'bfgs', 'sbfgs', 'prox-bfgs', 'owlqn', 'lbfgs'`,
        '',
      ].join('\n'),
    );
    assert.equal(existsSync(out), false);
    const r2 = optlab([
      'sweep',
      sweepFile(
        dir,
        JSON.stringify({ datasets: ['a9a'], methods: [{ method: 'gd', grid: { memory: [5] } }] }),
        's.json',
      ),
      '--out',
      out,
    ]);
    assert.equal(r2.code, 2);
    assert.equal(
      r2.stderr,
      `optlab: ${join(dir, 's.json')}:1:55: methods[0].grid.memory: does not apply to gd (it takes: step, lineSearch, c1, c2)\n`,
    );
    assert.equal(existsSync(out), false);
  });

  it('Ctrl-C: exit 130, finished runs kept, manifest interrupted; --resume completes the rest', async () => {
    const dir = tmp();
    libsvm(dir, 'mid.svm', 1500, 30, 10, 3);
    const file = sweepFile(
      dir,
      [
        'datasets: [mid.svm]',
        'seeds: 3',
        'budgets: {maxIter: 300, tol: 0}',
        'methods:',
        '  - {method: gd, grid: {step: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]}}',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const child = spawn(process.execPath, [...CLI_ARGS, 'sweep', file, '--out', out, '--jobs', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // wait for the first finished run, then press Ctrl-C
    await new Promise<void>((res, rej) => {
      const timer = setInterval(() => {
        if (existsSync(join(out, 'runs')) && runFiles(out).length > 0) {
          clearInterval(timer);
          child.kill('SIGINT');
          res();
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          rej(new Error(`the sweep ended before any run finished: ${stderr}`));
        }
      }, 10);
    });
    const code = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /\[1\/24\] done gd\[step=0\.\d\]@mid\.svm#\d \(\d+\.\d s, max-iterations\)/);
    assert.match(stdout, /sweep interrupted/);
    const kept = runFiles(out);
    assert.ok(kept.length >= 1 && kept.length < 24, `${kept.length} runs kept`);
    const files = kept.map((f) => JSON.parse(readFileSync(join(out, 'runs', f), 'utf8')) as RunFile);
    assert.ok(files.every((f) => f.run.result.stopReason === 'max-iterations' && f.run.result.iterations === 300));
    assert.equal(jsonl(join(out, 'runs.jsonl')).length, kept.length);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(m.status, 'interrupted');
    assert.equal(m.runs.finished, kept.length);
    const mtimes = new Map(kept.map((f) => [f, statSync(join(out, 'runs', f)).mtimeMs]));

    const r = optlab(['sweep', file, '--out', out, '--jobs', '2', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`24 of 24 runs finished \\(${kept.length} resumed, 0 failed\\)`));
    assert.equal((r.stderr.match(/\] done /g) ?? []).length, 24 - kept.length, 'only the rest ran');
    assert.equal(runFiles(out).length, 24);
    for (const [f, t] of mtimes) assert.equal(statSync(join(out, 'runs', f)).mtimeMs, t, `${f} was not rewritten`);
    const m2 = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(m2.status, 'complete');
    assert.deepEqual(m2.runs, { total: 24, finished: 24, failed: 0, resumed: kept.length });
    assert.equal(jsonl(join(out, 'runs.jsonl')).length, 24);
  });
});
