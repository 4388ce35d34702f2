/**
 * Runs a sweep in Node and writes its results folder (the contract is in src/sweep/results.ts):
 *
 * 1. reads and validates the sweep file (nothing is written if it is invalid), expands it into runs;
 * 2. with `resume`, finds the runs already finished in DIR/runs/ (only for the same validated sweep);
 * 3. loads every dataset once (relative paths are read relative to the sweep file's folder), checks that
 *    every pending run's method can be built on it;
 * 4. runs the pending runs on the main thread (`jobs` = 1, in sweep order) or on a pool of worker threads
 *    that share the datasets through SharedArrayBuffers (longest expected run first, src/sweep/cost.ts, so
 *    that the lanes end together; `tasks` before them); each finished run is written at once, atomically,
 *    to DIR/runs/<file>.json;
 * 5. at the end, or when `signal` aborts (Ctrl-C: no new run starts, runs in flight are interrupted and not
 *    kept), writes DIR/runs.jsonl, DIR/trace.jsonl and DIR/manifest.json atomically, in sweep order.
 *
 * Runs are deterministic (seeded, same code on every thread), so results do not depend on `jobs` except for
 * the `seconds` fields.
 *
 * With `shard` (K of N), only shard K's runs run (src/node/shard-run.ts), in a results folder that other
 * shards share: its finished runs are skipped with `resume`, it writes DIR/shards/<name>.json in place of
 * manifest.json, runs.jsonl and trace.jsonl (built by `optlab merge`), and it leaves other writers'
 * temporary files alone.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Csr } from '../data/csr.js';
import type { Dataset } from '../data/dataset.js';
import { resolveLimits } from '../data/limits.js';
import { isDatasetName } from '../data/registry.js';
import { OptlabError } from '../errors.js';
import { createMethod } from '../methods/index.js';
import { toJson } from '../run/json.js';
import { checkRunMemory } from '../run/memory-guard.js';
import { expectedCost } from '../sweep/cost.js';
import { executeRun, type RunData, type RunProgress, runRowWithoutX, traceRows } from '../sweep/execute.js';
import { type DatasetRef, expandSweep, type RunSpec } from '../sweep/expand.js';
import type { Manifest, RunFile, RunRow } from '../sweep/results.js';
import { readSweep, type SweepSpec } from '../sweep/schema.js';
import type { Shard } from '../sweep/shard.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from './atomic.js';
import { OutputError, writing } from './fs-errors.js';
import { takeWorker } from './lane-pool.js';
import { type LaneTask, type LaneTaskResult, runLaneTask } from './lane-tasks.js';
import { loadDataset, loadTestSet } from './load.js';
import { checkOutputFolder, claimOutputFolder } from './output-folder.js';
import { checkResumeDatasets } from './resume-check.js';
import { ShardSession } from './shard-run.js';

/** What a worker thread receives once. */
export interface WorkerData {
  datasets: Array<{ key: string; data: RunData }>;
  sliceMs: number;
}
export type ToWorker =
  | { type: 'init'; data: WorkerData }
  | { type: 'run'; spec: RunSpec }
  | { type: 'task'; id: string; task: LaneTask }
  | { type: 'abort' };
export type FromWorker =
  | { type: 'progress'; progress: RunProgress }
  | { type: 'done'; id: string; file: RunFile }
  | { type: 'task-done'; id: string; result: LaneTaskResult }
  | { type: 'failed'; id: string; message: string };

/** What happens during a sweep, for a progress display. */
export type SweepEvent =
  /** The sweep file is valid and expanded; datasets load next (said before a big grid starts). */
  | { type: 'expanded'; total: number }
  | { type: 'begin'; total: number; resumed: number; pending: number; lanes: number; out: string }
  | { type: 'start'; run: RunSpec }
  | { type: 'progress'; run: RunSpec; progress: RunProgress }
  | { type: 'done'; run: RunSpec; row: RunRow; done: number; total: number }
  | { type: 'failed'; run: RunSpec; message: string; done: number; total: number }
  /** An interrupted run in flight, not kept. */
  | { type: 'abandoned'; run: RunSpec };

