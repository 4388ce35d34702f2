import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Control } from '../../src/objectives/shard.js';

/**
 * The control block's DEAD cell (src/objectives/shard.ts) from two threads: a helper that marks itself dead
 * while the caller polls. The caller must never see the shard without its whole message (publishing the
 * shard before writing the text once made `parallel.test.ts` read "stopped: " with nothing after it).
 */
describe('Control.markDead', () => {
  it('publishes the dead shard only after its message, as another thread polling sees it', async () => {
    const rounds = 40;
    const message = 'x'.repeat(1500);
    const buffers = Array.from({ length: rounds }, () => new SharedArrayBuffer(Control.bytes(2)));
    const go = new Int32Array(new SharedArrayBuffer(4 * rounds));
    const shardUrl = new URL('../../src/objectives/shard.js', import.meta.url).href;
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       import(workerData.shardUrl).then(({ Control }) => {
         for (let r = 0; r < workerData.buffers.length; r++) {
           while (Atomics.load(workerData.go, r) === 0) {}
           new Control(workerData.buffers[r], 2).markDead(1, workerData.message);
         }
       });`,
      { eval: true, workerData: { shardUrl, buffers, go, message } },
    );
    const exited = new Promise<number>((resolve, reject) => {
      worker.once('exit', resolve);
      worker.once('error', reject);
    });
    const seen: number[] = [];
    try {
      for (let r = 0; r < rounds; r++) {
        const c = new Control(buffers[r], 2);
        assert.equal(c.dead(), null);
        Atomics.store(go, r, 1);
        let d = c.dead();
        const until = performance.now() + 10_000;
        while (d === null && performance.now() < until) d = c.dead();
        assert.ok(d !== null, `round ${r}: the helper never marked itself dead`);
        assert.equal(d.shard, 1);
        seen.push(d.message.length);
      }
    } finally {
      // a failed round must not leave the helper spinning on its next flag (the test file would never end)
      for (let r = 0; r < rounds; r++) Atomics.store(go, r, 1);
    }
    assert.deepEqual(seen, Array(rounds).fill(message.length));
    assert.equal(await exited, 0);
  });
});
