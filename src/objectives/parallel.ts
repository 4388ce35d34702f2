/**
 * Full-data evaluations split by rows across threads on shared memory, synchronous for the caller.
 *
 * f(x) = 1/n Σ_i ℓ(a_iᵀx, y_i) + (μ/2)‖x‖² is a sum over rows, so with the rows cut into T contiguous
 * shards S_0 … S_{T−1} (about equal work each, see `planShards`), shard t computes
 *   s_t = Σ_{i∈S_t} ℓ(a_iᵀx, y_i)   and   g_t = (1/n) Σ_{i∈S_t} ℓ'(a_iᵀx, y_i) a_i
 * with the usual kernels, and the calling thread adds them in shard order:
 *   f = (s_0 + s_1 + … + s_{T−1}) / n,   ∇f = g_0 + g_1 + … + g_{T−1}   (then the L2 term).
 * The shards and the order of the additions depend only on the data and T, so a given T always gives the
 * same bits; T = 1 gives exactly the bits of `Objective`; other T differ from it by rounding only (the sums
 * are associated differently), of the order of 1e-15 relative.
 *
 * The calling thread evaluates shard 0 itself and blocks (`Atomics.wait`, with a timeout) until the helper
 * threads answer, so methods keep calling `valueGrad` synchronously. `Atomics.wait` is allowed in Node
 * (main thread and workers) and in browser Web Workers, not on a browser's main thread. Starting the helper
 * threads is the host's job (Node: src/node/parallel-objective.ts), which runs `ShardRunner.serve` in each.
 * Mini-batches run on the calling thread, on the shared copy of the data, with the kernels `Objective` uses.
 */
import type { Csr } from '../data/csr.js';
import { OptlabError } from '../errors.js';
import { Objective, type ObjectiveSpec, type RowBatch } from './objective.js';
import {
  type Arena,
  arenaViews,
  Control,
  createArena,
  Op,
  type OpCode,
  PingFault,
  ShardRunner,
  type ShardSetup,
  SPIN_MS,
} from './shard.js';

/**
 * Work of one row in units of one non-zero, for balancing shards: a row costs its non-zeros (a gather and
 * a scatter each) plus about this much (exp, a division, log1p). An estimate; any value gives correct
 * results, and for rows of similar length the shards are the same.
 */
export const ROW_COST = 8;

/**
 * Row boundaries of `shards` contiguous shards of about equal work Σ (nnz_i + rowCost): shard t is rows
 * [b[t], b[t+1]), with b[0] = 0 and b[shards] = rows; b[t] is the first row where the cumulative work
 * reaches t/shards of the total (binary search on rowPtr). Deterministic.
 */
export function planShards(rowPtr: Int32Array, rows: number, shards: number, rowCost = ROW_COST): Int32Array {
  const b = new Int32Array(shards + 1);
  const work = (r: number) => rowPtr[r] + rowCost * r;
  const total = work(rows);
  for (let t = 1; t < shards; t++) {
    const target = (total * t) / shards;
    let lo = b[t - 1];
    let hi = rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (work(mid) < target) lo = mid + 1;
      else hi = mid;
    }
    b[t] = lo;
  }
  b[shards] = rows;
  return b;
}

export interface SharingOptions {
  /**
   * Milliseconds each thread polls before sleeping: helpers after answering (so that the next call, if it
   * comes soon, finds them awake), the caller after its own shard. Default `SPIN_MS` (0.5); 0 never polls.
   */
  spinMs?: number;
}

/** A problem copied to shared memory and cut into shards: what the helper threads are started with. */
export interface SharedProblem {
  readonly spec: ObjectiveSpec;
  readonly arena: Arena;
  readonly control: SharedArrayBuffer;
  /** Row boundaries (length threads + 1). */
  readonly plan: Int32Array;
  /** One per shard; shard 0 runs on the calling thread, the others each on a helper thread. */
  readonly setups: ShardSetup[];
}

/**
 * Copies X and y to shared memory (once; about 6 bytes per non-zero for binary data with the WebAssembly
 * kernels, which add the tiles' CSC copy, 4 with JavaScript ones; 8 more with values) and plans `threads`
 * shards. The caller may drop X and y afterwards: the objective reads only the shared copy.
 * `spec.kernel` chooses the shards' kernels: 'auto' (WebAssembly on a shared memory when available and the
 * data fit in 4 GiB, else JavaScript on a SharedArrayBuffer), 'wasm' or 'js'.
 */
