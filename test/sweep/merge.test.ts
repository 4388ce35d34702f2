import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mergeResults } from '../../src/node/merge.js';
import { readShardRecords } from '../../src/node/shard-record.js';
import { runSweep } from '../../src/node/sweep-runner.js';
import type { Manifest, RunFile } from '../../src/sweep/results.js';
import { optlab } from '../helpers/cli.js';
import { writeLibsvmFixture } from '../helpers/libsvm-fixture.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'optlab-merge-'));

const SWEEP = [
  'name: shards',
  'datasets: [train.svm, {data: train.svm, subset: 60}]',
  'testData: test.svm',
  'seeds: 2',
  'budgets: {maxIter: 30, epochs: 2}',
  'methods:',
  '  - {method: sgd, params: {batch: 8}, grid: {step: [1, 0.5]}}',
  '  - {method: lbfgs, seeds: 1, grid: {memory: [0, 5]}}',
  '  - {method: prox-gd, seeds: [0], grid: {lambda: [0, 0.01]}}',
].join('\n');

function setup(text = SWEEP): { dir: string; file: string } {
  const dir = tmp();
  writeLibsvmFixture(join(dir, 'train.svm'), 120, 10, 4, 1);
  writeLibsvmFixture(join(dir, 'test.svm'), 40, 10, 4, 2);
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

/** Lines of a JSON Lines file without `seconds` fields. */
function rows(path: string): unknown[] {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => k !== 'seconds')
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => strip(JSON.parse(l)));
}

const shard = (index: number, count: number) => ({ index, count, source: '--shard' });

