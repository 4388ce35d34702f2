/**
 * One table of methods × problems with known minimizers: each entry names the method and its parameters, the
 * problem, the budgets, and the expected outcome with its tolerances. References come from closed forms
 * (normal equations, soft thresholding, Rosenbrock's (1, 1)) or from an independent dense Newton solve
 * (test/helpers/problems.ts), never from the library's own numerics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '../../src/objectives/problem.js';
import { type MethodConfig, minimize } from '../../src/run/minimize.js';
import type { StopReason } from '../../src/run/result.js';
import type { RunOptions } from '../../src/run/run.js';
import {
  denseLossReference,
  denseObjective,
  LeastSquares,
  newtonReference,
  Quadratic,
  Rosenbrock,
  separableL1,
  TINY_ROWS,
  TINY_Y01,
} from '../helpers/problems.js';

/** A problem with its minimizer x* and minimum F* (of f + λ‖x‖₁). */
interface Known {
  problem: Problem;
  x: Float64Array;
  f: number;
}

/**
 * How a run must end:
 * - `x`: max |x_j − x*_j|;  `f`: |F(x) − F*|;
 * - `stop`: the allowed stop reasons. 'no-progress' stands for 'line-search-failed' whose message says the
 *   step or bracket became too small to change F at rounding level (a line search cannot verify a decrease
 *   below one ulp of F, so value-based searches end there, at the minimum to rounding);
 * - `zeros`: coordinates where x* is 0 must be exactly 0 (proximal and orthant-wise methods);
 * - `maxIter`: the run must not use more iterations than this (rate check).
 */
interface Expect {
  x?: number;
  f?: number;
  stop: Array<StopReason | 'no-progress'>;
  zeros?: boolean;
  maxIter?: number;
}

interface Case {
  name: string;
  known: () => Known;
  config: MethodConfig;
  options: RunOptions;
  expect: Expect;
}

// ---- problems ---------------------------------------------------------------------------------------------

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
const X_TRUE = [0.7, -1.3, 2.1];

/** Inconsistent least squares (F* > 0): minimizer from the normal equations. */
function lsq(): Known {
  const problem = new LeastSquares(A8, B8);
  const x = problem.solution();
  return { problem, x, f: problem.value(x) };
}
const L_LSQ = new LeastSquares(A8, B8).lipschitz();

/** Consistent least squares b = A x_true (interpolation: stochastic methods converge exactly). */
function lsqConsistent(): Known {
  const b = A8.map((a) => a[0] * X_TRUE[0] + a[1] * X_TRUE[1] + a[2] * X_TRUE[2]);
  return { problem: new LeastSquares(A8, b), x: Float64Array.from(X_TRUE), f: 0 };
}

const Q3 = [
  [4, 1, 0],
  [1, 3, 0.5],
  [0, 0.5, 2],
];
const C3 = [1, -2, 3];
/** ½xᵀQx − cᵀx: minimizer Q⁻¹c, minimum −½cᵀQ⁻¹c. */
function quad(): Known {
  const problem = new Quadratic(Q3, C3);
  const x = problem.solution();
  return { problem, x, f: -0.5 * (C3[0] * x[0] + C3[1] * x[1] + C3[2] * x[2]) };
}
const L_QUAD = new Quadratic(Q3, C3).lipschitz();

function rosenbrock(d: number): () => Known {
  return () => ({ problem: new Rosenbrock(d), x: new Float64Array(d).fill(1), f: 0 });
}

/** Tiny logistic / sigmoid-lsq problems; x* from an independent dense Newton solve. */
function tiny(loss: 'logistic' | 'sigmoid-lsq'): () => Known {
  return () => {
    const x = newtonReference(TINY_ROWS, TINY_Y01, loss, new Float64Array(3));
    return {
      problem: denseObjective(TINY_ROWS, TINY_Y01, loss),
      x,
      f: denseLossReference(TINY_ROWS, TINY_Y01, loss, x).f,
    };
  };
}

