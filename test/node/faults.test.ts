import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Rng } from '../../src/run/rng.js';
import { CLI_ARGS } from '../helpers/cli.js';

/**
 * Faults during `optlab sweep`: SIGINT, SIGTERM and SIGKILL at seeded random moments (a few ms after the k-th
 * run is done, k and the delay drawn from a seeded generator). After each: every file
 * in the folder is whole (no temporary file, every JSON parses), the finished runs are kept, and `--resume`
 * completes with runs.jsonl and trace.jsonl identical to an uninterrupted sweep except for `seconds`.
 * `FAULT_TRIALS=N` runs more trials (`npm run fuzz` runs 12).
 */
const TRIALS = Number(process.env.FAULT_TRIALS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'optlab-faults-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(2026);
const lines: string[] = [];
for (let i = 0; i < 2000; i++) {
  const y = rng.next() < 0.5 ? -1 : 1;
  const cols = new Set<number>();
  while (cols.size < 8) cols.add(1 + rng.int(40));
  const e = [...cols].sort((a, b) => a - b).map((j) => `${j}:${(0.2 * y * ((j % 3) - 1) + rng.normal()).toFixed(3)}`);
  lines.push(`${y} ${e.join(' ')}`);
}
writeFileSync(join(dir, 'train.svm'), `${lines.join('\n')}\n`);
const sweepFile = join(dir, 'sweep.yaml');
writeFileSync(
  sweepFile,
  [
    'datasets: [train.svm]',
    'seeds: 4',
    'budgets: {maxIter: 400, epochs: 8, tol: 0}',
    'methods:',
    '  - {method: sgd, grid: {step: [1, 0.5, 0.25]}}',
    '  - {method: adagrad}',
    '  - {method: lbfgs, seeds: 1, grid: {memory: [3, 10]}}',
    '  - {method: gd, seeds: 1, params: {step: 0.5}}',
  ].join('\n'),
);

function sweep(out: string, extra: string[] = []): Promise<{ code: number | null; signal: string | null; ms: number }> {
  return new Promise((res) => {
    const t0 = Date.now();
    const p = spawn(process.execPath, [
      ...CLI_ARGS,
      'sweep',
      sweepFile,
      '--out',
      out,
      '--jobs',
      '2',
      '--quiet',
      ...extra,
    ]);
    p.on('exit', (code, signal) => res({ code, signal, ms: Date.now() - t0 }));
  });
}

/**
 * Starts a sweep and sends `signal` at a random moment inside it: `extraMs` after the `afterDone`-th run is
 * reported done on stderr (so the moment falls between runs or inside one, never before the start or after the
 * end); resolves when the process exits.
 */
function interrupted(out: string, signal: NodeJS.Signals, afterDone: number, extraMs: number) {
  return new Promise<{ code: number | null; signal: string | null }>((res) => {
    const p = spawn(process.execPath, [...CLI_ARGS, 'sweep', sweepFile, '--out', out, '--jobs', '2']);
    let done = 0;
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    p.stderr.on('data', (b: Buffer) => {
      text += b.toString();
      const n = (text.match(/\] done /g) ?? []).length;
      if (n >= afterDone && done < afterDone) timer = setTimeout(() => p.kill(signal), extraMs);
      done = n;
    });
    p.on('exit', (code, sig) => {
      clearTimeout(timer);
      res({ code, signal: sig });
    });
  });
}

/** JSON Lines without the `seconds` fields (wall time is the only thing allowed to differ). */
function withoutSeconds(path: string): unknown[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => k !== 'seconds')
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => strip(JSON.parse(l)));
}

/**
 * Every file in `out` is whole (JSON files parse); no temporary file is left, except where `tmpAllowed`: SIGKILL
 * cannot be handled, so a kill inside an atomic write leaves its `.tmp-` file (never a half-written final file),
 * which the next `--resume` removes (checked by the call after it, without the allowance).
 */
function assertWhole(out: string, tmpAllowed = false): number {
  let runs = 0;
  for (const name of readdirSync(out, { recursive: true }) as string[]) {
    const p = join(out, name);
    if (!statSync(p).isFile()) continue;
    if (tmpAllowed && /\.tmp-/.test(name)) continue;
    assert.doesNotMatch(name, /\.tmp-/, `temporary file left: ${name}`);
    const text = readFileSync(p, 'utf8');
    if (name.endsWith('.json')) JSON.parse(text);
    if (name.endsWith('.jsonl')) for (const l of text.split('\n')) if (l !== '') JSON.parse(l);
    if (name.startsWith('runs/') && name.endsWith('.json')) runs++;
  }
  return runs;
}

describe('faults: signals during a sweep (14)', () => {
  let reference: { runs: unknown[]; trace: unknown[] };

  it('an uninterrupted sweep (the reference)', async () => {
    const out = join(dir, 'ref');
    const r = await sweep(out);
    assert.equal(r.code, 0);
    reference = { runs: withoutSeconds(join(out, 'runs.jsonl')), trace: withoutSeconds(join(out, 'trace.jsonl')) };
    assert.equal(reference.runs.length, 19);
  });

  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
  /** Trials whose signal came before the sweep ended (under heavy load a late one may find it finished). */
  let interruptedTrials = 0;
  const moments = new Rng(14);
  for (let k = 0; k < TRIALS; k++) {
    const signal = signals[k % signals.length];
    const afterDone = 1 + moments.int(8);
    const extraMs = moments.int(100);
    it(`${signal} ${extraMs} ms after run ${afterDone} of 19: finished runs kept, resume is bit for bit`, async () => {
      const out = join(dir, `t${k}`);
      const r = await interrupted(out, signal, afterDone, extraMs);
      if (signal === 'SIGINT' && r.code !== 0) assert.equal(r.code, 130);
      const kept = assertWhole(out, signal === 'SIGKILL');
      assert.ok(kept >= afterDone, `${kept} runs kept, but ${afterDone} were reported done before the signal`);
      if (kept < 19) interruptedTrials++;
      const resumed = await sweep(out, ['--resume']);
      assert.equal(resumed.code, 0);
      assertWhole(out);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      assert.equal(manifest.runs.resumed, kept, 'every run file kept was resumed, not run again');
      assert.deepStrictEqual(withoutSeconds(join(out, 'runs.jsonl')), reference.runs);
      assert.deepStrictEqual(withoutSeconds(join(out, 'trace.jsonl')), reference.trace);
    });
  }

  it('the signals came inside the sweep (in most trials)', () => {
    assert.ok(interruptedTrials * 2 >= TRIALS, `${interruptedTrials} of ${TRIALS} trials interrupted the sweep`);
  });
});
