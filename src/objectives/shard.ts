/**
 * Shards of a full-data evaluation on shared memory: the data layout every thread sees, the control block
 * through which the calling thread hands out work, and the loop a helper thread runs.
 *
 * One arena holds the matrix, the labels, the point x, a direction v (Hessian-vector products) and one
 * d-vector of partial results per shard. It is a shared WebAssembly memory when the WebAssembly kernels
 * are used (its buffer is a SharedArrayBuffer that JavaScript views read too), else a SharedArrayBuffer.
 * Each thread evaluates its contiguous rows [start, end) with the usual kernels into its own partial
 * vector and partial sum; the calling thread adds them up in shard order (parallel.ts).
 *
 * Protocol (all through `Atomics` on the control block's Int32 cells, so it works in Node worker threads
 * and in browser Web Workers alike):
 * - the caller writes x (and v), the op and its scalar arguments, then increments SEQ and notifies it;
 * - every helper waits on SEQ, runs the op on its shard, writes its results, stores SEQ into its DONE cell
 *   and notifies it; a helper whose op throws records the message (FAILED) and still answers;
 * - the caller runs shard 0 itself, then waits on each helper's DONE cell (with a timeout, watching DEAD,
 *   which the host sets when a helper thread ends unexpectedly);
 * - op `stop` ends the helper loops.
 * The `Atomics` store/load pairs order every plain write before them (ECMAScript memory model), so the
 * partial results are visible to the caller once DONE reads SEQ.
 */
import type { Csr } from '../data/csr.js';
import { OptlabError } from '../errors.js';
import { lossHessVec, lossValue, lossValueGrad } from './kernels.js';
import type { LossName } from './losses.js';
import {
  Bump,
  fillPattern,
  layoutPattern,
  layoutScratch,
  Passes,
  type PatternLayout,
  planTiles,
  type Scratch,
  X_BASE,
} from './wasm/layout.js';
import { createSharedMemory, instantiateShared } from './wasm/shared.js';

/** Operations of the protocol. */
export const Op = { valueGrad: 1, value: 2, hessVec: 3, ping: 4, stop: 5 } as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/** What `ping` makes one shard do instead of nothing (a health check, and the tests' error paths). */
export const PingFault = { none: 0, throw: 1, crash: 2 } as const;

/** Byte offsets of the arena's arrays (0: absent); every array starts on a 64-byte boundary. */
export interface ArenaLayout {
  rp: number;
  ci: number;
  vals: number;
  y: number;
  x: number;
  v: number;
  /** The partial vector of each shard. */
  g: number[];
  bytes: number;
  /** The WebAssembly kernels' pattern (Int32 column indices, which the JavaScript kernels share), or null. */
  pattern: PatternLayout | null;
  /** Each shard's WebAssembly scratch (its g is the shard's partial vector), or null. */
  scratch: Scratch[] | null;
}

/** The shared copy of a problem's data (posted once to every helper thread; never copied again). */
export interface Arena {
  readonly buffer: SharedArrayBuffer;
  /** The WebAssembly memory whose buffer `buffer` is, or null (JavaScript kernels on a SharedArrayBuffer). */
  readonly memory: WebAssembly.Memory | null;
  readonly layout: ArenaLayout;
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  readonly binary: boolean;
}

/** Everything one thread needs to serve its shard (structured-cloneable: shared buffers are not copied). */
export interface ShardSetup {
  shard: number;
  shards: number;
  /** Rows [start, end). */
  start: number;
  end: number;
  loss: LossName;
  arena: Arena;
  control: SharedArrayBuffer;
  /** Milliseconds to poll for the next op (helpers) or for the helpers' answers (the caller) before sleeping. */
  spinMs: number;
}

/** The arena's layout for the JavaScript kernels (a plain SharedArrayBuffer). */
export function arenaLayout(rows: number, cols: number, nnz: number, binary: boolean, shards: number): ArenaLayout {
  let top = 64;
  const take = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 64) * 64;
    return at;
  };
  const rp = take(4 * (rows + 1));
  const ci = take(4 * nnz);
  const vals = binary ? 0 : take(8 * nnz);
  const y = take(8 * rows);
  const x = take(8 * cols);
  const v = take(8 * cols);
  const g = Array.from({ length: shards }, () => take(8 * cols));
  return { rp, ci, vals, y, x, v, g, bytes: top, pattern: null, scratch: null };
}

/**
 * The arena's layout for the WebAssembly kernels: their pattern with Int32 column indices (so that the
 * JavaScript kernels read the same arrays) and row tiles inside each shard `plan` gives, the direction v,
 * and each shard's scratch.
 */
