import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradAndHessVec, type Node, Tape, type TapeFunction, valueAndGrad } from '../../src/objectives/autodiff.js';

/** |a − b| ≤ tol · max(|a|, |b|) (or exact equality, for zeros). */
function close(actual: number, expected: number, tol = 1e-15, what = ''): void {
  const err = actual === expected ? 0 : Math.abs(actual - expected) / Math.max(Math.abs(actual), Math.abs(expected));
  assert.ok(err <= tol, `${what}: got ${actual}, expected ${expected} (relative error ${err})`);
}

/** f, f' and f'' of a one-variable tape function at x (f'' from the tangent of the adjoint, v = 1). */
function derivs(f: (t: Tape, x: Node) => Node, x: number): [number, number, number] {
  const r = gradAndHessVec((t, xs) => f(t, xs[0]), [x], [1]);
  return [r.value, r.grad[0], r.hessVec[0]];
}

describe('autodiff tape: elementary operations (value, first and second derivative)', () => {
  const x = 0.7;
  it('exp', () => {
    const [f, d1, d2] = derivs((t, u) => t.exp(u), x);
    assert.equal(f, Math.exp(x));
    assert.equal(d1, Math.exp(x));
    assert.equal(d2, Math.exp(x));
  });
  it('log: 1/x and −1/x²', () => {
    const [f, d1, d2] = derivs((t, u) => t.log(u), x);
    assert.equal(f, Math.log(x));
    close(d1, 1 / x, 1e-15, 'log′');
    close(d2, -1 / (x * x), 1e-15, 'log″');
  });
  it('log1p: 1/(1+x) and −1/(1+x)², accurate at tiny x', () => {
    const [f, d1, d2] = derivs((t, u) => t.log1p(u), x);
    assert.equal(f, Math.log1p(x));
    close(d1, 1 / (1 + x), 1e-15, 'log1p′');
    close(d2, -1 / ((1 + x) * (1 + x)), 1e-15, 'log1p″');
    const [g] = derivs((t, u) => t.log1p(u), 1e-20);
    assert.equal(g, 1e-20);
  });
  it('sqrt: 1/(2√x) and −1/(4x√x)', () => {
    const [f, d1, d2] = derivs((t, u) => t.sqrt(u), x);
    assert.equal(f, Math.sqrt(x));
    close(d1, 1 / (2 * Math.sqrt(x)), 1e-15, 'sqrt′');
    close(d2, -1 / (4 * x * Math.sqrt(x)), 1e-15, 'sqrt″');
  });
  it('square and powi with integer exponents (including 0, 1 and negative)', () => {
    const [f, d1, d2] = derivs((t, u) => t.square(u), x);
    assert.deepEqual([f, d1, d2], [x * x, 2 * x, 2]);
    for (const k of [-3, -2, -1, 0, 1, 3, 5]) {
      const [g, e1, e2] = derivs((t, u) => t.powi(u, k), x);
      close(g, x ** k, 1e-15, `x^${k}`);
      close(e1, k * x ** (k - 1), 1e-15, `(x^${k})′`);
      close(e2, k * (k - 1) * x ** (k - 2), 1e-15, `(x^${k})″`);
    }
    assert.throws(() => derivs((t, u) => t.powi(u, 0.5), x), RangeError);
  });
  it('neg, scale, abs (sign as derivative)', () => {
    assert.deepEqual(
      derivs((t, u) => t.neg(u), x),
      [-x, -1, 0],
    );
    assert.deepEqual(
      derivs((t, u) => t.scale(u, 3), x),
      [3 * x, 3, 0],
    );
    assert.deepEqual(
      derivs((t, u) => t.abs(u), -x),
      [x, -1, 0],
    );
    assert.deepEqual(
      derivs((t, u) => t.abs(u), 0),
      [0, 0, 0],
    );
  });
  it('add, sub, mul and div of two variables: partial derivatives and the full Hessian', () => {
    const a = 1.3;
    const b = -0.45;
    const grad = (f: TapeFunction) => valueAndGrad(f, [a, b]);
    assert.deepEqual(Array.from(grad((t, [u, w]) => t.add(u, w)).grad), [1, 1]);
    assert.deepEqual(Array.from(grad((t, [u, w]) => t.sub(u, w)).grad), [1, -1]);
    const p = grad((t, [u, w]) => t.mul(u, w));
    assert.equal(p.value, a * b);
    assert.deepEqual(Array.from(p.grad), [b, a]);
    const q = grad((t, [u, w]) => t.div(u, w));
    assert.equal(q.value, a / b);
    close(q.grad[0], 1 / b, 1e-15, '∂(a/b)/∂a');
    close(q.grad[1], -a / (b * b), 1e-15, '∂(a/b)/∂b');
    // Hessian of a/b: [[0, −1/b²], [−1/b², 2a/b³]], by columns with v = e₁ and v = e₂.
    const h1 = gradAndHessVec((t, [u, w]) => t.div(u, w), [a, b], [1, 0]).hessVec;
    const h2 = gradAndHessVec((t, [u, w]) => t.div(u, w), [a, b], [0, 1]).hessVec;
    assert.equal(h1[0], 0);
    close(h1[1], -1 / (b * b), 1e-15, '∂²/∂a∂b');
    close(h2[0], -1 / (b * b), 1e-15, '∂²/∂b∂a');
    close(h2[1], (2 * a) / (b * b * b), 1e-15, '∂²/∂b²');
    // Hessian of a·b is [[0, 1], [1, 0]].
    assert.deepEqual(Array.from(gradAndHessVec((t, [u, w]) => t.mul(u, w), [a, b], [2, 3]).hessVec), [3, 2]);
  });
  it('a variable used twice accumulates its adjoints (x·x → 2x) and constants get none', () => {
    const r = gradAndHessVec((t, [u]) => t.add(t.mul(u, u), t.constant(4)), [3], [1]);
    assert.deepEqual([r.value, r.grad[0], r.hessVec[0]], [13, 6, 2]);
  });
});

