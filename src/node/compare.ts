import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { encodeLabels } from '../data/labels.js';
import { parseLibsvm } from '../data/libsvm.js';
import type { LossName } from '../objectives/losses.js';
import { Objective } from '../objectives/objective.js';
import { prepare } from '../run/minimize.js';
import { Rng } from '../run/rng.js';
import { A9A_FSTAR } from './bench.js';

/**
 * `optlab bench --compare-python`: optlab against SciPy, timed in alternating rounds in one run.
 *
 * SciPy runs in one warm child process (bench/python/bench_server.py: the data, the imports and the first
 * calls are paid before any timing), with OpenBLAS, OpenMP and MKL pinned to one thread and
 * OPENBLAS_CORETYPE unset for that child only. Each round times a batch of optlab calls and a batch of SciPy
 * calls back to back (alternating which goes first), and gives one ratio (median optlab time / median SciPy
 * time within the round); an entry reports the median ratio over the rounds and its min–max spread, so a
 * burst of load from elsewhere on the machine shows as spread instead of moving the ratio.
 */

/** One compared quantity: the median ratio over rounds and its spread. */
export interface Ratio {
  /** Median over rounds of optlab / other (time: below 1 is optlab faster). */
  ratio: number;
  min: number;
  max: number;
  rounds: number;
  /** Median over rounds of the two sides' values (ms per call, or seconds per run). */
  optlab: number;
  other: number;
  unit: 'ms' | 's';
  /** Extra figures (e.g. oracle calls of both L-BFGS runs). */
  notes?: Record<string, number | string | boolean>;
}

export interface CompareOptions {
  data: string;
  /** Rounds of the value+gradient entries (default 15) and of the L-BFGS entries (default 5, one per start). */
  rounds?: number;
  lbfgsRounds?: number;
  /** Calls per round and side of the value+gradient entries (default 30). */
  calls?: number;
  /** L-BFGS memories compared (default 5, 10, 20). */
  memories?: number[];
  onEntry?: (name: string, r: Ratio) => void;
}

/** The environment of the SciPy child: one BLAS thread, OPENBLAS_CORETYPE unset (for that child only). */
export function pythonEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete out.OPENBLAS_CORETYPE;
  return out;
}