/** ½ Σ q_j (x_j − v_j)² + λ‖x‖₁: x* = soft-threshold(v_j, λ/q_j); two coordinates of x* are 0. */
const SEP_Q = [1, 2, 0.5, 4];
const SEP_V = [3, -0.2, -1.5, 0.1];
function separable(q: number[], lambda: number): () => Known {
  return () => {
    const { problem, solution } = separableL1(q, SEP_V, lambda);
    const f =
      q.reduce((s, qj, j) => s + 0.5 * qj * (solution[j] - SEP_V[j]) ** 2, 0) +
      lambda * solution.reduce((s, v) => s + Math.abs(v), 0);
    // the quadratic's constant ½Σ q v² is not in Quadratic's value (½xᵀQx − cᵀx): subtract it
    return { problem, x: solution, f: f - q.reduce((s, qj, j) => s + 0.5 * qj * SEP_V[j] ** 2, 0) };
  };
}

/**
 * One-row least squares ½(x₁ + 2x₂ − 3)² + λ‖x‖₁ (λ = 1): the L1 solution uses only the column with the larger
 * |a_j|: x* = (0, (a₂b − λ)/a₂²) = (0, 1.25), since then |a₁ r| = λ|a₁/a₂| = λ/2 < λ keeps x₁ at 0.
 * F* = ½(2·1.25 − 3)² + 1.25 = 1.375.
 */
function oneRow(): Known {
  return { problem: new LeastSquares([[1, 2]], [3], 1), x: Float64Array.of(0, 1.25), f: 1.375 };
}

// ---- the table --------------------------------------------------------------------------------------------

const CONVERGED: Expect['stop'] = ['converged'];
const AT_FLOOR: Expect['stop'] = ['converged', 'no-progress'];

