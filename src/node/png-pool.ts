/**
 * A small pool of worker threads that turn SVG into PNG bytes (./png-worker.ts: resvg's rasterizing and PNG
 * encoding, the same bytes as `svgToPng` on the main thread; the workers load resvg only). The report writer
 * renders each figure's SVG with Vega on the main thread and hands it to the pool, so rasterizing and encoding
 * overlap the next figures' SVGs on another core. (Adapted from the kernels2 branch's png-pool, 1023051, whose
 * worker also loaded Vega through ./png.ts.)
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { OptlabError } from '../errors.js';

export interface PngRequest {
  id: number;
  svg: string;
  scale: number;
}

export type PngReply = { id: number; png: Uint8Array } | { id: number; error: string };

/** Starts a worker (from dist/ the .js entry; under tsx, a few lines that register tsx first). */
function startWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./png-worker.ts', here).href;
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true });
  }
  return new Worker(new URL('./png-worker.js', here));
}

interface Pending {
  request: PngRequest;
  resolve: (png: Uint8Array) => void;
  reject: (e: Error) => void;
}

/** SVG → PNG on `size` worker threads (default: min(2, cores)); `close()` ends them. */
export class PngPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly size = Math.max(1, Math.min(2, availableParallelism()))) {}

  /** Starts every worker now (they load resvg while the caller does other work); returns the pool. */
  warm(): this {
    while (!this.closed && this.all.length < this.size) this.idle.push(this.spawn());
    return this;
  }

  /** The PNG bytes of `svg` at zoom `scale`. */
  render(svg: string, scale: number): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new OptlabError('the PNG pool is closed'));
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, svg, scale }, resolve, reject });
      this.pump();
    });
  }

  /** Ends the workers (pending renders are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new OptlabError('the PNG pool was closed'));
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let w = this.idle.pop();
      if (w === undefined) {
        if (this.all.length >= this.size) return;
        w = this.spawn();
      }
      const job = this.queue.shift() as Pending;
      this.busy.set(w, job);
      w.postMessage(job.request);
    }
  }

  private spawn(): Worker {
    const w = startWorker();
    this.all.push(w);
    w.on('message', (m: PngReply) => {
      const job = this.busy.get(w);
      this.busy.delete(w);
      this.idle.push(w);
      if (job !== undefined) {
        if ('png' in m) job.resolve(m.png);
        else job.reject(new OptlabError(`cannot rasterize a figure to PNG: ${m.error}`));
      }
      this.pump();
    });
    const fail = (e: Error) => {
      const job = this.busy.get(w);
      this.busy.delete(w);
      const i = this.all.indexOf(w);
      if (i >= 0) this.all.splice(i, 1);
      const k = this.idle.indexOf(w); // a warmed worker can fail before its first job
      if (k >= 0) this.idle.splice(k, 1);
      job?.reject(new OptlabError(`the PNG worker failed: ${e.message}`));
      if (!this.closed) this.pump();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (!this.closed && this.all.includes(w)) fail(new Error(`exited with code ${code}`));
    });
    return w;
  }
}
