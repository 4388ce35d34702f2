import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * liblinear's `train` (Debian: `liblinear-train`, package liblinear-tools) as the other side of a bench entry:
 * `-s 0` is L2-regularized logistic regression solved in the primal by a trust-region Newton method (TRON,
 * Lin, Weng & Keerthi, "Trust region Newton method for large-scale logistic regression", JMLR 9, 2008).
 *
 * The objective. liblinear minimizes  f(w) = ½‖w‖² + C Σᵢ log(1 + exp(−yᵢ wᵀxᵢ))  (no bias with `-B -1`);
 * optlab's logistic loss with an L2 term is  F(w) = (1/n) Σᵢ log(1 + exp(−yᵢ wᵀxᵢ)) + (l2/2)‖w‖².
 * F = f / (C n) exactly when l2 = 1/(C n): the same minimizer, and gradients scaled by the same factor, so a
 * relative gradient tolerance means the same on both sides.
 *
 * The stopping rule of `-s 0` (liblinear's README and `train` usage; train_one in linear.cpp, TRON::tron):
 *   ‖∇f(w)‖₂ ≤ eps · max(min(#pos, #neg), 1) / l · ‖∇f(w₀)‖₂,   w₀ = 0, default eps = 0.01,
 * checked after each accepted Newton step.
 */

/** liblinear's C for optlab's l2 on n rows (l2 = 1/(C n)). */
export function liblinearC(l2: number, n: number): number {
  if (!(l2 > 0 && Number.isFinite(l2)) || !(n >= 1)) throw new RangeError(`need l2 > 0 and n >= 1 (got ${l2}, ${n})`);
  return 1 / (l2 * n);
}

/** optlab's l2 for liblinear's C on n rows (the same relation, l2 = 1/(C n)). */
export function optlabL2(C: number, n: number): number {
  if (!(C > 0 && Number.isFinite(C)) || !(n >= 1)) throw new RangeError(`need C > 0 and n >= 1 (got ${C}, ${n})`);
  return 1 / (C * n);
}

/**
 * The relative gradient tolerance of `-s 0 -e eps`: ‖∇f(w)‖ ≤ tol · ‖∇f(0)‖ with tol = eps · max(min(pos, neg), 1)/l,
 * from the labels (1 is the positive class, as optlab encodes it; anything else negative).
 */
export function liblinearRelTol(eps: number, y: ArrayLike<number>): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) pos++;
  const neg = y.length - pos;
  return (eps * Math.max(Math.min(pos, neg), 1)) / y.length;
}

/** A model file of liblinear's `train` for two classes. */
export interface LiblinearModel {
  solver: string;
  /** The labels in the model's order: w scores the first one (wᵀx > 0 predicts labels[0]). */
  labels: number[];
  bias: number;
  w: Float64Array;
}

/**
 * Parses a model file written by liblinear's `train` (save_model: a header of `key value` lines, then `w` and one
 * weight per line, %.17g). Two classes only (one weight column).
 * @throws Error naming the line when the text is not such a model.
 */
export function parseLiblinearModel(text: string): LiblinearModel {
  const lines = text.split('\n');
  const header = new Map<string, string>();
  let i = 0;
  for (; i < lines.length && lines[i].trim() !== 'w'; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const sp = line.indexOf(' ');
    if (sp < 0) throw new Error(`liblinear model: line ${i + 1}: expected 'key value', got '${line}'`);
    header.set(line.slice(0, sp), line.slice(sp + 1).trim());
  }
  if (i === lines.length) throw new Error("liblinear model: no 'w' line");
  const nrClass = Number(header.get('nr_class'));
  const nrFeature = Number(header.get('nr_feature'));
  if (nrClass !== 2) throw new Error(`liblinear model: nr_class ${header.get('nr_class')}, need 2`);
  if (!(Number.isInteger(nrFeature) && nrFeature >= 0)) throw new Error('liblinear model: bad nr_feature');
  const labels = (header.get('label') ?? '').split(/\s+/).map(Number);
  if (labels.length !== 2 || labels.some((v) => !Number.isFinite(v)))
    throw new Error('liblinear model: bad label line');
  const bias = Number(header.get('bias') ?? '-1');
  const count = nrFeature + (bias >= 0 ? 1 : 0);
  const w = new Float64Array(count);
  let k = 0;
  for (let j = i + 1; j < lines.length; j++) {
    const t = lines[j].trim();
    if (t === '') continue;
    const v = Number(t);
    if (!Number.isFinite(v) || k >= count) {
      throw new Error(
        `liblinear model: line ${j + 1}: ${k >= count ? 'more weights than nr_feature' : `bad weight '${t}'`}`,
      );
    }
    w[k++] = v;
  }
  if (k !== count) throw new Error(`liblinear model: ${k} weights, nr_feature says ${count}`);
  return { solver: header.get('solver_type') ?? '', labels, bias, w };
}

/** The weights scoring optlab's positive class (label 1 or +1): w, or −w when the model scores the other label. */
export function positiveWeights(model: LiblinearModel, positive = 1): Float64Array {
  if (model.labels[0] === positive) return model.w;
  if (model.labels[1] === positive) return model.w.map((v) => -v);
  throw new Error(`liblinear model: labels ${model.labels.join(' ')} do not include ${positive}`);
}

/** One line of TRON's log: `iter  3 act 4.162e+02 pre 3.507e+02 delta 7.005e+00 f 1.107e+04 |g| 1.563e+03 CG   4`. */
export interface TronIteration {
  iter: number;
  f: number;
  gnorm: number;
  cg: number;
}

/** The iteration lines of `train`'s (verbose) output; other lines (`cg reaches trust region boundary`) skipped. */
export function parseTronLog(text: string): TronIteration[] {
  const out: TronIteration[] = [];
  const re = /^iter\s+(\d+)\s+act\s+\S+\s+pre\s+\S+\s+delta\s+\S+\s+f\s+(\S+)\s+\|g\|\s+(\S+)\s+CG\s+(\d+)\s*$/;
  for (const line of text.split('\n')) {
    const m = re.exec(line.trim());
    if (m) out.push({ iter: Number(m[1]), f: Number(m[2]), gnorm: Number(m[3]), cg: Number(m[4]) });
  }
  return out;
}

/** The command, from OPTLAB_LIBLINEAR_TRAIN or Debian's name. */
export function liblinearCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPTLAB_LIBLINEAR_TRAIN || 'liblinear-train';
}

