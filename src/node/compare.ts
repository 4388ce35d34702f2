import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { encodeLabels } from '../data/labels.js';
import { parseLibsvm } from '../data/libsvm.js';
import { OptlabError } from '../errors.js';
import type { LossName } from '../objectives/losses.js';
import { Objective } from '../objectives/objective.js';
import { prepare } from '../run/minimize.js';
import { Rng } from '../run/rng.js';
import { A9A_FSTAR } from './bench.js';
import {
  liblinearAvailable,
  liblinearRelTol,
  optlabL2,
  parseTronLog,
  positiveWeights,
  runLiblinear,
} from './liblinear.js';

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
  /**
   * Rounds of the value+gradient entries (default 15) and of the L-BFGS entries (default 11, one per start: the
   * calls to F* + 1e-8 are chaotic in the start, and a median over 5 moved by ±15 % between runs).
   */
  rounds?: number;
  lbfgsRounds?: number;
  /** Calls per round and side of the value+gradient entries (default 30). */
  calls?: number;
  /** L-BFGS memories compared (default 5, 10, 20). */
  memories?: number[];
  /** liblinear `-e` tolerances compared (default 0.01, its default, and 1e-4; [] for none), its C (default 1). */
  liblinearEps?: number[];
  liblinearC?: number;
  /** Rounds of the liblinear entries (default 7). */
  liblinearRounds?: number;
  /**
   * Runs the whole study once and resolves its wall seconds (`optlab study` in a child process): with it, the
   * entry `study/a9a` gives the study's time in SciPy value+gradient calls, each round a study and then SciPy's
   * per-call time (or the other way round), `studyRounds` rounds (default 3).
   */
  study?: () => Promise<number>;
  studyRounds?: number;
  onEntry?: (name: string, r: Ratio) => void;
  /** An entry that could not run (its tool is missing), with the reason. */
  onSkip?: (name: string, reason: string) => void;
}

/**
 * Wall seconds of one `optlab study --quiet` (the default a9a study) in a child process started like this one
 * (same node, same flags, same CLI entry), into a temporary folder removed afterwards; a failed study throws.
 */
export async function timeStudyCli(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'optlab-bench-study-'));
  try {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1], 'study', '--out', join(dir, 'study'), '--quiet'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      },
    );
    const seconds = (performance.now() - t) / 1000;
    if (r.status !== 0)
      throw new OptlabError(`the timed study failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').pop()}`);
    return seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

/** optlab's L-BFGS (memory m, its default line search, from x0) on sigmoid-lsq until F − f* ≤ 1e-8. */
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

/** ‖v‖₂ */
function norm(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  return Math.sqrt(s);
}

/**
 * liblinear's `train -s 0` (primal trust-region Newton) against optlab's L-BFGS (its defaults, from zeros) on the
 * same objective — logistic + (l2/2)‖w‖² with l2 = 1/(C n), which is liblinear's f(w) = ½‖w‖² + C Σ log(1 + e^{−y wᵀx})
 * divided by C n — to the same relative gradient, liblinear's `-e eps` rule ‖∇F(w)‖ ≤ eps·max(min(pos, neg), 1)/n ·
 * ‖∇F(0)‖ (optlab: `tol` = that times ‖∇F(0)‖). No bias (`-B -1`).
 *
 * Timing: `train` reads the LIBSVM text itself, so each round runs it twice, with `-e eps` and with `-e 1e30` (it
 * then stops at w = 0 after reading the data, one value and gradient and writing the model); liblinear's time is
 * the difference (its solver minus one value + gradient at 0, about a millisecond). optlab's time is its run on
 * the data already in memory. The three runs alternate their order between rounds; a round whose difference is
 * not positive (load noise) gives no ratio. Untimed afterwards: both end points are evaluated by optlab's
 * objective (F, relative gradient) against a reference minimum (optlab's L-BFGS to 1e-10 relative gradient), and
 * one verbose `train` run gives TRON's iterations and CG steps.
 */
