/**
 * Properties of every run: accepted line-search steps satisfy their conditions (replayed from a recording of
 * every evaluation), monotone methods never increase F, costs are counted exactly, every failure ends with its
 * named stop reason, budgets stop with theirs, bad parameters are refused, and runs are reproducible.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeLabels } from '../../src/data/labels.js';
import { parseLibsvm } from '../../src/data/libsvm.js';
import { OptlabError } from '../../src/errors.js';
import { DenseBfgs, Lbfgs } from '../../src/methods/curvature.js';
import { denseOps, jsDenseOps, matVec } from '../../src/methods/dense-ops.js';
import { METHOD_NAMES, METHODS, type MethodName } from '../../src/methods/index.js';
import type { AnyMethodConfig } from '../../src/methods/params.js';
import { Objective, type RowBatch } from '../../src/objectives/objective.js';
import type { Problem } from '../../src/objectives/problem.js';
import { type MethodConfig, minimize, prepare } from '../../src/run/minimize.js';
import type { RunResult, StopReason, TracePoint } from '../../src/run/result.js';
import type { RunOptions } from '../../src/run/run.js';
import { requireDataFile } from '../helpers/data.js';
import {
  denseObjective,
  type Evaluation,
  Flat,
  LeastSquares,
  NanBeyond,
  Quadratic,
  Recording,
  Rosenbrock,
  separableL1,
  TINY_ROWS,
  TINY_Y01,
} from '../helpers/problems.js';

const EPS = Number.EPSILON;

const A8 = [
  [1, 2, 0.5],
  [0.3, -1, 2],
  [2, 0.1, -0.7],
  [-1, 1, 1],
  [0.5, 0.5, 0.5],
  [1.5, -0.2, 0.3],
  [0, 1, -1],
  [-0.8, 0.4, 1.2],
];
const B8 = [1, -2, 0.5, 3, 1, -1, 0.2, 2];
const lsq = () => new LeastSquares(A8, B8);
const L_LSQ = lsq().lipschitz();
const quad = () =>
  new Quadratic(
    [
      [4, 1, 0],
      [1, 3, 0.5],
      [0, 0.5, 2],
    ],
    [1, -2, 3],
  );

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));
const diff = (a: Float64Array, b: Float64Array) => a.map((v, j) => v - b[j]);

/** Runs with every evaluation recorded; marks[k] = evaluations made when trace point k was recorded. */
function recorded(problem: Problem, config: MethodConfig, options: RunOptions) {
  const rec = new Recording(problem);
  const marks: number[] = [];
  const r = minimize(rec, config, {
    ...options,
    onTrace: () => {
      marks.push(rec.log.length);
      return undefined;
    },
  });
  return { r, log: rec.log, marks };
}

/**
 * For full-batch descent methods (whose trace costs no evaluation), the steps of a run: the base point, the
 * accepted point (the last evaluation of the iteration) and the number of trials, for iterations that moved x.
 */
function steps(r: RunResult, log: Evaluation[], marks: number[]) {
  assert.equal(marks.length, r.trace.length);
  assert.equal(log.length, r.counts.oracleCalls, 'every evaluation went through the oracle');
  const out: Array<{ k: number; base: Evaluation; acc: Evaluation; trials: Evaluation[] }> = [];
  for (let k = 0; k + 1 < r.trace.length; k++) {
    if (r.trace[k + 1].vectorUpdates === r.trace[k].vectorUpdates) continue; // a failed last step
    out.push({ k, base: log[marks[k] - 1], acc: log[marks[k + 1] - 1], trials: log.slice(marks[k], marks[k + 1]) });
  }
  return out;
}

// ---- line-search conditions ---------------------------------------------------------------------------------

interface LsCase {
  problem: string;
  make: () => Problem;
  init?: Float64Array;
  config: MethodConfig;
}

