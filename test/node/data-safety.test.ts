import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic } from '../../src/node/atomic.js';
import { OutputError } from '../../src/node/fs-errors.js';
import { MARKER } from '../../src/node/output-folder.js';
import { runSweep } from '../../src/node/sweep-runner.js';
import { Rng } from '../../src/run/rng.js';
import { CLI_ARGS, optlab } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'optlab-safety-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (): string => {
  const d = join(root, `t${counter++}`);
  mkdirSync(d);
  return d;
};

/** A small seeded LIBSVM file. */
function data(dir: string, name = 'train.svm', rows = 80, seed = 1): string {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const y = rng.next() < 0.5 ? -1 : 1;
    lines.push(`${y} 1:${(y * 0.3 + rng.normal()).toFixed(3)} ${2 + rng.int(4)}:1 7:${rng.normal().toFixed(3)}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function sweep(dir: string, seeds = 2, extra = ''): string {
  data(dir);
  const path = join(dir, 'sweep.yaml');
  writeFileSync(
    path,
    [
      'datasets: [train.svm]',
      `seeds: ${seeds}`,
      'budgets: {maxIter: 10, epochs: 2}',
      'methods:',
      '  - {method: sgd, grid: {step: [1, 0.5]}}',
      `  - {method: gd${extra}}`,
    ].join('\n'),
  );
  return path;
}

/** Every JSON and JSON Lines file under `dir` parses (nothing half-written). */
function assertAllValid(dir: string): void {
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    if (!statSync(p).isFile()) continue;
    assert.doesNotMatch(name, /\.tmp-\d+-/, `a temporary file was left: ${name}`);
    const text = readFileSync(p, 'utf8');
    if (name.endsWith('.json')) JSON.parse(text);
    if (name.endsWith('.jsonl')) for (const l of text.split('\n')) if (l !== '') JSON.parse(l);
  }
}

describe('results folders optlab did not create (15.1)', () => {
  it('refuses a non-empty foreign --out and leaves the user files alone; --force writes into it', async () => {
    const dir = fresh();
    const file = sweep(dir);
    const out = join(dir, 'mine');
    mkdirSync(out);
    const own: Record<string, string> = {
      'runs.jsonl': 'my own runs\n',
      'trace.jsonl': 'my trace\n',
      'report.html': '<p>my report</p>',
      'study.json': '{"mine": true}',
    };
    for (const [n, t] of Object.entries(own)) writeFileSync(join(out, n), t);
    await assert.rejects(runSweep({ file, out, jobs: 1 }), {
      message: new RegExp(
        `^${out.replace(/[/.]/g, '\\$&')} is not empty and was not created by optlab \\(it holds .*\\); choose another --out, or pass --force`,
      ),
    });
    await assert.rejects(runSweep({ file, out, jobs: 1, resume: true }), /--resume: .* was not written by optlab/);
    for (const [n, t] of Object.entries(own)) assert.equal(readFileSync(join(out, n), 'utf8'), t);
    assert.ok(!existsSync(join(out, MARKER)) && !existsSync(join(out, 'runs')), 'nothing was written');

    const cli = optlab(['study', '--out', out, '--preset', 'seed', '--data', join(dir, 'train.svm'), '--no-test-data']);
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(
      cli.stderr,
      /^optlab: .* is not empty and was not created by optlab .*--force to write the study's files into it\n$/,
    );
    assert.equal(readFileSync(join(out, 'study.json'), 'utf8'), own['study.json']);

    const forced = await runSweep({ file, out, jobs: 1, force: true });
    assert.equal(forced.status, 'complete');
    assert.ok(existsSync(join(out, MARKER)));
    assert.equal(readFileSync(join(out, 'report.html'), 'utf8'), own['report.html'], 'not a sweep file: kept');
    // the folder is optlab's now: resume works, a new sweep without --resume still needs it
    assert.equal((await runSweep({ file, out, jobs: 1, resume: true })).status, 'complete');
    await assert.rejects(runSweep({ file, out, jobs: 1 }), /already holds sweep results; pass --resume/);
  });

  it('refuses --out naming a file with one line', async () => {
    const dir = fresh();
    const file = sweep(dir);
    const out = join(dir, 'a-file');
    writeFileSync(out, 'x');
    const r = optlab(['sweep', file, '--out', out, '--quiet']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `optlab: --out ${out} is a file, not a folder; choose a folder for the results\n`);
    const under = optlab(['sweep', file, '--out', join(out, 'sub'), '--quiet']);
    assert.notEqual(under.code, 0);
    assert.match(
      under.stderr,
      /^optlab: cannot write .*a-file\/sub: a part of the path is a file, not a folder \(ENOTDIR\)\n$/,
    );
  });

  it('optlab report on a foreign study.json is a clean error', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'study.json'), '{"title": "my notes"}');
    const r = optlab(['report', dir]);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stderr, /internal error|Cannot read properties/);
    assert.match(r.stderr, /^optlab: .*study\.json is not an optlab study file/);
  });
});

describe('--resume refuses changed data (15.4)', () => {
  it('compares the datasets SHA-256 with the finished runs', async () => {
    const dir = fresh();
    const file = sweep(dir);
    const out = join(dir, 'out');
    await runSweep({ file, out, jobs: 1 });
    rmSync(join(out, 'runs', readdirSync(join(out, 'runs'))[0])); // one run to do again
    data(dir, 'train.svm', 80, 2); // other bytes, same name
    await assert.rejects(
      runSweep({ file, out, jobs: 1, resume: true }),
      /^OptlabError: --resume: dataset train\.svm has changed \(SHA-256 [0-9a-f]{64} now, [0-9a-f]{64} for the finished runs in .*\); resuming would mix the two/,
    );
    data(dir, 'train.svm', 80, 1); // restored
    assert.equal((await runSweep({ file, out, jobs: 1, resume: true })).manifest.runs.resumed, 5);
  });
});

describe('file-system errors: one clear line, no respawn, no hang, files left valid (15.6)', () => {
  it('writeFileAtomic: ENOSPC from the write leaves the old file and no temporary file (injected write)', () => {
    const dir = fresh();
    const path = join(dir, 'f.json');
    writeFileAtomic(path, '{"old": 1}\n');
    const enospc = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    };
    assert.throws(
      () => writeFileAtomic(path, '{"new": 2}\n', { writeSync: enospc }),
      (e: unknown) =>
        e instanceof OutputError && e.message === `cannot write ${path}: no space left on the device (ENOSPC)`,
    );
    assert.equal(readFileSync(path, 'utf8'), '{"old": 1}\n');
    assert.deepEqual(readdirSync(dir), ['f.json']);
  });

  // A real full disk and a real read-only mount: a 1 MiB tmpfs (needs root, as CI runs; else said loudly).
  const mnt = join(root, 'tiny');
  mkdirSync(mnt);
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    if (process.env.CI) throw new Error(`cannot mount a tmpfs for the full-disk test (CI runs as root): ${e}`);
  }
  after(() => {
    if (mounted) spawnSync('umount', [mnt]);
  });

  it('a full disk (1 MiB tmpfs) with --jobs 2: one line, exit 74, no hang, every file left valid', {
    skip: mounted ? false : 'not root: mount -t tmpfs is not permitted (the injected-write test covers ENOSPC)',
  }, () => {
    const dir = fresh();
    const file = sweep(dir, 40, ', params: {step: 0.5}'); // 120 runs: more than 1 MiB of run files
    const out = join(mnt, 'out');
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(1024 * 1024 - 96 * 1024)); // 96 KiB left
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [...CLI_ARGS, 'sweep', file, '--out', out, '--jobs', '2', '--quiet'], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    assert.notEqual(r.signal, 'SIGTERM', `the sweep hung (killed after ${Date.now() - t0} ms)`);
    assert.equal(r.status, 74, r.stderr);
    assert.match(r.stderr, /^optlab: cannot write .*: no space left on the device \(ENOSPC\)\n$/);
    assertAllValid(out);
    rmSync(out, { recursive: true, force: true });
    rmSync(join(mnt, 'filler'));
  });

  it('a read-only mount: one line before any run', {
    skip: mounted ? false : 'not root: mount is not permitted',
  }, () => {
    const dir = fresh();
    const file = sweep(dir);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      const r = optlab(['sweep', file, '--out', join(mnt, 'ro-out'), '--quiet']);
      assert.equal(r.code, 74, r.stderr);
      assert.match(r.stderr, /^optlab: cannot write .*ro-out: the file system is read-only \(EROFS\)\n$/);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
  });
});
