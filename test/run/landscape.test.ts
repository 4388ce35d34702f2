import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '../../src/objectives/problem.js';
import {
  extremeEigenvalues,
  groupEndPoints,
  landscape,
  tridiagonalEigen,
  whichStationaryPoint,
} from '../../src/run/landscape.js';
import { denseObjective, Quadratic, TINY_ROWS, TINY_Y01 } from '../helpers/problems.js';

/** f(x) = (x₁² − 1)² + c·x₂² (n = 1): minima at (±1, 0) with value 0, a saddle at 0 (eigenvalues −4, 2c). */
class DoubleWell implements Problem {
  readonly n = 1;
  readonly d = 2;
  readonly l1 = 0;
  constructor(readonly c = 0.5) {}
  batchSize(): number {
    return 1;
  }
  valueGrad(x: Float64Array, g: Float64Array): number {
    const u = x[0] * x[0] - 1;
    g[0] = 4 * x[0] * u;
    g[1] = 2 * this.c * x[1];
    return u * u + this.c * x[1] * x[1];
  }
  value(x: Float64Array): number {
    return this.valueGrad(x, new Float64Array(2));
  }
  hessVec(x: Float64Array, v: Float64Array, out: Float64Array): void {
    out[0] = (12 * x[0] * x[0] - 4) * v[0];
    out[1] = 2 * this.c * v[1];
  }
}

class WithHv extends Quadratic {
  hessVec(_x: Float64Array, v: Float64Array, out: Float64Array): void {
    for (let i = 0; i < this.d; i++) {
      let s = 0;
      for (let j = 0; j < this.d; j++) s += this.Q[i][j] * v[j];
      out[i] = s;
    }
  }
}

describe('Lanczos extreme eigenvalues', () => {
  it('a tridiagonal matrix: the eigenvalues of [[2, 1], [1, 2]] are 1 and 3', () => {
    assert.ok(Math.abs(tridiagonalEigen([2, 2], [1], 'min') - 1) < 1e-12);
    assert.ok(Math.abs(tridiagonalEigen([2, 2], [1], 'max') - 3) < 1e-12);
  });

  it('a 5×5 quadratic with known spectrum, one negative eigenvalue', () => {
    // Q = R diag(−0.5, 0.1, 1, 2, 7) Rᵀ with R a rotation in the (1,2) and (3,4) planes
    const lam = [-0.5, 0.1, 1, 2, 7];
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const R = [
      [c, -s, 0, 0, 0],
      [s, c, 0, 0, 0],
      [0, 0, c, -s, 0],
      [0, 0, s, c, 0],
      [0, 0, 0, 0, 1],
    ];
    const Q = R.map((ri) => R.map((rj) => ri.reduce((t, _, k) => t + ri[k] * lam[k] * rj[k], 0)));
    const e = extremeEigenvalues(new WithHv(Q, [0, 0, 0, 0, 0]), new Float64Array(5));
    assert.ok(Math.abs(e.min + 0.5) < 1e-10, `${e.min}`);
    assert.ok(Math.abs(e.max - 7) < 1e-10, `${e.max}`);
  });

  it('the residual bound tells a converged smallest eigenvalue from an upper bound Lanczos stopped at', () => {
    // diag(0, 1e-6·j, 1) over 60 coordinates: a cluster near 0, as at a9a's end points (null space + flat valley)
    const n = 60;
    const diag = Array.from({ length: n }, (_, j) => (j === n - 1 ? 1 : j === 0 ? 0 : 1e-4 * j));
    const Q = diag.map((v, i) => diag.map((_, j) => (i === j ? v : 0)));
    const p = new WithHv(Q, new Array(n).fill(0));
    const full = extremeEigenvalues(p, new Float64Array(n), n);
    assert.ok(Math.abs(full.min) < 1e-12 && full.minResidual < 1e-10, `${full.min} ± ${full.minResidual}`);
    const short = extremeEigenvalues(p, new Float64Array(n), 8);
    // a Ritz value: never below the smallest eigenvalue; its residual bound says it is not one (yet)
    assert.ok(short.min > 1e-6, `${short.min}`);
    assert.ok(short.minResidual > short.min, `${short.min} ± ${short.minResidual}`);
    assert.ok(Math.abs(short.max - 1) < 1e-8);
  });

  it('no Hessian-vector product: NaN', () => {
    const e = extremeEigenvalues(new Quadratic([[1]], [0]), new Float64Array(1));
    assert.ok(Number.isNaN(e.min));
  });
});