describe('autodiff tape: composite functions', () => {
  const rosenbrock: TapeFunction = (t, [x, y]) => {
    const a = t.sub(t.constant(1), x);
    const b = t.sub(y, t.square(x));
    return t.add(t.square(a), t.scale(t.square(b), 100));
  };

  it('Rosenbrock at (−1.2, 1): value 24.2, gradient (−215.6, −88), Hessian [[1330, 480], [480, 200]]', () => {
    // f = (1−x)² + 100(y−x²)²;  ∇f = (−2(1−x) − 400x(y−x²), 200(y−x²));
    // ∇²f = [[2 − 400y + 1200x², −400x], [−400x, 200]].
    const e1 = gradAndHessVec(rosenbrock, [-1.2, 1], [1, 0]);
    const e2 = gradAndHessVec(rosenbrock, [-1.2, 1], [0, 1]);
    const x = -1.2;
    const y = 1;
    close(e1.value, (1 - x) ** 2 + 100 * (y - x * x) ** 2, 1e-15, 'f');
    close(e1.value, 24.2, 1e-15, 'f = 24.2');
    close(e1.grad[0], -2 * (1 - x) - 400 * x * (y - x * x), 1e-15, '∂f/∂x');
    close(e1.grad[0], -215.6, 1e-15, '∂f/∂x = −215.6');
    close(e1.grad[1], -88, 1e-15, '∂f/∂y = −88');
    close(e1.hessVec[0], 1330, 1e-15, 'H₁₁');
    close(e1.hessVec[1], 480, 1e-15, 'H₂₁');
    close(e2.hessVec[0], 480, 1e-15, 'H₁₂');
    assert.equal(e2.hessVec[1], 200);
  });

  it('Rosenbrock at its minimum (1, 1): value 0, gradient 0, Hessian [[802, −400], [−400, 200]]', () => {
    const r = gradAndHessVec(rosenbrock, [1, 1], [1, 1]);
    assert.equal(r.value, 0);
    assert.deepEqual(Array.from(r.grad), [0, 0]);
    assert.deepEqual(Array.from(r.hessVec), [802 - 400, -400 + 200]);
  });

  it('the stable sigmoid branches have σ′ = σσ₋ and σ″ = −σσ₋ tanh(z/2) on both sides of 0', () => {
    const sigma = (t: Tape, z: Node): Node => {
      if (t.value(z) >= 0) return t.div(t.constant(1), t.add(t.constant(1), t.exp(t.neg(z))));
      const e = t.exp(z);
      return t.div(e, t.add(t.constant(1), e));
    };
    for (const z of [-30, -2, -0.5, -1e-3, 0, 1e-3, 0.5, 2, 30]) {
      const [s, d1, d2] = derivs(sigma, z);
      const sm = 1 / (1 + Math.exp(z)); // σ(−z)
      close(s, 1 / (1 + Math.exp(-z)), 1e-15, `σ(${z})`);
      close(d1, s * sm, 1e-15, `σ′(${z})`);
      // σ″ = σσ₋(σ₋ − σ) = −σσ₋ tanh(z/2) (no cancellation in the reference). Near 0 the chain rule adds
      // terms of size 1/4 that cancel down to −z/8, so there the error is absolute, ε-sized.
      const expected = -s * sm * Math.tanh(z / 2);
      if (Math.abs(z) >= 0.5) close(d2, expected, 1e-15, `σ″(${z})`);
      else assert.ok(Math.abs(d2 - expected) <= 1e-16, `σ″(${z}) = ${d2}, expected ${expected}`);
    }
  });

  it('exp∘log and a quotient of sums, against closed forms', () => {
    // f(x, y) = log(x² + y²) / (x + y)
    const f: TapeFunction = (t, [x, y]) => t.div(t.log(t.add(t.square(x), t.square(y))), t.add(x, y));
    const x = 0.8;
    const y = 1.9;
    const s = x * x + y * y;
    const L = Math.log(s);
    const r = valueAndGrad(f, [x, y]);
    close(r.value, L / (x + y), 1e-15, 'f');
    close(r.grad[0], (2 * x) / s / (x + y) - L / (x + y) ** 2, 1e-15, '∂f/∂x');
    close(r.grad[1], (2 * y) / s / (x + y) - L / (x + y) ** 2, 1e-15, '∂f/∂y');
    const g = valueAndGrad((t, [u]) => t.exp(t.log(u)), [2.5]);
    close(g.value, 2.5, 1e-15, 'exp(log x)');
    close(g.grad[0], 1, 1e-15, '(exp∘log)′');
  });
});