function compareLiblinear(
  data: string,
  X: ConstructorParameters<typeof Objective>[0],
  y: Float64Array,
  C: number,
  eps: number,
  rounds: number,
): Ratio {
  const n = y.length;
  const objective = new Objective(X, y, { loss: 'logistic', l2: optlabL2(C, n) });
  const d = X.cols;
  const g = new Float64Array(d);
  objective.valueGrad(new Float64Array(d), g);
  const g0 = norm(g);
  const relTol = liblinearRelTol(eps, y);
  const solve = (tol: number) => {
    const t = performance.now();
    const { runner } = prepare(objective, { method: 'lbfgs' }, { maxIter: 100000, tol });
    runner.advance();
    const r = runner.result();
    return { seconds: (performance.now() - t) / 1e3, r };
  };
  solve(relTol * g0); // warm-up (kernels, JIT)
  const ratios: number[] = [];
  const ours: number[] = [];
  const theirs: number[] = [];
  const parse: number[] = [];
  let ourRun = solve(relTol * g0);
  let model = runLiblinear(data, C, eps).model;
  // a round whose liblinear difference is not positive (load noise around a short solve) is dropped and
  // another is run, up to 3× the rounds asked for
  let attempts = 0;
  for (let round = 0; ratios.length < rounds && round < 3 * rounds; round++) {
    attempts++;
    let a = 0;
    let full = 0;
    let base = 0;
    const pair = () => {
      if (round % 2 === 0) {
        const r = runLiblinear(data, C, eps);
        model = r.model;
        full = r.seconds;
        base = runLiblinear(data, C, 1e30).seconds;
      } else {
        base = runLiblinear(data, C, 1e30).seconds;
        const r = runLiblinear(data, C, eps);
        model = r.model;
        full = r.seconds;
      }
    };
    const optlab = () => {
      ourRun = solve(relTol * g0);
      a = ourRun.seconds;
    };
    if (round % 2 === 0) {
      pair();
      optlab();
    } else {
      optlab();
      pair();
    }
    ours.push(a);
    parse.push(base);
    theirs.push(full - base);
    if (full - base > 0) ratios.push(a / (full - base));
  }
  const w = positiveWeights(model);
  const fLiblinear = objective.valueGrad(w, g);
  const relLiblinear = norm(g) / g0;
  const reference = solve(1e-10 * g0).r;
  const tron = parseTronLog(runLiblinear(data, C, eps, { verbose: true }).log);
  const r = ourRun.r;
  const s = summarize(ratios.length > 0 ? ratios : [Number.NaN], ours, theirs, 's');
  return {
    ...s,
    rounds: ratios.length,
    notes: {
      C,
      l2: optlabL2(C, n),
      eps,
      relTol,
      optlabF: r.value,
      liblinearF: fLiblinear,
      referenceF: reference.value,
      optlabGap: r.value - reference.value,
      liblinearGap: fLiblinear - reference.value,
      optlabRelGrad: r.gradNorm / g0,
      liblinearRelGrad: relLiblinear,
      optlabIterations: r.iterations,
      optlabCalls: r.counts.oracleCalls,
      tronIterations: tron.length,
      cgSteps: tron.reduce((k, t) => k + t.cg, 0),
      liblinearReadSeconds: median(parse),
      droppedRounds: attempts - ratios.length,
    },
  };
}

/**
 * The compared entries: value-grad (sigmoid-lsq, logistic) against SciPy, logistic against sigmoid within
 * optlab, and L-BFGS to f* + 1e-8 at each memory from the same starts on both sides (`lbfgsStart`; time
 * ratio, and the median oracle calls of both sides with their ranges in `notes`); then, where liblinear's `train`
 * runs, `liblinear-e<eps>/a9a` (`compareLiblinear`), else one skipped entry with the reason; with `study`, the
 * whole study in SciPy value+gradient calls (`study/a9a`).
 * Resolves `{ ok: false }` with the reason when python3 with numpy and scipy is missing.
 */
export async function comparePython(
  o: CompareOptions,
): Promise<
  | { ok: true; entries: Record<string, Ratio>; skipped: Record<string, string>; versions: object }
  | { ok: false; reason: string }