/** Whether the command runs (its usage text names solver 0 as logistic regression). */
export function liblinearAvailable(cmd = liblinearCommand()): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(cmd, [], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `${cmd} not found (Debian: apt-get install liblinear-tools)` };
  if (!/0 -- L2-regularized logistic regression \(primal\)/.test(`${r.stdout}${r.stderr}`)) {
    return { ok: false, reason: `${cmd} does not look like liblinear's train (no '-s 0' in its usage)` };
  }
  return { ok: true };
}

/** One run of `train -s 0 -c C -e eps -B -1` on a LIBSVM file: wall seconds, the model, the log when verbose. */
export function runLiblinear(
  data: string,
  C: number,
  eps: number,
  opts: { verbose?: boolean; cmd?: string } = {},
): { seconds: number; model: LiblinearModel; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'optlab-liblinear-'));
  try {
    const modelFile = join(dir, 'model');
    const args = [
      '-s',
      '0',
      '-c',
      String(C),
      '-e',
      String(eps),
      '-B',
      '-1',
      ...(opts.verbose ? [] : ['-q']),
      data,
      modelFile,
    ];
    const cmd = opts.cmd ?? liblinearCommand();
    const t = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const seconds = (performance.now() - t) / 1e3;
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
    return { seconds, model: parseLiblinearModel(readFileSync(modelFile, 'utf8')), log: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