export interface SweepOptions {
  /** The sweep file (.yaml, .yml or .json), as given on the command line. */
  file: string;
  /** The results folder. */
  out: string;
  /** Runs in parallel (default: `os.availableParallelism()`); 1 runs on the calling thread. */
  jobs?: number;
  /** Skip the runs already finished in `out` (else an `out` holding results is an error). */
  resume?: boolean;
  /** Write into a non-empty `out` that optlab did not create (src/node/output-folder.ts). */
  force?: boolean;
  /** Cap on the sweep's runs (default `DEFAULT_MAX_RUNS`, 100000; `--max-runs`). */
  maxRuns?: number;
  /** Aborting stops the sweep (Ctrl-C). */
  signal?: AbortSignal;
  onEvent?: (e: SweepEvent) => void;
  onWarning?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds of work between checks for an abort (default 50). */
  sliceMs?: number;
  /** Run only this shard, in a results folder shared with the other shards (see the module comment). */
  shard?: Shard;
  /**
   * Other work for the sweep's lanes (src/node/lane-tasks.ts: the study's landscape minimizations), done before
   * the sweep's runs on the same threads; their results come back in `SweepOutcome.tasks`. Not run when the
   * sweep is interrupted before they start.
   */
  tasks?: LaneTask[];
}

export interface SweepOutcome {
  status: 'complete' | 'interrupted';
  manifest: Manifest;
  spec: SweepSpec;
  /** Runs that threw (they have no file; `--resume` tries them again). */
  failures: Array<{ id: string; message: string }>;
  /** With `shard`: the shard's record file (the manifest's counts are the shard's). */
  shardRecord?: string;
  /** The result of each of `SweepOptions.tasks`, in its order: an end point, or why it failed or did not run. */
  tasks: Array<{ result: LaneTaskResult } | { error: string }>;
}

/** `out/runs.jsonl` etc. */
export function sweepPaths(out: string) {
  return {
    sweep: join(out, 'sweep.json'),
    manifest: join(out, 'manifest.json'),
    runs: join(out, 'runs'),
    runsJsonl: join(out, 'runs.jsonl'),
    traceJsonl: join(out, 'trace.jsonl'),
  };
}