const LS_PROBLEMS: Array<{ name: string; make: () => Problem; init?: Float64Array }> = [
  { name: 'Rosenbrock', make: () => new Rosenbrock(2), init: Float64Array.of(-1.2, 1) },
  { name: '5-D Rosenbrock', make: () => new Rosenbrock(5) },
  { name: 'tiny sigmoid-lsq', make: () => denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq') },
  { name: 'tiny logistic', make: () => denseObjective(TINY_ROWS, TINY_Y01, 'logistic') },
  { name: 'least squares', make: lsq },
];
const LS_CONFIGS: MethodConfig[] = [
  { method: 'gd', lineSearch: 'armijo' },
  { method: 'gd', lineSearch: 'wolfe' },
  { method: 'gd', lineSearch: 'wolfe', c1: 0.3, c2: 0.4, step: 5 },
  { method: 'lbfgs' },
  { method: 'lbfgs', c2: 0.1 },
  { method: 'lbfgs', lineSearch: 'armijo', c1: 0.25 },
  { method: 'bfgs' },
  { method: 'bfgs', lineSearch: 'armijo' },
];
const LS_CASES: LsCase[] = LS_PROBLEMS.flatMap((p) =>
  LS_CONFIGS.map((config) => ({ problem: p.name, make: p.make, init: p.init, config })),
);

/**
 * Checks every accepted step of a recorded descent run against its line-search conditions, written with
 * s = x₊ − x = αd (up to the rounding of x + αd, bounded by `slack`):
 *   armijo: F(x₊) ≤ F(x) + c1·∇F(x)ᵀs and F(x₊) < F(x);  wolfe: also |∇F(x₊)ᵀs| ≤ c2·|∇F(x)ᵀs|.
 */
function checkLineSearchSteps(r: RunResult, log: Evaluation[], marks: number[], config: AnyMethodConfig): number {
  const rule = config.lineSearch ?? METHODS[config.method].defaults.lineSearch;
  const c1 = config.c1 ?? 1e-4;
  const c2 = config.c2 ?? 0.9;
  const maxEvals = rule === 'armijo' ? 40 : 30;
  const all = steps(r, log, marks);
  for (const { k, base, acc, trials } of all) {
    const at = `iteration ${k + 1}`;
    const g = base.g!;
    const gNew = acc.g!;
    const s = diff(acc.x, base.x);
    const gs = dot(g, s);
    const slack = 4 * EPS * (norm(base.x) + norm(acc.x)) * (norm(g) + norm(gNew));
    assert.ok(gs < 0, `${at}: not a descent step (gᵀs = ${gs})`);
    assert.ok(acc.f < base.f, `${at}: no decrease`);
    assert.ok(acc.f <= base.f + c1 * gs + slack, `${at}: sufficient decrease fails: ${acc.f} > ${base.f} + ${c1 * gs}`);
    if (rule === 'wolfe') {
      assert.ok(Math.abs(dot(gNew, s)) <= c2 * Math.abs(gs) + slack, `${at}: curvature condition fails`);
    }
    // a safeguard may retry once along −∇f after a reset: at most two searches per iteration
    assert.ok(trials.length >= 1 && trials.length <= 2 * maxEvals, `${at}: ${trials.length} trials`);
    // the accepted point is the last one evaluated: its value is the trace's
    assert.equal(acc.f, r.trace[k + 1].value, `${at}: the trace value is not the last evaluation`);
  }
  return all.length;
}

describe('every accepted line-search step satisfies its conditions', () => {
  for (const c of LS_CASES) {
    it(`${c.config.method} ${JSON.stringify(c.config)} on ${c.problem}`, () => {
      const { r, log, marks } = recorded(c.make(), c.config, { maxIter: 300, tol: 1e-10, init: c.init ?? 'zeros' });
      const checked = checkLineSearchSteps(r, log, marks, c.config);
      assert.ok(checked >= 3, `only ${checked} steps (${r.stopReason}: ${r.message})`);
    });
  }

  it('gd armijo tries exactly step·½ᵏ along −∇f (the trial points, bit for bit)', () => {
    const { r, log, marks } = recorded(
      new Rosenbrock(2),
      { method: 'gd', lineSearch: 'armijo', step: 1 },
      {
        maxIter: 50,
        init: Float64Array.of(-1.2, 1),
      },
    );
    let trialsSeen = 0;
    for (const { base, trials } of steps(r, log, marks)) {
      trials.forEach((t, i) => {
        const alpha = 0.5 ** i;
        assert.deepStrictEqual(
          t.x,
          base.x.map((v, j) => v + alpha * -base.g![j]),
        );
        trialsSeen++;
      });
    }
    assert.ok(trialsSeen > 100, `${trialsSeen}`);
  });

  it('lbfgs strong Wolfe steps on random convex quadratics (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 16, maxLength: 16 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.constantFrom(0.1, 0.5, 0.9),
        (m, c, c2) => {
          // Q = MᵀM + 0.1 I (positive definite)
          const Q = Array.from({ length: 4 }, (_, i) =>
            Array.from({ length: 4 }, (_, j) => {
              let v = i === j ? 0.1 : 0;
              for (let k = 0; k < 4; k++) v += m[k * 4 + i] * m[k * 4 + j];
              return v;
            }),
          );
          const config: MethodConfig = { method: 'lbfgs', memory: 3, c2 };
          const { r, log, marks } = recorded(new Quadratic(Q, c), config, { maxIter: 100, tol: 1e-9 });
          checkLineSearchSteps(r, log, marks, config);
          assert.ok(['converged', 'line-search-failed', 'max-iterations'].includes(r.stopReason));
        },
      ),
      { numRuns: 60, seed: 20240611 },
    );
  });
});

/** Independent pseudo-gradient of f + λ‖x‖₁ (Andrew & Gao 2007, eq. 4). */
function pseudoGradient(x: Float64Array, g: Float64Array, lambda: number): Float64Array {
  return x.map((xj, j) => {
    if (xj !== 0) return g[j] + lambda * Math.sign(xj);
    if (g[j] + lambda < 0) return g[j] + lambda;
    if (g[j] - lambda > 0) return g[j] - lambda;
    return 0;
  });
}

describe('owlqn steps satisfy its Armijo condition on the projected path', () => {
  const l1Norm = (x: Float64Array) => x.reduce((s, v) => s + Math.abs(v), 0);
  for (const [name, make, lambda] of [
    ['separable + 0.5‖x‖₁', () => separableL1([1, 2, 0.5, 4], [3, -0.2, -1.5, 0.1], 0.5).problem, 0.5],
    ['least squares + 0.3‖x‖₁', () => new LeastSquares(A8, B8, 0.3), 0.3],
    ['tiny logistic + 0.02‖x‖₁', () => denseObjective(TINY_ROWS, TINY_Y01, 'logistic', { l1: 0.02 }), 0.02],
    ['tiny sigmoid-lsq, λ = 0', () => denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq'), 0],
  ] as const) {
    it(name, () => {
      const c1 = 1e-4;
      const { r, log, marks } = recorded(make(), { method: 'owlqn', c1 }, { maxIter: 200, tol: 1e-10 });
      const all = steps(r, log, marks);
      assert.ok(all.length >= 3);
      for (const { k, base, acc, trials } of all) {
        const pg = pseudoGradient(base.x, base.g!, lambda);
        const F = base.f + lambda * l1Norm(base.x);
        const Fn = acc.f + lambda * l1Norm(acc.x);
        assert.ok(Fn <= F + c1 * dot(pg, diff(acc.x, base.x)), `iteration ${k + 1}`);
        // the step stays in the orthant of x (or of −◇ where x_j = 0)
        acc.x.forEach((v, j) => {
          const xi = base.x[j] !== 0 ? Math.sign(base.x[j]) : -Math.sign(pg[j]);
          assert.ok(v === 0 || Math.sign(v) === xi, `iteration ${k + 1}, x[${j}] left its orthant`);
        });
        assert.ok(trials.length <= 40);
        assert.equal(Fn, r.trace[k + 1].value);
      }
    });
  }
});

// ---- curvature estimates ------------------------------------------------------------------------------------

/** Dense H after BFGS updates (N&W eq. 6.17) of H₀ = γI with the given pairs, oldest first; returns −Hg. */
function denseDirection(pairs: Array<[number[], number[]]>, gamma: number, g: number[]): number[] {
  const d = g.length;
  let H = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? gamma : 0)));
  for (const [s, y] of pairs) {
    const rho = 1 / dot(s, y);
    // V = I − ρ y sᵀ;  H₊ = Vᵀ H V + ρ s sᵀ
    const V = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => (i === j ? 1 : 0) - rho * y[i] * s[j]),
    );
    const HV = H.map((row) => V[0].map((_, j) => row.reduce((acc, h, k) => acc + h * V[k][j], 0)));
    H = V[0].map((_, i) => V[0].map((_, j) => V.reduce((acc, vk, k) => acc + vk[i] * HV[k][j], 0) + rho * s[i] * s[j]));
  }
  return H.map((row) => -row.reduce((acc, h, j) => acc + h * g[j], 0));
}

