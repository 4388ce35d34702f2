/**
 * Node's home of `ParallelObjective` (src/objectives/parallel.ts): copies a problem to shared memory, starts
 * one worker thread per extra shard (objective-worker.ts) and returns the objective once every worker is
 * ready. Workers are unref'd, so they never keep the process alive; `close()` ends them.
 *
 * @example
 * const obj = await createParallelObjective(X, y, { loss: 'logistic', l2: 1e-4 }, { threads: 2 });
 * try { minimize(obj, { method: 'lbfgs' }) } finally { await obj.close() }
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Csr, nnz } from '../data/csr.js';
import { OptlabError } from '../errors.js';
import type { ObjectiveSpec } from '../objectives/objective.js';
import {
  ParallelObjective,
  type ParallelObjectiveOptions,
  type SharedProblem,
  type SharingOptions,
  shareProblem,
  type Team,
} from '../objectives/parallel.js';
import { Control, Op, type ShardSetup } from '../objectives/shard.js';

/**
 * Fewest non-zeros worth a thread of their own. Measured on 2 cores (value and gradient, synthetic data
 * with 30 non-zeros per row and d = 1000, helpers polling 0.5 ms): 2 threads are already 1.5× faster at
 * 10k-30k non-zeros and 1.6-1.9× from 100k on (1.8-1.9× at 60M); without polling they break even only near
 * 100k. What a thread costs besides (10-30 MB, 80 ms to start, about 1 s under tsx, and a slowdown when
 * other processes compete for the cores) is worth paying from a few hundred thousand non-zeros per thread
 * (0.6 ms of work per call, a9a's size for 2 threads).
 */
export const MIN_NNZ_PER_THREAD = 200_000;

export interface ParallelOptions extends ParallelObjectiveOptions, SharingOptions {
  /** Most threads to use, the calling one included (default `os.availableParallelism()`). */
  threads?: number;
  /**
   * Each thread gets at least this many non-zeros (default `MIN_NNZ_PER_THREAD`), so small data use fewer
   * threads, and data under twice this one thread (no worker at all). 0 uses `threads` as given.
   */
  minNnzPerThread?: number;
}

/** Threads used for `nnz` non-zeros: at most `threads`, each with at least `minNnzPerThread`, at least 1. */
export function threadsFor(nnzCount: number, threads: number, minNnzPerThread = MIN_NNZ_PER_THREAD): number {
  if (minNnzPerThread <= 0) return threads;
  return Math.max(1, Math.min(threads, Math.floor(nnzCount / minNnzPerThread)));
}

/**
 * An objective whose full-data evaluations run on `threads` threads (see `threadsFor`). X and y are copied
 * once to shared memory; the caller may drop its own copies. Close it when done (`await obj.close()`).
 */
export async function createParallelObjective(
  X: Csr,
  y: Float64Array,
  spec: ObjectiveSpec,
  options: ParallelOptions = {},
): Promise<ParallelObjective> {
  const requested = options.threads ?? availableParallelism();
  if (!Number.isInteger(requested) || requested < 1) {
    throw new OptlabError(`threads must be a positive integer, got ${requested}`);
  }
  const shared = shareProblem(X, y, spec, threadsFor(nnz(X), requested, options.minNnzPerThread), options);
  if (shared.setups.length === 1) return new ParallelObjective(shared, null, options);
  const team = await NodeTeam.start(shared.setups.slice(1));
  try {
    return new ParallelObjective(shared, team, options);
  } catch (e) {
    await stop(shared, team);
    throw e;
  }
}

async function stop(shared: SharedProblem, team: Team): Promise<void> {
  new Control(shared.control, shared.setups.length).post(Op.stop);
  await team.close();
}

/**
 * The worker entry. From compiled JavaScript (dist/) it is objective-worker.js. From TypeScript run through
 * tsx, Node 20 does not apply tsx's hooks to worker threads, so the worker starts from a few lines of
 * JavaScript that register tsx in the worker and then import the .ts entry (as sweep-runner.ts does).
 */
function startWorker(setup: ShardSetup): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./objective-worker.ts', here).href;
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true, workerData: setup });
  }
  return new Worker(new URL('./objective-worker.js', here), { workerData: setup });
}

/** The worker threads of shards 1 … T−1. */
export class NodeTeam implements Team {
  readonly workers: Worker[];
  private alive: number;
  private closing: Promise<void> | null = null;
  private readonly exited: Promise<void>[];

  private constructor(workers: Worker[], setups: ShardSetup[]) {
    this.workers = workers;
    this.alive = workers.length;
    this.exited = workers.map(
      (w, i) =>
        new Promise<void>((resolve) => {
          w.once('exit', (code) => {
            this.alive--;
            // a worker that ends on its own while the caller is idle: the next call throws instead of waiting
            if (this.closing === null) {
              const c = new Control(setups[i].control, setups[i].shards);
              c.markDead(setups[i].shard, `the thread exited with code ${code}`);
            }
            resolve();
          });
        }),
    );
  }

  /** Starts one worker per setup and resolves when all are ready (rejects, ending them, if one fails). */
  static async start(setups: ShardSetup[]): Promise<NodeTeam> {
    const workers = setups.map(startWorker);
    const team = new NodeTeam(workers, setups);
    try {
      await Promise.all(
        workers.map(
          (w, i) =>
            new Promise<void>((resolve, reject) => {
              const fail = (why: string) =>
                reject(new Error(`the worker thread of shard ${setups[i].shard} did not start: ${why}`));
              w.once('message', () => resolve());
              w.once('error', (e) => fail(e.stack ?? e.message));
              w.once('exit', (code) => fail(`it exited with code ${code}`));
            }),
        ),
      );
    } catch (e) {
      new Control(setups[0].control, setups[0].shards).post(Op.stop); // the started ones end at once
      await team.close();
      throw e;
    }
    for (const w of workers) {
      w.removeAllListeners('message');
      w.on('error', () => {}); // reported through the control block (objective-worker.ts) and 'exit'
      w.unref();
    }
    return team;
  }

  /** Worker threads still running. */
  get running(): number {
    return this.alive;
  }

  /** Waits up to 1 s for the workers to end after `stop`, then terminates the rest. */
  close(): Promise<void> {
    this.closing ??= Promise.all(
      this.workers.map(async (w, i) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((r) => {
          timer = setTimeout(() => r('late'), 1000);
        });
        if ((await Promise.race([this.exited[i], late])) === 'late') await w.terminate();
        clearTimeout(timer);
        await this.exited[i];
      }),
    ).then(() => {});
    return this.closing;
  }
}
