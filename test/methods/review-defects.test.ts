/**
 * Defects found in review (issue 9, item 5), each pinned by a test that failed before its fix:
 * FISTA's constant step charged for trace-only evaluations, stochastic methods that checked only the batch
 * value for non-finite numbers, and prox-bfgs backtracking on the soft-thresholding path instead of along the
 * proximal Newton direction of Lee, Sun & Saunders (2014).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultsOf } from '../../src/methods/params.js';
import { ProxBfgs } from '../../src/methods/prox-bfgs.js';
import type { RowBatch } from '../../src/objectives/objective.js';
import type { Problem } from '../../src/objectives/problem.js';
import { minimize } from '../../src/run/minimize.js';
import { Oracle } from '../../src/run/oracle.js';
import { runMethod } from '../../src/run/run.js';
import { LeastSquares, Quadratic, Recording, softThresholdRef } from '../helpers/problems.js';

describe('FISTA with a constant step is charged only for the gradients it uses', () => {
  const problem = () =>
    new LeastSquares(
      [
        [1, 2],
        [0.5, -1],
        [2, 0.3],
        [-1, 1],
      ],
      [1, -2, 0.5, 3],
      0.1,
    );

  it('50 iterations cost 50 passes (one gradient at y_k each), against prox-gd’s 51', () => {
    const fista = minimize(problem(), { method: 'fista', step: 0.05 }, { maxIter: 50 });
    const ista = minimize(problem(), { method: 'prox-gd', step: 0.05 }, { maxIter: 50 });
    assert.equal(fista.iterations, 50);
    assert.equal(fista.counts.oracleCalls, 50);
    assert.equal(fista.counts.passes, 50);
    assert.equal(ista.counts.passes, 51);
    // the trace still has F(x_k) and its stationarity at every iteration (evaluated, not charged)
    assert.equal(fista.trace.length, 51);
    assert.ok(fista.trace.every((t) => Number.isFinite(t.value) && Number.isFinite(t.gradNorm)));
    assert.equal(fista.trace[50].sampleGradients, 50 * 4);
  });

  it('the iterates are those of the charged version (same x_k, same F)', () => {
    const rec = new Recording(problem());
    const r = minimize(rec, { method: 'fista', step: 0.05 }, { maxIter: 20 });
    const again = minimize(problem(), { method: 'fista', step: 0.05 }, { maxIter: 20 });
    assert.deepStrictEqual(Array.from(r.x), Array.from(again.x));
    assert.equal(r.value, again.value);
  });

  it('with backtracking the trial evaluations are needed by the test, so they are charged', () => {
    const r = minimize(problem(), { method: 'fista', lineSearch: 'armijo', step: 0.05 }, { maxIter: 10 });
    assert.ok(r.counts.oracleCalls >= 20, `${r.counts.oracleCalls}`);
  });
});

/** A problem whose mini-batch gradient is NaN in one coordinate from the k-th call on, with a finite value. */
class NanGradientAfter implements Problem {
  readonly n = 8;
  readonly d = 3;
  readonly l1 = 0;
  calls = 0;
  constructor(readonly after: number) {}
  batchSize(batch?: RowBatch): number {
    return batch === undefined ? this.n : batch.end - batch.start;
  }
  valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
    let f = 0;
    for (let j = 0; j < this.d; j++) {
      grad[j] = x[j] - 1;
      f += 0.5 * (x[j] - 1) ** 2;
    }
    if (batch !== undefined && ++this.calls >= this.after) grad[1] = Number.NaN;
    return f;
  }
  value(x: Float64Array): number {
    return this.valueGrad(x, new Float64Array(this.d));
  }
}

describe('stochastic methods stop on a non-finite mini-batch gradient before it reaches x', () => {
  for (const config of [
    { method: 'sgd', step: 0.1, batch: 2 },
    { method: 'sgd', step: 0.1, batch: 2, momentum: 0.9 },
    { method: 'adagrad', batch: 2 },
    { method: 'adam', batch: 2 },
    { method: 'sbfgs', step: 0.1, batch: 2 },
  ] as const) {
    it(`${JSON.stringify(config)}: diverged, the message names the gradient, x stays finite`, () => {
      const p = new NanGradientAfter(3);
      const r = minimize(p, config, { epochs: 5 });
      assert.equal(r.stopReason, 'diverged', r.message);
      assert.match(r.message, /gradient/);
      assert.doesNotMatch(r.message, /objective became/);
      assert.ok(
        r.x.every((v) => Number.isFinite(v)),
        `x = ${Array.from(r.x)}`,
      );
      assert.ok(r.trace.every((t) => Number.isFinite(t.value)));
    });
  }
});

