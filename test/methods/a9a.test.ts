/**
 * The real data set: a9a (32561 rows, 123 binary features). Skipped with a message when the file is missing
 * (set OPTLAB_DATA; OPTLAB_REQUIRE_DATA=1 turns the skip into a failure).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { headRows } from '../../src/data/csr.js';
import { encodeLabels, type LabelEncoding } from '../../src/data/labels.js';
import { type ParsedLibsvm, parseLibsvm } from '../../src/data/libsvm.js';
import { Objective } from '../../src/objectives/objective.js';
import { type MethodConfig, minimize } from '../../src/run/minimize.js';
import type { RunOptions } from '../../src/run/run.js';
import { requireDataFile } from '../helpers/data.js';

let cached: ParsedLibsvm | undefined;
function loadA9a(t: TestContext): ParsedLibsvm | undefined {
  if (cached !== undefined) return cached;
  const path = requireDataFile(t, 'a9a');
  if (path === undefined) return undefined;
  cached = parseLibsvm(new Uint8Array(readFileSync(path)), { fileName: 'a9a' });
  return cached;
}

/**
 * Minimum of the sigmoid least-squares objective f(x) = 1/n Σ (y_i − σ(a_iᵀx))² on a9a, from an independent
 * SciPy run (L-BFGS-B and BFGS, gtol 1e-12, from zeros; both methods agree to 1e-11). With labels pm1 the
 * problem is the study's: a sigmoid can never reach −1, so the minimum is far above 0 (it is non-convex).
 */
const F_STAR: Record<LabelEncoding, number> = {
  '01': 0.10330823007232857,
  pm1: 0.9444783506973577,
};

describe('a9a, sigmoid-lsq: lbfgs and bfgs reach the reference minimum', () => {
  for (const labels of ['01', 'pm1'] as const) {
    for (const config of [{ method: 'lbfgs', memory: 10 }, { method: 'bfgs' }] as MethodConfig[]) {
      it(`${config.method} (wolfe), labels ${labels}: |f − f*| ≤ 1e-8`, (t) => {
        const data = loadA9a(t);
        if (data === undefined) return;
        const { y } = encodeLabels(data.labels, labels, 'a9a');
        const objective = new Objective(data.X, y, { loss: 'sigmoid-lsq' });
        // tol 0: the run ends when the line search can no longer decrease f at rounding level (or at maxIter)
        const r = minimize(objective, config, { maxIter: 20000, tol: 0 });
        t.diagnostic(
          `${config.method} ${labels}: f = ${r.value}, f − f* = ${(r.value - F_STAR[labels]).toExponential(3)}, ` +
            `${r.iterations} iterations, ${r.counts.oracleCalls} evaluations, ${r.seconds.toFixed(2)} s, ` +
            `‖∇f‖ = ${r.gradNorm.toExponential(2)}, ${r.stopReason} (${r.message})`,
        );
        assert.ok(Math.abs(r.value - F_STAR[labels]) <= 1e-8, `f = ${r.value}, f* = ${F_STAR[labels]}`);
        assert.ok(
          r.stopReason === 'max-iterations' || (r.stopReason === 'line-search-failed' && /no-progress/.test(r.message)),
          `${r.stopReason}: ${r.message}`,
        );
        assert.ok(r.gradNorm < 1e-7);
      });
    }
  }
});

describe("a9a, sigmoid-lsq: lbfgs takes L-BFGS-B's steps", () => {
  // SciPy 1.17.1's L-BFGS-B (maxcor 20, from zeros, labels {0, 1}, ftol = gtol = 0; scipy.optimize.minimize with a
  // callback): the oracle calls of each of its first 30 iterations (the first includes the evaluation at x0) and
  // F after each. lbfgs with its defaults (Moré–Thuente search, c1 = 1e-3, c2 = 0.9, first step 1/‖g0‖) is
  // the same method: the same calls and F to rounding. (The paths part after ~100 iterations, where rounding
  // differences have grown: on this non-convex loss the calls to F* + 1e-8 are chaotic in the path.)
  const SCIPY_CALLS = [2, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1];
  const SCIPY_F = [
    0.19542532930518453, 0.15236537781957735, 0.14383681458816672, 0.13521101809485608, 0.12546192898142922,
    0.11703672452497503, 0.11044218524842782, 0.1069906830919794, 0.10573420233133378, 0.10513282596534212,
    0.10439859928479456, 0.10430686182279407, 0.10408932911915598, 0.10404106685515248, 0.1039359840255874,
    0.10386999076271815, 0.10380627231147355, 0.10376336040418695, 0.10371505720010464, 0.10366310184320615,
    0.10362782066133322, 0.10360094306546727, 0.10357230437425147, 0.10355254452790924, 0.10355026631153814,
    0.10354244751548003, 0.1035345801478126, 0.10352191390610048, 0.10350815177624464, 0.10350160150093082,
  ];
  it('memory 20: the calls of each of the first 30 iterations and F within 1e-13', (t) => {
    const data = loadA9a(t);
    if (data === undefined) return;
    const { y } = encodeLabels(data.labels, '01', 'a9a');
    const objective = new Objective(data.X, y, { loss: 'sigmoid-lsq' });
    const r = minimize(objective, { method: 'lbfgs', memory: 20 }, { maxIter: 30, tol: 0 });
    const calls = r.trace.slice(1).map((p, k) => p.oracleCalls - (k === 0 ? 0 : r.trace[k].oracleCalls));
    assert.deepEqual(calls, SCIPY_CALLS);
    r.trace.slice(1).forEach((p, k) => {
      assert.ok(Math.abs(p.value - SCIPY_F[k]) <= 1e-13, `iteration ${k + 1}: F = ${p.value}, SciPy ${SCIPY_F[k]}`);
    });
  });
});

