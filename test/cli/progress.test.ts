/**
 * Progress as a user sees it: on a terminal a cli-progress bar with the elapsed time, the ETA and the rate
 * (run: one bar; sweep: the sweep's bar above the runs in flight), off a terminal plain lines with the same
 * fields; progress on stderr only, stdout the results alone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createDisplay } from '../../src/cli/progress.js';
import { expandSweep } from '../../src/sweep/expand.js';
import { readSweep } from '../../src/sweep/schema.js';
import { CLI_ARGS, optlab } from '../helpers/cli.js';
import { PTY_RUNNER, sh, underPty } from './pty.js';

const ESC = '\x1b';
const tmp = () => mkdtempSync(join(tmpdir(), 'optlab-progress-'));

/** A seeded 400-row, 20-feature LIBSVM file (labels ±1), enough for a few hundred iterations. */
function dataFile(dir: string): string {
  let s = 1;
  const rand = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const cols = [...new Set(Array.from({ length: 5 }, () => 1 + Math.floor(rand() * 20)))].sort((a, b) => a - b);
    lines.push(`${rand() < 0.5 ? -1 : 1} ${cols.map((c) => `${c}:${(rand() * 2 - 1).toFixed(3)}`).join(' ')}`);
  }
  const p = join(dir, 'data.svm');
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

function sweepFile(dir: string): string {
  const p = join(dir, 'sweep.yaml');
  writeFileSync(
    p,
    [
      'datasets: [data.svm]',
      'budgets: {maxIter: 200, tol: 0}',
      'seeds: 2',
      'methods:',
      '  - method: gd',
      '  - method: sgd',
      '    budgets: {epochs: 2, maxIter: null}',
      '',
    ].join('\n'),
  );
  return p;
}

/** The optlab command line (test/helpers/cli.ts's CLI), for a shell. */
const cli = (args: string[]) => [process.execPath, ...CLI_ARGS, ...args].map(sh).join(' ');

/** On CI a missing pseudo-terminal runner fails; elsewhere the TTY tests say why they skip. */
function needPty(t: { skip(msg: string): void }): boolean {
  if (PTY_RUNNER !== undefined) return true;
  if (process.env.CI) assert.fail('neither script (util-linux) nor python3 is here to give the CLI a terminal');
  t.skip('neither script (util-linux) nor python3 is here');
  return false;
}

const RUN_ARGS = (data: string) => ['run', '--data', data, '--method', 'gd', '--max-iter', '300', '--tol', '0'];

