import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { makeCsr } from '../../src/data/csr.js';
import { OptlabError } from '../../src/errors.js';
import { createParallelObjective, type NodeTeam, threadsFor } from '../../src/node/parallel-objective.js';
import { LOSS_NAMES } from '../../src/objectives/losses.js';
import { Objective, type ObjectiveSpec, type RowBatch } from '../../src/objectives/objective.js';
import { ParallelObjective, planShards, shareProblem } from '../../src/objectives/parallel.js';
import { arenaLayout } from '../../src/objectives/shard.js';
import { withSharedMemoryImport } from '../../src/objectives/wasm/shared.js';
import { minimize } from '../../src/run/minimize.js';
import { Rng } from '../../src/run/rng.js';
import { REPO } from '../helpers/repo.js';

/** rows × cols with exactly k distinct sorted columns per row; values in ±[0.5, 2] or binary; labels 0/1. */
function randomProblem(seed: number, rows: number, cols: number, k: number, binary: boolean) {
  const rng = new Rng(seed);
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(rows * k);
  const values = new Float64Array(rows * k);
  const mark = new Int32Array(cols).fill(-1);
  const row: number[] = [];
  for (let i = 0; i < rows; i++) {
    row.length = 0;
    while (row.length < k) {
      const c = Math.floor(rng.next() * cols);
      if (mark[c] !== i) {
        mark[c] = i;
        row.push(c);
      }
    }
    row.sort((a, b) => a - b);
    for (let j = 0; j < k; j++) {
      colIdx[i * k + j] = row[j];
      values[i * k + j] = binary ? 1 : (rng.next() < 0.5 ? -1 : 1) * (0.5 + 1.5 * rng.next());
    }
    rowPtr[i + 1] = (i + 1) * k;
  }
  const X = makeCsr(rows, cols, rowPtr, colIdx, values);
  const y = Float64Array.from({ length: rows }, () => (rng.next() < 0.5 ? 1 : 0));
  const x = Float64Array.from({ length: cols }, () => 0.3 * rng.normal());
  const v = Float64Array.from({ length: cols }, () => rng.normal());
  return { X, y, x, v };
}

type Data = ReturnType<typeof randomProblem>;

function sameBits(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let j = 0; j < actual.length; j++) {
    if (!Object.is(actual[j], expected[j])) assert.fail(`${what}[${j}]: ${actual[j]} !== ${expected[j]}`);
  }
}

/** max_j |a_j − b_j| / max_j |b_j| (norm-wise: a component near 0 may lose digits to cancellation). */
function relErr(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let j = 0; j < a.length; j++) {
    num = Math.max(num, Math.abs(a[j] - b[j]));
    den = Math.max(den, Math.abs(b[j]));
  }
  return num / den;
}

/** valueGrad, value and hessVec at (x, v). */
function evaluate(obj: Objective, d: Data) {
  const grad = new Float64Array(obj.d).fill(Number.NaN); // overwritten, never accumulated into
  const hv = new Float64Array(obj.d).fill(Number.NaN);
  const fg = obj.valueGrad(d.x, grad);
  obj.hessVec(d.x, d.v, hv);
  return { fg, f: obj.value(d.x), grad, hv, total: obj.total(d.x) };
}

const created: ParallelObjective[] = [];
/** A parallel objective with exactly `threads` threads whatever the size (closed after the tests). */
async function parallel(d: Data, spec: ObjectiveSpec, threads: number): Promise<ParallelObjective> {
  const obj = await createParallelObjective(d.X, d.y, spec, { threads, minNnzPerThread: 0 });
  created.push(obj);
  assert.equal(obj.threads, threads);
  return obj;
}
after(async () => {
  await Promise.all(created.map((o) => o.close()));
});

const BINARY = randomProblem(1, 20_000, 50, 8, true);
const VALUED = randomProblem(2, 20_000, 50, 8, false);

