/**
 * `optlab export` and the published row formats, on the files of a real (small) sweep: CSV and Parquet
 * round-trip (the Parquet read back by hyparquet, a reader separate from the writer package), and every
 * row of runs.jsonl, trace.jsonl and manifest.json valid against schema/*.schema.json.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { scipyMissing } from '../../src/node/reference.js';
import { runSweep } from '../../src/node/sweep-runner.js';
import { Rng } from '../../src/run/rng.js';
import { flatRuns, flatTraces, tableCsv } from '../../src/sweep/flat.js';
import type { RunRow, TraceRow } from '../../src/sweep/results.js';
import { rowJsonSchemas } from '../../src/sweep/results-schema.js';
import { optlab } from '../helpers/cli.js';
import { validate } from '../helpers/json-schema.js';
import { inRepo } from '../helpers/repo.js';

const root = mkdtempSync(join(tmpdir(), 'optlab-export-'));
after(() => rmSync(root, { recursive: true, force: true }));

function libsvm(path: string, rows: number, d: number, seed: number): void {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const y = rng.next() < 0.5 ? -1 : 1;
    const cols = new Set<number>();
    while (cols.size < 3) cols.add(1 + rng.int(d));
    const entries = [...cols]
      .sort((a, b) => a - b)
      .map((j) => `${j}:${(0.4 * y * ((j % 3) - 1) + rng.normal()).toFixed(3)}`);
    lines.push(`${y} ${entries.join(' ')}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const jsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

/** RFC 4180 CSV rows (quoted fields with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

const out = join(root, 'sweep');
before(async () => {
  libsvm(join(root, 'train.svm'), 80, 8, 1);
  writeFileSync(
    join(root, 'sweep.yaml'),
    [
      'datasets: [train.svm]',
      'seeds: 2',
      'budgets: {maxIter: 12, epochs: 2}',
      'methods:',
      '  - {method: sgd, params: {batch: 8}, grid: {step: [1, 0.5]}}',
      '  - {method: lbfgs, seeds: 1, grid: {memory: [3]}}',
      '  - {method: prox-gd, seeds: [0], grid: {lambda: [0.01]}}',
    ].join('\n'),
  );
  const r = await runSweep({ file: join(root, 'sweep.yaml'), out, jobs: 1 });
  assert.equal(r.failures.length, 0);
});

describe('published JSON Schemas', () => {
  it('schema/*.schema.json are what the zod schemas generate (run scripts/write-schemas.ts after a change)', () => {
    for (const [name, schema] of Object.entries(rowJsonSchemas())) {
      const file = JSON.parse(readFileSync(inRepo('schema', name), 'utf8')) as { $schema?: string };
      assert.deepEqual(file, schema, `schema/${name} is stale`);
      assert.equal(file.$schema, 'https://json-schema.org/draft/2020-12/schema');
    }
  });

  it('every row a sweep writes is valid against them; a broken row is not', () => {
    const load = (name: string) => JSON.parse(readFileSync(inRepo('schema', name), 'utf8'));
    const runs = jsonl<RunRow>(join(out, 'runs.jsonl'));
    const traces = jsonl<TraceRow>(join(out, 'trace.jsonl'));
    assert.equal(runs.length, 6);
    for (const r of runs) assert.deepEqual(validate(load('runs.schema.json'), r), [], r.id);
    for (const t of traces) assert.deepEqual(validate(load('trace.schema.json'), t), [], `${t.id} ${t.iter}`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual(validate(load('manifest.schema.json'), manifest), []);
    // The schemas do constrain: a string count, a missing id, an unknown status.
    assert.notDeepEqual(validate(load('trace.schema.json'), { ...traces[0], iter: '3' }), []);
    const { id: _id, ...noId } = runs[0];
    assert.deepEqual(validate(load('runs.schema.json'), noId), ['$.id: required']);
    assert.notDeepEqual(validate(load('manifest.schema.json'), { ...manifest, status: 'done' }), []);
  });
});

describe('trace.jsonl carries the problem', () => {
  it("every row has its run's loss, lambda, l2, labels and dataset, so f* per problem needs no join", async () => {
    const runs = new Map(jsonl<RunRow>(join(out, 'runs.jsonl')).map((r) => [r.id, r]));
    const traces = jsonl<TraceRow>(join(out, 'trace.jsonl'));
    assert.ok(traces.length > 0);
    for (const t of traces) {
      const r = runs.get(t.id)!;
      assert.deepEqual(
        [t.loss, t.lambda, t.l2, t.labels, t.dataset],
        [r.objective.loss, r.objective.lambda, r.objective.l2, r.objective.labels, r.dataset.name],
      );
    }
    // Two problems in this sweep (λ = 0 and λ = 0.01), told apart by the trace rows alone.
    assert.deepEqual([...new Set(traces.map((t) => t.lambda))].sort(), [0, 0.01]);
  });

  it('an older folder, whose trace rows lack those fields, is read with them filled in from runs.jsonl', async () => {
    const { readResults } = await import('../../src/node/report-writer.js');
    const old = join(root, 'old-folder');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(old, { recursive: true });
    writeFileSync(join(old, 'runs.jsonl'), readFileSync(join(out, 'runs.jsonl')));
    const legacy = jsonl<Record<string, unknown>>(join(out, 'trace.jsonl')).map(
      ({ loss: _a, lambda: _b, l2: _c, labels: _d, ...rest }) => rest,
    );
    writeFileSync(join(old, 'trace.jsonl'), `${legacy.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const fresh = await readResults(out);
    const read = await readResults(old);
    assert.equal(read.traces.length, fresh.traces.length);
    assert.deepEqual(
      read.traces.map((t) => [t.id, t.loss, t.lambda, t.l2, t.labels]),
      fresh.traces.map((t) => [t.id, t.loss, t.lambda, t.l2, t.labels]),
    );
    // A legacy row whose run is not in runs.jsonl cannot be placed: one line naming the file and line.
    const orphan = { ...legacy[0], id: 'nobody@train.svm#0' };
    writeFileSync(join(old, 'trace.jsonl'), `${JSON.stringify(legacy[0])}\n${JSON.stringify(orphan)}\n`);
    const r = optlab(['report', old, '--no-png']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /trace\.jsonl:2:1: trace row of run "nobody@train\.svm#0" has no loss\/lambda\/l2\/labels/);
  });
});

describe('optlab export', () => {
  it('CSV: runs with parameters as columns, traces with the problem and passes on every row', () => {
    const r = optlab(['export', out, '--format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^runs {2}.*runs\.csv \(6 rows, \d+ columns\)\ntrace .*trace\.csv \(\d+ rows, 20 columns\)\n$/,
    );
    const runs = parseCsv(readFileSync(join(out, 'runs.csv'), 'utf8'));
    const head = runs[0];
    for (const c of [
      'id',
      'method',
      'dataset',
      'loss',
      'lambda',
      'seed',
      'param_step',
      'param_memory',
      'value',
      'passes',
    ]) {
      assert.ok(head.includes(c), c);
    }
    assert.equal(runs.length, 7);
    assert.ok(runs.every((r) => r.length === head.length));
    const sgd = runs.find((l) => l[1] === 'sgd[batch=8,step=0.5]')!;
    assert.equal(sgd[head.indexOf('param_step')], '0.5');
    assert.equal(sgd[head.indexOf('param_memory')], '', 'sgd has no memory parameter');
    const trace = parseCsv(readFileSync(join(out, 'trace.csv'), 'utf8'));
    const th = trace[0];
    assert.deepEqual(th.slice(0, 11), [
      'id',
      'label',
      'group',
      'method',
      'dataset',
      'subset',
      'loss',
      'lambda',
      'l2',
      'labels',
      'seed',
    ]);
    const rows = jsonl<TraceRow>(join(out, 'trace.jsonl'));
    assert.equal(trace.length, rows.length + 1);
    const prox = trace.filter((l) => l[3] === 'prox-gd');
    assert.ok(prox.length > 0 && prox.every((l) => l[th.indexOf('lambda')] === '0.01'));
    assert.ok(trace.slice(1).every((l) => l[th.indexOf('lambda')] === (l[3] === 'prox-gd' ? '0.01' : '0')));
    // passes = sampleGradients / n on every row.
    for (const c of trace.slice(1)) {
      assert.equal(Number(c[th.indexOf('passes')]), Number(c[th.indexOf('sample_gradients')]) / 80);
    }
  });

  it('Parquet: read back by hyparquet with the same rows and values as the CSV tables', async () => {
    const file = join(root, 'exported', 'results.parquet');
    const r = optlab(['export', out, '--format', 'parquet', '--out', file]);
    assert.equal(r.code, 0, r.stderr);
    const runs = jsonl<RunRow>(join(out, 'runs.jsonl'));
    const traces = jsonl<TraceRow>(join(out, 'trace.jsonl'));
    for (const [path, table] of [
      [file, flatRuns(runs)],
      [join(root, 'exported', 'results-trace.parquet'), flatTraces(runs, traces)],
    ] as const) {
      const bytes = readFileSync(path);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const meta = parquetMetadata(buffer);
      assert.equal(Number(meta.num_rows), table.rows);
      assert.match(meta.created_by ?? '', /^optlab /);
      const objects = (await parquetReadObjects({ file: buffer })) as Array<Record<string, unknown>>;
      assert.equal(objects.length, table.rows);
      for (const c of table.columns) {
        const got = objects.map((o) => (o[c.name] === undefined ? null : o[c.name]));
        assert.deepEqual(got, c.values, `${path}: column ${c.name}`);
      }
    }
  });

  it('CSV quoting: commas, quotes and line breaks in text survive', () => {
    const t = {
      name: 'runs' as const,
      rows: 1,
      columns: [{ name: 'a,b', kind: 'string' as const, values: ['x "y"\nz'] }],
    };
    assert.equal(tableCsv(t), '"a,b"\n"x ""y""\nz"\n');
    assert.deepEqual(parseCsv(tableCsv(t)), [['a,b'], ['x "y"\nz']]);
  });

  it('a folder without results is one clean line and exit 2', () => {
    const r = optlab(['export', join(root, 'nothing-here'), '--format', 'parquet']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^optlab: cannot read results folder .*: no such folder\n$/);
  });
});

describe('optlab import (external runs)', () => {
  const scipyLike = [
    'iteration,value,grad_norm,seconds,nfev',
    '0,0.7,0.5,0,0',
    '1,0.6,0.2,0.01,2',
    '2,0.55,0.05,0.02,3',
    '3,0.5,0.001,0.03,5',
  ].join('\n');

  it('adds a CSV run on the chosen problem, marked external in the figures and tables, kept by export', async () => {
    const file = join(root, 'scipy-lbfgsb.csv');
    writeFileSync(file, `${scipyLike}\n`);
    const none = optlab(['import', out, file, '--method', 'scipy-lbfgsb']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /holds 2 problems: choose one with --lambda/);
    const r = optlab(['import', out, file, '--method', 'scipy-lbfgsb', '--lambda', '0', '--tool', 'scipy 1.x']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^scipy-lbfgsb \(external\): 4 points, final F = 0\.5, on train\.svm/);
    const again = optlab(['import', out, file, '--method', 'scipy-lbfgsb', '--lambda', '0']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds a run scipy-lbfgsb \(external\)@/);

    const { readResults } = await import('../../src/node/report-writer.js');
    const { buildSweepReport } = await import('../../src/report/build.js');
    const res = await readResults(out);
    const ext = res.runs.find((x) => x.external !== undefined)!;
    assert.equal(ext.label, 'scipy-lbfgsb (external)');
    assert.deepEqual(ext.external, { tool: 'scipy 1.x', source: 'scipy-lbfgsb.csv', passesKnown: true });
    assert.equal(ext.objective.lambda, 0);
    assert.equal(ext.result.counts.passes, 5, 'nfev = 5 full evaluations');
    const rows = res.traces.filter((t) => t.id === ext.id);
    assert.ok(rows.every((t) => t.loss === ext.objective.loss && t.lambda === 0 && t.labels === ext.objective.labels));
    assert.deepEqual(
      rows.map((t) => [t.iter, t.value, t.passes]),
      [
        [0, 0.7, 0],
        [1, 0.6, 2],
        [2, 0.55, 3],
        [3, 0.5, 5],
      ],
    );
    const report = buildSweepReport(res.runs, res.traces, res.manifest);
    const ref = report.sections.find((s) => s.id === 'reference-runs')!;
    assert.ok(ref, report.sections.map((s) => s.id).join(', '));
    const table = ref.tables[0];
    const lbfgsRow = table.rows.find((x) => String(x[5]).endsWith('(counterpart)'))!;
    assert.match(String(lbfgsRow[5]), /^lbfgs\[memory=3\] \(counterpart\)$/);
    const optlabF = res.runs.find((x) => x.label === 'lbfgs[memory=3]')!.result.value;
    assert.equal(lbfgsRow[8], String(Number((0.5 - optlabF).toPrecision(3))));
    const labels = new Set(
      ref.figures[0].spec.data &&
        (ref.figures[0].spec as { data: { values: Array<{ label: string }> } }).data.values.map((v) => v.label),
    );
    assert.ok(labels.has('scipy-lbfgsb (external)') && labels.has('lbfgs[memory=3]'), [...labels].join(', '));
    // In the comparison of methods and the all-runs table too.
    const all = report.sections.find((s) => s.id === 'all-runs')!.tables[0];
    assert.ok(all.rows.some((x) => String(x[0]).startsWith('scipy-lbfgsb (external)@')));
    const exp = optlab(['export', out, '--format', 'csv', '--out', join(root, 'with-ext', 'r.csv')]);
    assert.equal(exp.code, 0, exp.stderr);
    assert.match(readFileSync(join(root, 'with-ext', 'r.csv'), 'utf8'), /\nscipy-lbfgsb \(external\)@train\.svm#0,/);
  });

  it('JSON Lines input; bad input names the file and line', async () => {
    const { parseExternalTrace } = await import('../../src/sweep/external.js');
    const pts = parseExternalTrace(
      '{"iter": 0, "fun": 1, "passes": 0}\n{"iter": 1, "fun": null, "passes": 1.5}\n',
      'x.jsonl',
    );
    assert.deepEqual(
      pts.map((p) => [p.iter, p.value, p.passes]),
      [
        [0, 1, 0],
        [1, null, 1.5],
      ],
    );
    assert.throws(() => parseExternalTrace('iter,value\n0,1\n0,2\n', 'a.csv'), /a\.csv:3:1: iterations must increase/);
    assert.throws(() => parseExternalTrace('iter,grad_norm\n0,1\n', 'b.csv'), /b\.csv:2:1: no value column/);
    assert.throws(
      () => parseExternalTrace('iter,value\n0,abc\n', 'c.csv'),
      /c\.csv:2:1: column "value": "abc" is not a number/,
    );
  });

  it('bench/python/scipy_runs.py writes traces that import as SciPy runs (when python3 has SciPy)', {
    skip: scipyMissing() ?? false,
    timeout: 120_000,
  }, () => {
    const dir = join(root, 'scipy');
    const r = spawnSync(
      'python3',
      ['bench/python/scipy_runs.py', '--data', join(root, 'train.svm'), '--out', dir, '--max-iter', '30'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { methods: Record<string, { value: number }> };
    assert.deepEqual(Object.keys(summary.methods), ['scipy-lbfgsb', 'scipy-bfgs', 'scipy-cg']);
    // Same objective as optlab at x = 0: labels {0,1} → F(0) = mean((y − 1/2)²) = 0.25.
    assert.match(readFileSync(join(dir, 'scipy-cg.csv'), 'utf8'), /^iteration,value,grad_norm,seconds,nfev\n0,0\.25,/);
    const imp = optlab(['import', out, join(dir, 'scipy-bfgs.csv'), '--method', 'scipy-bfgs', '--lambda', '0']);
    assert.equal(imp.code, 0, imp.stderr);
  });
});
