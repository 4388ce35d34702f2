/**
 * `npm run fuzz [-- --cases N --seed S]`: a long run of the seeded corpus (test/fuzz/corpus.ts) against the
 * properties of test/fuzz/check.ts. Prints the counts (tried, refused cleanly, loaded, failures), the worst
 * retained memory per input byte (inputs of 64 KiB or more), the worst time per byte of inputs over 1 MB, and
 * its ratio to the time per byte of parsing a9a in alternating rounds of the same run, and the peak resident memory of each heavy case (in a fresh process, minus
 * that of a process that reads nothing), then `--fault-trials N` (default 12) interrupt trials of
 * test/node/faults.test.ts. Every failing case is kept in test/fuzz/fixtures/ (npm test re-checks
 * them all). Exits 1 when any case fails.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readLibsvmFile } from '../../src/node/read-libsvm.js';
import { type CaseOutcome, checkCase } from './check.js';
import { fuzzCase, HEAVY_KINDS, MAKERS } from './corpus.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const cases = arg('cases', 5000);
const seed = arg('seed', Date.now() % 100000);
const heavyEvery = arg('heavy-every', 100);
const dir = mkdtempSync(join(tmpdir(), 'optlab-fuzz-run-'));
const fixtures = resolve('test/fuzz/fixtures');
const light = Object.keys(MAKERS).filter((k) => !HEAVY_KINDS.has(k));
const heavy = [...HEAVY_KINDS];

function peak(path?: string): { outcome: string; ms: number; maxRssBytes: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve('test/fuzz/peak.ts'), ...(path ? [path] : [])], {
    encoding: 'utf8',
  });
  return JSON.parse(r.stdout);
}

// time per byte of a9a, parsed in this process (from OPTLAB_DATA when present)
const a9a = process.env.OPTLAB_DATA ? join(process.env.OPTLAB_DATA, 'a9a') : '';
async function a9aNs(): Promise<number> {
  if (!a9a || !existsSync(a9a)) return Number.NaN;
  const t0 = performance.now();
  const r = await readLibsvmFile(a9a, { cache: false, env: {} });
  return ((performance.now() - t0) * 1e6) / r.bytes;
}
let a9aNsPerByte = Number.POSITIVE_INFINITY;
for (let k = 0; k < 3; k++) a9aNsPerByte = Math.min(a9aNsPerByte, await a9aNs());

/**
 * Time per byte of a case over 1 MB as a ratio to a9a's, in alternating rounds (a9a, case, a9a, case, ...):
 * the smallest ratio of adjacent rounds, so that load from other processes cancels out as far as it can.
 */
async function ratioToA9a(path: string, bytes: number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3; k++) {
    const base = await a9aNs();
    const t0 = performance.now();
    try {
      await readLibsvmFile(path, { cache: false, env: {} });
    } catch {}
    best = Math.min(best, ((performance.now() - t0) * 1e6) / bytes / base);
  }
  return best;
}
const ratios: Array<{ name: string; bytes: number; timesA9a: number }> = [];

const outcomes: CaseOutcome[] = [];
const failures: CaseOutcome[] = [];
const heavyPeaks: Array<{ name: string; bytes: number; outcome: string; rssOverBase: number }> = [];
const base = peak().maxRssBytes;
for (let i = 0; i < cases; i++) {
  const isHeavy = i % heavyEvery === heavyEvery - 1;
  const c = isHeavy ? fuzzCase(seed, Math.floor(i / heavyEvery), heavy) : fuzzCase(seed, i, light);
  const out = await checkCase(c, dir);
  outcomes.push(out);
  if (out.failure) {
    failures.push(out);
    mkdirSync(fixtures, { recursive: true });
    copyFileSync(join(dir, out.name), join(fixtures, out.name));
  }
  if (out.bytes > 2 ** 20 && a9a) {
    ratios.push({ name: out.name, bytes: out.bytes, timesA9a: await ratioToA9a(join(dir, out.name), out.bytes) });
  }
  if (isHeavy) {
    const p = peak(join(dir, out.name));
    heavyPeaks.push({ name: out.name, bytes: out.bytes, outcome: p.outcome, rssOverBase: p.maxRssBytes - base });
  }
  rmSync(join(dir, out.name), { force: true });
  if ((i + 1) % 500 === 0) process.stderr.write(`fuzz: ${i + 1}/${cases}\n`);
}
rmSync(dir, { recursive: true, force: true });

const big = outcomes.filter((o) => o.bytes > 2 ** 20);
const worstTime = big.reduce<CaseOutcome | undefined>(
  (w, o) => (w === undefined || o.ms / o.bytes > w.ms / w.bytes ? o : w),
  undefined,
);
const sizable = outcomes.filter((o) => o.bytes >= 65536 && o.outcome === 'loaded');
const worstRetained = sizable.reduce<CaseOutcome | undefined>(
  (w, o) => (w === undefined || o.retained / o.bytes > w.retained / w.bytes ? o : w),
  undefined,
);
const worstRatio = ratios.reduce<(typeof ratios)[number] | undefined>(
  (w, r) => (w === undefined || r.timesA9a > w.timesA9a ? r : w),
  undefined,
);
const worstPeak = heavyPeaks.reduce(
  (w, p) => (p.rssOverBase / p.bytes > w.rssOverBase / w.bytes ? p : w),
  heavyPeaks[0],
);
const summary = {
  seed,
  tried: outcomes.length,
  refusedCleanly: outcomes.filter((o) => o.outcome === 'refused' && !o.failure).length,
  loaded: outcomes.filter((o) => o.outcome === 'loaded' && !o.failure).length,
  failures: failures.map((f) => `${f.name}: ${f.failure}`),
  byKind: Object.fromEntries(
    [...light, ...heavy].map((k) => [
      k,
      {
        loaded: outcomes.filter((o) => o.kind === k && o.outcome === 'loaded').length,
        refused: outcomes.filter((o) => o.kind === k && o.outcome === 'refused').length,
      },
    ]),
  ),
  worstRetained: worstRetained && {
    name: worstRetained.name,
    bytes: worstRetained.bytes,
    retainedPerInputByte: worstRetained.retained / worstRetained.bytes,
  },
  a9aNsPerByte,
  worstTimeOver1MB: worstTime && {
    name: worstTime.name,
    bytes: worstTime.bytes,
    nsPerByte: (worstTime.ms * 1e6) / worstTime.bytes,
  },
  worstRatioToA9aAlternating: worstRatio,
  baselineRssBytes: base,
  worstPeak: worstPeak && { ...worstPeak, rssPerInputByte: worstPeak.rssOverBase / worstPeak.bytes },
  heavyPeaks,
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(join(tmpdir(), `optlab-fuzz-${seed}.json`), JSON.stringify(summary, null, 2));
// then the interrupt trials (test/node/faults.test.ts) with more trials than npm test runs
const trials = arg('fault-trials', 12);
const faults =
  trials > 0
    ? spawnSync(process.execPath, ['--import', 'tsx', '--test', resolve('test/node/faults.test.ts')], {
        env: { ...process.env, FAULT_TRIALS: String(trials) },
        stdio: 'inherit',
      }).status
    : 0;
process.exitCode = failures.length > 0 || faults !== 0 ? 1 : 0;