describe('planShards', () => {
  it('cuts the rows into contiguous shards of about equal work Σ(nnz_i + 8)', () => {
    // rows of 1, 2, …, 400 non-zeros: the shards must not be equal in rows
    const rows = 400;
    const rowPtr = new Int32Array(rows + 1);
    for (let i = 0; i < rows; i++) rowPtr[i + 1] = rowPtr[i] + i + 1;
    for (const shards of [1, 2, 3, 7]) {
      const b = planShards(rowPtr, rows, shards);
      assert.equal(b.length, shards + 1);
      assert.equal(b[0], 0);
      assert.equal(b[shards], rows);
      const work = (r: number) => rowPtr[r] + 8 * r;
      for (let t = 0; t < shards; t++) {
        assert.ok(b[t] < b[t + 1], `shard ${t} is empty`);
        const w = work(b[t + 1]) - work(b[t]);
        assert.ok(Math.abs(w - work(rows) / shards) <= 400 + 8, `shard ${t} of ${shards}: work ${w}`);
      }
    }
    const two = planShards(rowPtr, rows, 2);
    assert.ok(two[1] > 250 && two[1] < 300, `the half-work row of a growing profile (${two[1]})`); // √½·400 ≈ 283
  });

  it('never gives more shards than rows', () => {
    const X = makeCsr(2, 2, Int32Array.of(0, 1, 2), Int32Array.of(0, 1), null);
    const shared = shareProblem(X, Float64Array.of(1, 0), { loss: 'logistic' }, 5);
    assert.equal(shared.setups.length, 2);
    assert.deepEqual([...shared.plan], [0, 1, 2]);
  });
});

describe('the shared-memory kernels module', () => {
  it('differs from the generated one only in its memory import, now shared with a 4 GiB maximum', () => {
    // a minimal module: (import "env" "memory" (memory 1))
    const plain = Uint8Array.of(
      0,
      0x61,
      0x73,
      0x6d,
      1,
      0,
      0,
      0,
      2,
      15,
      1,
      3,
      101,
      110,
      118,
      6,
      109,
      101,
      109,
      111,
      114,
      121,
      2,
      0,
      1,
    );
    const shared = withSharedMemoryImport(plain);
    assert.deepEqual(
      [...shared],
      [
        0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 18, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 3, 1, 0x80,
        0x80, 4,
      ],
    );
    new WebAssembly.Module(shared); // valid
    assert.equal(withSharedMemoryImport(shared), shared, 'already shared: unchanged');
  });

  it('lays out every array on its own 64-byte line', () => {
    const l = arenaLayout(3, 5, 7, false, 2);
    const starts = [l.rp, l.ci, l.vals, l.y, l.x, l.v, ...l.g];
    for (const s of starts) assert.equal(s % 64, 0);
    assert.deepEqual(starts, [64, 128, 192, 256, 320, 384, 448, 512]);
    assert.equal(l.bytes, 576);
    assert.equal(arenaLayout(3, 5, 7, true, 1).vals, 0);
  });
});

