/**
 * Reductions: a method with a degenerate parameter is another method, bit for bit (traces and final x compared
 * with deepStrictEqual on the numbers), or, where the algorithms differ in their path, reaches the same minimum.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromDense } from '../../src/data/csr.js';
import { Objective } from '../../src/objectives/objective.js';
import type { Problem } from '../../src/objectives/problem.js';
import { type MethodConfig, minimize } from '../../src/run/minimize.js';
import type { RunResult, TracePoint } from '../../src/run/result.js';
import type { RunOptions } from '../../src/run/run.js';
import {
  denseObjective,
  LeastSquares,
  Quadratic,
  Rosenbrock,
  separableL1,
  TINY_ROWS,
  TINY_Y01,
} from '../helpers/problems.js';

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

/** Problems for the bit-for-bit comparisons, with a starting point and a constant step below 2/L. */
const PROBLEMS: Array<{ name: string; make: () => Problem; init: Float64Array | 'zeros'; step: number }> = [
  { name: 'least squares', make: () => new LeastSquares(A8, B8), init: 'zeros', step: 0.7 },
  {
    name: 'quadratic',
    make: () =>
      new Quadratic(
        [
          [4, 1, 0],
          [1, 3, 0.5],
          [0, 0.5, 2],
        ],
        [1, -2, 3],
      ),
    init: Float64Array.of(-0, 0.25, -3),
    step: 0.3,
  },
  { name: 'Rosenbrock', make: () => new Rosenbrock(2), init: Float64Array.of(-1.2, 1), step: 1e-3 },
  { name: 'tiny logistic', make: () => denseObjective(TINY_ROWS, TINY_Y01, 'logistic'), init: 'zeros', step: 2 },
  { name: 'tiny sigmoid-lsq', make: () => denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq'), init: 'zeros', step: 4 },
];

/** The trace without `seconds` (the only field that may differ between equal runs). */
function untimed(trace: TracePoint[]): Array<Omit<TracePoint, 'seconds'>> {
  return trace.map(({ seconds: _s, ...rest }) => rest);
}

/** Everything of a result except times. */
function essence(r: RunResult) {
  return {
    x: r.x,
    value: r.value,
    gradNorm: r.gradNorm,
    iterations: r.iterations,
    stopReason: r.stopReason,
    counts: r.counts,
    trace: untimed(r.trace),
  };
}

function run(p: Problem, config: MethodConfig, options: RunOptions): RunResult {
  return minimize(p, config, { tol: 0, ...options });
}

describe('lbfgs with memory 0 is gd with the same step rule, bit for bit', () => {
  for (const prob of PROBLEMS) {
    for (const rule of ['none', 'armijo', 'wolfe', 'more-thuente'] as const) {
      it(`${prob.name}, line search ${rule}`, () => {
        const step = rule === 'none' ? prob.step : 1;
        const options: RunOptions = { maxIter: 60, init: prob.init };
        // the same step rule: lbfgs's default c1 is L-BFGS-B's 1e-3, gd's 1e-4, so a search gets c1 given
        const c1 = rule === 'none' ? {} : { c1: 1e-3 };
        const gd = run(prob.make(), { method: 'gd', step, lineSearch: rule, ...c1 }, options);
        const lb = run(prob.make(), { method: 'lbfgs', memory: 0, step, lineSearch: rule, ...c1 }, options);
        assert.ok(gd.iterations > 5, `${gd.stopReason}: ${gd.message}`);
        assert.deepStrictEqual(essence(lb), essence(gd));
        assert.equal(lb.message, gd.message);
      });
    }
  }
});

/** −0 → +0 (soft thresholding writes +0 where gradient descent may keep a −0). */
function plusZero(x: Float64Array): Float64Array {
  return x.map((v) => (v === 0 ? 0 : v));
}

describe('prox-gd with λ = 0 and a constant step is gd, bit for bit (up to the sign of zeros)', () => {
  for (const prob of PROBLEMS) {
    it(prob.name, () => {
      const options: RunOptions = { maxIter: 60, init: prob.init };
      const gd = run(prob.make(), { method: 'gd', step: prob.step }, options);
      const px = run(prob.make(), { method: 'prox-gd', step: prob.step }, options);
      assert.ok(gd.iterations > 5);
      assert.deepStrictEqual(plusZero(px.x), plusZero(gd.x));
      const a = essence(px);
      const b = essence(gd);
      assert.deepStrictEqual({ ...a, x: null }, { ...b, x: null });
    });
  }
});

describe('sgd with batch n and no shuffling is gd with the same constant step', () => {
  for (const prob of PROBLEMS.filter((p) => p.make().n > 1)) {
    it(prob.name, () => {
      const p = prob.make();
      const k = 40;
      const gd = run(p, { method: 'gd', step: prob.step }, { maxIter: k, init: prob.init });
      const sgd = run(
        p,
        { method: 'sgd', step: prob.step, batch: p.n },
        { maxIter: k, init: prob.init, shuffle: false },
      );
      assert.equal(sgd.iterations, k);
      assert.equal(sgd.epochs, k, 'one step per epoch');
      assert.deepStrictEqual(sgd.x, gd.x);
      // the same iterates, values and gradient norms at every iteration
      const pick = (t: TracePoint[]) => t.map(({ iter, epoch, value, gradNorm }) => ({ iter, epoch, value, gradNorm }));
      assert.deepStrictEqual(pick(sgd.trace), pick(gd.trace));
      // costs: gd evaluates x0 in init and the new point in each step; sgd evaluates x_k in step k
      assert.equal(gd.counts.oracleCalls, k + 1);
      assert.equal(sgd.counts.oracleCalls, k);
      assert.equal(sgd.counts.sampleGradients, k * p.n);
      assert.equal(sgd.counts.vectorUpdates, gd.counts.vectorUpdates);
      assert.equal(sgd.counts.passes, k);
    });
  }

  it('with shuffling the same run differs (the order of the sum changes the rounding)', () => {
    // with the sequential JavaScript kernels: on these 10 rows the WebAssembly ones sum accurately enough
    // (pairwise lanes, 4 partial sums) that the shuffled and the ordered sums happen to round alike
    const p = new Objective(fromDense(TINY_ROWS), Float64Array.from(TINY_Y01), { loss: 'logistic', kernel: 'js' });
    const gd = run(p, { method: 'gd', step: 2 }, { maxIter: 40 });
    const sgd = run(p, { method: 'sgd', step: 2, batch: p.n }, { maxIter: 40, seed: 1 });
    assert.notDeepStrictEqual(sgd.x, gd.x);
    for (let j = 0; j < gd.x.length; j++) assert.ok(Math.abs(sgd.x[j] - gd.x[j]) < 1e-12);
  });
});

describe('owlqn with λ = 0 reaches the minimum lbfgs (armijo) reaches', () => {
  const cases: Array<{ name: string; make: () => Problem; init?: Float64Array }> = [
    { name: 'least squares', make: () => new LeastSquares(A8, B8) },
    { name: 'quadratic from (−0, ¼, −3)', make: PROBLEMS[1].make, init: PROBLEMS[1].init as Float64Array },
    { name: 'tiny logistic', make: () => denseObjective(TINY_ROWS, TINY_Y01, 'logistic') },
    { name: 'tiny sigmoid-lsq', make: () => denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq') },
  ];
  // (not Rosenbrock from (−1.2, 1): there Armijo backtracking gives pairs with sᵀy ≤ 0 that are skipped, and both
  // methods crawl with a frozen memory; that is what the Wolfe curvature condition is for)
  for (const c of cases) {
    it(c.name, () => {
      const opts: RunOptions = { maxIter: 500, tol: 1e-10, init: c.init ?? 'zeros' };
      const ow = run(c.make(), { method: 'owlqn' }, opts);
      const lb = run(c.make(), { method: 'lbfgs', lineSearch: 'armijo' }, opts);
      for (const r of [ow, lb]) {
        assert.ok(r.stopReason === 'converged' || /no-progress/.test(r.message), `${r.stopReason}: ${r.message}`);
      }
      assert.ok(Math.abs(ow.value - lb.value) <= 1e-14 * Math.max(1, Math.abs(lb.value)), `${ow.value} vs ${lb.value}`);
      for (let j = 0; j < lb.x.length; j++) assert.ok(Math.abs(ow.x[j] - lb.x[j]) <= 1e-6, `x[${j}]`);
      // On tiny logistic the two take the very same steps: OWL-QN with λ = 0 is L-BFGS with backtracking, and
      // both start at α = 1/‖d₀‖ (Andrew & Gao's choice, and L-BFGS-B's, which lbfgs follows); elsewhere the
      // orthant projection or the restarts make the paths differ
      if (c.name !== 'tiny logistic')
        assert.notDeepStrictEqual(untimed(ow.trace), untimed(lb.trace), 'different paths');
      else assert.deepStrictEqual(untimed(ow.trace), untimed(lb.trace));
    });
  }

  it('and with λ > 0 owlqn agrees with prox-gd (a different algorithm, the same minimizer)', () => {
    const { problem, solution } = separableL1([1, 2, 0.5, 4], [3, -0.2, -1.5, 0.1], 0.5);
    const ow = run(problem, { method: 'owlqn' }, { maxIter: 200, tol: 1e-10 });
    const pg = run(problem, { method: 'prox-gd', step: 0.25 }, { maxIter: 2000, tol: 1e-12 });
    assert.deepStrictEqual(
      Array.from(ow.x, (v) => v === 0),
      Array.from(solution, (v) => v === 0),
    );
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(ow.x[j] - pg.x[j]) <= 1e-9);
  });
});