describe('progress on a terminal (a pseudo-terminal)', () => {
  it('run: a bar with elapsed, ETA and iter/s on stderr; stdout the results alone', (t) => {
    if (!needPty(t)) return;
    const dir = tmp();
    const data = dataFile(dir);
    const out = join(dir, 'stdout.txt');
    const r = underPty(`${cli(RUN_ARGS(data))} > ${sh(out)}`);
    assert.equal(r.code, 0, r.transcript);
    // its last frame: full bar, 100%, the count, and the timing fields
    assert.match(
      r.transcript,
      /gd \[█+\] 100% 300\/300 iter \| elapsed \d+\.\d s, ETA 0 s, [\d.e+]+ iter\/s f=[\d.e+-]+/,
      r.transcript,
    );
    assert.ok(r.transcript.includes(`${ESC}[`), 'drawn with terminal control codes');
    assert.doesNotMatch(r.transcript, /^gd: \d+% \(/m, 'no plain progress lines on a terminal');
    assert.doesNotMatch(r.transcript, /stopped|grad norm/, 'no results on stderr');
    const stdout = readFileSync(out, 'utf8');
    assert.match(stdout, /^gd on .*data\.svm \(400 rows, 20 features\)/);
    assert.match(stdout, /^stopped {4}max-iterations: reached 300 iterations$/m);
    assert.ok(!stdout.includes(ESC) && !stdout.includes('elapsed') && !stdout.includes('█'), stdout);
  });

  it("sweep: the sweep's bar with runs, elapsed, ETA and runs/s; lines above it; stdout the summary alone", (t) => {
    if (!needPty(t)) return;
    const dir = tmp();
    dataFile(dir);
    const file = sweepFile(dir);
    const results = join(dir, 'results');
    const out = join(dir, 'stdout.txt');
    const r = underPty(`${cli(['sweep', file, '--out', results, '--jobs', '1'])} > ${sh(out)}`);
    assert.equal(r.code, 0, r.transcript);
    assert.match(r.transcript, /sweep: 4 runs; loading the data\r?\n/);
    assert.match(r.transcript, /sweep: 4 runs, 4 to run on 1 thread\(s\), results in /);
    assert.match(r.transcript, /sweep \[█+\] 4\/4 runs \| elapsed \d+\.\d s, ETA 0 s, [\d.e+]+ runs\/s/, r.transcript);
    assert.ok(r.transcript.includes(`${ESC}[`), 'drawn with terminal control codes');
    assert.doesNotMatch(r.transcript, /^\[\d+\/4\] done /m, 'no plain lines on a terminal');
    assert.match(
      readFileSync(out, 'utf8'),
      /^sweep complete in [\d.]+ s: 4 of 4 runs finished \(0 resumed, 0 failed\); results in .*results\n$/,
    );
  });
});

describe('progress off a terminal: plain lines on stderr only', () => {
  it('run: 10 % lines with elapsed, ETA and iter/s, ending at 100 %', () => {
    const dir = tmp();
    const r = optlab(RUN_ARGS(dataFile(dir)));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    for (const l of lines)
      assert.match(l, /^gd: \d+% \(\d+\/300 iter; elapsed \d+\.\d s, ETA [\d.]+ s, [\d.e+]+ iter\/s\) f=/, l);
    assert.match(lines[lines.length - 1], /^gd: 100% \(300\/300 iter; elapsed \d+\.\d s, ETA 0 s, /);
    assert.ok(!r.stderr.includes(ESC) && !r.stderr.includes('█'), 'no bar off a terminal');
    assert.ok(!r.stdout.includes('elapsed') && !/^gd: \d+%/m.test(r.stdout), r.stdout);
    assert.match(r.stdout, /^gd on /);
  });

  it('sweep: one line per finished run with the count, elapsed, ETA and runs/s', () => {
    const dir = tmp();
    dataFile(dir);
    const file = sweepFile(dir);
    const r = optlab(['sweep', file, '--out', join(dir, 'results'), '--jobs', '1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'sweep: 4 runs; loading the data');
    assert.match(lines[1], /^sweep: 4 runs, 4 to run on 1 thread\(s\), results in /);
    assert.equal(lines.length, 6, r.stderr);
    lines.slice(2).forEach((l, i) => {
      assert.match(
        l,
        new RegExp(
          `^\\[${i + 1}/4\\] done \\S+ \\([\\d.]+ s, max-\\w+\\); elapsed [\\d.]+ s, ETA [\\d.]+ s, [\\d.e+]+ runs/s$`,
        ),
      );
    });
    assert.ok(!r.stderr.includes(ESC));
    assert.match(
      r.stdout,
      /^sweep complete in [\d.]+ s: 4 of 4 runs finished \(0 resumed, 0 failed\); results in .*\n$/,
    );
  });
});

describe('the terminal display (in process, stderr captured)', () => {
  /** Runs `f` with process.stderr taken for a terminal of 80 columns; returns what was written to it. */
  async function onTerminal(f: (seen: () => string) => Promise<void> | void): Promise<string> {
    const err = process.stderr as NodeJS.WriteStream & { isTTY: boolean };
    const { isTTY, columns, write } = err;
    let text = '';
    err.isTTY = true;
    err.columns = 80;
    err.write = ((chunk: string | Uint8Array) => {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }) as typeof err.write;
    try {
      await f(() => text);
    } finally {
      err.isTTY = isTTY;
      err.columns = columns;
      err.write = write;
    }
    return text;
  }

  const runs = expandSweep(readSweep('datasets: [a9a]\nbudgets: {maxIter: 10}\nmethods: [{method: gd}]\n', 's.yaml'));

  it("a line before the bars is written at once; the last run's failure survives the bars' removal", async () => {
    let before = '';
    const text = await onTerminal((seen) => {
      const d = createDisplay();
      d.event({ type: 'expanded', total: 1 });
      d.stage('gradient checks');
      before = seen();
      d.event({ type: 'begin', total: 1, resumed: 0, pending: 1, lanes: 1, out: 'results/s' });
      d.event({ type: 'start', run: runs[0] });
      d.event({ type: 'failed', run: runs[0], message: 'the objective threw\nat line 2', done: 1, total: 1 });
      d.stop();
      d.stop(); // twice is harmless (the sweep command stops on error and in finally)
      d.log('after the bars');
    });
    assert.match(before, /^sweep: 1 runs; loading the data\nstudy: gradient checks \(elapsed \d+\.\d s\)\n$/);
    assert.ok(text.includes(`[1/1] failed ${runs[0].id}: the objective threw\n`), text);
    assert.match(text, /sweep \[█+\] 1\/1 runs \| elapsed \d+\.\d s, ETA 0 s, [\d.e+]+ runs\/s, 1 failed/);
    assert.ok(text.endsWith('after the bars\n'), text);
  });
});