for (const [name, data] of [
  ['binary', BINARY],
  ['with values', VALUED],
] as const) {
  for (const loss of LOSS_NAMES) {
    describe(`ParallelObjective, ${loss}, ${name} 20000×50 (8 per row)`, () => {
      const spec: ObjectiveSpec = { loss, l2: 1e-3 };
      const reference = new Objective(data.X, data.y, spec);
      const ref = evaluate(reference, data);

      it('on 1 thread gives the bits of Objective (valueGrad, value, hessVec, total)', async () => {
        const obj = await parallel(data, spec, 1);
        assert.equal(obj.team, null);
        assert.equal(obj.kernel, 'wasm');
        const got = evaluate(obj, data);
        assert.ok(Object.is(got.fg, ref.fg), `valueGrad: ${got.fg} vs ${ref.fg}`);
        assert.ok(Object.is(got.f, ref.f), `value: ${got.f} vs ${ref.f}`);
        assert.ok(Object.is(got.total, ref.total), `total: ${got.total} vs ${ref.total}`);
        sameBits(got.grad, ref.grad, 'gradient');
        sameBits(got.hv, ref.hv, 'Hessian-vector product');
      });

      for (const threads of [2, 3]) {
        it(`on ${threads} threads agrees to 1e-12 and gives the same bits on every call and every instance`, async () => {
          const obj = await parallel(data, spec, threads);
          const first = evaluate(obj, data);
          assert.ok(Math.abs(first.fg - ref.fg) <= 1e-12 * Math.abs(ref.fg), `valueGrad ${first.fg} vs ${ref.fg}`);
          assert.ok(Math.abs(first.f - ref.f) <= 1e-12 * Math.abs(ref.f), `value ${first.f} vs ${ref.f}`);
          assert.equal(first.fg, first.f, 'value and valueGrad agree (same shards, same order)');
          const eg = relErr(first.grad, ref.grad);
          const eh = relErr(first.hv, ref.hv);
          assert.ok(eg <= 1e-12, `gradient: relative error ${eg}`);
          assert.ok(eh <= 1e-12, `Hessian-vector product: relative error ${eh}`);
          assert.ok(
            eg > 0 || eh > 0 || first.fg !== ref.fg,
            'the sums are associated differently (else T is not used)',
          );
          for (let rep = 0; rep < 3; rep++) {
            const again = evaluate(obj, data);
            assert.ok(Object.is(again.fg, first.fg) && Object.is(again.f, first.f));
            sameBits(again.grad, first.grad, `gradient, call ${rep + 2}`);
            sameBits(again.hv, first.hv, `Hessian-vector product, call ${rep + 2}`);
          }
          if (threads === 2 && loss === 'logistic') {
            const other = await parallel(data, spec, threads);
            const second = evaluate(other, data);
            assert.ok(Object.is(second.fg, first.fg));
            sameBits(second.grad, first.grad, 'gradient of another instance');
            await other.close();
          }
        });
      }
    });
  }
}