/** A line-protocol client of bench_server.py. */
class PythonSide {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(data: string) {
    const script = fileURLToPath(new URL('../../bench/python/bench_server.py', import.meta.url));
    this.child = spawn('python3', [script, '--data', data], { env: pythonEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async request<T>(req: object): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const next = await this.lines.next();
    if (next.done) {
      const last = this.stderr.trim().split('\n').pop() ?? '';
      throw new Error(`python3 ended: ${last}`);
    }
    return JSON.parse(next.value) as T;
  }

  close(): void {
    this.child.stdin.end(`${JSON.stringify({ op: 'quit' })}\n`);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summarize(ratios: number[], ours: number[], theirs: number[], unit: 'ms' | 's'): Ratio {
  return {
    ratio: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    rounds: ratios.length,
    optlab: median(ours),
    other: median(theirs),
    unit,
  };
}

/**
 * The starts of the L-BFGS rounds: zeros, then 1e-10 · N(0, 1) per coordinate (seeded by the round). On
 * sigmoid-lsq, a non-convex loss, the oracle calls to f* + 1e-8 are chaotic in the path: starts 1e-10
 * apart, or SciPy's BLAS dot kernel, move them by ±30–50 % at memory 5 on both sides. A single path says
 * nothing about a method; the median over starts, both sides from the same ones, does.
 */
export function lbfgsStart(d: number, round: number): Float64Array {
  if (round === 0) return new Float64Array(d);
  const rng = new Rng(round);
  return Float64Array.from({ length: d }, () => 1e-10 * rng.normal());
}

/** optlab's L-BFGS (memory m, strong Wolfe, from x0) on sigmoid-lsq until F − f* ≤ 1e-8. */
function optlabLbfgs(objective: Objective, memory: number, x0: Float64Array) {
  let reached = false;
  const t = performance.now();
  const { runner } = prepare(
    objective,
    { method: 'lbfgs', memory },
    {
      maxIter: 100000,
      tol: 0,
      init: x0,
      onTrace: (p) => {
        if (p.value - A9A_FSTAR <= 1e-8) {
          reached = true;
          return false;
        }
        return undefined;
      },
    },
  );
  runner.advance();
  const seconds = (performance.now() - t) / 1e3;
  const r = runner.result();
  return { seconds, evaluations: r.counts.oracleCalls, iterations: r.iterations, reached };
}

/**
 * The compared entries: value-grad (sigmoid-lsq, logistic) against SciPy, logistic against sigmoid within
 * optlab, and L-BFGS to f* + 1e-8 at each memory from the same starts on both sides (`lbfgsStart`; time
 * ratio, and the median oracle calls of both sides with their ranges in `notes`).
 * Resolves `{ ok: false }` with the reason when python3 with numpy and scipy is missing.
 */
export async function comparePython(
  o: CompareOptions,
): Promise<{ ok: true; entries: Record<string, Ratio>; versions: object } | { ok: false; reason: string }> {
  const parsed = parseLibsvm(new Uint8Array(readFileSync(o.data)), { fileName: o.data });
  const { y } = encodeLabels(parsed.labels, '01', o.data);
  const objectives: Record<LossName, Objective> = {
    'sigmoid-lsq': new Objective(parsed.X, y, { loss: 'sigmoid-lsq' }),
    logistic: new Objective(parsed.X, y, { loss: 'logistic' }),
  };
  const d = parsed.X.cols;
  const x = Float64Array.from({ length: d }, (_, j) => Math.sin(j) * 0.1);
  const g = new Float64Array(d);
  let py: PythonSide;
  let versions: object;
  try {
    py = new PythonSide(o.data);
    versions = await py.request<object>({ op: 'versions' });
  } catch (e) {
    return { ok: false, reason: `python3 with numpy and scipy is needed (${(e as Error).message})` };
  }
  const entries: Record<string, Ratio> = {};
  const add = (name: string, r: Ratio) => {
    entries[name] = r;
    o.onEntry?.(name, r);
  };
  try {
    const rounds = o.rounds ?? 15;
    const calls = o.calls ?? 30;
    const timeOptlab = (loss: LossName) => {
      const obj = objectives[loss];
      const s: number[] = [];
      for (let k = 0; k < calls; k++) {
        const t = performance.now();
        obj.valueGrad(x, g);
        s.push(performance.now() - t);
      }
      return median(s);
    };
    for (const loss of ['sigmoid-lsq', 'logistic'] as const) for (let k = 0; k < 20; k++) timeOptlab(loss); // warm-up
    const vg: Record<LossName, { r: number[]; a: number[]; b: number[] }> = {
      'sigmoid-lsq': { r: [], a: [], b: [] },
      logistic: { r: [], a: [], b: [] },
    };
    const within = { r: [] as number[], a: [] as number[], b: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const ours: Partial<Record<LossName, number>> = {};
      for (const loss of ['sigmoid-lsq', 'logistic'] as const) {
        let a = 0;
        let b = 0;
        const scipy = async () => {
          b = median((await py.request<{ seconds: number[] }>({ op: 'value-grad', loss, calls })).seconds) * 1e3;
        };
        if (round % 2 === 0) {
          a = timeOptlab(loss);
          await scipy();
        } else {
          await scipy();
          a = timeOptlab(loss);
        }
        ours[loss] = a;
        vg[loss].r.push(a / b);
        vg[loss].a.push(a);
        vg[loss].b.push(b);
      }
      within.r.push(ours.logistic! / ours['sigmoid-lsq']!);
      within.a.push(ours.logistic!);
      within.b.push(ours['sigmoid-lsq']!);
    }
    add('value-grad/a9a', summarize(vg['sigmoid-lsq'].r, vg['sigmoid-lsq'].a, vg['sigmoid-lsq'].b, 'ms'));
    add('value-grad-logistic/a9a', summarize(vg.logistic.r, vg.logistic.a, vg.logistic.b, 'ms'));
    add('logistic/sigmoid (optlab)', summarize(within.r, within.a, within.b, 'ms'));

    for (const memory of o.memories ?? [5, 10, 20]) {
      const r: number[] = [];
      const a: number[] = [];
      const b: number[] = [];
      const calls: number[] = [];
      const callsOther: number[] = [];
      const callRatios: number[] = [];
      let reached = true;
      for (let round = 0; round < (o.lbfgsRounds ?? 5); round++) {
        const x0 = lbfgsStart(d, round);
        const scipy = () =>
          py.request<{ seconds: number; evaluations: number; reached: boolean }>({
            op: 'lbfgs',
            memory,
            fstar: A9A_FSTAR,
            x0: [...x0],
          });
        let ours: ReturnType<typeof optlabLbfgs>;
        let theirs: Awaited<ReturnType<typeof scipy>>;
        if (round % 2 === 0) {
          ours = optlabLbfgs(objectives['sigmoid-lsq'], memory, x0);
          theirs = await scipy();
        } else {
          theirs = await scipy();
          ours = optlabLbfgs(objectives['sigmoid-lsq'], memory, x0);
        }
        r.push(ours.seconds / theirs.seconds);
        a.push(ours.seconds);
        b.push(theirs.seconds);
        calls.push(ours.evaluations);
        callsOther.push(theirs.evaluations);
        callRatios.push(ours.evaluations / theirs.evaluations);
        reached &&= ours.reached && theirs.reached;
      }
      add(`lbfgs-m${memory}/a9a`, {
        ...summarize(r, a, b, 's'),
        notes: {
          optlabCalls: median(calls),
          scipyCalls: median(callsOther),
          callRatio: median(calls) / median(callsOther),
          optlabCallsRange: `${Math.min(...calls)}–${Math.max(...calls)}`,
          scipyCallsRange: `${Math.min(...callsOther)}–${Math.max(...callsOther)}`,
          reached,
        },
      });
    }
  } finally {
    py.close();
  }
  return { ok: true, entries, versions };
}
