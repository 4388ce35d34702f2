import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeLabels } from '../data/labels.js';
import { parseLibsvm } from '../data/libsvm.js';
import { Objective, type RowBatch } from '../objectives/objective.js';
import { prepare } from '../run/minimize.js';
import { Rng } from '../run/rng.js';
import { runStudy } from './study.js';

/** One timed quantity: median and spread over repeats (after a warm-up). */
export interface Timing {
  /** Median, in the entry's unit. */
  median: number;
  min: number;
  max: number;
  repeats: number;
}

/** A bench entry: its headline numbers (e.g. `medianMs`, `mbPerSecond`) plus the raw timing. */
export type BenchEntry = Record<string, number | string | boolean | Timing | undefined>;

/** Times `fn` `repeats` times after `warmup` calls; `scale` converts seconds to the unit (1e3: ms). */
export function measure(fn: () => void, warmup: number, repeats: number, scale = 1e3): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const s: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    fn();
    s.push(((performance.now() - t) / 1e3) * scale);
  }
  s.sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
    min: s[0],
    max: s[s.length - 1],
    repeats: s.length,
  };
}

/**
 * The minimum of sigmoid-lsq on a9a with labels {0, 1} (SciPy L-BFGS-B and BFGS with gtol 1e-12 agree to
 * 1e-11; optlab's BFGS reaches it too): the target of the `lbfgs/a9a` entry.
 */
export const A9A_FSTAR = 0.10330823007232857;

export interface BenchOptions {
  /** Path of the a9a file. */
  data: string;
  name: string;
  /** Repeats of the fast entries (default 100). */
  repeats?: number;
  /** Also time the whole study (about 20 s). */
  study?: boolean;
  onEntry?: (name: string, entry: BenchEntry) => void;
}