describe('curvature estimates match the dense BFGS formulas', () => {
  it("the WebAssembly dense kernels give the JavaScript loops' bits (H·v, −H·v, rank-two updates)", () => {
    const ops = denseOps(3);
    assert.equal(ops.kind, 'wasm', 'Node 20 has WebAssembly SIMD: the kernels must be used here');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 0, max: 2 ** 31 }), (d, seed) => {
        let u = seed;
        const next = () => {
          u = (Math.imul(u, 1103515245) + 12345) >>> 0;
          return (u / 2 ** 32 - 0.5) * 10 ** ((u % 7) - 3);
        };
        const w = denseOps(d);
        const j = jsDenseOps(d);
        for (let k = 0; k < d * d; k++) {
          const v = next();
          w.H[k] = v;
          j.H[k] = v;
        }
        for (let round = 0; round < 3; round++) {
          const v = Float64Array.from({ length: d }, next);
          const s = Float64Array.from({ length: d }, next);
          for (const sign of [1, -1] as const) {
            const a = new Float64Array(d);
            const b = new Float64Array(d);
            w.matVec(v, a, sign);
            j.matVec(v, b, sign);
            for (let i = 0; i < d; i++) assert.ok(Object.is(a[i], b[i]), `d = ${d}: ${a[i]} vs ${b[i]}`);
          }
          const rho = next();
          const c = next();
          w.rank2(s, v, rho, c);
          j.rank2(s, v, rho, c);
          for (let k = 0; k < d * d; k++) assert.ok(Object.is(w.H[k], j.H[k]), `d = ${d}, H[${k}]`);
        }
      }),
    );
  });

  it('DenseBfgs takes the same steps with the WebAssembly kernels and without (d = 123, 40 pairs)', () => {
    const d = 123;
    const a = new DenseBfgs(d);
    const b = new DenseBfgs(d, undefined, { wasm: false });
    let u = 7;
    const next = () => {
      u = (Math.imul(u, 1103515245) + 12345) >>> 0;
      return u / 2 ** 32 - 0.5;
    };
    const g = new Float64Array(d);
    const da = new Float64Array(d);
    const db = new Float64Array(d);
    for (let k = 0; k < 40; k++) {
      const s = Float64Array.from({ length: d }, next);
      const y = s.map((v) => 2 * v + 0.3 * next() * Math.abs(v));
      assert.equal(a.update(s, y), b.update(s, y));
      for (let j = 0; j < d; j++) g[j] = next();
      a.direction(g, da);
      b.direction(g, db);
      for (let j = 0; j < d; j++) assert.ok(Object.is(da[j], db[j]), `pair ${k}, component ${j}`);
    }
    assert.equal(a.accepted, 40);
  });

  it("matVec gives the plain row-by-row loop's bits (four rows at a time, and the leftover rows)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 0, max: 2 ** 31 }), (d, seed) => {
        let u = seed;
        const next = () => {
          u = (Math.imul(u, 1103515245) + 12345) >>> 0;
          return (u / 2 ** 32 - 0.5) * 10 ** ((u % 7) - 3);
        };
        const M = Float64Array.from({ length: d * d }, next);
        const v = Float64Array.from({ length: d }, next);
        for (const sign of [1, -1] as const) {
          const out = new Float64Array(d);
          matVec(M, d, v, out, sign);
          for (let i = 0; i < d; i++) {
            let t = 0;
            for (let j = 0; j < d; j++) t += M[i * d + j] * v[j];
            assert.ok(Object.is(out[i], sign === 1 ? t : -t), `d = ${d}, row ${i}: ${out[i]} vs ${sign * t}`);
          }
        }
      }),
    );
  });

  const pairArb = fc
    .tuple(
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
      fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 3, maxLength: 3 }),
    )
    // y = s + small perturbation keeps sᵀy > 0 comfortably
    .map(([s, e]) => [s, s.map((v, j) => 2 * v + e[j] * Math.abs(v))] as [number[], number[]])
    .filter(([s, y]) => dot(s, y) > 1e-3 * norm(s) * norm(y) && norm(s) > 1e-3);
  const gArb = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 });
  const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    const scale = Math.max(1, norm(b));
    for (let j = 0; j < b.length; j++) assert.ok(Math.abs(a[j] - b[j]) <= 1e-9 * scale, `${a[j]} vs ${b[j]}`);
  };

  it('L-BFGS: the newest m pairs, H₀ = γI with γ = sᵀy / yᵀy of the newest pair', () => {
    fc.assert(
      fc.property(
        fc.array(pairArb, { minLength: 1, maxLength: 5 }),
        gArb,
        fc.integer({ min: 1, max: 4 }),
        (pairs, g, m) => {
          const lb = new Lbfgs(3, m);
          for (const [s, y] of pairs) assert.ok(lb.update(Float64Array.from(s), Float64Array.from(y)));
          const out = new Float64Array(3);
          lb.direction(Float64Array.from(g), out);
          const used = pairs.slice(-m);
          const [sN, yN] = used[used.length - 1];
          close(out, denseDirection(used, dot(sN, yN) / dot(yN, yN), g));
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('L-BFGS with memory 0 and before any pair: d = −g exactly', () => {
    const g = Float64Array.of(0.3, -2, 5);
    for (const lb of [new Lbfgs(3, 0), new Lbfgs(3, 5)]) {
      lb.update(Float64Array.of(1, 0, 0), Float64Array.of(2, 0, 0)); // ignored by memory 0
      if (lb.m === 5) lb.reset();
      const out = new Float64Array(3);
      lb.direction(g, out);
      assert.deepStrictEqual(
        out,
        g.map((v) => -v),
      );
    }
  });

  it('dense BFGS: H₀ = γI from the first pair (N&W eq. 6.20), then every pair', () => {
    fc.assert(
      fc.property(fc.array(pairArb, { minLength: 1, maxLength: 5 }), gArb, (pairs, g) => {
        const b = new DenseBfgs(3);
        for (const [s, y] of pairs) assert.ok(b.update(Float64Array.from(s), Float64Array.from(y)));
        const out = new Float64Array(3);
        b.direction(Float64Array.from(g), out);
        const [s0, y0] = pairs[0];
        close(out, denseDirection(pairs, dot(s0, y0) / dot(y0, y0), g));
      }),
      { numRuns: 200, seed: 8 },
    );
  });

  it('pairs without enough positive curvature are skipped', () => {
    for (const c of [new Lbfgs(2, 3), new DenseBfgs(2)]) {
      assert.equal(c.update(Float64Array.of(1, 0), Float64Array.of(-1, 0)), false);
      assert.equal(c.update(Float64Array.of(1, 0), Float64Array.of(0, 1)), false);
      assert.equal(c.update(Float64Array.of(1, 0), Float64Array.of(Number.NaN, 1)), false);
      assert.equal(c.skipped, 3);
      assert.equal(c.hasMemory(), false);
    }
  });
});

// ---- monotone methods -------------------------------------------------------------------------------------

describe('monotone methods never increase F along the trace', () => {
  const smooth: Array<[string, () => Problem, Float64Array | undefined]> = [
    ['Rosenbrock', () => new Rosenbrock(2), Float64Array.of(-1.2, 1)],
    ['tiny sigmoid-lsq', () => denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq'), undefined],
    ['tiny logistic', () => denseObjective(TINY_ROWS, TINY_Y01, 'logistic'), undefined],
    ['least squares', lsq, undefined],
  ];
  const configs: MethodConfig[] = [
    { method: 'gd', lineSearch: 'armijo' },
    { method: 'gd', lineSearch: 'wolfe' },
    { method: 'lbfgs' },
    { method: 'lbfgs', memory: 0 },
    { method: 'bfgs' },
    { method: 'owlqn' },
  ];
  /** F_k ≤ F_{k−1} (+ `slack`·|F_{k−1}|), for every k. */
  const isMonotone = (trace: TracePoint[], slack = 0) => {
    for (let k = 1; k < trace.length; k++) {
      const [a, b] = [trace[k - 1].value, trace[k].value];
      assert.ok(b <= a + slack * Math.abs(a), `F rose at iteration ${trace[k].iter}: ${a} → ${b}`);
    }
  };
  for (const [name, make, init] of smooth) {
    for (const config of configs) {
      it(`${JSON.stringify(config)} on ${name}`, () => {
        const r = minimize(make(), config, { maxIter: 300, tol: 0, init: init ?? 'zeros' });
        assert.ok(r.trace.length > 5);
        isMonotone(r.trace);
      });
    }
  }
  const l1: Array<[string, () => Problem, number]> = [
    ['separable + 0.5‖x‖₁', () => separableL1([1, 2, 0.5, 4], [3, -0.2, -1.5, 0.1], 0.5).problem, 4],
    ['least squares + 0.3‖x‖₁', () => new LeastSquares(A8, B8, 0.3), L_LSQ],
    ['tiny logistic + 0.02‖x‖₁', () => denseObjective(TINY_ROWS, TINY_Y01, 'logistic', { l1: 0.02 }), 1],
  ];
  for (const [name, make, L] of l1) {
    for (const config of [
      { method: 'prox-gd', step: 1 / L },
      { method: 'prox-gd', lineSearch: 'armijo' },
      { method: 'owlqn' },
    ] as MethodConfig[]) {
      it(`${JSON.stringify(config)} on ${name}`, () => {
        const r = minimize(make(), config, { maxIter: 300, tol: 0 });
        assert.ok(r.trace.length > 5);
        // ISTA decreases F in exact arithmetic but checks no decrease: at the minimum its F wanders by an ulp
        isMonotone(r.trace, config.method === 'prox-gd' ? 4 * EPS : 0);
        if (config.method === 'prox-gd') {
          const t = minimize(make(), config, { maxIter: 300, tol: 1e-6 }); // above the floor: strictly monotone
          isMonotone(t.trace);
        }
      });
    }
  }
});

// ---- exact costs ------------------------------------------------------------------------------------------

describe('costs are counted exactly', () => {
  it('gd with a constant step: k iterations cost k + 1 calls, (k + 1)·n samples, k updates', () => {
    const p = lsq();
    const k = 25;
    const r = minimize(p, { method: 'gd', step: 0.5 }, { maxIter: k, tol: 0 });
    assert.equal(r.iterations, k);
    assert.deepStrictEqual(r.counts, {
      sampleGradients: (k + 1) * p.n,
      oracleCalls: k + 1,
      vectorUpdates: k,
      passes: k + 1,
    });
    r.trace.forEach((t, i) => {
      assert.equal(t.iter, i);
      assert.equal(t.oracleCalls, i + 1);
      assert.equal(t.sampleGradients, (i + 1) * p.n);
      assert.equal(t.vectorUpdates, i);
    });
  });

  it('prox-gd with a constant step costs as gd; fista with a constant step 1 call per iteration (at y_k)', () => {
    const p = new LeastSquares(A8, B8, 0.1);
    const k = 20;
    const pg = minimize(p, { method: 'prox-gd', step: 0.5 }, { maxIter: k });
    assert.deepStrictEqual([pg.counts.oracleCalls, pg.counts.sampleGradients], [k + 1, (k + 1) * p.n]);
    const fi = minimize(p, { method: 'fista', step: 0.5 }, { maxIter: k });
    assert.deepStrictEqual(
      fi.trace.map((t) => [t.oracleCalls, t.sampleGradients, t.vectorUpdates]),
      fi.trace.map((_, i) => [i, i * p.n, i]),
    );
  });

  it('line searches: every trial is a full evaluation (n samples per call)', () => {
    for (const method of ['lbfgs', 'bfgs', 'owlqn'] as const) {
      const p = denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq');
      const { r, log } = recorded(p, { method }, { maxIter: 50 });
      assert.equal(r.counts.sampleGradients, r.counts.oracleCalls * p.n);
      assert.equal(log.length, r.counts.oracleCalls);
      assert.ok(log.every((e) => e.rows === null));
      assert.ok(r.counts.oracleCalls > r.iterations, 'some iteration took more than one trial');
      assert.equal(r.counts.passes, r.counts.oracleCalls);
    }
  });

  it('sgd: per epoch ceil(n/b) calls, n samples, batches partition the rows, reshuffled each epoch', () => {
    const p = denseObjective(TINY_ROWS, TINY_Y01, 'logistic'); // n = 10
    const b = 3;
    const epochs = 5;
    const { r, log } = recorded(p, { method: 'sgd', step: 0.1, batch: b }, { epochs, seed: 11 });
    const perEpoch = Math.ceil(p.n / b); // 4: 3 + 3 + 3 + 1
    assert.equal(r.stopReason, 'max-epochs');
    assert.equal(r.iterations, perEpoch * epochs);
    assert.equal(r.epochs, epochs);
    assert.deepStrictEqual(
      r.trace.map((t) => [t.iter, t.epoch, t.oracleCalls, t.sampleGradients, t.vectorUpdates]),
      r.trace.map((_, e) => [perEpoch * e, e, perEpoch * e, p.n * e, perEpoch * e]),
    );
    const batches = log.filter((e) => e.rows !== null);
    assert.equal(batches.length, r.counts.oracleCalls);
    assert.equal(log.length - batches.length, r.trace.length, 'one uncounted full evaluation per trace point');
    const orders: number[][] = [];
    for (let e = 0; e < epochs; e++) {
      const ep = batches.slice(e * perEpoch, (e + 1) * perEpoch);
      assert.deepStrictEqual(
        ep.map((x) => x.batch),
        [3, 3, 3, 1],
      );
      const rows = ep.flatMap((x) => Array.from(x.rows!));
      assert.deepStrictEqual(
        [...rows].sort((u, v) => u - v),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      orders.push(rows);
    }
    assert.ok(new Set(orders.map((o) => o.join())).size > 1, 'the order changes between epochs');
  });

  it('sgd with shuffle: false visits the rows in order', () => {
    const p = denseObjective(TINY_ROWS, TINY_Y01, 'logistic');
    const { log } = recorded(p, { method: 'sgd', step: 0.1, batch: 4 }, { epochs: 2, shuffle: false });
    const rows = log.filter((e) => e.rows !== null).map((e) => Array.from(e.rows!));
    assert.deepStrictEqual(rows, [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('sbfgs: 2 calls and 2b samples per step, both on the same batch', () => {
    const p = new LeastSquares(A8, B8);
    const b = 3;
    const { r, log } = recorded(p, { method: 'sbfgs', step: 0.1, batch: b }, { maxIter: 9, seed: 2, traceEvery: 1 });
    assert.equal(r.iterations, 9);
    assert.equal(r.counts.oracleCalls, 2 * 9);
    // batches 3, 3, 2 per epoch (n = 8)
    const sizes = [3, 3, 2, 3, 3, 2, 3, 3, 2];
    assert.equal(r.counts.sampleGradients, 2 * sizes.reduce((s, v) => s + v, 0));
    const calls = log.filter((e) => e.rows !== null);
    for (let i = 0; i < 9; i++) {
      assert.deepStrictEqual(calls[2 * i].rows, calls[2 * i + 1].rows, `step ${i + 1} uses one batch`);
      assert.equal(calls[2 * i].batch, sizes[i]);
    }
    assert.deepStrictEqual(
      r.trace.map((t) => t.iter),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('adagrad and adam: one call of b samples per step', () => {
    for (const method of ['adagrad', 'adam'] as const) {
      const r = minimize(lsq(), { method, batch: 5 }, { epochs: 3, seed: 1 });
      assert.deepStrictEqual(
        [r.iterations, r.counts.oracleCalls, r.counts.sampleGradients, r.counts.vectorUpdates, r.counts.passes],
        [6, 6, 24, 6, 3],
      );
    }
  });

  it('seconds count only the method: trace evaluations are excluded (fake clock)', (t) => {
    // a clock that advances 1000 ms per full evaluation and 1 ms per mini-batch evaluation
    let clock = 0;
    t.mock.method(performance, 'now', () => clock);
    class Clocked extends LeastSquares {
      override valueGrad(x: Float64Array, g: Float64Array, batch?: RowBatch): number {
        clock += batch === undefined ? 1000 : 1;
        return super.valueGrad(x, g, batch);
      }
    }
    const p = new Clocked(A8, B8);
    const sgd = minimize(p, { method: 'sgd', step: 0.1, batch: 4 }, { epochs: 3, seed: 1 });
    // 6 batch evaluations inside the method; 4 full trace evaluations outside it
    assert.deepStrictEqual(
      sgd.trace.map((x) => x.seconds),
      [0, 0.002, 0.004, 0.006],
    );
    assert.equal(sgd.seconds, 0.006);
    const fista = minimize(p, { method: 'fista', step: 0.5 }, { maxIter: 3 });
    // iteration 0 is a trace evaluation (not counted); then 1 full evaluation (at y_k) per iteration: f(x_k)
    // is evaluated by the trace, outside the method
    assert.deepStrictEqual(
      fista.trace.map((x) => x.seconds),
      [0, 1, 2, 3],
    );
    const gd = minimize(p, { method: 'gd', step: 0.5 }, { maxIter: 3 });
    // init evaluates x0 inside the method
    assert.deepStrictEqual(
      gd.trace.map((x) => x.seconds),
      [1, 2, 3, 4],
    );
    // the time budget uses the same clock: gd at 1 s per evaluation stops once 2.5 s are used
    const limited = minimize(p, { method: 'gd', step: 0.5 }, { timeLimit: 2.5 });
    assert.equal(limited.stopReason, 'time-limit');
    assert.equal(limited.iterations, 2);
    assert.equal(limited.seconds, 3);
  });

  it('a9a: 2036 sgd steps per epoch at batch 16 (32561 rows, the last batch of 1 kept)', (t) => {
    const path = requireDataFile(t, 'a9a');
    if (path === undefined) return;
    const parsed = parseLibsvm(new Uint8Array(readFileSync(path)), { fileName: 'a9a' });
    const { y } = encodeLabels(parsed.labels, '01', 'a9a');
    const rec = new Recording(new Objective(parsed.X, y, { loss: 'sigmoid-lsq' }));
    const r = minimize(rec, { method: 'sgd', step: 2.5, batch: 16 }, { epochs: 2, seed: 0 });
    assert.equal(parsed.X.rows, 32561);
    assert.equal(r.iterations, 2 * 2036);
    assert.deepStrictEqual(
      r.trace.map((p) => [p.iter, p.epoch, p.oracleCalls, p.sampleGradients]),
      [
        [0, 0, 0, 0],
        [2036, 1, 2036, 32561],
        [4072, 2, 4072, 65122],
      ],
    );
    const sizes = rec.log.filter((e) => e.rows !== null).map((e) => e.batch);
    assert.equal(sizes[2035], 1);
    assert.equal(sizes[4071], 1);
    assert.equal(sizes.filter((s) => s === 16).length, 2 * 2035);
  });
});

// ---- named failure modes ----------------------------------------------------------------------------------

/** ½‖x‖² whose reported gradient points the wrong way (a descent method then finds no decrease). */
class LyingGradient implements Problem {
  readonly n = 1;
  readonly l1 = 0;
  constructor(readonly d = 2) {}
  batchSize(): number {
    return 1;
  }
  valueGrad(x: Float64Array, g: Float64Array): number {
    for (let j = 0; j < this.d; j++) g[j] = -x[j];
    return 0.5 * dot(x, x);
  }
  value(x: Float64Array): number {
    return 0.5 * dot(x, x);
  }
}

/** Replays a run's iterates: x after each trace point, captured by an observer. */
function withIterates(problem: Problem, config: MethodConfig, options: RunOptions) {
  const xs: Float64Array[] = [];
  let x: () => Float64Array = () => new Float64Array(0);
  const { runner } = prepare(problem, config, {
    ...options,
    onTrace: () => {
      xs.push(Float64Array.from(x()));
      return undefined;
    },
  });
  // the first trace point was recorded in the constructor, before `runner` existed
  xs[0] = Float64Array.from(options.init instanceof Float64Array ? options.init : new Float64Array(problem.d));
  x = () => runner.method.x;
  runner.advance();
  return { r: runner.result(), xs };
}

describe('failures end with their named stop reason', () => {
  it('NaN objective: diverged, the trace kept, the last finite iterate reported', () => {
    // gd with step 2.2/L oscillates outward on ½xᵀQx − cᵀx and leaves the ball where f is defined
    const p = new NanBeyond(quad(), 50);
    // (the value rule would stop it first: off here, so that the NaN path is the one tested)
    const { r, xs } = withIterates(
      p,
      { method: 'gd', step: 2.2 / quad().lipschitz() },
      { maxIter: 10000, divergenceFactor: Number.POSITIVE_INFINITY },
    );
    assert.equal(r.stopReason, 'diverged');
    assert.match(r.message, /NaN/);
    const n = r.trace.length;
    assert.equal(n, r.iterations + 1, 'a trace point per iteration, the NaN one included');
    assert.ok(Number.isNaN(r.trace[n - 1].value));
    assert.ok(r.trace.slice(0, n - 1).every((t) => Number.isFinite(t.value)));
    assert.deepStrictEqual(r.x, xs[n - 2]);
    assert.equal(r.value, r.trace[n - 2].value);
    assert.equal(r.gradNorm, r.trace[n - 2].gradNorm);
    assert.ok(r.iterations > 5);
  });

  it('NaN at a mini-batch: sgd stops as diverged before touching x', () => {
    const p = new NanBeyond(lsq(), 30);
    const r = minimize(p, { method: 'sgd', step: 5, batch: 2 }, { epochs: 1000, seed: 1, traceEvery: 1 });
    assert.equal(r.stopReason, 'diverged');
    assert.ok(r.x.every(Number.isFinite));
    assert.ok(Number.isFinite(r.value));
    assert.ok(Math.sqrt(dot(r.x, r.x)) <= 30);
  });

  it('an objective that explodes without NaN: diverged once F > F(x0) + 100·max(1, |F(x0)|)', () => {
    const r = minimize(quad(), { method: 'gd', step: 3 / quad().lipschitz() }, { maxIter: 10000 });
    assert.equal(r.stopReason, 'diverged');
    assert.match(r.message, /rose to/);
    const f0 = r.trace[0].value;
    const limit = f0 + 100 * Math.max(1, Math.abs(f0));
    assert.ok(Number.isFinite(r.value) && r.value > limit);
    assert.ok(
      r.trace.slice(0, -1).every((t) => t.value <= limit),
      'it stops at the first point beyond the limit',
    );
  });

  it('not finite at the starting point: diverged at iteration 0', () => {
    const r = minimize(new NanBeyond(quad(), 1), { method: 'lbfgs' }, { init: Float64Array.of(5, 5, 5) });
    assert.equal(r.stopReason, 'diverged');
    assert.equal(r.iterations, 0);
    assert.equal(r.trace.length, 1);
  });

  for (const config of [
    { method: 'gd', lineSearch: 'armijo', step: 10 },
    { method: 'gd', lineSearch: 'wolfe', step: 10 },
    { method: 'lbfgs', step: 10 },
    { method: 'bfgs', step: 10 },
    { method: 'prox-gd', lineSearch: 'armijo', step: 10 },
    { method: 'fista', lineSearch: 'armijo', step: 10 },
  ] as MethodConfig[]) {
    it(`line searches reject NaN trials and shrink: ${JSON.stringify(config)} still converges`, () => {
      // NaN beyond radius 3; x* = Q⁻¹c has norm ≈ 2.2 and the first trials from 0 overshoot
      const inner = quad();
      const { r, log } = recorded(new NanBeyond(inner, 3), config, { maxIter: 500, tol: 1e-7 });
      assert.ok(
        log.some((e) => Number.isNaN(e.f)),
        'some trial hit the NaN region',
      );
      assert.equal(r.stopReason, 'converged', r.message);
      const xs = inner.solution();
      for (let j = 0; j < 3; j++) assert.ok(Math.abs(r.x[j] - xs[j]) < 1e-6);
    });
  }

  it('owlqn rejects NaN trials and shrinks', () => {
    // ½(x − ½)², NaN for |x| > 0.6: the first trial from 0 (α = 1/|g| = 2) lands at 1
    const { r, log } = recorded(new NanBeyond(new Quadratic([[1]], [0.5]), 0.6), { method: 'owlqn' }, { maxIter: 50 });
    assert.ok(Number.isNaN(log[1].f));
    assert.equal(r.stopReason, 'converged');
    assert.deepStrictEqual(Array.from(r.x), [0.5]);
  });

  it('fista whose backtracking finds no step: line-search-failed with the gradient at x intact', () => {
    // f = ½(x − 1)² defined only for |x| ≤ 0.5: from 0.5 every trial x + α·0.5 is outside
    const p = new NanBeyond(new Quadratic([[1]], [1]), 0.5);
    for (const method of ['fista', 'prox-gd'] as const) {
      const r = minimize(p, { method, lineSearch: 'armijo' }, { maxIter: 10 });
      assert.equal(r.stopReason, 'line-search-failed', `${method}: ${r.message}`);
      assert.deepStrictEqual(Array.from(r.x), [0.5]);
      assert.equal(r.value, -0.375);
      assert.equal(r.gradNorm, 0.5);
      assert.ok(r.trace.every((t) => Number.isFinite(t.gradNorm)));
    }
  });

  const ALL_FLAT: MethodName[] = [...METHOD_NAMES];
  for (const method of ALL_FLAT) {
    it(`a flat function: ${method} stops as converged at iteration 0`, () => {
      const r = minimize(new Flat(3, 4), { method }, { maxIter: 1e6 });
      assert.equal(r.stopReason, 'converged');
      assert.equal(r.iterations, 0);
      assert.equal(r.value, 1.5);
    });
  }

  for (const config of [
    { method: 'gd', lineSearch: 'armijo' },
    { method: 'gd', lineSearch: 'wolfe' },
    { method: 'lbfgs' },
    { method: 'lbfgs', lineSearch: 'armijo' },
    { method: 'bfgs' },
    { method: 'owlqn' },
    { method: 'prox-bfgs', lineSearch: 'armijo' },
    // (not prox-gd / fista: where f changes by less than 1e-10 relative their backtracking trusts the
    // gradient, so a wrong gradient there is not detected)
  ] as MethodConfig[]) {
    it(`a gradient that is not a descent direction: ${JSON.stringify(config)} fails by name, no hang`, () => {
      const r = minimize(new LyingGradient(), config, { maxIter: 1e6, init: Float64Array.of(1, -2) });
      assert.equal(r.stopReason, 'line-search-failed', r.message);
      assert.ok(r.iterations <= 2, `${r.iterations}`);
      assert.ok(r.counts.oracleCalls <= 1 + 2 * 40);
      assert.deepStrictEqual(Array.from(r.x), [1, -2]);
    });
  }
});

describe('observers, signals and budgets', () => {
  it('an observer returning false interrupts the run', () => {
    let seen = 0;
    const r = minimize(lsq(), { method: 'gd', step: 0.5 }, { maxIter: 100, onTrace: () => ++seen < 3 });
    assert.equal(r.stopReason, 'interrupted');
    assert.equal(r.trace.length, 3);
    assert.equal(r.iterations, 2);
  });

  it('an observer returning false at iteration 0 interrupts before any step', () => {
    const r = minimize(lsq(), { method: 'lbfgs' }, { maxIter: 100, onTrace: () => false });
    assert.equal(r.stopReason, 'interrupted');
    assert.equal(r.iterations, 0);
  });

  it('an observer stop at iteration 0 is kept even where the gradient is zero', () => {
    const r = minimize(new Flat(), { method: 'gd' }, { onTrace: () => false });
    assert.equal(r.stopReason, 'interrupted');
  });

  it('an aborted signal interrupts at the next step', () => {
    const ac = new AbortController();
    const r = minimize(
      lsq(),
      { method: 'sgd', step: 0.05, batch: 2 },
      {
        epochs: 100,
        traceEvery: 1,
        onTrace: (p) => {
          if (p.iter === 5) ac.abort();
          return undefined;
        },
        signal: ac.signal,
      },
    );
    assert.equal(r.stopReason, 'interrupted');
    assert.equal(r.iterations, 5);
    assert.equal(r.trace[r.trace.length - 1].iter, 5);
  });

  it('a signal aborted before the start: no step at all', () => {
    const ac = new AbortController();
    ac.abort();
    const r = minimize(lsq(), { method: 'bfgs' }, { maxIter: 100, signal: ac.signal });
    assert.equal(r.stopReason, 'interrupted');
    assert.equal(r.iterations, 0);
  });

  it('mid-epoch interruption by the caller records a final trace point', () => {
    const { runner } = prepare(lsq(), { method: 'adam', batch: 1 }, { epochs: 10 });
    runner.advance(0);
    runner.advance(0);
    runner.interrupt();
    const r = runner.result();
    assert.equal(r.stopReason, 'interrupted');
    assert.equal(r.iterations, 2);
    assert.deepStrictEqual(
      r.trace.map((t) => t.iter),
      [0, 2],
    );
  });

  const budgets: Array<[string, MethodConfig, RunOptions, StopReason, (r: RunResult) => void]> = [
    [
      'maxIter (gd)',
      { method: 'gd', step: 0.1 },
      { maxIter: 7 },
      'max-iterations',
      (r) => assert.equal(r.iterations, 7),
    ],
    [
      'maxIter (sgd, mid-epoch, traced at the stop)',
      { method: 'sgd', step: 0.1, batch: 3 },
      { maxIter: 5 },
      'max-iterations',
      (r) => {
        assert.equal(r.iterations, 5);
        assert.deepStrictEqual(
          r.trace.map((t) => t.iter),
          [0, 3, 5],
        );
      },
    ],
    [
      'epochs (sgd)',
      { method: 'sgd', step: 0.1, batch: 3 },
      { epochs: 4 },
      'max-epochs',
      (r) => assert.deepStrictEqual([r.epochs, r.iterations], [4, 12]),
    ],
    [
      'epochs (sbfgs)',
      { method: 'sbfgs', step: 0.1, batch: 8 },
      { epochs: 4 },
      'max-epochs',
      (r) => assert.deepStrictEqual([r.epochs, r.iterations, r.counts.passes], [4, 4, 8]),
    ],
    [
      'maxPasses (gd: x0 plus one pass per iteration)',
      { method: 'gd', step: 0.1 },
      { maxPasses: 5 },
      'max-passes',
      (r) => assert.deepStrictEqual([r.iterations, r.counts.passes], [4, 5]),
    ],
    [
      'maxPasses (sgd, fractional passes)',
      { method: 'sgd', step: 0.1, batch: 2 },
      { maxPasses: 1.5 },
      'max-passes',
      (r) => assert.deepStrictEqual([r.iterations, r.counts.passes], [6, 1.5]),
    ],
    [
      'timeLimit (a tiny limit)',
      { method: 'lbfgs' },
      { timeLimit: 1e-12 },
      'time-limit',
      (r) => assert.ok(r.iterations >= 1),
    ],
    [
      'no budget: 1000 iterations for full-batch methods',
      { method: 'gd', step: 1e-4 },
      {},
      'max-iterations',
      (r) => assert.equal(r.iterations, 1000),
    ],
    [
      'no budget: 10 epochs for stochastic methods',
      { method: 'adagrad', step: 1e-4, batch: 4 },
      {},
      'max-epochs',
      (r) => assert.deepStrictEqual([r.epochs, r.iterations], [10, 20]),
    ],
    [
      'tol on the gradient norm',
      { method: 'gd', step: 0.5 },
      { tol: 1e-3, maxIter: 1000 },
      'converged',
      (r) => {
        assert.ok(r.gradNorm <= 1e-3);
        assert.ok(r.trace[r.trace.length - 2].gradNorm > 1e-3);
      },
    ],
  ];
  for (const [name, config, options, reason, extra] of budgets) {
    it(`${name} → ${reason}`, () => {
      const r = minimize(lsq(), config, options);
      assert.equal(r.stopReason, reason, r.message);
      extra(r);
    });
  }

  it('tol with L1 uses the proximal-gradient step norm ‖x − prox(x − ∇f)‖', () => {
    const { problem } = separableL1([1, 2, 0.5, 4], [3, -0.2, -1.5, 0.1], 0.5);
    const r = minimize(problem, { method: 'prox-gd', step: 0.25 }, { tol: 1e-6, maxIter: 1000 });
    assert.equal(r.stopReason, 'converged');
    // recompute the measure at the final x
    const g = new Float64Array(4);
    problem.valueGrad(r.x, g);
    const z = r.x.map((v, j) => v - g[j]);
    const prox = z.map((v) => Math.sign(v) * Math.max(Math.abs(v) - 0.5, 0));
    assert.ok(Math.abs(r.gradNorm - norm(diff(r.x, prox))) <= 1e-15);
    assert.ok(r.gradNorm <= 1e-6);
    assert.ok(norm(g) > 0.4, 'the plain gradient norm would never reach tol');
  });
});

describe('parameters', () => {
  for (const method of METHOD_NAMES.filter((m) => !METHODS[m].handlesL1)) {
    it(`${method} refuses λ > 0`, () => {
      assert.throws(() => minimize(new LeastSquares(A8, B8, 0.1), { method }), OptlabError);
    });
  }

  const bad: Array<[AnyMethodConfig, RegExp]> = [
    [{ method: 'gd', step: -1 }, /\bstep\b/],
    [{ method: 'gd', step: 0 }, /\bstep\b/],
    [{ method: 'sgd', step: Number.NaN }, /\bstep\b/],
    [{ method: 'lbfgs', step: Number.POSITIVE_INFINITY }, /\bstep\b/],
    [{ method: 'lbfgs', c1: 0.5, c2: 0.5 }, /c1 < c2/],
    [{ method: 'lbfgs', c1: 0.6, c2: 0.5 }, /c1 < c2/],
    [{ method: 'bfgs', c2: 1 }, /c2/],
    [{ method: 'gd', lineSearch: 'armijo', c1: 1 }, /c1/],
    [{ method: 'gd', lineSearch: 'armijo', c2: 0.5 }, /c2 applies only/],
    [{ method: 'gd', c1: 0.1 }, /c1 applies only/],
    [{ method: 'owlqn', c1: -0.1 }, /c1/],
    [{ method: 'owlqn', c1: 1.5 }, /c1/],
    [{ method: 'gd', lineSearch: 'wolf' as 'wolfe' }, /lineSearch/],
    [{ method: 'lbfgs', step: 1e11 }, /\bstep\b/],
    [{ method: 'prox-gd', lineSearch: 'wolfe' }, /wolfe/],
    [{ method: 'fista', lineSearch: 'wolfe' }, /wolfe/],
    [{ method: 'lbfgs', memory: -1 }, /\bmemory\b/],
    [{ method: 'lbfgs', memory: 1.5 }, /\bmemory\b/],
    [{ method: 'owlqn', memory: -1 }, /\bmemory\b/],
    [{ method: 'sbfgs', memory: -2 }, /\bmemory\b/],
    [{ method: 'sgd', batch: 0 }, /\bbatch\b/],
    [{ method: 'adam', batch: 2.5 }, /\bbatch\b/],
    [{ method: 'sgd', momentum: 1 }, /\bmomentum\b/],
    [{ method: 'sgd', momentum: -0.1 }, /\bmomentum\b/],
    [{ method: 'sgd', nesterov: true }, /\bnesterov\b/],
    [{ method: 'adagrad', eps: 0 }, /\beps\b/],
    [{ method: 'adam', beta1: 1 }, /\bbeta1\b/],
    [{ method: 'adam', beta2: -0.5 }, /\bbeta2\b/],
    [{ method: 'gd', memory: 3 }, /parameter 'memory' is not a parameter of/],
    [{ method: 'bfgs', batch: 16 }, /parameter 'batch' is not a parameter of/],
    [{ method: 'adam', momentum: 0.9 }, /parameter 'momentum' is not a parameter of/],
    [{ method: 'owlqn', step: 1 }, /parameter 'step' is not a parameter of/],
    [{ method: 'fista', c1: 0.1 }, /parameter 'c1' is not a parameter of/],
    [{ method: 'sbfgs', lineSearch: 'armijo' }, /parameter 'lineSearch' is not a parameter of/],
  ];
  for (const [config, message] of bad) {
    it(`refuses ${JSON.stringify(config)}`, () => {
      assert.throws(
        () => minimize(lsq(), config, { maxIter: 5 }),
        (e: unknown) => e instanceof OptlabError && message.test(e.message),
      );
    });
  }

  it('accepts the edge values: memory 0, momentum 0, c1 < c2 close together', () => {
    for (const config of [
      { method: 'lbfgs', memory: 0 },
      { method: 'sgd', momentum: 0 },
      { method: 'lbfgs', c1: 0.49, c2: 0.5 },
      { method: 'owlqn', c1: 0.5 },
      { method: 'sbfgs', memory: 0 },
    ] as MethodConfig[]) {
      const r = minimize(lsq(), config, { maxIter: 3, epochs: 1 });
      assert.ok(Number.isFinite(r.value), JSON.stringify(config));
    }
  });
});

describe('reproducibility', () => {
  const untimed = (trace: TracePoint[]) => trace.map(({ seconds: _s, ...rest }) => rest);
  const essence = (r: RunResult) => ({ x: r.x, trace: untimed(r.trace), counts: r.counts, stopReason: r.stopReason });
  const configs: MethodConfig[] = [
    { method: 'sgd', step: 0.05, batch: 3, momentum: 0.9, nesterov: true },
    { method: 'adagrad', batch: 2 },
    { method: 'adam', batch: 3 },
    { method: 'sbfgs', step: 0.05, batch: 4 },
    { method: 'sbfgs', step: 0.05, batch: 4, memory: 3 },
    { method: 'lbfgs' },
    { method: 'bfgs', lineSearch: 'armijo' },
    { method: 'fista', step: 0.5, lineSearch: 'armijo' },
    { method: 'owlqn' },
    { method: 'prox-bfgs', step: 0.1 },
  ];
  for (const config of configs) {
    it(`same seed, same numbers: ${JSON.stringify(config)} (randn start)`, () => {
      const opts: RunOptions = { maxIter: 50, seed: 1234, init: 'randn', traceEvery: 3 };
      const a = minimize(denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq'), config, opts);
      const b = minimize(denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq'), config, opts);
      assert.deepStrictEqual(essence(a), essence(b));
      assert.ok(a.iterations > 5);
      const c = minimize(denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq'), config, { ...opts, seed: 1235 });
      assert.notDeepStrictEqual(c.trace[0].value, a.trace[0].value, 'the random start depends on the seed');
    });
  }

  it('different seeds give different sgd runs from the same start', () => {
    const opts = (seed: number): RunOptions => ({ epochs: 3, seed });
    const a = minimize(lsq(), { method: 'sgd', step: 0.05, batch: 2 }, opts(1));
    const b = minimize(lsq(), { method: 'sgd', step: 0.05, batch: 2 }, opts(2));
    const a2 = minimize(lsq(), { method: 'sgd', step: 0.05, batch: 2 }, opts(1));
    assert.equal(a.trace[0].value, b.trace[0].value, 'same start (zeros)');
    assert.notDeepStrictEqual(a.x, b.x);
    assert.deepStrictEqual(a.x, a2.x);
  });
});