export function shareProblem(
  X: Csr,
  y: Float64Array,
  spec: ObjectiveSpec,
  threads: number,
  options: SharingOptions = {},
): SharedProblem {
  const spinMs = options.spinMs ?? SPIN_MS;
  if (!(spinMs >= 0)) throw new OptlabError(`spinMs must be >= 0, got ${spinMs}`);
  if (!Number.isInteger(threads) || threads < 1)
    throw new OptlabError(`threads must be a positive integer, got ${threads}`);
  if (y.length !== X.rows) throw new OptlabError(`labels (${y.length}) and rows (${X.rows}) differ in number`);
  if (X.rows === 0) throw new OptlabError('the dataset has no rows');
  const shards = Math.min(threads, X.rows);
  const plan = planShards(X.rowPtr, X.rows, shards);
  const arena = createArena(X, y, plan, spec.kernel ?? 'auto');
  const control = new SharedArrayBuffer(Control.bytes(shards));
  const setups = Array.from({ length: shards }, (_, shard) => ({
    shard,
    shards,
    start: plan[shard],
    end: plan[shard + 1],
    loss: spec.loss,
    arena,
    control,
    spinMs,
  }));
  return { spec, arena, control, plan, setups };
}

/** The helper threads, as the host started them. */
export interface Team {
  /** Stops the helper threads (after the `stop` op was posted) and resolves when they have ended. */
  close(): Promise<void>;
}

export interface ParallelObjectiveOptions {
  /**
   * How long the calling thread waits for a helper beyond its own shard's time, in milliseconds, before it
   * declares the helper lost and the objective broken (default: 60 s + 100 times its own shard's time). A
   * helper that throws is reported at once; this only catches a thread that vanished without a word (e.g.
   * killed by an out-of-memory limit).
   */
  stallMs?: number;
}

/**
 * `Objective` with its full-data evaluations (valueGrad, value, hessVec; hence total) split across threads;
 * mini-batches run on the calling thread. `close()` stops the helper threads; later calls throw.
 */
export class ParallelObjective extends Objective {
  /** Threads that evaluate the full data (the calling one included). */
  readonly threads: number;
  /** Row boundaries of the shards. */
  readonly plan: Int32Array;
  private readonly shared: SharedProblem;
  private readonly control: Control;
  private readonly local: ShardRunner;
  private readonly xs: Float64Array;
  private readonly vs: Float64Array;
  private readonly parts: Float64Array[];
  /** The helper threads (null with one thread). */
  readonly team: Team | null;
  private readonly stallMs: number | undefined;
  private closed: Promise<void> | null = null;
  private broken: string | null = null;

  /** `team`: the started helpers of shards 1 … T−1 (none when T = 1). */
  constructor(shared: SharedProblem, team: Team | null = null, options: ParallelObjectiveOptions = {}) {
    const views = arenaViews(shared.arena);
    super(views.X, views.y, { ...shared.spec, kernel: 'js' }); // batches: JavaScript kernels on the shared copy
    if (shared.setups.length > 1) {
      if (team === null) throw new OptlabError('a parallel objective with several shards needs its helper threads');
      if (!canBlock()) throw new OptlabError('this thread cannot block (Atomics.wait): use one thread here');
    }
    this.shared = shared;
    this.threads = shared.setups.length;
    this.plan = shared.plan;
    this.control = new Control(shared.control, this.threads);
    this.local = new ShardRunner(shared.setups[0]);
    this.xs = views.x;
    this.vs = views.v;
    this.parts = views.g;
    this.team = team;
    this.stallMs = options.stallMs;
  }

  /** Kernels of the full-data value and gradient on each shard. */
  override get kernel(): 'js' | 'wasm' {
    return this.shared.arena.memory === null ? 'js' : 'wasm';
  }

  /**
   * Mini-batches run on the calling thread: with the WebAssembly passes of shard 0 (its scratch; the
   * helpers are idle), which give the bits of `Objective`'s, else with the JavaScript kernels.
   */
  protected override dataValueGrad(x: Float64Array, grad: Float64Array, scale: number, batch?: RowBatch): number {
    const passes = this.local.passes;
    if (batch === undefined || passes === null) return super.dataValueGrad(x, grad, scale, batch);
    this.load(x, this.xs);
    const g = this.parts[0];
    g.set(grad);
    const sum = passes.batch(this.loss, batch.idx, batch.start, batch.end, scale, true);
    grad.set(g);
    return sum;
  }

  protected override dataValue(x: Float64Array, batch?: RowBatch): number {
    const passes = this.local.passes;
    if (batch === undefined || passes === null) return super.dataValue(x, batch);
    this.load(x, this.xs);
    return passes.batch(this.loss, batch.idx, batch.start, batch.end, 0, false);
  }

