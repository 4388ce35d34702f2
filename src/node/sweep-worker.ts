/**
 * Worker thread of `optlab sweep --jobs N`: receives the datasets once (typed arrays on SharedArrayBuffers, so
 * no copy per worker) in `workerData`, then runs one `RunSpec` at a time on request and posts the finished
 * `RunFile` back. An 'abort' message interrupts the run in flight (its partial result comes back with stop
 * reason 'interrupted'; the main thread does not keep it) and every later one.
 *
 * Protocol (types in sweep-runner.ts): in `{type: 'init', data}` (first, when workerData is null) | `{type: 'run', spec}` | `{type: 'task', id, task}` | `{type: 'abort'}`;
 * out `{type: 'progress', progress}` | `{type: 'done', id, file}` | `{type: 'task-done', id, result}` |
 * `{type: 'failed', id, message}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OptlabError } from '../errors.js';
import { executeRun, type RunData } from '../sweep/execute.js';
import { runLaneTask } from './lane-tasks.js';
import type { FromWorker, ToWorker, WorkerData } from './sweep-runner.js';

const port = parentPort;
if (port === null) throw new Error('sweep-worker.ts runs as a worker thread');

// the data: in workerData, or (a worker started ahead of its sweep, src/node/lane-pool.ts) in a first 'init' message
let datasets = new Map<string, RunData>();
let sliceMs = 50;
function init(data: WorkerData): void {
  datasets = new Map<string, RunData>(data.datasets.map((d) => [d.key, d.data]));
  sliceMs = data.sliceMs;
}
if (workerData !== null) init(workerData as WorkerData);
let aborted = false;
let controller: AbortController | null = null;

/** Progress is posted at most this often (milliseconds). */
const PROGRESS_MS = 200;

const post = (m: FromWorker) => port.postMessage(m);

async function run(spec: Extract<ToWorker, { type: 'run' }>['spec']): Promise<void> {
  const ctl = new AbortController();
  controller = ctl;
  if (aborted) ctl.abort();
  let last = 0;
  try {
    const file = await executeRun(spec, datasets, {
      signal: ctl.signal,
      sliceMs,
      onProgress: (progress) => {
        const t = Date.now();
        if (t - last >= PROGRESS_MS) {
          last = t;
          post({ type: 'progress', progress });
        }
      },
    });
    post({ type: 'done', id: spec.id, file });
  } catch (e) {
    const message = e instanceof OptlabError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    post({ type: 'failed', id: spec.id, message });
  } finally {
    if (controller === ctl) controller = null;
  }
}

/** A task (src/node/lane-tasks.ts) runs at once, to its end: tasks come before the runs, and an abort stops no task. */
function task(m: Extract<ToWorker, { type: 'task' }>): void {
  try {
    post({ type: 'task-done', id: m.id, result: runLaneTask(m.task, datasets) });
  } catch (e) {
    const message = e instanceof OptlabError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    post({ type: 'failed', id: m.id, message });
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') init(msg.data);
  else if (msg.type === 'abort') {
    aborted = true;
    controller?.abort();
  } else if (msg.type === 'task') task(msg);
  else void run(msg.spec);
});
