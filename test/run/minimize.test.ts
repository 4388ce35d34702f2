/**
 * The library checks itself: every public entry validates its input at run time and throws OptlabError in
 * the API's own words; minimize(fun, x0, options) for one's own function, as SciPy's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromDense } from '../../src/data/csr.js';
import { OptlabError } from '../../src/errors.js';
import { Objective } from '../../src/objectives/objective.js';
import { minimize } from '../../src/run/minimize.js';
import type { TracePoint } from '../../src/run/result.js';

const throwsOptlab = (f: () => unknown, message: string | RegExp) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof OptlabError, `expected an OptlabError, got ${e}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });

/** Rosenbrock: f = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1). */
function rosen(x: Float64Array, g: Float64Array): number {
  const [a, b] = x;
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
}

const X = fromDense([
  [1, 0],
  [0, 1],
  [1, 1],
  [2, -1],
]);

describe('minimize(fun, x0, options): SciPy-style, for one’s own function', () => {
  it('L-BFGS (the default) finds Rosenbrock’s minimum and says success', () => {
    const r = minimize(rosen, [-1.2, 1], { tol: 1e-10, maxIter: 500 });
    assert.equal(r.success, true, r.message);
    assert.equal(r.stopReason, 'converged');
    assert.ok(Math.abs(r.x[0] - 1) < 1e-8 && Math.abs(r.x[1] - 1) < 1e-8, `x = ${r.x}`);
    assert.ok(r.value < 1e-16);
    assert.ok(r.counts.oracleCalls > 20 && r.counts.oracleCalls < 200, `${r.counts.oracleCalls} calls`);
  });

  it('the callback receives every iterate x; returning false stops the run', () => {
    const xs: number[][] = [];
    const r = minimize(rosen, [-1.2, 1], {
      method: 'bfgs',
      callback: (x: Float64Array, p: TracePoint) => {
        xs.push([...x]);
        assert.equal(typeof p.value, 'number');
        return xs.length < 5;
      },
    });
    assert.equal(xs.length, 5);
    assert.deepEqual(xs[0], [-1.2, 1], 'the first call is at x0');
    assert.deepEqual(xs[4], [...r.x]);
    assert.equal(r.stopReason, 'interrupted');
    assert.equal(r.success, false);
  });

  it('an iteration budget that ends the run is not success', () => {
    const r = minimize(rosen, new Float64Array([-1.2, 1]), { method: 'gd', step: 1e-3, maxIter: 10 });
    assert.equal(r.iterations, 10);
    assert.equal(r.stopReason, 'max-iterations');
    assert.equal(r.success, false);
  });

  it('an L1 term with an L1 method: soft-thresholded minimum of (x − 3)² + 4|x| is x = 1', () => {
    const f = (x: Float64Array, g: Float64Array) => {
      g[0] = 2 * (x[0] - 3);
      return (x[0] - 3) ** 2;
    };
    const r = minimize(f, [0], {
      method: 'owlqn',
      lambda: 4,
      tol: 1e-12,
    });
    assert.ok(r.success, r.message);
    assert.ok(Math.abs(r.x[0] - 1) < 1e-10, `x = ${r.x[0]}`);
  });

  it('checks its input with "did you mean"', () => {
    throwsOptlab(
      () => minimize(rosen, [0, 0], { method: 'LBFGS' as 'lbfgs' }),
      "unknown method 'LBFGS' (did you mean 'lbfgs'?)",
    );
    throwsOptlab(
      () => minimize(rosen, [0, 0], { method: 'lbfgs', memry: 3 } as never),
      "parameter 'memry' is not a parameter of lbfgs (did you mean 'memory'?)",
    );
    throwsOptlab(
      () => minimize(rosen, [0, 0], { maxiter: 3 } as never),
      "unknown option 'maxiter' (did you mean 'maxIter'?)",
    );
    throwsOptlab(
      () => minimize(rosen, [0, 0], { method: 'sgd' } as never),
      /^sgd is a stochastic method and needs a finite sum/,
    );
    throwsOptlab(() => minimize(rosen, [], {}), 'x0 is empty');
    throwsOptlab(() => minimize(rosen, [0, Number.NaN]), /x0 must hold finite numbers; x0\[1\] is NaN/);
    throwsOptlab(
      () => minimize((() => undefined) as never, [0]),
      /fun\(x, grad\) must return the value f\(x\) as a number/,
    );
    throwsOptlab(() => minimize(rosen, [0, 0], { callback: 3 } as never), 'callback must be a function, got 3');
  });
});

describe('minimize(objective, config, options) and Objective check their input', () => {
  it('unknown loss, labels other than the two classes', () => {
    throwsOptlab(
      () => new Objective(X, new Float64Array([0, 1, 0, 1]), { loss: 'hinge' as never }),
      /^unknown loss 'hinge' \(one of sigmoid-lsq, logistic\)$/,
    );
    throwsOptlab(
      () => new Objective(X, new Float64Array([0, 1, 0, 1]), { loss: 'logistc' as never }),
      "unknown loss 'logistc' (did you mean 'logistic'?)",
    );
    throwsOptlab(
      () => new Objective(X, new Float64Array([3, 7, 3, 7]), { loss: 'logistic' }),
      /^label 3 at row 0: the labels must be encoded as 1 \(positive class\) and 0 \(or -1\); encodeLabels/,
    );
    throwsOptlab(() => new Objective(X, new Float64Array([0, 1, -1, 1]), { loss: 'logistic' }), /mix 0 and -1/);
  });

  it('a method, its parameters, the options', () => {
    const o = new Objective(X, new Float64Array([0, 1, 0, 1]), { loss: 'logistic' });
    throwsOptlab(() => minimize(o, { method: 'LBFGS' } as never), "unknown method 'LBFGS' (did you mean 'lbfgs'?)");
    throwsOptlab(
      () => minimize(o, { method: 'lbfgs', memry: 3 } as never),
      "parameter 'memry' is not a parameter of lbfgs (did you mean 'memory'?)",
    );
    throwsOptlab(
      () => minimize(o, { method: 'lbfgs' }, { maxIters: 3 } as never),
      "unknown option 'maxIters' (did you mean 'maxIter'?)",
    );
    throwsOptlab(
      () => minimize(o, { method: 'lbfgs' }, { init: 'ones' } as never),
      /init must be 'zeros', 'randn' or a Float64Array, got 'ones'/,
    );
    throwsOptlab(() => minimize({} as never, { method: 'lbfgs' }), /^the objective must be an Objective/);
    const r = minimize(o, { method: 'lbfgs' }, { maxIter: 100 });
    assert.equal(typeof r.success, 'boolean');
  });
});