export function wasmArenaLayout(X: Csr, plan: Int32Array): ArenaLayout {
  const bump = new Bump(X.cols);
  const pattern = layoutPattern(X, planTiles(X.rowPtr, X.cols, plan), bump, 32);
  const v = bump.take(8 * X.cols);
  const scratch = Array.from({ length: plan.length - 1 }, () => layoutScratch(pattern, bump));
  return {
    rp: pattern.rp,
    ci: pattern.ci,
    vals: pattern.vals,
    y: pattern.y,
    x: X_BASE,
    v,
    g: scratch.map((s) => s.g),
    bytes: bump.top,
    pattern,
    scratch,
  };
}

/**
 * Copies X and y into a new arena cut into the shards of `plan`: a shared WebAssembly memory when `kernel`
 * allows it and the data fit in 4 GiB, else a SharedArrayBuffer (JavaScript kernels). Throws when 'wasm' is
 * required but unavailable, or when shared memory is unavailable altogether (a browser page without
 * cross-origin isolation).
 */
export function createArena(X: Csr, y: Float64Array, plan: Int32Array, kernel: 'auto' | 'js' | 'wasm'): Arena {
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new OptlabError('shared memory (SharedArrayBuffer) is not available here (cross-origin isolation?)');
  }
  const nnz = X.rowPtr[X.rows];
  const binary = X.values === null;
  const shards = plan.length - 1;
  let layout = kernel === 'js' ? null : wasmArenaLayout(X, plan);
  const memory = layout === null ? null : createSharedMemory(layout.bytes);
  if (kernel === 'wasm' && memory === null) {
    throw new OptlabError('shared-memory WebAssembly SIMD kernels are not available here (or the data exceed 4 GiB)');
  }
  if (memory === null) layout = arenaLayout(X.rows, X.cols, nnz, binary, shards);
  const l = layout as ArenaLayout;
  const buffer = memory === null ? new SharedArrayBuffer(l.bytes) : (memory.buffer as unknown as SharedArrayBuffer);
  const arena: Arena = { buffer, memory, layout: l, rows: X.rows, cols: X.cols, nnz, binary };
  if (l.pattern !== null) fillPattern(buffer, l.pattern, X, y);
  else {
    const v = arenaViews(arena);
    v.X.rowPtr.set(X.rowPtr.subarray(0, X.rows + 1));
    v.X.colIdx.set(X.colIdx.subarray(0, nnz));
    if (X.values !== null) v.X.values!.set(X.values.subarray(0, nnz));
    v.y.set(y);
  }
  return arena;
}

/** Typed-array views of an arena (no copy). */
export interface ArenaViews {
  X: Csr;
  y: Float64Array;
  x: Float64Array;
  v: Float64Array;
  g: Float64Array[];
}