const CASES: Case[] = [
  // gradient descent, constant step < 2/L, to the gradient tolerance
  {
    name: 'gd step 1/L on least squares',
    known: lsq,
    config: { method: 'gd', step: 1 / L_LSQ },
    options: { maxIter: 1000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-15, stop: CONVERGED, maxIter: 40 },
  },
  {
    name: 'gd step 1.9/L on a quadratic',
    known: quad,
    config: { method: 'gd', step: 1.9 / L_QUAD },
    options: { maxIter: 5000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED },
  },
  {
    name: 'gd step 1/L on consistent least squares (F* = 0)',
    known: lsqConsistent,
    config: { method: 'gd', step: 1 / L_LSQ },
    options: { maxIter: 1000, tol: 1e-14 },
    expect: { x: 1e-13, f: 1e-26, stop: CONVERGED },
  },
  // gradient descent with line searches (they end at the rounding floor of F, x within ~√ε)
  {
    name: 'gd armijo on a quadratic',
    known: quad,
    config: { method: 'gd', lineSearch: 'armijo' },
    options: { maxIter: 5000, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-14, stop: AT_FLOOR },
  },
  {
    name: 'gd wolfe on a quadratic',
    known: quad,
    config: { method: 'gd', lineSearch: 'wolfe' },
    options: { maxIter: 5000, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-14, stop: AT_FLOOR },
  },
  {
    name: 'gd wolfe on consistent least squares (F* = 0, no floor)',
    known: lsqConsistent,
    config: { method: 'gd', lineSearch: 'wolfe' },
    options: { maxIter: 5000, tol: 1e-12 },
    expect: { x: 1e-11, f: 1e-22, stop: CONVERGED },
  },
  // L-BFGS
  {
    name: 'lbfgs (m 10, wolfe) on least squares',
    known: lsq,
    config: { method: 'lbfgs', memory: 10 },
    options: { maxIter: 100, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-15, stop: AT_FLOOR, maxIter: 20 },
  },
  {
    name: 'lbfgs (m 2, wolfe) on a quadratic',
    known: quad,
    config: { method: 'lbfgs', memory: 2 },
    options: { maxIter: 100, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-14, stop: AT_FLOOR, maxIter: 30 },
  },
  {
    name: 'lbfgs (m 10, armijo) on least squares',
    known: lsq,
    config: { method: 'lbfgs', lineSearch: 'armijo' },
    options: { maxIter: 100, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-15, stop: AT_FLOOR, maxIter: 20 },
  },
  {
    name: 'lbfgs (m 0, wolfe) is gradient descent and still converges',
    known: quad,
    config: { method: 'lbfgs', memory: 0 },
    options: { maxIter: 5000, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-14, stop: AT_FLOOR },
  },
  {
    name: 'lbfgs (wolfe) on consistent least squares (F* = 0)',
    known: lsqConsistent,
    config: { method: 'lbfgs' },
    options: { maxIter: 100, tol: 1e-12 },
    expect: { x: 1e-12, f: 1e-24, stop: CONVERGED, maxIter: 20 },
  },
  // dense BFGS
  {
    name: 'bfgs (wolfe) on least squares',
    known: lsq,
    config: { method: 'bfgs' },
    options: { maxIter: 100, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-15, stop: AT_FLOOR, maxIter: 20 },
  },
  {
    name: 'bfgs (wolfe) on a quadratic',
    known: quad,
    config: { method: 'bfgs' },
    options: { maxIter: 100, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-14, stop: AT_FLOOR, maxIter: 20 },
  },
  {
    name: 'bfgs (armijo) on a quadratic',
    known: quad,
    config: { method: 'bfgs', lineSearch: 'armijo' },
    options: { maxIter: 100, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-14, stop: AT_FLOOR, maxIter: 20 },
  },
  {
    name: 'bfgs (wolfe) on consistent least squares (F* = 0)',
    known: lsqConsistent,
    config: { method: 'bfgs' },
    options: { maxIter: 100, tol: 1e-12 },
    expect: { x: 1e-12, f: 1e-24, stop: CONVERGED, maxIter: 20 },
  },
  // OWL-QN with λ = 0 (L-BFGS with backtracking on a projected path)
  {
    name: 'owlqn λ = 0 on least squares',
    known: lsq,
    config: { method: 'owlqn' },
    options: { maxIter: 200, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-15, stop: AT_FLOOR, maxIter: 30 },
  },
  {
    name: 'owlqn λ = 0 on a quadratic',
    known: quad,
    config: { method: 'owlqn', memory: 5 },
    options: { maxIter: 200, tol: 1e-13 },
    expect: { x: 1e-7, f: 1e-14, stop: AT_FLOOR, maxIter: 30 },
  },
  // proximal gradient and FISTA with λ = 0
  {
    name: 'prox-gd λ = 0, step 1/L, on least squares',
    known: lsq,
    config: { method: 'prox-gd', step: 1 / L_LSQ },
    options: { maxIter: 1000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-15, stop: CONVERGED, maxIter: 40 },
  },
  {
    name: 'fista λ = 0, step 1/L, on least squares',
    known: lsq,
    config: { method: 'fista', step: 1 / L_LSQ },
    options: { maxIter: 1000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-15, stop: CONVERGED },
  },
  {
    name: 'fista λ = 0, step 1/L, on a quadratic',
    known: quad,
    config: { method: 'fista', step: 1 / L_QUAD },
    options: { maxIter: 1000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED },
  },
  {
    name: 'prox-gd λ = 0, backtracking from step 1, on a quadratic',
    known: quad,
    config: { method: 'prox-gd', lineSearch: 'armijo', step: 1 },
    options: { maxIter: 1000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, maxIter: 200 },
  },
  {
    // backtracking used to lose α to rounding noise near x* (α → 1e-9, the iterates drifting away)
    name: 'fista λ = 0, backtracking from step 1, on a quadratic',
    known: quad,
    config: { method: 'fista', lineSearch: 'armijo', step: 1 },
    options: { maxIter: 1000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, maxIter: 400 },
  },
  // Rosenbrock from the classic start (-1.2, 1) and from zeros in 5-D
  {
    name: 'bfgs (wolfe) on Rosenbrock from (-1.2, 1)',
    known: rosenbrock(2),
    config: { method: 'bfgs' },
    options: { maxIter: 500, tol: 1e-10, init: Float64Array.of(-1.2, 1) },
    expect: { x: 1e-8, f: 1e-16, stop: AT_FLOOR, maxIter: 100 },
  },
  {
    name: 'lbfgs (wolfe) on Rosenbrock from (-1.2, 1)',
    known: rosenbrock(2),
    config: { method: 'lbfgs' },
    options: { maxIter: 500, tol: 1e-10, init: Float64Array.of(-1.2, 1) },
    expect: { x: 1e-8, f: 1e-16, stop: AT_FLOOR, maxIter: 100 },
  },
  {
    name: 'lbfgs (m 5, wolfe) on 5-D Rosenbrock',
    known: rosenbrock(5),
    config: { method: 'lbfgs', memory: 5 },
    options: { maxIter: 500, tol: 1e-10 },
    expect: { x: 1e-8, f: 1e-16, stop: AT_FLOOR, maxIter: 100 },
  },
  {
    name: 'bfgs (wolfe) on 5-D Rosenbrock',
    known: rosenbrock(5),
    config: { method: 'bfgs' },
    options: { maxIter: 500, tol: 1e-10 },
    expect: { x: 1e-8, f: 1e-16, stop: AT_FLOOR, maxIter: 100 },
  },
  {
    // with λ = 0 there is no orthant to keep: the sign constraint used to zero quasi-Newton components, and
    // owlqn crept one coordinate per iteration (500 iterations did not reach (1, 1) from (1.2, 1.2))
    name: 'owlqn λ = 0 on Rosenbrock from (1.2, 1.2)',
    known: rosenbrock(2),
    config: { method: 'owlqn' },
    options: { maxIter: 500, tol: 1e-10, init: Float64Array.of(1.2, 1.2) },
    expect: { x: 1e-8, f: 1e-16, stop: AT_FLOOR, maxIter: 60 },
  },
  {
    name: 'owlqn λ = 0 on Rosenbrock from (-1.2, 1)',
    known: rosenbrock(2),
    config: { method: 'owlqn' },
    options: { maxIter: 500, tol: 1e-10, init: Float64Array.of(-1.2, 1) },
    expect: { x: 1e-8, f: 1e-16, stop: AT_FLOOR, maxIter: 100 },
  },
  // tiny linear models on sparse data (Objective via fromDense)
  ...(['logistic', 'sigmoid-lsq'] as const).flatMap((loss): Case[] => [
    {
      name: `lbfgs on tiny ${loss}`,
      known: tiny(loss),
      config: { method: 'lbfgs' },
      options: { maxIter: 200, tol: 1e-12 },
      expect: { x: 1e-6, f: 1e-15, stop: AT_FLOOR, maxIter: 40 },
    },
    {
      name: `bfgs on tiny ${loss}`,
      known: tiny(loss),
      config: { method: 'bfgs' },
      options: { maxIter: 200, tol: 1e-12 },
      expect: { x: 1e-6, f: 1e-15, stop: AT_FLOOR, maxIter: 40 },
    },
    {
      name: `owlqn λ = 0 on tiny ${loss}`,
      known: tiny(loss),
      config: { method: 'owlqn' },
      options: { maxIter: 200, tol: 1e-12 },
      expect: { x: 1e-6, f: 1e-15, stop: AT_FLOOR, maxIter: 40 },
    },
    {
      name: `gd step 2 on tiny ${loss}`,
      known: tiny(loss),
      config: { method: 'gd', step: 2 },
      options: { maxIter: 5000, tol: 1e-11 },
      expect: { x: 1e-9, f: 1e-15, stop: CONVERGED },
    },
    {
      name: `fista step 2 on tiny ${loss}`,
      known: tiny(loss),
      config: { method: 'fista', step: 2 },
      options: { maxIter: 5000, tol: 1e-11 },
      expect: { x: 1e-9, f: 1e-15, stop: CONVERGED },
    },
    {
      name: `adam (batch 3, 400 epochs) on tiny ${loss} gets near the minimum`,
      known: tiny(loss),
      config: { method: 'adam', step: 0.01, batch: 3 },
      options: { epochs: 400, seed: 7 },
      expect: { x: 0.5, f: 5e-3, stop: ['max-epochs'] },
    },
  ]),
  // stochastic methods on an interpolation problem (every f_i minimal at x*) converge exactly
  {
    name: 'sgd batch 2 on consistent least squares',
    known: lsqConsistent,
    config: { method: 'sgd', step: 0.1, batch: 2 },
    options: { epochs: 200, seed: 3 },
    expect: { x: 1e-13, f: 1e-26, stop: ['max-epochs'] },
  },
  {
    name: 'sgd batch 3 (last batch partial) on consistent least squares',
    known: lsqConsistent,
    config: { method: 'sgd', step: 0.1, batch: 3 },
    options: { epochs: 200, seed: 3 },
    expect: { x: 1e-13, f: 1e-26, stop: ['max-epochs'] },
  },
  {
    name: 'sgd momentum 0.5 on consistent least squares',
    known: lsqConsistent,
    config: { method: 'sgd', step: 0.05, batch: 2, momentum: 0.5 },
    options: { epochs: 200, seed: 3 },
    expect: { x: 1e-13, f: 1e-26, stop: ['max-epochs'] },
  },
  {
    name: 'sgd nesterov 0.5 on consistent least squares',
    known: lsqConsistent,
    config: { method: 'sgd', step: 0.05, batch: 2, momentum: 0.5, nesterov: true },
    options: { epochs: 200, seed: 3 },
    expect: { x: 1e-13, f: 1e-26, stop: ['max-epochs'] },
  },
  {
    name: 'adagrad on consistent least squares',
    known: lsqConsistent,
    config: { method: 'adagrad', step: 0.5, batch: 2 },
    options: { epochs: 200, seed: 3 },
    expect: { x: 1e-13, f: 1e-26, stop: ['max-epochs'] },
  },
  {
    name: 'adam on consistent least squares',
    known: lsqConsistent,
    config: { method: 'adam', step: 0.01, batch: 2 },
    options: { epochs: 2000, seed: 3 },
    expect: { x: 1e-12, f: 1e-24, stop: ['max-epochs'] },
  },
  {
    name: 'sbfgs (dense) on consistent least squares',
    known: lsqConsistent,
    config: { method: 'sbfgs', step: 0.5, batch: 4 },
    options: { epochs: 200, seed: 3 },
    expect: { x: 1e-13, f: 1e-26, stop: ['max-epochs'] },
  },
  {
    name: 'sbfgs (L-BFGS memory 5) on consistent least squares',
    known: lsqConsistent,
    config: { method: 'sbfgs', step: 0.5, batch: 4, memory: 5 },
    options: { epochs: 200, seed: 3 },
    expect: { x: 1e-13, f: 1e-26, stop: ['max-epochs'] },
  },
  // L1 problems with closed-form solutions (exact zeros required)
  {
    name: 'prox-gd step 1/max q on ½Σq(x−v)² + 0.5‖x‖₁',
    known: separable(SEP_Q, 0.5),
    config: { method: 'prox-gd', step: 1 / 4 },
    options: { maxIter: 2000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, zeros: true },
  },
  {
    name: 'fista step 1/max q on ½Σq(x−v)² + 0.5‖x‖₁',
    known: separable(SEP_Q, 0.5),
    config: { method: 'fista', step: 1 / 4 },
    options: { maxIter: 2000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, zeros: true },
  },
  {
    name: 'prox-gd backtracking on ½Σq(x−v)² + 0.5‖x‖₁',
    known: separable(SEP_Q, 0.5),
    config: { method: 'prox-gd', lineSearch: 'armijo' },
    options: { maxIter: 2000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, zeros: true },
  },
  {
    name: 'fista backtracking on ½Σq(x−v)² + 0.5‖x‖₁',
    known: separable(SEP_Q, 0.5),
    config: { method: 'fista', lineSearch: 'armijo' },
    options: { maxIter: 2000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, zeros: true },
  },
  {
    name: 'owlqn on ½Σq(x−v)² + 0.5‖x‖₁',
    known: separable(SEP_Q, 0.5),
    config: { method: 'owlqn' },
    options: { maxIter: 200, tol: 1e-13 },
    expect: { x: 1e-9, f: 1e-14, stop: AT_FLOOR, zeros: true, maxIter: 30 },
  },
  {
    name: 'prox-bfgs backtracking, step 1, on ½‖x − v‖² + 0.5‖x‖₁ (one step: prox of v)',
    known: separable([1, 1, 1, 1], 0.5),
    config: { method: 'prox-bfgs', lineSearch: 'armijo', step: 1 },
    options: { maxIter: 100, tol: 1e-13 },
    expect: { x: 0, f: 1e-15, stop: CONVERGED, zeros: true, maxIter: 1 },
  },
  {
    name: 'prox-bfgs backtracking, step 0.5, on ½‖x − v‖² + 0.5‖x‖₁',
    known: separable([1, 1, 1, 1], 0.5),
    config: { method: 'prox-bfgs', lineSearch: 'armijo', step: 0.5 },
    options: { maxIter: 1000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, zeros: true },
  },
  {
    name: 'prox-bfgs constant step 0.5 on ½‖x − v‖² + 0.5‖x‖₁',
    known: separable([1, 1, 1, 1], 0.5),
    config: { method: 'prox-bfgs', step: 0.5 },
    options: { maxIter: 1000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, zeros: true },
  },
  {
    name: 'prox-gd step 1/‖a‖² on one-row least squares + ‖x‖₁',
    known: oneRow,
    config: { method: 'prox-gd', step: 0.2 },
    options: { maxIter: 2000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, zeros: true },
  },
  {
    name: 'fista step 1/‖a‖² on one-row least squares + ‖x‖₁',
    known: oneRow,
    config: { method: 'fista', step: 0.2 },
    options: { maxIter: 2000, tol: 1e-13 },
    expect: { x: 1e-12, f: 1e-14, stop: CONVERGED, zeros: true },
  },
  {
    name: 'owlqn on one-row least squares + ‖x‖₁',
    known: oneRow,
    config: { method: 'owlqn' },
    options: { maxIter: 200, tol: 1e-13 },
    expect: { x: 1e-9, f: 1e-14, stop: AT_FLOOR, zeros: true },
  },
];