/** The a9a entries of `optlab bench`; see bench/README.md for what each measures. */
export async function benchA9a(o: BenchOptions): Promise<Record<string, BenchEntry>> {
  const repeats = o.repeats ?? 100;
  const out: Record<string, BenchEntry> = {};
  const add = (name: string, e: BenchEntry) => {
    out[name] = e;
    o.onEntry?.(name, e);
  };
  const bytes = readFileSync(o.data);
  const mb = bytes.length / 1e6;

  // parse: bytes already in memory to CSR
  let parsed = parseLibsvm(bytes, { fileName: o.name });
  const parse = measure(() => (parsed = parseLibsvm(bytes, { fileName: o.name })), 3, Math.max(10, repeats >> 2));
  add(`parse/${o.name}`, {
    mbPerSecond: mb / (parse.median / 1e3),
    medianMs: parse.median,
    bytes: bytes.length,
    timing: parse,
  });

  const { y } = encodeLabels(parsed.labels, '01', o.name);
  const fast = new Objective(parsed.X, y, { loss: 'sigmoid-lsq' });
  const ref = new Objective(parsed.X, y, { loss: 'sigmoid-lsq', kernel: 'js' });
  const d = fast.d;
  const x = Float64Array.from({ length: d }, (_, j) => Math.sin(j) * 0.1);
  const g = new Float64Array(d);
  const vg = measure(() => fast.valueGrad(x, g), 20, repeats);
  const vgJs = measure(() => ref.valueGrad(x, g), 20, repeats);
  add(`value-grad/${o.name}`, {
    medianMs: vg.median,
    kernel: fast.kernel,
    jsReferenceMs: vgJs.median,
    nnz: parsed.X.rowPtr[parsed.X.rows],
    timing: vg,
  });

  const rng = new Rng(1);
  const perm = rng.permutation(fast.n);
  for (const b of [16, 128]) {
    const batch: RowBatch = { idx: perm, start: 0, end: b };
    let pos = 0;
    const t = measure(
      () => {
        batch.start = pos;
        batch.end = pos + b;
        pos = pos + b + b > fast.n ? 0 : pos + b;
        fast.valueGrad(x, g, batch);
      },
      200,
      repeats * 20,
      1e6,
    );
    add(`value-grad-batch${b}/${o.name}`, { medianUs: t.median, timing: t });
  }

  const epoch = measure(
    () => {
      const { runner } = prepare(fast, { method: 'sgd', step: 0.5, batch: 16 }, { epochs: 1, seed: 1, tol: 0 });
      runner.advance();
    },
    1,
    Math.max(5, repeats >> 3),
  );
  add(`sgd-epoch/${o.name}`, { medianMs: epoch.median, batch: 16, steps: Math.ceil(fast.n / 16), timing: epoch });

  // L-BFGS (memory 10, strong Wolfe, from zeros) until F − f* ≤ 1e-8
  const lbfgsRuns: Array<{ seconds: number; iterations: number; evaluations: number; reached: boolean }> = [];
  for (let r = 0; r < 3; r++) {
    let reached = false;
    const { runner } = prepare(
      fast,
      { method: 'lbfgs', memory: 10 },
      {
        maxIter: 20000,
        tol: 0,
        onTrace: (p) => {
          if (p.value - A9A_FSTAR <= 1e-8) {
            reached = true;
            return false;
          }
          return undefined;
        },
      },
    );
    runner.advance();
    const res = runner.result();
    lbfgsRuns.push({ seconds: res.seconds, iterations: res.iterations, evaluations: res.counts.oracleCalls, reached });
  }
  lbfgsRuns.sort((a, b) => a.seconds - b.seconds);
  const mid = lbfgsRuns[1];
  add(`lbfgs/${o.name}`, {
    seconds: mid.seconds,
    iterations: mid.iterations,
    evaluations: mid.evaluations,
    reached: mid.reached,
    timing: { median: mid.seconds, min: lbfgsRuns[0].seconds, max: lbfgsRuns[2].seconds, repeats: 3 },
  });

  if (o.study) {
    const dir = mkdtempSync(join(tmpdir(), 'optlab-bench-study-'));
    try {
      const t = performance.now();
      const r = await runStudy({ out: join(dir, 'study'), preset: 'full', data: o.data, testData: null });
      const seconds = (performance.now() - t) / 1000;
      add(`study/${o.name}`, {
        seconds,
        sweepSeconds: r.seconds.sweep,
        reportSeconds: r.seconds.report,
        runs: r.manifest.runs.finished,
        figures: r.files.filter((f) => f.endsWith('.svg')).length,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

export interface ScalingOptions {
  /** Row counts (default 1e5 and 1e6; 1e7 writes a ~1.8 GB file). */
  rows: number[];
  features?: number;
  nnzPerRow?: number;
  /** Thread counts of the value+gradient entries (default 1 and 2). */
  threads?: number[];
  repeats?: number;
  onEntry?: (name: string, entry: BenchEntry) => void;
}

const MB = 1024 * 1024;

/**
 * Scaling entries on synthetic data (`optlab synth`'s generator: binary, 1000 features, 30 non-zeros per
 * row): LIBSVM parse throughput from a file (CSR cache off), value + gradient time per million non-zeros on
 * 1 and 2 threads, and memory per non-zero; each should stay flat from 10⁵ to 10⁷ rows.
 */
export async function benchScaling(o: ScalingOptions): Promise<Record<string, BenchEntry>> {
  const { synthesize } = await import('../data/synth.js');
  const { libsvmChunks } = await import('../data/libsvm-chunks.js');
  const { writeChunksAtomic } = await import('./csr-cache.js');
  const { readLibsvmFile } = await import('./read-libsvm.js');
  const { createParallelObjective } = await import('./parallel-objective.js');
  const features = o.features ?? 1000;
  const k = o.nnzPerRow ?? 30;
  const threads = o.threads ?? [1, 2];
  const out: Record<string, BenchEntry> = {};
  const add = (name: string, e: BenchEntry) => {
    out[name] = e;
    o.onEntry?.(name, e);
  };
  const dir = mkdtempSync(join(tmpdir(), 'optlab-bench-scale-'));
  try {
    for (const rows of o.rows) {
      const tag = rows.toExponential(0).replace('+', '');
      const file = join(dir, `synth-${tag}.svm`);
      {
        const s = synthesize({ rows, features, nnzPerRow: k, seed: 1 });
        writeChunksAtomic(file, libsvmChunks(s.X, s.labels));
      }
      const rssBefore = process.memoryUsage().rss;
      const t = performance.now();
      const read = await readLibsvmFile(file, { cache: false });
      const seconds = (performance.now() - t) / 1000;
      const nz = read.X.rowPtr[read.X.rows];
      const rssHeld = process.memoryUsage().rss - rssBefore;
      add(`scale-parse/${tag}`, {
        mbPerSecond: read.bytes / 1e6 / seconds,
        seconds,
        bytes: read.bytes,
        rows,
        nnz: nz,
        bytesPerNnzHeld: rssHeld / nz,
      });
      const { y } = encodeLabels(read.labels, '01', file);
      for (const th of threads) {
        const obj =
          th === 1
            ? new Objective(read.X, y, { loss: 'sigmoid-lsq' })
            : await createParallelObjective(read.X, y, { loss: 'sigmoid-lsq' }, { threads: th, minNnzPerThread: 0 });
        try {
          const x = Float64Array.from({ length: features }, (_, j) => Math.sin(j) * 0.01);
          const g = new Float64Array(features);
          const tm = measure(() => obj.valueGrad(x, g), 2, o.repeats ?? (rows >= 5e6 ? 5 : 15));
          add(`scale-value-grad/${tag}/${th}t`, {
            medianMs: tm.median,
            msPerMillionNnz: tm.median / (nz / 1e6),
            threads: 'threads' in obj ? (obj as { threads: number }).threads : 1,
            rssMb: process.memoryUsage().rss / MB,
            timing: tm,
          });
        } finally {
          if ('close' in obj) await (obj as { close(): Promise<void> }).close();
        }
      }
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