describe('prox-bfgs is the proximal quasi-Newton method of Lee, Sun & Saunders (2014)', () => {
  // f(x) = g₀ᵀx + ½‖x‖², λ = 1, at x = (1, 0): ∇f = (−1.2, 0.3). With the inverse-Hessian approximation
  // H = [[1, −0.9], [−0.9, 1]], thresholding the step x − αH∇f (the old heuristic) never decreased F, although
  // F(1.1, 0) < F(1, 0): "no sufficient decrease in 40 trials" at a non-stationary point.
  const g0 = [-2.2, 0.3];
  const problem = () =>
    new Quadratic(
      [
        [1, 0],
        [0, 1],
      ],
      g0.map((v) => -v),
      1,
    );
  const H = [
    [1, -0.9],
    [-0.9, 1],
  ];
  const det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
  const B = [
    [H[1][1] / det, -H[0][1] / det],
    [-H[1][0] / det, H[0][0] / det],
  ];
  const F = (p: Quadratic, x: Float64Array) => p.value(x) + Math.abs(x[0]) + Math.abs(x[1]);

  it('the counterexample makes progress: one backtracking step decreases F', () => {
    const p = problem();
    const m = new ProxBfgs(2, { kind: 'backtracking', step: 1, shrink: 0.5, maxEvals: 40 }, 1);
    const oracle = new Oracle(p);
    const x0 = Float64Array.of(1, 0);
    m.init(x0, oracle);
    m.setHessian(B);
    const F0 = F(p, x0);
    const out = m.step(oracle);
    assert.ok(out.ok, out.ok ? '' : out.message);
    const F1 = F(p, m.x);
    assert.ok(F1 < F0 - 1e-6, `F went from ${F0} to ${F1}`);
  });

  it('run from the counterexample’s point, it converges to the minimizer soft(−g₀, 1) = (1.2, 0)', () => {
    const p = problem();
    const m = new ProxBfgs(2, { kind: 'backtracking', step: 1, shrink: 0.5, maxEvals: 40 }, 1);
    m.setHessian(B); // kept by init: the run starts from this curvature
    const r = runMethod(m, p, { maxIter: 100, tol: 1e-12, init: Float64Array.of(1, 0) });
    assert.equal(r.stopReason, 'converged', r.message);
    assert.ok(Math.abs(r.x[0] - 1.2) < 1e-10 && r.x[1] === 0, `x = ${Array.from(r.x)}`);
  });

  it('the direction solves the scaled prox subproblem: B = I gives the prox-gradient step exactly', () => {
    // with B = I, Δx = prox_λ(x − ∇f) − x: on ½‖x − v‖² + λ‖x‖₁ one unit step lands on the minimizer
    const v = [2, -0.3, 0.7, -1.5];
    const p = new Quadratic(
      v.map((_, i) => v.map((__, j) => (i === j ? 1 : 0))),
      v,
      0.5,
    );
    const r = minimize(p, { method: 'prox-bfgs', lineSearch: 'armijo', step: 1 }, { maxIter: 1, tol: 1e-13 });
    const plus0 = (a: Float64Array) => Array.from(a, (t) => t + 0); // -0 and 0 alike
    assert.deepStrictEqual(plus0(r.x), plus0(softThresholdRef(v, 0.5)));
  });

  it('accepted steps satisfy the sufficient decrease of eq. 2.20 along x + tΔx', () => {
    const p = new LeastSquares(
      [
        [1, 2, 0],
        [0.5, -1, 1],
        [2, 0.3, -1],
        [-1, 1, 0.5],
      ],
      [1, -2, 0.5, 3],
      0.2,
    );
    const r = minimize(p, { method: 'prox-bfgs', lineSearch: 'armijo', step: 1 }, { maxIter: 200, tol: 1e-12 });
    assert.equal(r.stopReason, 'converged', r.message);
    for (let k = 1; k < r.trace.length; k++) assert.ok(r.trace[k].value <= r.trace[k - 1].value + 1e-15);
  });

  it('its default is that method: backtracking along x + tΔx from the unit step (not a constant step 0.1)', () => {
    // The unit step is the proximal quasi-Newton step itself (accepted near the solution: superlinear, LSS
    // Thm. 3.4); a constant 0.1 only damps it (linear at rate 0.9 at best). The study sets its own steps.
    assert.deepEqual(
      { step: defaultsOf('prox-bfgs').step, lineSearch: defaultsOf('prox-bfgs').lineSearch },
      { step: 1, lineSearch: 'armijo' },
    );
    const p = new LeastSquares(
      [
        [1, 2, 0],
        [0.5, -1, 1],
        [2, 0.3, -1],
        [-1, 1, 0.5],
      ],
      [1, -2, 0.5, 3],
      0.2,
    );
    const budget = { maxIter: 200, tol: 1e-10 };
    const byDefault = minimize(p, { method: 'prox-bfgs' }, budget);
    const explicit = minimize(p, { method: 'prox-bfgs', lineSearch: 'armijo', step: 1 }, budget);
    const damped = minimize(p, { method: 'prox-bfgs', lineSearch: 'none', step: 0.1 }, budget);
    assert.deepEqual(Array.from(byDefault.x), Array.from(explicit.x));
    assert.equal(byDefault.iterations, explicit.iterations);
    assert.equal(byDefault.stopReason, 'converged', byDefault.message);
    assert.ok(
      byDefault.iterations * 5 < damped.iterations,
      `default ${byDefault.iterations} iterations, constant 0.1: ${damped.iterations} (${damped.stopReason})`,
    );
  });
});