// ---- the loop ---------------------------------------------------------------------------------------------

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
  return m;
}

describe('methods × problems: known minima', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { problem, x: xStar, f: fStar } = c.known();
      const r = minimize(problem, c.config, { tol: 0, ...c.options });
      const e = c.expect;
      const where = `${c.name}: ${r.stopReason} after ${r.iterations} iterations (${r.message}), F = ${r.value}`;
      const stopOk = e.stop.some((s) =>
        s === 'no-progress'
          ? r.stopReason === 'line-search-failed' && /no-progress/.test(r.message)
          : r.stopReason === s,
      );
      assert.ok(stopOk, `unexpected stop: ${where}`);
      assert.ok(Number.isFinite(r.value) && Number.isFinite(r.gradNorm), where);
      if (e.x !== undefined) {
        const err = maxAbsDiff(r.x, xStar);
        assert.ok(err <= e.x, `|x − x*|∞ = ${err} > ${e.x}: ${where}`);
      }
      if (e.f !== undefined) {
        const err = Math.abs(r.value - fStar);
        assert.ok(err <= e.f, `|F − F*| = ${err} > ${e.f} (F* = ${fStar}): ${where}`);
      }
      if (e.zeros) {
        for (let j = 0; j < xStar.length; j++) {
          if (xStar[j] === 0) assert.equal(r.x[j], 0, `x[${j}] must be exactly 0: ${where}`);
        }
        assert.ok(r.sparsity > 0, where);
      }
      if (e.maxIter !== undefined) assert.ok(r.iterations <= e.maxIter, `too many iterations: ${where}`);
      // the trace starts at iteration 0 and ends at the last iteration
      assert.equal(r.trace[0].iter, 0);
      assert.equal(r.trace[r.trace.length - 1].iter, r.iterations);
      assert.equal(r.trace[r.trace.length - 1].value, r.value);
    });
  }
});