export function arenaViews(a: Arena): ArenaViews {
  const { buffer: b, layout: l, rows, cols, nnz } = a;
  return {
    X: {
      rows,
      cols,
      rowPtr: new Int32Array(b, l.rp, rows + 1),
      colIdx: new Int32Array(b, l.ci, nnz),
      values: a.binary ? null : new Float64Array(b, l.vals, nnz),
    },
    y: new Float64Array(b, l.y, rows),
    x: new Float64Array(b, l.x, cols),
    v: new Float64Array(b, l.v, cols),
    g: l.g.map((at) => new Float64Array(b, at, cols)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// control block

/**
 * Int32 cells: SEQ, OP, ping target and fault, FAILED / DEAD (shard + 1 of the first, 0 = none; DEAD is −1
 * while its first claimant writes the message, see markDead).
 */
const SEQ = 0;
const OP = 1;
const PING_SHARD = 2;
const PING_FAULT = 3;
const FAILED = 4;
const DEAD = 5;
const FAILED_LEN = 6;
const DEAD_LEN = 7;
/** Each shard's DONE cell sits on its own 64-byte line. */
const LINE = 16;
const done = (s: number) => LINE * (s + 1);
/** Float64 cells: the scale of the op, and each shard's partial sum (one line apart). */
const SCALE = 0;
const sum = (s: number) => 8 * (s + 1);
const MESSAGE_CHARS = 2048;

/** Typed views of a control block. */
export class Control {
  readonly buffer: SharedArrayBuffer;
  readonly ints: Int32Array;
  readonly f64: Float64Array;
  private readonly failedText: Uint16Array;
  private readonly deadText: Uint16Array;

  constructor(buffer: SharedArrayBuffer, shards: number) {
    this.buffer = buffer;
    const intBytes = 64 * (shards + 1);
    const f64Bytes = 64 * (shards + 1);
    this.ints = new Int32Array(buffer, 0, intBytes / 4);
    this.f64 = new Float64Array(buffer, intBytes, f64Bytes / 8);
    this.failedText = new Uint16Array(buffer, intBytes + f64Bytes, MESSAGE_CHARS);
    this.deadText = new Uint16Array(buffer, intBytes + f64Bytes + 2 * MESSAGE_CHARS, MESSAGE_CHARS);
  }

  static bytes(shards: number): number {
    return 128 * (shards + 1) + 4 * MESSAGE_CHARS;
  }

  get seq(): number {
    return Atomics.load(this.ints, SEQ);
  }
  get scale(): number {
    return this.f64[SCALE];
  }
  set scale(s: number) {
    this.f64[SCALE] = s;
  }
  partial(s: number): number {
    return this.f64[sum(s)];
  }
  setPartial(s: number, value: number): void {
    this.f64[sum(s)] = value;
  }

  /** The caller: publishes an op (after writing its inputs) and wakes the helpers. Returns its sequence number. */
  post(op: OpCode, pingShard = -1, pingFault: number = PingFault.none): number {
    this.ints[OP] = op;
    this.ints[PING_SHARD] = pingShard;
    this.ints[PING_FAULT] = pingFault;
    const seq = (Atomics.load(this.ints, SEQ) + 1) | 0;
    Atomics.store(this.ints, SEQ, seq);
    Atomics.notify(this.ints, SEQ);
    return seq;
  }

  /** A helper: blocks (polling for the first `spinMs` ms) until an op newer than `seen` is posted; returns its number. */
  awaitOp(seen: number, spinMs = 0): number {
    spin(this.ints, SEQ, seen, spinMs);
    for (;;) {
      Atomics.wait(this.ints, SEQ, seen);
      const seq = Atomics.load(this.ints, SEQ);
      if (seq !== seen) return seq;
    }
  }

  op(): number {
    return this.ints[OP];
  }
  pingFault(shard: number): number {
    return this.ints[PING_SHARD] === shard ? this.ints[PING_FAULT] : PingFault.none;
  }

  /** A helper: op `seq` is done on shard s. */
  answer(s: number, seq: number): void {
    Atomics.store(this.ints, done(s), seq);
    Atomics.notify(this.ints, done(s));
  }

  /**
   * The caller: waits until shard s answered op `seq`, a helper died, or `deadline` (performance.now()) passed,
   * polling for the first `spinMs` milliseconds.
   * @returns 'done', 'dead' or 'late'
   */
  awaitAnswer(s: number, seq: number, deadline: number, spinMs = 0): 'done' | 'dead' | 'late' {
    spinUntil(this.ints, done(s), seq, spinMs);
    for (;;) {
      const cur = Atomics.load(this.ints, done(s));
      if (cur === seq) return 'done';
      if (Atomics.load(this.ints, DEAD) > 0) return 'dead';
      const left = deadline - performance.now();
      if (left <= 0) return 'late';
      Atomics.wait(this.ints, done(s), cur, Math.min(left, 250));
    }
  }

  /** Records the first failure of an op (a helper that threw); the helper still answers. */
  fail(s: number, message: string): void {
    if (Atomics.compareExchange(this.ints, FAILED, 0, s + 1) === 0)
      write(this.failedText, this.ints, FAILED_LEN, message);
  }

  /** The first failure of the last op, cleared. */
  takeFailure(): { shard: number; message: string } | null {
    const f = Atomics.load(this.ints, FAILED);
    if (f === 0) return null;
    const message = read(this.failedText, this.ints, FAILED_LEN);
    Atomics.store(this.ints, FAILED, 0);
    return { shard: f - 1, message };
  }

  /**
   * The host: helper s ended (or can no longer answer). Wakes the caller; permanent. The first caller claims
   * the cell (−1), writes its message, then publishes s + 1: a reader never sees the shard before its
   * message (publishing first let a waiting caller read an empty one). A claim never published (its thread
   * killed in between) leaves the caller to its deadline ('late'), not to a hang.
   */
  markDead(s: number, message: string): void {
    if (Atomics.compareExchange(this.ints, DEAD, 0, -1) === 0) {
      write(this.deadText, this.ints, DEAD_LEN, message);
      Atomics.store(this.ints, DEAD, s + 1);
    }
    for (let t = 0; t < this.ints.length / LINE - 1; t++) Atomics.notify(this.ints, done(t));
  }

  dead(): { shard: number; message: string } | null {
    const d = Atomics.load(this.ints, DEAD);
    return d <= 0 ? null : { shard: d - 1, message: read(this.deadText, this.ints, DEAD_LEN) };
  }
}

/**
 * Default milliseconds a thread polls before it sleeps in `Atomics.wait`: a sleeping thread (and its idle
 * core) takes 0.1 to 0.5 ms to wake, which a method calling valueGrad back to back would pay on every call.
 */
export const SPIN_MS = 0.5;

/** Polls cell i while it equals `value`, for at most ms milliseconds. */
function spin(ints: Int32Array, i: number, value: number, ms: number): void {
  if (ms <= 0) return;
  const until = performance.now() + ms;
  for (let n = 1; Atomics.load(ints, i) === value; n++) if ((n & 255) === 0 && performance.now() > until) return;
}

/** Polls cell i until it equals `value`, for at most ms milliseconds. */
function spinUntil(ints: Int32Array, i: number, value: number, ms: number): void {
  if (ms <= 0) return;
  const until = performance.now() + ms;
  for (let n = 1; Atomics.load(ints, i) !== value; n++) if ((n & 255) === 0 && performance.now() > until) return;
}

function write(text: Uint16Array, ints: Int32Array, lenCell: number, message: string): void {
  const n = Math.min(message.length, text.length);
  for (let i = 0; i < n; i++) text[i] = message.charCodeAt(i);
  Atomics.store(ints, lenCell, n);
}

function read(text: Uint16Array, ints: Int32Array, lenCell: number): string {
  const n = Atomics.load(ints, lenCell);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(text[i]);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// one shard

/** Thrown by `ping` with the crash fault: it escapes `serve`, ending the helper thread (tests use it). */
export class ShardCrash extends Error {}

/**
 * One thread's part: rows [start, end) of the arena, evaluated with the WebAssembly kernels (value and
 * gradient, when the arena is a WebAssembly memory: the tiles inside the shard) or the JavaScript ones
 * (Hessian-vector products, and everything on a SharedArrayBuffer arena).
 */
export class ShardRunner {
  readonly setup: ShardSetup;
  readonly control: Control;
  private readonly views: ArenaViews;
  private readonly out: Float64Array;
  /** This shard's WebAssembly passes (null: JavaScript kernels), and its tiles t0..t1−1. */
  readonly passes: Passes | null;
  private readonly t0: number;
  private readonly t1: number;

  constructor(setup: ShardSetup) {
    this.setup = setup;
    this.control = new Control(setup.control, setup.shards);
    this.views = arenaViews(setup.arena);
    this.out = this.views.g[setup.shard];
    const { memory, layout, buffer } = setup.arena;
    if (memory === null || layout.pattern === null || layout.scratch === null) {
      this.passes = null;
      this.t0 = this.t1 = 0;
    } else {
      const p = layout.pattern;
      this.passes = new Passes(instantiateShared(memory), p, layout.scratch[setup.shard], buffer);
      this.t0 = p.tiles.indexOf(setup.start);
      this.t1 = p.tiles.indexOf(setup.end, this.t0);
      if (this.t0 < 0 || this.t1 < 0)
        throw new Error(`shard ${setup.shard}: rows ${setup.start}..${setup.end} cut a tile`);
    }
  }

  /** Runs op on this shard: the partial sum into the control block, the partial vector into the arena. */
  run(op: number): void {
    const { shard, start, end, loss } = this.setup;
    const c = this.control;
    const scale = c.scale;
    const { X, y, x, v } = this.views;
    const out = this.out;
    const passes = this.passes;
    if (op === Op.valueGrad) {
      out.fill(0);
      c.setPartial(
        shard,
        passes !== null
          ? passes.tiles(loss, this.t0, this.t1, scale, true)
          : lossValueGrad(loss, X, y, x, out, scale, null, start, end),
      );
    } else if (op === Op.value) {
      c.setPartial(
        shard,
        passes !== null ? passes.tiles(loss, this.t0, this.t1, 0, false) : lossValue(loss, X, y, x, null, start, end),
      );
    } else if (op === Op.hessVec) {
      out.fill(0);
      lossHessVec(loss, X, y, x, v, out, scale, null, start, end);
    } else if (op === Op.ping) {
      const fault = c.pingFault(shard);
      if (fault === PingFault.throw) throw new Error(`ping: shard ${shard} fails on request`);
      if (fault === PingFault.crash) throw new ShardCrash(`ping: shard ${shard} crashes on request`);
    } else throw new Error(`unknown op ${op}`);
  }

  /**
   * A helper thread's loop: runs every posted op on this shard until `stop`. An op that throws is reported
   * through the control block (the caller throws it); only `ShardCrash` escapes, ending the thread.
   */
  serve(): void {
    const c = this.control;
    const s = this.setup.shard;
    let seen = 0;
    for (;;) {
      seen = c.awaitOp(seen, this.setup.spinMs);
      const op = c.op();
      if (op === Op.stop) return;
      try {
        this.run(op);
      } catch (e) {
        if (e instanceof ShardCrash) throw e;
        c.fail(s, e instanceof Error ? (e.stack ?? e.message) : String(e));
      }
      c.answer(s, seen);
    }
  }
}