/** Runs a sweep file; see the module comment. User errors throw `OptlabError` (a `SweepError` for the file). */
export async function runSweep(o: SweepOptions): Promise<SweepOutcome> {
  const startedAt = new Date().toISOString();
  const warn = o.onWarning ?? (() => {});
  const emit = o.onEvent ?? (() => {});
  let bytes: Buffer;
  try {
    bytes = readFileSync(o.file);
  } catch (e) {
    throw new OptlabError(
      `cannot read ${o.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const spec = readSweep(bytes.toString('utf8'), o.file, { maxRuns: o.maxRuns });
  const sweepSha256 = createHash('sha256').update(bytes).digest('hex');
  const runs = expandSweep(spec);
  emit({ type: 'expanded', total: runs.length });
  const paths = sweepPaths(o.out);
  const sweepJson = `${toJson(spec)}\n`;
  const jobs = o.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new OptlabError(`--jobs must be a positive integer, got ${jobs}`);

  checkOutputFolder(o.out, { resume: o.resume, force: o.force, kind: 'sweep' });
  const inFolder = findFinished(o, runs, sweepJson, warn);
  const datasets = await loadData(runs, o, warn);
  const shard = o.shard
    ? new ShardSession(o.out, o.shard, runs, datasets, inFolder, {
        sweepSha256,
        datasets: datasetList(datasets),
        jobs,
        resume: o.resume === true,
        env: o.env,
      })
    : null;
  const mine = shard ? shard.runs : runs;
  const finished = shard ? shard.finished : inFolder;
  const resumed = finished.size;
  const pending = mine.filter((r) => !finished.has(r.id));

  preflight(pending, datasets, o.file, resolveLimits({}, o.env ?? process.env).maxDenseBytes);
  if (o.resume) checkResumeDatasets(paths.manifest, datasetList(datasets), o.out);
  if (o.signal?.aborted) throw new OptlabError('interrupted before the first run', 130);

  const manifest = (status: Manifest['status'], failed: number): Manifest => ({
    optlab: VERSION,
    node: process.versions.node,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: cpus()[0]?.model?.trim() ?? 'unknown', cores: availableParallelism() },
    sweepFile: o.file,
    sweepSha256,
    datasets: datasetList(datasets),
    startedAt,
    endedAt: status === 'running' ? null : new Date().toISOString(),
    runs: { total: mine.length, finished: finished.size, failed, resumed },
    jobs,
    status,
  });
  claimOutputFolder(o.out, 'sweep');
  writing(paths.runs, () => mkdirSync(paths.runs, { recursive: true }));
  writeFileAtomic(paths.sweep, sweepJson);
  if (shard) shard.begin();
  else writeFileAtomic(paths.manifest, `${toJson(manifest('running', 0))}\n`);

  // run: the tasks first, then the runs; on several lanes the runs go longest first (expected cost, see
  // src/sweep/cost.ts), so that no long run starts last while the other lanes have nothing left to do
  const tasks = o.tasks ?? [];
  const lanes = Math.max(1, Math.min(jobs, pending.length + tasks.length));
  const ordered = lanes > 1 ? longestFirst(pending, datasets) : pending;
  const taskResults: SweepOutcome['tasks'] = tasks.map(() => ({ error: 'not run (the sweep was interrupted)' }));
  emit({ type: 'begin', total: mine.length, resumed, pending: pending.length, lanes, out: o.out });
  const sliceMs = o.sliceMs ?? 50;
  const shared = lanes > 1 ? shareAll(datasets) : [];
  const executors: Lane[] =
    lanes === 1
      ? [new MainThreadLane(datasets, sliceMs)]
      : Array.from({ length: lanes }, () => new WorkerLane(shared, sliceMs));
  const failures: Array<{ id: string; message: string }> = [];
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    for (const ex of executors) ex.abort();
  };
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let nextTask = 0;
  let next = 0;
  const lane = async (ex: Lane) => {
    while (!aborted && nextTask < tasks.length) {
      const i = nextTask++;
      try {
        taskResults[i] = { result: await ex.task(`task:${i}`, tasks[i]) };
      } catch (e) {
        if (!(e instanceof RunFailure || e instanceof OptlabError)) throw e;
        taskResults[i] = { error: e.message };
      }
    }
    while (!aborted && next < ordered.length) {
      const spec = ordered[next++];
      emit({ type: 'start', run: spec });
      try {
        const file = await ex.run(spec, (progress) => emit({ type: 'progress', run: spec, progress }));
        if (aborted && file.run.result.stopReason === 'interrupted') {
          emit({ type: 'abandoned', run: spec });
          continue;
        }
        writeFileAtomic(join(paths.runs, spec.file), `${toJson(file, 0)}\n`);
        finished.add(spec.id);
        shard?.ran(spec.id);
        emit({ type: 'done', run: spec, row: file.run, done: finished.size, total: mine.length });
      } catch (e) {
        if (e instanceof OutputError) {
          // the disk is full or gone: no other run starts, no worker is respawned
          onAbort();
          throw e;
        }
        if (e instanceof RunFailure || e instanceof OptlabError) {
          failures.push({ id: spec.id, message: e.message });
          emit({ type: 'failed', run: spec, message: e.message, done: finished.size, total: mine.length });
        } else throw e;
      }
    }
  };
  try {
    await Promise.all(executors.map(lane));
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await Promise.all(executors.map((ex) => ex.close()));
  }

  if (shard) {
    const status = aborted && finished.size + failures.length < mine.length ? 'interrupted' : 'complete';
    shard.end(status, failures);
    return {
      status,
      manifest: manifest(status, failures.length),
      spec,
      failures,
      shardRecord: shard.path,
      tasks: taskResults,
    };
  }

  // consolidate, in sweep order, from the files on disk (resumed and new alike)
  const runLines: string[] = [];
  const traceLines: string[] = [];
  for (const spec of runs) {
    if (!finished.has(spec.id)) continue;
    const file = JSON.parse(readFileSync(join(paths.runs, spec.file), 'utf8')) as RunFile;
    runLines.push(toJson(runRowWithoutX(file.run), 0));
    for (const row of traceRows(file)) traceLines.push(toJson(row, 0));
  }
  const lines = (l: string[]) => (l.length === 0 ? '' : `${l.join('\n')}\n`);
  writeFileAtomic(paths.runsJsonl, lines(runLines));
  writeFileAtomic(paths.traceJsonl, lines(traceLines));
  const status = aborted && finished.size + failures.length < runs.length ? 'interrupted' : 'complete';
  const final = manifest(status, failures.length);
  writeFileAtomic(paths.manifest, `${toJson(final)}\n`);
  return { status, manifest: final, spec, failures, tasks: taskResults };
}

/** The runs by expected cost, largest first (a stable sort: equal costs keep the sweep's order). */
function longestFirst(runs: RunSpec[], datasets: Map<string, RunData>): RunSpec[] {
  const cost = new Map<RunSpec, number>();
  for (const r of runs) {
    const X = datasets.get(r.dataset.key)!.train.X;
    cost.set(r, expectedCost(r, { rows: X.rows, nnz: X.rowPtr[X.rows], features: X.cols }));
  }
  return [...runs].sort((a, b) => cost.get(b)! - cost.get(a)!);
}

// ---------------------------------------------------------------------------------------------------------
// resume

/** Ids of the runs already in DIR/runs/ (checking that DIR holds this very sweep when it holds one). */
function findFinished(o: SweepOptions, runs: RunSpec[], sweepJson: string, warn: (m: string) => void): Set<string> {
  const paths = sweepPaths(o.out);
  const finished = new Set<string>();
  const holdsResults = existsSync(paths.sweep) || existsSync(paths.manifest) || existsSync(paths.runs);
  if (!holdsResults) return finished;
  if (!o.resume && o.shard === undefined) {
    throw new OptlabError(
      `${o.out} already holds sweep results; pass --resume to finish that sweep, or choose another --out`,
    );
  }
  if (existsSync(paths.sweep) && readFileSync(paths.sweep, 'utf8') !== sweepJson) {
    throw new OptlabError(
      `${paths.sweep} is not the sweep in ${o.file} (after validation); --resume continues the same sweep only (choose another --out)`,
    );
  }
  if (!existsSync(paths.runs)) return finished;
  const byFile = new Map(runs.map((r) => [r.file, r]));
  for (const name of readdirSync(paths.runs)) {
    const path = join(paths.runs, name);
    if (/\.json\.tmp-\d+-[0-9a-f]+$/.test(name)) {
      // left by a killed writer, never a finished run; a shard leaves it (it may be another shard's, in flight)
      if (o.shard === undefined) rmSync(path, { force: true });
      continue;
    }
    if (!name.endsWith('.json')) continue;
    const spec = byFile.get(name);
    let id: unknown;
    try {
      id = (JSON.parse(readFileSync(path, 'utf8')) as RunFile).run?.id;
    } catch {
      warn(`${path} is unreadable; that run will run again`);
      continue;
    }
    if (spec === undefined || id !== spec.id) warn(`${path} is not a run of this sweep; ignored`);
    else finished.add(spec.id);
  }
  return finished;
}

// ---------------------------------------------------------------------------------------------------------
// data

/** A registry name as is; a relative path read relative to the sweep file's folder. */
function locatePath(name: string, sweepFile: string): string {
  if (isDatasetName(name) || isAbsolute(name)) return name;
  return join(dirname(sweepFile), name);
}

/** Loads every dataset entry once (train, and test set when given), keyed by `DatasetRef.key`. */
async function loadData(runs: RunSpec[], o: SweepOptions, warn: (m: string) => void): Promise<Map<string, RunData>> {
  const refs = new Map<string, DatasetRef>();
  for (const r of runs) refs.set(r.dataset.key, r.dataset);
  const out = new Map<string, RunData>();
  for (const ref of refs.values()) {
    try {
      const loaded = await loadDataset(locatePath(ref.data, o.file), {
        labels: ref.labels,
        positive: ref.positive,
        subset: ref.subset,
        onWarning: warn,
        env: o.env,
      });
      let train: Dataset = { ...loaded.dataset, name: ref.data };
      let test: Dataset | undefined;
      if (ref.testData !== undefined) {
        const both = await loadTestSet(locatePath(ref.testData, o.file), train, { onWarning: warn, env: o.env });
        train = both.train;
        test = { ...both.test, name: ref.testData };
      }
      out.set(ref.key, test ? { train, test } : { train });
    } catch (e) {
      if (e instanceof OptlabError)
        throw new OptlabError(`${o.file}: datasets[${ref.index}]: ${e.message}`, e.exitCode);
      throw e;
    }
  }
  return out;
}

/** Builds each pending run's method once per dimension, so that e.g. a dense BFGS too large fails up front. */
function preflight(pending: RunSpec[], datasets: Map<string, RunData>, file: string, maxDenseBytes: number): void {
  const seen = new Set<string>();
  for (const r of pending) {
    const d = datasets.get(r.dataset.key)!.train.X.cols;
    const key = JSON.stringify([r.method, r.params, r.objective.lambda, d]);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      checkRunMemory(r.method, d, r.params, maxDenseBytes);
      createMethod(r.method, d, r.params, r.objective.lambda);
    } catch (e) {
      if (e instanceof OptlabError)
        throw new OptlabError(`${file}: methods[${r.entry}]: ${r.label} on ${r.dataset.display}: ${e.message}`);
      throw e;
    }
  }
}

function datasetList(datasets: Map<string, RunData>): Manifest['datasets'] {
  const seen = new Set<string>();
  const list: Manifest['datasets'] = [];
  for (const { train, test } of datasets.values()) {
    for (const d of test ? [train, test] : [train]) {
      const item = { name: d.name, sha256: d.sha256, rows: d.X.rows, features: d.X.cols };
      const k = JSON.stringify(item);
      if (!seen.has(k)) {
        seen.add(k);
        list.push(item);
      }
    }
  }
  return list;
}

/** A copy of a typed array on a SharedArrayBuffer (posted to workers without a copy). */
function shared<T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(a: T): T {
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T };
  const s = new Ctor(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

function shareDataset(d: Dataset): Dataset {
  const X: Csr = {
    rows: d.X.rows,
    cols: d.X.cols,
    rowPtr: shared(d.X.rowPtr),
    colIdx: shared(d.X.colIdx),
    values: d.X.values === null ? null : shared(d.X.values),
  };
  return { ...d, X, y: shared(d.y) };
}

/** The datasets on shared memory, once for all workers. */
function shareAll(datasets: Map<string, RunData>): WorkerData['datasets'] {
  return [...datasets].map(([key, { train, test }]) => ({
    key,
    data: test ? { train: shareDataset(train), test: shareDataset(test) } : { train: shareDataset(train) },
  }));
}

// ---------------------------------------------------------------------------------------------------------
// lanes: where runs execute

/** A run that threw inside a worker (its message is the error's). */
class RunFailure extends Error {}

interface Lane {
  run(spec: RunSpec, onProgress: (p: RunProgress) => void): Promise<RunFile>;
  /** Runs a task (`id`: unique in the sweep). */
  task(id: string, task: LaneTask): Promise<LaneTaskResult>;
  /** Interrupts the run in flight and every later one. */
  abort(): void;
  close(): Promise<void>;
}

/** Runs on the calling thread, yielding between slices. */
class MainThreadLane implements Lane {
  private readonly ctl = new AbortController();
  constructor(
    private readonly datasets: Map<string, RunData>,
    private readonly sliceMs: number,
  ) {}
  run(spec: RunSpec, onProgress: (p: RunProgress) => void): Promise<RunFile> {
    let last = 0;
    return executeRun(spec, this.datasets, {
      signal: this.ctl.signal,
      sliceMs: this.sliceMs,
      onProgress: (p) => {
        const t = Date.now();
        if (t - last >= 200) {
          last = t;
          onProgress(p);
        }
      },
    });
  }
  async task(_id: string, task: LaneTask): Promise<LaneTaskResult> {
    return runLaneTask(task, this.datasets);
  }
  abort(): void {
    this.ctl.abort();
  }
  async close(): Promise<void> {}
}

/** Runs in a worker thread, one run at a time; a crashed worker is replaced for the next run. */
class WorkerLane implements Lane {
  private worker: Worker | null = null;
  private current: {
    id: string;
    resolve: (f: RunFile) => void;
    resolveTask: (r: LaneTaskResult) => void;
    reject: (e: Error) => void;
    onProgress: (p: RunProgress) => void;
  } | null = null;
  private aborted = false;
  /** Set by close: no worker is spawned any more. */
  private closed = false;

  constructor(
    private readonly data: WorkerData['datasets'],
    private readonly sliceMs: number,
  ) {}

  private spawn(): Worker {
    const w = takeWorker({ datasets: this.data, sliceMs: this.sliceMs } satisfies WorkerData);
    w.on('message', (m: FromWorker) => {
      const c = this.current;
      if (c === null) return;
      if (m.type === 'progress') c.onProgress(m.progress);
      else if (m.id === c.id) {
        this.current = null;
        if (m.type === 'done') c.resolve(m.file);
        else if (m.type === 'task-done') c.resolveTask(m.result);
        else c.reject(new RunFailure(m.message));
      }
    });
    const lost = (e: Error) => {
      if (this.worker === w) this.worker = null;
      const c = this.current;
      this.current = null;
      c?.reject(new RunFailure(`the worker thread failed: ${e.stack ?? e.message}`));
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`exited with code ${code}`)));
    return w;
  }

  run(spec: RunSpec, onProgress: (p: RunProgress) => void): Promise<RunFile> {
    if (this.closed) return Promise.reject(new RunFailure('the sweep is stopping'));
    this.worker ??= this.spawn();
    const w = this.worker;
    return new Promise<RunFile>((resolve, reject) => {
      this.current = { id: spec.id, resolve, resolveTask: () => {}, reject, onProgress };
      w.postMessage({ type: 'run', spec } satisfies ToWorker);
      if (this.aborted) w.postMessage({ type: 'abort' } satisfies ToWorker);
    });
  }

  task(id: string, task: LaneTask): Promise<LaneTaskResult> {
    if (this.closed) return Promise.reject(new RunFailure('the sweep is stopping'));
    this.worker ??= this.spawn();
    const w = this.worker;
    return new Promise<LaneTaskResult>((resolveTask, reject) => {
      this.current = { id, resolve: () => {}, resolveTask, reject, onProgress: () => {} };
      w.postMessage({ type: 'task', id, task } satisfies ToWorker);
    });
  }

  abort(): void {
    this.aborted = true;
    this.worker?.postMessage({ type: 'abort' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }
}
