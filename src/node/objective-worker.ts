/**
 * Helper thread of a parallel objective (parallel-objective.ts): serves one shard of the rows until the
 * objective is closed. It receives its `ShardSetup` (the shared arena and control block, no copy of the
 * data) in `workerData`, posts 'ready' once its kernels are instantiated, then blocks in the protocol loop
 * of `ShardRunner.serve` (src/objectives/shard.ts); all later traffic goes through shared memory.
 *
 * If the thread ends for any other reason than the `stop` op (an error escaping the loop, `process.exit`),
 * it marks itself dead in the control block first, so that a caller blocked waiting for it wakes up and
 * throws instead of waiting forever.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Control, ShardRunner, type ShardSetup } from '../objectives/shard.js';

const port = parentPort;
if (port === null) throw new Error('objective-worker.ts runs as a worker thread');

const setup = workerData as ShardSetup;
const control = new Control(setup.control, setup.shards);
let stopped = false;
process.on('exit', (code) => {
  if (!stopped) control.markDead(setup.shard, `the thread exited with code ${code}`);
});

const runner = new ShardRunner(setup);
port.postMessage('ready');
try {
  runner.serve();
  stopped = true;
} catch (e) {
  control.markDead(setup.shard, e instanceof Error ? (e.stack ?? e.message) : String(e));
  throw e;
}