describe('Tape mechanics', () => {
  it('grows beyond its capacity and can be rewound and reused with identical results', () => {
    const t = new Tape(1);
    const run = (): [number, number] => {
      t.reset();
      const x = t.variable(0.3, 1);
      let s = t.constant(0);
      for (let k = 1; k <= 100; k++) s = t.add(s, t.scale(t.powi(x, 2), k));
      t.backward(s);
      return [t.adjoint(x), t.adjointTangent(x)];
    };
    const first = run();
    close(first[0], 5050 * 2 * 0.3, 1e-15, 'Σ k·2x');
    close(first[1], 5050 * 2, 1e-15, 'Σ k·2');
    assert.ok(t.size > 1);
    assert.deepEqual(run(), first);
  });

  it('backward scales by its seed and clears stale adjoints of nodes the output does not depend on', () => {
    const t = new Tape();
    const a = t.variable(2, 0);
    const b = t.variable(5, 0);
    const out1 = t.mul(a, b);
    t.backward(out1, 3);
    assert.equal(t.adjoint(a), 15);
    assert.equal(t.adjoint(b), 6);
    const out2 = t.exp(a);
    t.backward(out2);
    assert.equal(t.adjoint(b), 0);
    assert.equal(t.adjoint(out1), 0);
    assert.equal(t.adjoint(a), Math.exp(2));
  });

  it('gradAndHessVec rejects direction vectors of the wrong length', () => {
    assert.throws(() => gradAndHessVec((_t, [u]) => u, [1, 2], [1]), RangeError);
  });
});