> {
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
  const skipped: Record<string, string> = {};
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
    for (let round = 0; round < rounds; round++) {
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
        vg[loss].r.push(a / b);
        vg[loss].a.push(a);
        vg[loss].b.push(b);
      }
    }
    // logistic against sigmoid-lsq: optlab's two kernels back to back, in alternating order, with no
    // SciPy call between them (a child's work between the two halves of a ratio only adds noise to it)
    const within = { r: [] as number[], a: [] as number[], b: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      let logistic: number;
      let sigmoid: number;
      if (round % 2 === 0) {
        sigmoid = timeOptlab('sigmoid-lsq');
        logistic = timeOptlab('logistic');
      } else {
        logistic = timeOptlab('logistic');
        sigmoid = timeOptlab('sigmoid-lsq');
      }
      within.r.push(logistic / sigmoid);
      within.a.push(logistic);
      within.b.push(sigmoid);
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
      const perCall: number[] = [];
      const msPerCall: number[] = [];
      const msPerCallOther: number[] = [];
      let reached = true;
      for (let round = 0; round < (o.lbfgsRounds ?? 11); round++) {
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
        msPerCall.push((ours.seconds / ours.evaluations) * 1e3);
        msPerCallOther.push((theirs.seconds / theirs.evaluations) * 1e3);
        perCall.push(ours.seconds / ours.evaluations / (theirs.seconds / theirs.evaluations));
        reached &&= ours.reached && theirs.reached;
      }
      // The ratio is that of the total times over the shared starts (the mean time to the target, both sides
      // on the same starts; a weighted mean of the rounds' ratios, so within their range). Each side's calls
      // to f* + 1e-8 are chaotic in the path, and the two paths part after ~100 iterations: a start's ratio
      // is the quotient of two independent draws (0.16–0.80 over one run's starts at memory 5), so the median
      // of 11 of them carries both sides' chaos (it is kept below as perStartRatio).
      const optlabTotal = a.reduce((s, v) => s + v, 0);
      const scipyTotal = b.reduce((s, v) => s + v, 0);
      add(`lbfgs-m${memory}/a9a`, {
        ...summarize(r, a, b, 's'),
        ratio: optlabTotal / scipyTotal,
        notes: {
          perStartRatio: median(r),
          optlabTotalSeconds: optlabTotal,
          scipyTotalSeconds: scipyTotal,
          optlabCalls: median(calls),
          scipyCalls: median(callsOther),
          callRatio: median(calls) / median(callsOther),
          // time per oracle call (method overhead included): the time ratio without the path's chaos
          perCallRatio: median(perCall),
          optlabMsPerCall: median(msPerCall),
          scipyMsPerCall: median(msPerCallOther),
          optlabCallsRange: `${Math.min(...calls)}–${Math.max(...calls)}`,
          scipyCallsRange: `${Math.min(...callsOther)}–${Math.max(...callsOther)}`,
          reached,
        },
      });
    }
    if (o.study) {
      // the study's wall time over SciPy's time per sigmoid-lsq value+gradient call, in alternating rounds
      const r: number[] = [];
      const a: number[] = [];
      const b: number[] = [];
      const calls = o.calls ?? 30;
      const scipyMs = async () =>
        median((await py.request<{ seconds: number[] }>({ op: 'value-grad', loss: 'sigmoid-lsq', calls })).seconds) *
        1e3;
      for (let round = 0; round < (o.studyRounds ?? 3); round++) {
        let seconds: number;
        let ms: number;
        if (round % 2 === 0) {
          seconds = await o.study();
          ms = await scipyMs();
        } else {
          ms = await scipyMs();
          seconds = await o.study();
        }
        r.push(seconds / (ms / 1e3));
        a.push(seconds);
        b.push(ms);
      }
      // ratio: SciPy calls of time (optlab: study seconds, other: SciPy ms per call); issue 10's target 12,000
      add('study/a9a', {
        ...summarize(r, a, b, 's'),
        notes: {
          scipyCalls: median(r),
          scipyMsPerCall: median(b),
          scipyMsMin: Math.min(...b),
          scipyMsMax: Math.max(...b),
        },
      });
    }
  } finally {
    py.close();
  }
  const epsList = o.liblinearEps ?? [0.01, 1e-4];
  if (epsList.length > 0) {
    const ll = liblinearAvailable();
    if (!ll.ok) {
      skipped['liblinear/a9a'] = ll.reason;
      o.onSkip?.('liblinear/a9a', ll.reason);
    } else {
      for (const eps of epsList) {
        add(
          `liblinear-e${eps}/a9a`,
          compareLiblinear(o.data, parsed.X, y, o.liblinearC ?? 1, eps, o.liblinearRounds ?? 7),
        );
      }
    }
  }
  return { ok: true, entries, skipped, versions };
}