describe("a9a, the study's settings", () => {
  it('prox-gd step 2.5, λ = 0.01, 100 iterations on the first 1000 rows (pm1, randn start): a sparse x', (t) => {
    const data = loadA9a(t);
    if (data === undefined) return;
    const { y } = encodeLabels(data.labels, 'pm1', 'a9a');
    const objective = new Objective(headRows(data.X, 1000), y.subarray(0, 1000), { loss: 'sigmoid-lsq', l1: 0.01 });
    const r = minimize(objective, { method: 'prox-gd', step: 2.5 }, { maxIter: 100, init: 'randn', seed: 0 });
    const zeros = r.x.reduce((k, v) => k + (v === 0 ? 1 : 0), 0);
    t.diagnostic(`sparsity ${r.sparsity} (${zeros} of ${r.x.length} zeros), F = ${r.value} (the study: 91.87%)`);
    assert.equal(r.stopReason, 'max-iterations');
    assert.equal(r.x.length, 123);
    assert.ok(r.sparsity >= 0.8, `${r.sparsity}`);
    assert.equal(r.sparsity, zeros / 123);
    assert.ok(r.value < r.trace[0].value);
  });

  // Every method of the study on the full data, in the study's settings, a few iterations or epochs each: finite
  // values and no divergence (the study's sbfgs run, step 0.001 batch 128, ended in NaN).
  const STUDY: Array<[MethodConfig, number, RunOptions]> = [
    [{ method: 'gd', step: 2.5 }, 0, { maxIter: 30 }],
    [{ method: 'sgd', step: 2.5, batch: 16 }, 0, { epochs: 2 }],
    [{ method: 'adagrad' }, 0, { epochs: 2 }],
    [{ method: 'bfgs', lineSearch: 'none', step: 0.01 }, 0, { maxIter: 30 }],
    [{ method: 'sbfgs', step: 0.001, batch: 128 }, 0, { epochs: 3 }],
    [{ method: 'prox-gd', step: 2.5 }, 0.01, { maxIter: 30 }],
    [{ method: 'prox-bfgs', lineSearch: 'none', step: 0.1 }, 0.001, { maxIter: 30 }],
    [{ method: 'lbfgs', memory: 10 }, 0, { maxIter: 30 }],
  ];
  for (const [config, lambda, options] of STUDY) {
    for (const init of ['zeros', 'randn'] as const) {
      it(`${JSON.stringify(config)}, λ = ${lambda}, ${init} start: finite, not diverged`, (t) => {
        const data = loadA9a(t);
        if (data === undefined) return;
        const { y } = encodeLabels(data.labels, 'pm1', 'a9a');
        const objective = new Objective(data.X, y, { loss: 'sigmoid-lsq', l1: lambda });
        const r = minimize(objective, config, { tol: 0, ...options, init, seed: 1 });
        t.diagnostic(`F = ${r.value}, ${r.iterations} iterations, ${r.stopReason}, ${r.seconds.toFixed(2)} s`);
        assert.notEqual(r.stopReason, 'diverged', r.message);
        assert.ok(['max-iterations', 'max-epochs'].includes(r.stopReason), `${r.stopReason}: ${r.message}`);
        assert.ok(Number.isFinite(r.value) && Number.isFinite(r.gradNorm));
        assert.ok(r.x.every(Number.isFinite));
        assert.ok(r.trace.every((p) => Number.isFinite(p.value)));
        // sbfgs at step 0.001 from a random start jumps into the sigmoid's saturated plateaus after ~40
        // steps, and which one (F = 1.01 or 2.61) turns on rounding: the JavaScript and WebAssembly kernels
        // agree to 1e-12 for the first 40 steps and then land on different plateaus. Only finiteness holds.
        if (!(config.method === 'sbfgs' && init === 'randn')) {
          assert.ok(r.value < r.trace[0].value, `F rose from ${r.trace[0].value} to ${r.value}`);
        }
      });
    }
  }
});
