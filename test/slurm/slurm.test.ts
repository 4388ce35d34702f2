/**
 * On a real one-node SLURM cluster (Debian's slurm-wlm + munge, started by scripts/slurm/start.sh; .ci/run
 * starts and stops it). Outside CI, without a cluster, these tests skip with a message; in CI (CI=true) they
 * fail. SLURM_CONF names the cluster (start.sh prints it); else /tmp/optlab-slurm/slurm.conf is tried.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { loadDataset } from '../../src/node/load.js';
import { readShardRecords } from '../../src/node/shard-record.js';
import { sizeFromData } from '../../src/node/shard-run.js';
import { Rng } from '../../src/run/rng.js';
import { expandSweep } from '../../src/sweep/expand.js';
import type { Manifest, RunRow, ShardRecord } from '../../src/sweep/results.js';
import { readSweep } from '../../src/sweep/schema.js';
import { compareIds, partition } from '../../src/sweep/shard.js';
import { CLI_ARGS } from '../helpers/cli.js';
import { findDataFile } from '../helpers/data.js';
import { inRepo } from '../helpers/repo.js';

const START = 'bash scripts/slurm/start.sh';

/** The cluster's environment, or a reason why there is none. */
function findCluster(): { env: NodeJS.ProcessEnv } | { reason: string } {
  const conf = process.env.SLURM_CONF ?? '/tmp/optlab-slurm/slurm.conf';
  if (!existsSync(conf)) return { reason: `no SLURM configuration at ${conf} (start a test cluster: ${START})` };
  const env = { ...process.env, SLURM_CONF: conf };
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', env, timeout: 20_000 });
  if (r.error) return { reason: `sinfo: ${r.error.message} (install and start: ${START})` };
  const states = r.stdout.split('\n').filter(Boolean);
  if (r.status !== 0 || !states.some((s) => /^(idle|mixed|allocated)/.test(s))) {
    return {
      reason: `the SLURM cluster of ${conf} does not answer or has no usable node (${(r.stderr || r.stdout).trim()}); ${START}`,
    };
  }
  return { env };
}

const cluster = findCluster();
const a9a = findDataFile('a9a');

/** Skips (outside CI) or fails (CI=true) without a cluster; returns the cluster's environment. */
function needCluster(t: TestContext): NodeJS.ProcessEnv | undefined {
  if ('env' in cluster) return cluster.env;
  if (process.env.CI === 'true' || process.env.CI === '1')
    assert.fail(`SLURM tests need a cluster in CI: ${cluster.reason}`);
  t.skip(`no SLURM cluster: ${cluster.reason}`);
  return undefined;
}

/** `optlab ARGS` (test/helpers/cli.ts's CLI), with a time limit that fits a cluster's queue. */
function optlab(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], {
    encoding: 'utf8',
    env: { OPTLAB_SLURM_POLL_MS: '250', ...env },
    timeout: 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking (two shards at once, as on two machines). */
function optlabAsync(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [...CLI_ARGS, ...args], { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b) => {
      stdout += b;
    });
    p.stderr.on('data', (b) => {
      stderr += b;
    });
    p.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const jsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

/** What must agree bit for bit between two executions of a sweep: everything but the `seconds` fields. */
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

/** Asserts that two results folders hold the same runs and traces, seconds aside. */
function assertSameRuns(got: string, want: string): void {
  const a = jsonl<RunRow>(join(got, 'runs.jsonl'));
  const b = jsonl<RunRow>(join(want, 'runs.jsonl'));
  assert.deepEqual(
    a.map((r) => r.id),
    b.map((r) => r.id),
  );
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i].result, b[i].result];
    assert.equal(x.value, y.value, a[i].id);
    assert.equal(x.gradNorm, y.gradNorm, a[i].id);
    assert.deepEqual(x.counts, y.counts, a[i].id);
    assert.equal(x.stopReason, y.stopReason, a[i].id);
  }
  assert.deepEqual(withoutSeconds(a), withoutSeconds(b));
  assert.deepEqual(withoutSeconds(jsonl(join(got, 'trace.jsonl'))), withoutSeconds(jsonl(join(want, 'trace.jsonl'))));
}

const SGD_STEPS = inRepo('examples/sgd-steps.yaml');

