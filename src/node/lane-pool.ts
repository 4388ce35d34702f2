/**
 * The sweep's worker threads, and workers started ahead of a sweep. A worker's start (a Node isolate, then the
 * module graph of src/node/sweep-worker.ts: methods, objectives, kernels) takes a few hundred milliseconds of
 * one core. `optlab study` starts its lanes' workers first thing (`prestartLanes`), so that they load on the
 * second core while the main thread loads the study's modules and reads the data; the sweep then hands each
 * one its data in an 'init' message instead of starting a new worker. A started worker that no sweep takes is
 * unreferenced: it never keeps the process alive, and dies with it.
 *
 * This module imports nothing but node:worker_threads, so the CLI can load it before anything heavy.
 */
import { Worker } from 'node:worker_threads';

/** Workers started by `prestartLanes`, waiting for their data (`{type: 'init', data}`). */
const waiting: Worker[] = [];

/**
 * The worker entry. From compiled JavaScript (dist/) it is sweep-worker.js. From TypeScript run through tsx
 * (tests, `node --import tsx src/cli/main.ts`), Node 20 does not apply tsx's hooks to worker threads (neither
 * inherited nor through `execArgv: ['--import', 'tsx']`: ".ts: Unknown file extension"), so the worker starts
 * from a few lines of JavaScript that register tsx in the worker (`tsx/esm/api`) and then import the .ts entry.
 * `workerData` null: the worker waits for an 'init' message with its data.
 */
export function startWorker(workerData: unknown): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./sweep-worker.ts', here).href;
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(new URL('./sweep-worker.js', here), { workerData });
}

/** Starts workers until `n` wait for a sweep (n ≤ 1: none; a sweep on one lane runs on the main thread). */
export function prestartLanes(n: number): void {
  if (n <= 1) return;
  while (waiting.length < n) {
    const w = startWorker(null);
    w.unref();
    const drop = () => {
      const i = waiting.indexOf(w);
      if (i >= 0) waiting.splice(i, 1);
    };
    // a waiting worker that fails or exits is simply not used (a lane then starts its own)
    w.on('error', drop);
    w.on('exit', drop);
    waiting.push(w);
  }
}

/**
 * A worker for a lane holding `data`: a waiting one, given its data now, or a new one started with it. The
 * caller adds its own listeners (the waiting worker's only remove it from the waiting list).
 */
export function takeWorker(data: unknown): Worker {
  const w = waiting.shift();
  if (w === undefined) return startWorker(data);
  w.ref();
  w.postMessage({ type: 'init', data });
  return w;
}

/** How many started workers wait for a sweep (for tests). */
export function waitingWorkers(): number {
  return waiting.length;
}