describe('ParallelObjective, other paths', () => {
  it('with the JavaScript kernels agrees with WebAssembly to rounding (Hessian-vector products: same bits)', async () => {
    const spec: ObjectiveSpec = { loss: 'sigmoid-lsq', l2: 0.5 };
    const js = await parallel(VALUED, { ...spec, kernel: 'js' }, 2);
    const wasm = await parallel(VALUED, spec, 2);
    assert.equal(js.kernel, 'js');
    assert.equal(wasm.kernel, 'wasm');
    const a = evaluate(js, VALUED);
    const b = evaluate(wasm, VALUED);
    assert.ok(Math.abs(a.fg - b.fg) <= 1e-13 * Math.abs(b.fg));
    assert.ok(relErr(a.grad, b.grad) <= 1e-13, `gradient: ${relErr(a.grad, b.grad)}`);
    sameBits(a.hv, b.hv, 'Hessian-vector product');
    const one = evaluate(new Objective(VALUED.X, VALUED.y, { ...spec, kernel: 'js' }), VALUED);
    const js1 = evaluate(await parallel(VALUED, { ...spec, kernel: 'js' }, 1), VALUED);
    sameBits(js1.grad, one.grad, 'JavaScript kernels on 1 thread');
  });

  it('evaluates mini-batches on the calling thread with the bits of Objective', async () => {
    const spec: ObjectiveSpec = { loss: 'logistic', l2: 0.1 };
    const obj = await parallel(BINARY, spec, 2);
    const reference = new Objective(BINARY.X, BINARY.y, spec);
    const idx = Int32Array.from({ length: 500 }, (_, i) => (i * 7919) % BINARY.X.rows);
    const batch: RowBatch = { idx, start: 100, end: 357 };
    const g1 = new Float64Array(50);
    const g2 = new Float64Array(50);
    assert.ok(Object.is(obj.valueGrad(BINARY.x, g1, batch), reference.valueGrad(BINARY.x, g2, batch)));
    sameBits(g1, g2, 'batch gradient');
    assert.ok(Object.is(obj.value(BINARY.x, batch), reference.value(BINARY.x, batch)));
    obj.hessVec(BINARY.x, BINARY.v, g1, batch);
    reference.hessVec(BINARY.x, BINARY.v, g2, batch);
    sameBits(g1, g2, 'batch Hessian-vector product');
    assert.equal(obj.batchSize(batch), 257);
  });

  it('runs a method: 1 thread reproduces Objective exactly, 2 threads to rounding', async () => {
    const spec: ObjectiveSpec = { loss: 'logistic', l2: 1e-2 };
    const config = { method: 'lbfgs' as const };
    const opts = { maxIter: 15, tol: 0 };
    const ref = minimize(new Objective(BINARY.X, BINARY.y, spec), config, opts);
    const one = minimize(await parallel(BINARY, spec, 1), config, opts);
    const two = minimize(await parallel(BINARY, spec, 2), config, opts);
    assert.equal(one.iterations, ref.iterations);
    assert.ok(Object.is(one.value, ref.value));
    sameBits(one.x, ref.x, 'iterate');
    assert.ok(Math.abs(two.value - ref.value) <= 1e-10 * ref.value, `${two.value} vs ${ref.value}`);
    assert.deepEqual(two.counts, ref.counts);
  });

  it('stays on one thread below the size threshold', async () => {
    assert.equal(threadsFor(160_000, 4), 1);
    assert.equal(threadsFor(399_999, 4), 1);
    assert.equal(threadsFor(400_000, 4), 2);
    assert.equal(threadsFor(600_000, 4), 3);
    assert.equal(threadsFor(60_000_000, 4), 4);
    assert.equal(threadsFor(60_000_000, 1), 1);
    assert.equal(threadsFor(100, 3, 0), 3);
    const obj = await createParallelObjective(BINARY.X, BINARY.y, { loss: 'logistic' }, { threads: 4 });
    created.push(obj);
    assert.equal(obj.threads, 1);
    assert.equal(obj.team, null);
  });

  it('rejects bad options and vectors of the wrong length', async () => {
    for (const threads of [0, 1.5, Number.NaN]) {
      await assert.rejects(createParallelObjective(BINARY.X, BINARY.y, { loss: 'logistic' }, { threads }), OptlabError);
    }
    await assert.rejects(
      createParallelObjective(BINARY.X, BINARY.y, { loss: 'logistic', l1: -1 }, { threads: 2, minNnzPerThread: 0 }),
      /lambda must be/,
    );
    await assert.rejects(
      createParallelObjective(BINARY.X, BINARY.y.subarray(1), { loss: 'logistic' }, { threads: 2 }),
      /differ in number/,
    );
    const obj = await parallel(BINARY, { loss: 'logistic' }, 2);
    assert.throws(() => obj.valueGrad(new Float64Array(49), new Float64Array(49)), /length 50/);
    assert.throws(() => new ParallelObjective(shareProblem(BINARY.X, BINARY.y, { loss: 'logistic' }, 2)), /helper/);
  });
});