describe('SLURM (a real one-node cluster)', () => {
  const root = mkdtempSync(join(tmpdir(), 'optlab-slurm-'));
  const reference = join(root, 'one-machine');
  const dataEnv = { OPTLAB_DATA: a9a === undefined ? undefined : resolve(a9a, '..') };
  let referenceCode = -1;

  before(() => {
    if (!('env' in cluster) || a9a === undefined) return;
    referenceCode = optlab(['sweep', SGD_STEPS, '--out', reference, '--jobs', '1', '--quiet'], {
      ...cluster.env,
      ...dataEnv,
    }).code;
  });

  /** The cluster and a9a, or a skip (outside CI) / a failure (in CI). */
  function needAll(t: TestContext): NodeJS.ProcessEnv | undefined {
    const env = needCluster(t);
    if (env === undefined) return undefined;
    if (a9a === undefined) {
      if (process.env.OPTLAB_REQUIRE_DATA === '1') assert.fail('a9a not found (OPTLAB_REQUIRE_DATA=1)');
      t.skip('a9a not found; set OPTLAB_DATA');
      return undefined;
    }
    assert.equal(referenceCode, 0, 'the one-machine sweep of examples/sgd-steps.yaml failed');
    return { ...env, ...dataEnv };
  }

  it('--slurm --tasks 3 --wait gives the one-machine sweep bit for bit, merged, with a report and every shard recorded', async (t) => {
    const env = needAll(t);
    if (env === undefined) return;
    const out = join(root, 'slurm');
    const r = optlab(['sweep', SGD_STEPS, '--out', out, '--slurm', '--tasks', '3', '--wait'], env);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /submitted job array (\d+) \(3 tasks, shards 0-2, 1 CPU\(s\) each\) and merge job (\d+)/);
    assert.match(r.stdout, /done: 11 of 11 runs, merged; report: /);
    assertSameRuns(out, reference);
    assert.ok(statSync(join(out, 'report.html')).size > 0);

    // the manifest records the three tasks: host, SLURM job and array task ids, start and end
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(m.status, 'complete');
    const arrayJob = /submitted job array (\d+)/.exec(r.stdout)![1];
    assert.deepEqual(
      m.shards!.map((s) => [s.shard.index, s.shard.count, s.slurm?.arrayJobId, s.slurm?.arrayTaskId, s.status]),
      [0, 1, 2].map((k) => [k, 3, arrayJob, String(k), 'complete']),
    );
    for (const s of m.shards!) {
      assert.ok(s.host.length > 0 && /^\d+$/.test(s.slurm!.jobId) && s.endedAt! >= s.startedAt);
    }
    // the tasks computed the partition this process computes (the same function of the sweep everywhere)
    const runs = expandSweep(readSweep(readFileSync(SGD_STEPS, 'utf8'), SGD_STEPS));
    const train = (await loadDataset(a9a!)).dataset;
    const { shards } = partition(runs, 3, sizeFromData(new Map(runs.map((x) => [x.dataset.key, { train }]))));
    assert.deepEqual(
      m.shards!.map((s) => s.runs.assigned),
      shards.map((s) => s.map((i) => runs[i].id).sort(compareIds)),
    );
    assert.ok(readdirSync(join(out, 'slurm', 'logs')).some((f) => f.startsWith('merge-')));
  });

  it('manual shards 0/2 and 1/2 at once into one folder, then optlab merge, give the one-machine sweep again', async (t) => {
    const env = needAll(t);
    if (env === undefined) return;
    const out = join(root, 'manual');
    const shards = ['0/2', '1/2'];
    const results = await Promise.all(
      shards.map((k) => optlabAsync(['sweep', SGD_STEPS, '--out', out, '--shard', k, '--jobs', '1', '--quiet'], env)),
    );
    results.forEach((r, i) => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`shard ${shards[i]}: \\d+ of \\d+ runs finished`));
    });
    const m = optlab(['merge', out], env);
    assert.equal(m.code, 0, m.stderr);
    assertSameRuns(out, reference);
  });

  it('optlab study --slurm gives the local study: its runs, and study.json with the landscape, bit for bit', async (t) => {
    const env = needAll(t);
    if (env === undefined) return;
    const args = ['study', '--preset', 'seed', '--seeds', '1', '--no-png', '--quiet'];
    const local = join(root, 'study-local');
    const cluster = join(root, 'study-slurm');
    const l = optlab([...args, '--out', local, '--jobs', '1'], env);
    assert.equal(l.code, 0, `${l.stdout}\n${l.stderr}`);
    const r = optlab([...args, '--out', cluster, '--slurm', '--tasks', '2', '--wait'], env);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /done: (\d+) of \1 runs, merged; report: /);
    assertSameRuns(cluster, local);
    // the merge job's `optlab report` computed the landscape from study.json's setting, as the local study did
    const meta = (dir: string) => JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
    const [got, want] = [meta(cluster), meta(local)];
    assert.ok(want.landscape.minima.length >= 1 && Object.keys(want.landscape.reached).length > 0);
    assert.deepEqual(got.landscape, want.landscape);
    assert.deepEqual(got, want);
    const html = readFileSync(join(cluster, 'report.html'), 'utf8');
    assert.match(html, /id="landscape"/);
    assert.match(html, /Which point each run of the smooth problem reached/);
  });

  it('a task cancelled mid-run (scancel), then submitted again, completes the sweep with nothing run twice that had finished', async (t) => {
    const env = needCluster(t);
    if (env === undefined) return;
    // 12 full-batch runs of about 0.3 s (more under load) on a synthetic dataset, 6 per task
    const dir = join(root, 'cancel');
    const rng = new Rng(5);
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const y = rng.next() < 0.5 ? -1 : 1;
      const cols = new Set<number>();
      while (cols.size < 8) cols.add(1 + rng.int(20));
      const entries = [...cols]
        .sort((a, b) => a - b)
        .map((j) => `${j}:${(0.3 * y * ((j % 3) - 1) + rng.normal()).toFixed(3)}`);
      lines.push(`${y > 0 ? '+1' : '-1'} ${entries.join(' ')}`);
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'big.svm'), `${lines.join('\n')}\n`);
    const file = join(dir, 'cancel.yaml');
    writeFileSync(
      file,
      'datasets: [big.svm]\nseeds: [0, 1]\nmethods:\n  - {method: gd, grid: {step: [0.5, 0.75, 1, 1.25, 1.5, 2]}, budgets: {maxIter: 1500, tol: 0}}\n',
    );
    const out = join(dir, 'out');
    const first = optlab(['sweep', file, '--out', out, '--slurm', '--tasks', '2'], env);
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    const [, arrayJob, mergeJob] = /submitted job array (\d+) .* merge job (\d+)/.exec(first.stdout)!;
    const runFiles = () =>
      existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json')) : [];

    // wait until task 0 has finished a run, then cancel it (and the first merge job)
    const deadline = Date.now() + 180_000;
    let record: ShardRecord | undefined;
    for (;;) {
      assert.ok(Date.now() < deadline, 'task 0 finished no run within 180 s');
      record = readShardRecords(out).find((r) => r.record.shard.index === 0)?.record;
      if (record !== undefined) {
        const done = new Set(runFiles().map((f) => f.replace(/\.json$/, '')));
        if (record.runs.assigned.some((id) => done.has(id))) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const cancel = spawnSync('scancel', [`${arrayJob}_0`, mergeJob], { encoding: 'utf8', env });
    assert.equal(cancel.status, 0, cancel.stderr);
    // wait until the cancelled task is gone (its SIGTERM handler writes its record), and task 1 has ended
    for (;;) {
      assert.ok(Date.now() < deadline, 'the cancelled task did not end');
      const q = spawnSync('squeue', ['-h', '-j', `${arrayJob},${mergeJob}`, '-o', '%i'], { encoding: 'utf8', env });
      if (q.status === 0 && q.stdout.trim() === '') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const before = new Map(runFiles().map((f) => [f, readFileSync(join(out, 'runs', f), 'utf8')]));
    const shard0 = readShardRecords(out).find((r) => r.record.shard.index === 0)!.record;
    const finished0 = shard0.runs.assigned.filter((id) => before.has(`${id}.json`));
    assert.ok(
      finished0.length > 0 && finished0.length < shard0.runs.assigned.length,
      `task 0 was cancelled mid-sweep: ${finished0.length} of ${shard0.runs.assigned.length} runs finished`,
    );
    assert.equal(shard0.status, 'interrupted', 'the cancelled task recorded its end (SIGTERM)');
    assert.ok(before.size < 12);

    // submit again: only shard 0 runs, only its missing runs
    const second = optlab(['sweep', file, '--out', out, '--slurm', '--resume', '--wait'], env);
    assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
    assert.match(
      second.stdout,
      new RegExp(
        `submitted job array \\d+ \\(1 of 2 shards: 0, 1 CPU\\(s\\) each\\) and merge job \\d+ \\(after the array\\): ${12 - before.size} of 12 runs to run`,
      ),
    );
    assert.equal(runFiles().length, 12);
    for (const [f, text] of before)
      assert.equal(readFileSync(join(out, 'runs', f), 'utf8'), text, `${f} was not run again`);
    const records = readShardRecords(out).map((r) => r.record);
    const again = records.filter((r) => r.shard.index === 0 && r.slurm?.arrayJobId !== arrayJob);
    assert.equal(again.length, 1);
    assert.deepEqual(again[0].runs.resumed, [...finished0].sort(compareIds));
    assert.deepEqual(
      [...again[0].runs.ran].sort(compareIds),
      shard0.runs.assigned.filter((id) => !before.has(`${id}.json`)).sort(compareIds),
    );
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(m.status, 'complete');
    assert.equal(m.shards!.length, 3, 'both attempts of shard 0 and shard 1 are in the manifest');
  });
});
