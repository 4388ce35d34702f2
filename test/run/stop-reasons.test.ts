/**
 * Honest stop reasons (issue 15, item 9): a vanishing gradient is "converged" only at a point that is not a flat
 * region (every sigmoid saturated) and not above the start; a value far above the start is divergence.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodeLabels } from '../../src/data/labels.js';
import { parseLibsvm } from '../../src/data/libsvm.js';
import type { MethodName } from '../../src/methods/index.js';
import { Objective } from '../../src/objectives/objective.js';
import type { Problem } from '../../src/objectives/problem.js';
import { minimize } from '../../src/run/minimize.js';
import { STOP_REASONS } from '../../src/run/result.js';
import { DIVERGENCE_FACTOR } from '../../src/run/run.js';
import { requireDataFile } from '../helpers/data.js';
import { denseObjective, Flat, TINY_ROWS, TINY_Y01 } from '../helpers/problems.js';

const SATURATING: MethodName[] = ['gd', 'sgd', 'adam', 'adagrad', 'sbfgs', 'bfgs', 'lbfgs'];
const CONSTANT_STEP: MethodName[] = ['gd', 'sgd', 'adam', 'adagrad', 'sbfgs'];
const config = (method: MethodName) => ({
  method,
  step: 1e10,
  ...(method === 'sgd' || method === 'adam' || method === 'adagrad' || method === 'sbfgs' ? { batch: 4 } : {}),
});

/** f(x) = cos(x) (n = 1): from π/2, a gradient step of 3π/2 lands on the maximum at 2π, where f′ ≈ 0. */
class Cosine implements Problem {
  readonly n = 1;
  readonly d = 1;
  readonly l1 = 0;
  batchSize(): number {
    return 1;
  }
  valueGrad(x: Float64Array, g: Float64Array): number {
    g[0] = -Math.sin(x[0]);
    return Math.cos(x[0]);
  }
  value(x: Float64Array): number {
    return Math.cos(x[0]);
  }
}

describe('saturation is not convergence (a small fixture)', () => {
  for (const method of SATURATING) {
    it(`${method} at step 1e10 on sigmoid-lsq: stops as saturated, with ‖x‖ and the curvature in the message`, () => {
      const p = denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq');
      const r = minimize(p, config(method), { maxIter: 100, epochs: 20, tol: 1e-6 });
      assert.equal(r.stopReason, 'saturated', `${r.stopReason}: ${r.message}`);
      assert.match(r.message, /curvature/);
      assert.match(r.message, /‖x‖ = /);
      assert.ok(Number.isFinite(r.value));
    });
  }

  it('a genuine minimum of the same fixture is still converged', () => {
    const p = denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq');
    const r = minimize(p, { method: 'lbfgs' }, { maxIter: 500, tol: 1e-8 });
    assert.equal(r.stopReason, 'converged', r.message);
  });

  it('a flat function at its start is converged (nothing moved: x0 is stationary)', () => {
    const r = minimize(new Flat(3, 4), { method: 'gd' }, { maxIter: 10 });
    assert.equal(r.stopReason, 'converged');
  });

  it('a gradient vanishing at a value above the start is a plateau', () => {
    const r = minimize(
      new Cosine(),
      { method: 'gd', step: (3 * Math.PI) / 2 },
      {
        maxIter: 10,
        tol: 1e-6,
        init: Float64Array.of(Math.PI / 2),
      },
    );
    assert.equal(r.stopReason, 'plateau', r.message);
    assert.equal(r.iterations, 1);
    assert.match(r.message, /not below F\(x0\)/);
    assert.ok(r.value > r.trace[0].value);
  });

  it('every stop reason has a description', () => {
    for (const reason of ['saturated', 'plateau'] as const) assert.ok(STOP_REASONS[reason].length > 20);
  });
});

describe('divergence: a value far above the start', () => {
  for (const method of CONSTANT_STEP) {
    it(`${method} at step 1e10 on the logistic loss: diverged`, () => {
      const p = denseObjective(TINY_ROWS, TINY_Y01, 'logistic');
      const r = minimize(p, config(method), { maxIter: 100, epochs: 20, tol: 1e-6 });
      assert.equal(r.stopReason, 'diverged', `${r.stopReason}: ${r.message}`);
      assert.ok(Number.isFinite(r.value));
      const f0 = r.trace[0].value;
      assert.ok(r.value > f0 + DIVERGENCE_FACTOR * Math.max(1, f0), `${r.value}`);
    });
  }

  it('the rule is F > F(x0) + factor·max(1, |F(x0)|): a rise just under it continues', () => {
    const p = denseObjective(TINY_ROWS, TINY_Y01, 'logistic');
    const r = minimize(p, { method: 'gd', step: 1e10 }, { maxIter: 5, divergenceFactor: 1e300 });
    assert.equal(r.stopReason, 'max-iterations');
  });
});

describe('a9a at step 1e10', () => {
  let parsed: ReturnType<typeof parseLibsvm> | undefined;
  const load = (t: import('node:test').TestContext) => {
    if (parsed) return parsed;
    const path = requireDataFile(t, 'a9a');
    if (path === undefined) return undefined;
    parsed = parseLibsvm(new Uint8Array(readFileSync(path)), { fileName: 'a9a' });
    return parsed;
  };
  for (const method of SATURATING) {
    it(`${method}: sigmoid-lsq saturates (the majority-class predictor), not converged`, (t) => {
      const data = load(t);
      if (data === undefined) return;
      const { y } = encodeLabels(data.labels, '01', 'a9a');
      const r = minimize(new Objective(data.X, y, { loss: 'sigmoid-lsq' }), { method, step: 1e10 }, { tol: 1e-6 });
      assert.equal(r.stopReason, 'saturated', `${r.stopReason}: ${r.message}`);
    });
  }
  for (const method of CONSTANT_STEP) {
    it(`${method}: the logistic loss climbing from 0.693 stops as diverged`, (t) => {
      const data = load(t);
      if (data === undefined) return;
      const { y } = encodeLabels(data.labels, '01', 'a9a');
      const r = minimize(new Objective(data.X, y, { loss: 'logistic' }), { method, step: 1e10 }, { tol: 1e-6 });
      assert.equal(r.stopReason, 'diverged', `${r.stopReason}: ${r.message}`);
      assert.ok(r.iterations <= 3000, `${r.iterations}`);
    });
  }
});