describe('prox-bfgs (proximal quasi-Newton) off the identity metric', () => {
  // The old heuristic (soft thresholding after a BFGS step with the scalar step) had the wrong fixed point
  // when H ≠ I and stalled above F*. The scaled proximal step of Lee, Sun & Saunders reaches the minimizer.
  for (const [name, known] of [
    ['separable, q ≠ 1', separable(SEP_Q, 0.5)],
    ['one-row least squares', oneRow],
  ] as const) {
    it(`${name}: converges to the minimizer, its zeros exact`, () => {
      const { problem, f: fStar, x: xStar } = known();
      const r = minimize(problem, { method: 'prox-bfgs', lineSearch: 'armijo', step: 1 }, { maxIter: 500, tol: 1e-12 });
      assert.equal(r.stopReason, 'converged', r.message);
      assert.ok(Math.abs(r.value - fStar) <= 1e-13, `F = ${r.value}, F* = ${fStar}`);
      for (let j = 0; j < xStar.length; j++) {
        if (xStar[j] === 0) assert.equal(r.x[j], 0, `x[${j}]`);
        else assert.ok(Math.abs(r.x[j] - xStar[j]) <= 1e-9, `x[${j}] = ${r.x[j]}, x* = ${xStar[j]}`);
      }
    });
  }
});