describe('shards and merge', () => {
  it('three shards into one folder, merged, give the one-machine sweep (seconds aside); each shard writes only its record', async () => {
    const { dir, file } = setup();
    const whole = join(dir, 'whole');
    await runSweep({ file, out: whole, jobs: 1 });
    const out = join(dir, 'shared');
    const ran: string[][] = [];
    for (const k of [2, 0, 1]) {
      const r = await runSweep({ file, out, jobs: k === 1 ? 2 : 1, shard: shard(k, 3) });
      assert.equal(r.status, 'complete');
      ran.push(JSON.parse(readFileSync(r.shardRecord!, 'utf8')).runs.ran);
      // a shard writes no consolidated files: merge does
      assert.equal(existsSync(join(out, 'manifest.json')), false);
      assert.equal(existsSync(join(out, 'runs.jsonl')), false);
    }
    const ids = ran.flat().sort();
    assert.equal(ids.length, 16);
    assert.equal(new Set(ids).size, 16, 'no run ran in two shards');
    const m = mergeResults({ dirs: [out] });
    assert.deepEqual(m.missing, []);
    assert.equal(m.manifest.status, 'complete');
    assert.deepEqual(rows(join(out, 'runs.jsonl')), rows(join(whole, 'runs.jsonl')));
    assert.deepEqual(rows(join(out, 'trace.jsonl')), rows(join(whole, 'trace.jsonl')));
    assert.ok(
      rows(join(out, 'trace.jsonl')).every((t) => typeof (t as { loss?: unknown }).loss === 'string'),
      'merged trace rows carry the problem',
    );
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    assert.deepEqual(
      manifest.shards!.map((s) => [s.shard.index, s.shard.count, s.status, s.host === manifest.shards![0].host]),
      [
        [0, 3, 'complete', true],
        [1, 3, 'complete', true],
        [2, 3, 'complete', true],
      ],
    );
    assert.ok(manifest.shards!.every((s) => typeof s.pid === 'number' && s.startedAt <= s.endedAt!));
    assert.equal(manifest.runs.total, 16);
    assert.equal(manifest.runs.finished, 16);
    // the report reads the merged folder
    const rep = optlab(['report', out, '--no-png', '--quiet']);
    assert.equal(rep.code, 0, rep.stderr);
    assert.match(rep.stdout, /16 runs/);
  });

  it('lists the missing runs and exits 1 while a shard has not run; a shard run again needs --resume and then runs nothing', async () => {
    const { dir, file } = setup();
    const out = join(dir, 'shared');
    await runSweep({ file, out, jobs: 1, shard: shard(0, 2) });
    const cli = optlab(['merge', out]);
    assert.equal(cli.code, 1);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(m.status, 'incomplete');
    const missing = m.merged!.missing;
    assert.ok(missing.length > 0 && missing.length < 16);
    assert.match(cli.stderr, new RegExp(`${missing.length} run\\(s\\) missing`));
    for (const id of missing) assert.ok(cli.stderr.includes(id), id);
    await assert.rejects(
      runSweep({ file, out, jobs: 1, shard: shard(0, 2) }),
      /already holds \d+ finished run\(s\) of shard 0\/2; pass --resume/,
    );
    const again = await runSweep({ file, out, jobs: 1, shard: shard(0, 2), resume: true });
    assert.deepEqual(JSON.parse(readFileSync(again.shardRecord!, 'utf8')).runs.ran, []);
    // the other shard does not need --resume: none of its runs are there yet
    await runSweep({ file, out, jobs: 1, shard: shard(1, 2) });
    const done = optlab(['merge', out]);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /merged 16 of 16 runs from 1 folder\(s\) \(3 shard record\(s\) from 1 host\(s\)\)/);
  });

  it('merges folders from several machines into a new folder, taking the shard records along', async () => {
    const { dir, file } = setup();
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await runSweep({ file, out: a, jobs: 1, shard: shard(0, 2) });
    await runSweep({ file, out: b, jobs: 1, shard: shard(1, 2) });
    await runSweep({ file, out: join(dir, 'whole'), jobs: 1 });
    const out = join(dir, 'merged');
    const r = mergeResults({ dirs: [a, b], out });
    assert.deepEqual(r.missing, []);
    assert.equal(readdirSync(join(out, 'runs')).length, 16);
    assert.equal(readShardRecords(out).length, 2);
    assert.deepEqual(rows(join(out, 'runs.jsonl')), rows(join(dir, 'whole', 'runs.jsonl')));
    // the same run in two folders (identical but for seconds) is fine
    const again = mergeResults({ dirs: [a, b, join(dir, 'whole')], out: join(dir, 'merged2') });
    assert.deepEqual(again.missing, []);
  });

  it('refuses a foreign run, a conflicting run, another sweep, and another dataset', async () => {
    const { dir, file } = setup();
    const a = join(dir, 'a');
    await runSweep({ file, out: a, jobs: 1, shard: shard(0, 2) });
    const name = readdirSync(join(a, 'runs'))[0];
    const runFile = JSON.parse(readFileSync(join(a, 'runs', name), 'utf8')) as RunFile;

    // a run whose id is not of this sweep
    const foreign = join(dir, 'foreign');
    cpSync(a, foreign, { recursive: true });
    writeFileSync(
      join(foreign, 'runs', name),
      JSON.stringify({ ...runFile, run: { ...runFile.run, id: 'gd@elsewhere#0' } }),
    );
    assert.throws(
      () => mergeResults({ dirs: [foreign] }),
      /is not a run of the sweep in .*\(id gd@elsewhere#0\): a foreign run/,
    );

    // the same run with another value in a second folder
    const conflict = join(dir, 'conflict');
    cpSync(a, conflict, { recursive: true });
    const changed = { ...runFile, run: { ...runFile.run, result: { ...runFile.run.result, value: 123 } } };
    writeFileSync(join(conflict, 'runs', name), JSON.stringify(changed));
    assert.throws(
      () => mergeResults({ dirs: [a, conflict], out: join(dir, 'm1') }),
      /conflict: run .* differs between/,
    );

    // a folder of another sweep
    const other = setup(SWEEP.replace('seeds: 2', 'seeds: 3'));
    await runSweep({ file: other.file, out: join(other.dir, 'o'), jobs: 1, shard: shard(1, 2) });
    assert.throws(
      () => mergeResults({ dirs: [a, join(other.dir, 'o')], out: join(dir, 'm2') }),
      /is not the sweep of .*merge folders of the same sweep only/,
    );

    // the same sweep over another file at the same path: the dataset's SHA-256 differs
    const moved = setup();
    writeLibsvmFixture(join(moved.dir, 'train.svm'), 120, 10, 4, 99);
    const bOut = join(moved.dir, 'b');
    await runSweep({ file: moved.file, out: bOut, jobs: 1, shard: shard(1, 2) });
    // sweep.json names the data by its path as given, so it is the same; the SHA-256 is not
    assert.throws(
      () => mergeResults({ dirs: [a, bOut], out: join(dir, 'm3') }),
      /dataset train\.svm has SHA-256 .*not the same sweep/,
    );
  });
});