  override valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
    if (batch !== undefined) return super.valueGrad(x, grad, batch);
    this.load(x, this.xs);
    this.control.scale = 1 / this.n;
    const sum = this.dispatch(Op.valueGrad);
    this.reduce(grad);
    let f = sum / this.n; // as in Objective
    if (this.l2 !== 0) {
      const mu = this.l2;
      let sq = 0;
      for (let j = 0; j < x.length; j++) {
        sq += x[j] * x[j];
        grad[j] += mu * x[j];
      }
      f += 0.5 * mu * sq;
    }
    return f;
  }

  override value(x: Float64Array, batch?: RowBatch): number {
    if (batch !== undefined) return super.value(x, batch);
    this.load(x, this.xs);
    let f = this.dispatch(Op.value) / this.n;
    if (this.l2 !== 0) {
      let sq = 0;
      for (let j = 0; j < x.length; j++) sq += x[j] * x[j];
      f += 0.5 * this.l2 * sq;
    }
    return f;
  }

  override hessVec(x: Float64Array, v: Float64Array, out: Float64Array, batch?: RowBatch): void {
    if (batch !== undefined) {
      super.hessVec(x, v, out, batch);
      return;
    }
    this.load(x, this.xs);
    this.load(v, this.vs);
    this.control.scale = 1 / this.n;
    this.dispatch(Op.hessVec);
    this.reduce(out);
    if (this.l2 !== 0) for (let j = 0; j < v.length; j++) out[j] += this.l2 * v[j];
  }

  /**
   * A round trip through every thread (a health check). `fault` makes one shard throw (reported here as an
   * error, the objective stays usable) or crash (its thread ends; the objective is broken): the tests'
   * error paths.
   */
  ping(fault?: { shard: number; kind: 'throw' | 'crash' }): void {
    this.dispatch(Op.ping, fault?.shard ?? -1, fault === undefined ? PingFault.none : PingFault[fault.kind]);
  }

  /** Stops the helper threads (idempotent); evaluations afterwards throw. */
  close(): Promise<void> {
    if (this.closed === null) {
      if (this.threads > 1) this.control.post(Op.stop);
      this.closed = this.team === null ? Promise.resolve() : this.team.close();
    }
    return this.closed;
  }

  get isClosed(): boolean {
    return this.closed !== null;
  }

  private load(src: Float64Array, dst: Float64Array): void {
    if (src.length !== this.d) throw new OptlabError(`expected a vector of length ${this.d}, got ${src.length}`);
    dst.set(src);
  }

  /** out = g_0 + g_1 + … in shard order (g_0 copied, so one shard gives its exact bits, −0 included). */
  private reduce(out: Float64Array): void {
    out.set(this.parts[0]);
    for (let t = 1; t < this.threads; t++) {
      const g = this.parts[t];
      for (let j = 0; j < out.length; j++) out[j] += g[j];
    }
  }

  /** Posts op, runs shard 0 here, waits for the helpers; returns s_0 + s_1 + … in shard order. */
  private dispatch(op: OpCode, pingShard = -1, pingFault = 0): number {
    if (this.closed !== null) throw new OptlabError('this parallel objective is closed');
    if (this.broken !== null) throw new OptlabError(`this parallel objective is broken: ${this.broken}`);
    const c = this.control;
    const dead = c.dead();
    if (dead !== null) this.fail(`the helper thread of shard ${dead.shard} stopped: ${dead.message}`);
    const seq = c.post(op, pingShard, pingFault);
    const t0 = performance.now();
    let own: unknown = null;
    try {
      this.local.run(op);
    } catch (e) {
      own = e;
    }
    const ownMs = performance.now() - t0;
    const deadline = performance.now() + (this.stallMs ?? 60_000 + 100 * ownMs);
    for (let t = 1; t < this.threads; t++) {
      const r = c.awaitAnswer(t, seq, deadline, this.local.setup.spinMs);
      if (r === 'dead') {
        const d = c.dead()!;
        this.fail(`the helper thread of shard ${d.shard} stopped: ${d.message}`);
      }
      if (r === 'late') this.fail(`the helper thread of shard ${t} did not answer (it may have run out of memory)`);
    }
    const failure = c.takeFailure();
    if (own !== null) throw own;
    if (failure !== null) throw new Error(`the helper thread of shard ${failure.shard} failed: ${failure.message}`);
    let sum = c.partial(0);
    for (let t = 1; t < this.threads; t++) sum += c.partial(t);
    return sum;
  }

  /** Marks the objective unusable (a helper is gone; its shard's results would be missing) and throws. */
  private fail(message: string): never {
    this.broken = message;
    throw new OptlabError(`parallel objective: ${message}`, 1);
  }
}

/** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