describe('ParallelObjective, threads and failures', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'optlab-parallel-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('close() ends the workers; later calls throw; close is idempotent', async () => {
    const obj = await createParallelObjective(
      BINARY.X,
      BINARY.y,
      { loss: 'logistic' },
      { threads: 3, minNnzPerThread: 0 },
    );
    const team = obj.team as NodeTeam;
    assert.equal(team.running, 2);
    obj.ping();
    const closing = obj.close();
    assert.equal(obj.close(), closing);
    await closing;
    assert.equal(team.running, 0);
    assert.ok(obj.isClosed);
    assert.throws(
      () => obj.valueGrad(BINARY.x, new Float64Array(50)),
      (e) => e instanceof OptlabError && /closed/.test(e.message),
    );
    assert.doesNotThrow(() =>
      obj.valueGrad(BINARY.x, new Float64Array(50), { idx: Int32Array.of(0, 1), start: 0, end: 2 }),
    );
  });

  it('reports an exception thrown in a worker as an error here, and keeps working (threads that never poll)', async () => {
    const obj = await createParallelObjective(
      BINARY.X,
      BINARY.y,
      { loss: 'logistic' },
      {
        threads: 3,
        minNnzPerThread: 0,
        spinMs: 0,
      },
    );
    created.push(obj);
    const g = new Float64Array(50);
    const f = obj.valueGrad(BINARY.x, g);
    assert.throws(
      () => obj.ping({ shard: 2, kind: 'throw' }),
      /helper thread of shard 2 failed: Error: ping: shard 2 fails on request/,
    );
    assert.throws(() => obj.ping({ shard: 0, kind: 'throw' }), /shard 0 fails on request/); // the calling thread's own shard
    obj.ping();
    assert.ok(Object.is(obj.valueGrad(BINARY.x, g), f));
    const polling = await parallel(BINARY, { loss: 'logistic' }, 3);
    assert.ok(Object.is(polling.valueGrad(BINARY.x, new Float64Array(50)), f), 'polling changes no bits');
  });

  it('a worker that dies during a call makes the call throw (no hang), and the objective broken', async () => {
    const obj = await parallel(BINARY, { loss: 'logistic' }, 3);
    const team = obj.team as NodeTeam;
    assert.throws(
      () => obj.ping({ shard: 1, kind: 'crash' }),
      (e) => e instanceof OptlabError && /shard 1 stopped: .*crashes on request/s.test(e.message),
    );
    assert.throws(() => obj.valueGrad(BINARY.x, new Float64Array(50)), /broken/);
    await obj.close();
    assert.equal(team.running, 0);
  });

  it('a worker that ends while the objective is idle makes the next call throw', async () => {
    const obj = await parallel(BINARY, { loss: 'logistic' }, 2);
    await (obj.team as NodeTeam).workers[0].terminate();
    assert.throws(() => obj.value(BINARY.x), /shard 1 stopped: the thread exited/);
  });

  it('a helper that never answers is declared lost after stallMs (no hang), and the objective broken', async () => {
    const shared = shareProblem(BINARY.X, BINARY.y, { loss: 'logistic' }, 2);
    const silent = { close: async () => {} }; // a "team" whose helper never runs
    const obj = new ParallelObjective(shared, silent, { stallMs: 200 });
    const t = performance.now();
    assert.throws(
      () => obj.ping(),
      (e) => e instanceof OptlabError && /shard 1 did not answer/.test(e.message),
    );
    const waited = performance.now() - t;
    assert.ok(waited >= 190 && waited < 5000, `waited ${waited} ms`);
    assert.throws(() => obj.value(BINARY.x), /broken/);
    await obj.close();
  });

  it('never keeps the process alive (workers are unref’d), even without close()', () => {
    const root = REPO;
    const script = join(dir, 'no-close.mts');
    const src = (p: string) => JSON.stringify(pathToFileURL(join(root, 'src', p)).href);
    writeFileSync(
      script,
      `import { makeCsr } from ${src('data/csr.ts')};
       import { createParallelObjective } from ${src('node/parallel-objective.ts')};
       const X = makeCsr(4, 2, Int32Array.of(0, 1, 2, 3, 4), Int32Array.of(0, 1, 0, 1), null);
       const obj = await createParallelObjective(X, Float64Array.of(1, 0, 1, 0), { loss: 'logistic' }, { threads: 2, minNnzPerThread: 0 });
       const g = new Float64Array(2);
       console.log(obj.threads, obj.valueGrad(Float64Array.of(1, -1), g), g[0]);`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const [threads, f, g0] = r.stdout.trim().split(' ').map(Number);
    assert.equal(threads, 2);
    // rows (1,0),(0,1),(1,0),(0,1), labels 1,0,1,0, x = (1, −1): every margin m = −ỹz = −1, ℓ = softplus(−1)
    assert.ok(Math.abs(f - Math.log1p(Math.exp(-1))) < 1e-15);
    assert.ok(Math.abs(g0 - -0.5 / (1 + Math.E)) < 1e-15, `${g0}`); // ∂/∂x₁ = ½·(−σ(−1))
  });
});