describe('the landscape of a double well', () => {
  const land = landscape(new DoubleWell(), { randomStarts: 8, seed: 1, scale: 2, tol: 1e-10 });

  it('groups 9 end points into the two minima and the saddle at zero, lowest first', () => {
    assert.equal(land.starts, 9);
    assert.equal(land.minima.length, 3, JSON.stringify(land.minima.map((m) => [m.value, m.starts])));
    const [a, b, saddle] = land.minima;
    assert.ok(a.value < 1e-15 && b.value < 1e-15);
    assert.equal(a.count + b.count, 8);
    assert.ok(Math.abs(Math.abs(a.x[0]) - 1) < 1e-8 && Math.sign(a.x[0]) !== Math.sign(b.x[0]));
    assert.ok(Math.abs(a.minEigenvalue - 1) < 1e-8, `${a.minEigenvalue}`); // min(8, 2c) = 1
    assert.equal(saddle.value, 1);
    assert.deepStrictEqual(saddle.starts, ['zeros']);
    assert.ok(Math.abs(saddle.minEigenvalue + 4) < 1e-10, `${saddle.minEigenvalue}`);
    assert.ok(
      land.minima.every((m) => m.minEigenvalueResidual < 1e-10),
      'a 2-D Hessian: Lanczos converges',
    );
    assert.equal(land.fStar, Math.min(a.value, b.value));
    assert.ok(land.endpoints.every((e) => e.minimum >= 0 && e.minimum < 3));
  });

  it('tells an end point which stationary point it reached, or none', () => {
    assert.equal(whichStationaryPoint(new DoubleWell(), land, Float64Array.of(0, 0), 1), 2);
    const i = whichStationaryPoint(new DoubleWell(), land, Float64Array.of(1, 0), 0);
    assert.ok(i === 0 || i === 1);
    assert.equal(land.minima[i!].x[0] > 0, true);
    assert.equal(whichStationaryPoint(new DoubleWell(), land, Float64Array.of(0.5, 0.5), 0.6), null);
  });
});

describe('grouping by value and distance', () => {
  const p = denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq');
  it('the same value far apart across a barrier is two points; close and equal is one', () => {
    const well = new DoubleWell();
    const f = (v: Float64Array) => well.value(v);
    const x = Float64Array.of(1, 0);
    const far = Float64Array.of(-1, 0);
    const near = Float64Array.of(1.0001, 0);
    assert.ok(f(Float64Array.of(0, 0)) === 1 && f(near) < 1e-7); // the barrier between the wells is 1 high
    const g = groupEndPoints(well, [
      { start: 'a', x, value: f(x), gradNorm: 0 },
      { start: 'b', x: far, value: f(far), gradNorm: 0 },
      { start: 'c', x: near, value: f(near), gradNorm: 0 },
    ]);
    assert.equal(g.minima.length, 2);
    assert.deepStrictEqual(g.minima.map((m) => m.count).sort(), [1, 2]);
  });

  it('a small fixture from zeros and 5 random starts: finite, every end point assigned', () => {
    const land = landscape(p, { randomStarts: 5 });
    assert.equal(land.starts, 6);
    assert.ok(land.minima.every((m) => Number.isFinite(m.minEigenvalue) && m.gradNorm <= 1e-7));
    assert.equal(
      land.minima.reduce((s, m) => s + m.count, 0),
      6,
    );
  });

  it('refuses an L1 problem', () => {
    assert.throws(() => landscape(denseObjective(TINY_ROWS, TINY_Y01, 'sigmoid-lsq', { l1: 0.1 })), /λ/);
  });
});

describe('grouping across directions f cannot see and along valleys', () => {
  const flatX2 = new DoubleWell(0); // f = (x₁² − 1)²: minima on the lines x₁ = ±1, x₂ free
  const end = (start: string, ...x: number[]) => {
    const v = Float64Array.from(x);
    return { start, x: v, value: flatX2.value(v), gradNorm: 0 };
  };

  it('end points that differ along a direction f cannot see are one point, two wells stay two', () => {
    const g = groupEndPoints(flatX2, [end('a', 1, 0), end('b', 1, 50), end('c', -1, 3)]);
    assert.equal(g.minima.length, 2, JSON.stringify(g.minima.map((m) => m.starts)));
    const joined = g.minima.find((m) => m.count === 2);
    assert.deepStrictEqual(joined?.starts.sort(), ['a', 'b']);
    assert.deepStrictEqual(joined?.normRange, [1, Math.hypot(1, 50)]);
    assert.equal(g.barrierPoints, 15);
    // without the barrier test (distance only) the flat direction splits them, as before
    assert.equal(groupEndPoints(flatX2, [end('a', 1, 0), end('b', 1, 50)], { barrierPoints: 0 }).minima.length, 2);
  });

  it('end points along a descending valley at nearly equal values are one point (a valley)', () => {
    // f = e^(−x₁) + x₂²: no minimum, values below 1e-8 from x₁ = 20 on; runs stop at different x₁
    const valley: Problem = {
      n: 1,
      d: 2,
      l1: 0,
      batchSize: () => 1,
      valueGrad(x, g) {
        const e = Math.exp(-x[0]);
        g[0] = -e;
        g[1] = 2 * x[1];
        return e + x[1] * x[1];
      },
      value(x) {
        return Math.exp(-x[0]) + x[1] * x[1];
      },
    };
    const at = (start: string, x1: number) => {
      const x = Float64Array.of(x1, 0);
      return { start, x, value: valley.value(x), gradNorm: Math.exp(-x1) };
    };
    const g = groupEndPoints(valley, [at('a', 20), at('b', 30), at('c', 45)]);
    assert.equal(g.minima.length, 1);
    assert.equal(g.minima[0].count, 3);
    assert.deepStrictEqual(g.minima[0].normRange, [20, 45]);
    // a point of the valley with a higher value (beyond the value tolerance) stays apart
    assert.equal(groupEndPoints(valley, [at('a', 20), at('d', 5)]).minima.length, 2);
  });

  it('tells a run on the far side of a barrier from its point: none', () => {
    const land = groupEndPoints(flatX2, [end('a', 1, 0)]);
    assert.equal(whichStationaryPoint(flatX2, land, Float64Array.of(1, 80), 0), 0);
    assert.equal(whichStationaryPoint(flatX2, land, Float64Array.of(-1, 0), 0), null);
  });
});
