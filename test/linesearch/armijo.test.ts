import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ARMIJO_DEFAULTS, armijo, validateArmijo } from '../../src/linesearch/armijo.js';
import type { Phi } from '../../src/linesearch/types.js';
import {
  assertFail,
  assertOk,
  mt1,
  mt456,
  nanBeyond,
  quad,
  recorder,
  rosenbrock,
  rosenbrockLine,
} from './functions.js';

/**
 * Runs the search through a recorder and checks what every accepted Armijo step must satisfy: the last
 * evaluation is the accepted step, the count is the number of calls, and the condition holds both with the
 * returned numbers and with an independent re-evaluation of the (pure) φ.
 */
function searchAndCheck(phi: Phi, f0: number, slope0: number, opts = {}) {
  const rec = recorder(phi);
  const r = armijo(rec.phi, f0, slope0, opts);
  assert.equal(rec.calls.length, r.evals, 'evals counts every call of phi');
  if (!r.ok) return { r, calls: rec.calls };
  const c1 = validateArmijo(opts).c1;
  const last = rec.calls.at(-1)!;
  assert.deepEqual(last, { alpha: r.alpha, f: r.f, slope: r.slope }, 'the accepted step is the last one evaluated');
  assert.ok(Number.isFinite(r.f) && Number.isFinite(r.slope));
  assert.ok(r.f <= f0 + c1 * r.alpha * slope0, `Armijo with returned f: ${r.f} > ${f0} + ${c1}*${r.alpha}*${slope0}`);
  const again = phi(r.alpha);
  assert.equal(again.f, r.f);
  assert.equal(again.slope, r.slope);
  assert.ok(again.f <= f0 + c1 * r.alpha * slope0, 'Armijo with re-evaluated f');
  return { r, calls: rec.calls };
}

describe('armijo: hand-counted quadratics', () => {
  it('phi = (a - 0.3)^2 - 0.09, defaults: trials 1 (0.4 > -6e-5, rejected), 0.5 (-0.05, accepted): 2 evals', () => {
    const { r, calls } = searchAndCheck(quad, 0, -0.6);
    assertOk(r);
    assert.equal(r.evals, 2);
    assert.equal(r.alpha, 0.5);
    assert.deepEqual(
      calls.map((c) => c.alpha),
      [1, 0.5],
    );
    assert.ok(Math.abs(r.f - -0.05) < 1e-15);
    assert.ok(Math.abs(r.slope - 0.4) < 1e-15);
  });

  it('c1 = 0.5 accepts only a <= 0.3: trials 1, 0.5, 0.25: 3 evals', () => {
    const { r, calls } = searchAndCheck(quad, 0, -0.6, { c1: 0.5 });
    assertOk(r);
    assert.equal(r.evals, 3);
    assert.equal(r.alpha, 0.25);
    assert.deepEqual(
      calls.map((c) => c.alpha),
      [1, 0.5, 0.25],
    );
  });

  it('shrink = 0.3 lands on the minimizer: trials 1, 0.3', () => {
    const { r } = searchAndCheck(quad, 0, -0.6, { shrink: 0.3 });
    assertOk(r);
    assert.equal(r.evals, 2);
    assert.equal(r.alpha, 0.3);
  });

  it('the first trial is accepted when it passes: phi = (a - 1)^2 - 1, 1 eval', () => {
    const { r } = searchAndCheck((a) => ({ f: (a - 1) ** 2 - 1, slope: 2 * (a - 1) }), 0, -2);
    assertOk(r);
    assert.deepEqual(r, { ok: true, alpha: 1, f: -1, slope: 0, evals: 1 });
  });

  it('alpha0 = 8 halves to 0.5 on the quadratic: 5 evals', () => {
    const { r, calls } = searchAndCheck(quad, 0, -0.6, { alpha0: 8 });
    assertOk(r);
    assert.deepEqual(
      calls.map((c) => c.alpha),
      [8, 4, 2, 1, 0.5],
    );
  });

  it('interpolate: the quadratic fit through phi(0), phi(0), phi(1) is exact, so trials 1, 0.3', () => {
    // a_q = 0.6 * 1 / (2 * (0.4 - 0 + 0.6)) = 0.3, inside the safeguard [0.1, 0.5].
    const { r, calls } = searchAndCheck(quad, 0, -0.6, { interpolate: true });
    assertOk(r);
    assert.equal(r.evals, 2);
    assert.equal(calls[0].alpha, 1);
    assert.ok(Math.abs(r.alpha - 0.3) < 1e-15);
    assert.ok(Math.abs(r.f - -0.09) < 1e-15);
  });

  it('interpolate: a minimizer below 0.1 alpha is clamped to 0.1 alpha; one inside the safeguard is kept', () => {
    // phi = (a - 0.001)^2 - 1e-6: a_q = 0.001 each time, clamped to 0.1 * a: trials 1, 0.1, 0.01, 0.001.
    const far = searchAndCheck((a) => ({ f: (a - 0.001) ** 2 - 1e-6, slope: 2 * (a - 0.001) }), 0, -0.002, {
      interpolate: true,
    });
    assertOk(far.r);
    assert.deepEqual(
      far.calls.map((c) => c.alpha),
      [1, 0.1, 0.010000000000000002, 0.0010000000000000002],
    );
    // phi = a^2 - 1.8a (min 0.9) from alpha0 = 3: phi(3) = 3.6 fails, a_q = 1.8 * 9 / (2 * (3.6 + 5.4)) = 0.9 is
    // inside [0.3, 1.5] and kept; phi(0.9) = -0.81 passes.
    const near = searchAndCheck((a) => ({ f: a * a - 1.8 * a, slope: 2 * a - 1.8 }), 0, -1.8, {
      interpolate: true,
      alpha0: 3,
    });
    assertOk(near.r);
    assert.equal(near.r.evals, 2);
    assert.ok(Math.abs(near.r.alpha - 0.9) < 1e-15);
  });
});

describe('armijo: non-finite values', () => {
  it('phi NaN for a > 0.5 still succeeds with a <= 0.5 and never accepts a NaN', () => {
    const { r, calls } = searchAndCheck(nanBeyond(0.5, quad), 0, -0.6);
    assertOk(r);
    assert.equal(r.alpha, 0.5);
    assert.equal(r.evals, 2);
    assert.ok(Number.isNaN(calls[0].f), 'the first trial was NaN');
    assert.ok(Number.isFinite(r.f) && Number.isFinite(r.slope));
  });

  it('+Infinity value, or a finite value with a NaN slope, is rejected the same way', () => {
    const inf = searchAndCheck((a) => (a > 0.5 ? { f: Number.POSITIVE_INFINITY, slope: 1 } : quad(a)), 0, -0.6);
    assertOk(inf.r);
    assert.equal(inf.r.alpha, 0.5);
    const nanSlope = searchAndCheck((a) => (a > 0.5 ? { f: -1, slope: Number.NaN } : quad(a)), 0, -0.6);
    assertOk(nanSlope.r);
    assert.equal(nanSlope.r.alpha, 0.5);
    // -Infinity would pass a naive `f <= bound`; it must be rejected too.
    const negInf = searchAndCheck((a) => (a > 0.5 ? { f: Number.NEGATIVE_INFINITY, slope: -1 } : quad(a)), 0, -0.6);
    assertOk(negInf.r);
    assert.equal(negInf.r.alpha, 0.5);
  });

  it('NaN for a > t, random t and minimizer m: succeeds with a finite step <= t (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        (t, m) => {
          const phi = nanBeyond(t, (a) => ({ f: (a - m) ** 2 - m * m, slope: 2 * (a - m) }));
          const { r } = searchAndCheck(phi, 0, -2 * m);
          assertOk(r); // a step <= min(t, m) always passes, and it is reached within 40 halvings
          assert.ok(r.alpha <= t);
        },
      ),
    );
  });

  it('phi NaN everywhere: non-finite after exactly maxEvals calls', () => {
    const { r } = searchAndCheck(() => ({ f: Number.NaN, slope: Number.NaN }), 1, -1);
    assertFail(r, 'non-finite', 40);
    const small = searchAndCheck(() => ({ f: Number.NaN, slope: Number.NaN }), 1, -1, { maxEvals: 5 });
    assertFail(small.r, 'non-finite', 5);
  });

  it('phi(0) not finite: non-finite with 0 evals', () => {
    assertFail(searchAndCheck(quad, Number.NaN, -0.6).r, 'non-finite', 0);
    assertFail(searchAndCheck(quad, Number.POSITIVE_INFINITY, -0.6).r, 'non-finite', 0);
  });
});

describe('armijo: named failures', () => {
  it('non-descent direction (slope0 >= 0, NaN or infinite): not-descent with 0 evals', () => {
    for (const s of [0, 1e-300, 2, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]) {
      assertFail(searchAndCheck(quad, 0, s).r, 'not-descent', 0);
    }
  });

  it('flat phi (constant 1, slope0 claims -1): never accepts, stops after maxEvals = 40 calls', () => {
    const flat: Phi = () => ({ f: 1, slope: 0 });
    assertFail(searchAndCheck(flat, 1, -1).r, 'max-evals', 40);
  });

  it('flat phi with a large budget: no-progress once a = 2^-52 would be tried (52 evals: a = 1 ... 2^-51)', () => {
    // 2^-52 * |slope0| = eps * |f0|: the step can no longer change f. Without the strict f < f0 in the
    // test, c1 * a * slope0 rounds away around a = 2^-41 and the flat point would be accepted.
    const flat: Phi = () => ({ f: 1, slope: 0 });
    const { r, calls } = searchAndCheck(flat, 1, -1, { maxEvals: 1000 });
    assertFail(r, 'no-progress', 52);
    assert.equal(calls.at(-1)!.alpha, 2 ** -51);
  });

  it('numerically flat line (|slope0| below eps |f0|): no-progress with 0 evals', () => {
    assertFail(searchAndCheck(() => ({ f: 1, slope: 0 }), 1, -1e-17).r, 'no-progress', 0);
  });

  it('maxEvals is respected: 7 calls, max-evals', () => {
    // phi increases from 0 (a misreported slope): nothing passes.
    const { r } = searchAndCheck((a) => ({ f: a, slope: 1 }), 0, -1, { maxEvals: 7 });
    assertFail(r, 'max-evals', 7);
    assertFail(searchAndCheck((a) => ({ f: a, slope: 1 }), 0, -1, { maxEvals: 1 }).r, 'max-evals', 1);
  });
});

describe('armijo: accepted steps on a table of functions', () => {
  const rosen = rosenbrockLine(Float64Array.of(-1.2, 1)); // along −∇F(−1.2, 1) = (215.6, 88)
  const cases: { name: string; phi: Phi; f0: number; slope0: number; opts: object }[] = [
    { name: 'quadratic', phi: quad, f0: 0, slope0: -0.6, opts: {} },
    {
      name: 'steep quadratic 1e6 (a - 1e-6)^2',
      phi: (a) => ({ f: 1e6 * (a - 1e-6) ** 2, slope: 2e6 * (a - 1e-6) }),
      f0: 1e-6,
      slope0: -2,
      opts: {},
    },
    { name: 'More-Thuente 1, alpha0 = 1000', phi: mt1, f0: 0, slope0: -0.5, opts: { alpha0: 1000, c1: 1e-3 } },
    {
      name: 'More-Thuente 4, alpha0 = 10',
      phi: mt456(0.001, 0.001),
      f0: mt456(0.001, 0.001)(0).f,
      slope0: mt456(0.001, 0.001)(0).slope,
      opts: { alpha0: 10, c1: 1e-3 },
    },
    {
      name: 'More-Thuente 5, alpha0 = 1000',
      phi: mt456(0.01, 0.001),
      f0: mt456(0.01, 0.001)(0).f,
      slope0: mt456(0.01, 0.001)(0).slope,
      opts: { alpha0: 1000, c1: 1e-3 },
    },
    { name: 'Rosenbrock from (-1.2, 1) along -grad', phi: rosen.phi, f0: rosen.f0, slope0: rosen.slope0, opts: {} },
    {
      name: 'Rosenbrock, shrink 0.1, c1 0.3',
      phi: rosen.phi,
      f0: rosen.f0,
      slope0: rosen.slope0,
      opts: { shrink: 0.1, c1: 0.3 },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: the first a0 shrink^k that passes, found independently`, () => {
      const { r } = searchAndCheck(c.phi, c.f0, c.slope0, c.opts);
      assertOk(r);
      // Oracle: walk the same geometric sequence with a plain loop.
      const p = validateArmijo(c.opts);
      let k = 0;
      let a = p.alpha0;
      for (; k < p.maxEvals; k++, a *= p.shrink) {
        const v = c.phi(a);
        if (Number.isFinite(v.f) && Number.isFinite(v.slope) && v.f <= c.f0 + p.c1 * a * c.slope0) break;
      }
      assert.equal(r.alpha, a);
      assert.equal(r.evals, k + 1);
    });
  }

  it('Rosenbrock: accepts 2^-10 after 11 evals, and the caller buffer holds grad F at the accepted point', () => {
    // Called directly (searchAndCheck re-evaluates phi, which would refresh the buffers).
    const r = armijo(rosen.phi, rosen.f0, rosen.slope0);
    assertOk(r);
    // F(x0) = 24.2, slope0 = -(215.6^2 + 88^2) = -54227.36. Steps 1 ... 2^-9 overshoot across the valley
    // (F(2^-9 d) = 35.1 > 24.19); F(2^-10 d) = 5.10.
    assert.ok(Math.abs(rosen.f0 - 24.2) < 1e-12);
    assert.ok(Math.abs(rosen.slope0 - -54227.36) < 1e-9);
    assert.equal(r.evals, 11);
    assert.equal(r.alpha, 2 ** -10);
    assert.ok(Math.abs(r.f - 5.10111266371) < 1e-10);
    const x = Float64Array.from(rosen.x0, (v, i) => v + r.alpha * rosen.d[i]);
    const g = new Float64Array(2);
    const f = rosenbrock(x, g);
    assert.deepEqual(Array.from(rosen.x), Array.from(x));
    assert.deepEqual(Array.from(rosen.g), Array.from(g));
    assert.equal(f, r.f);
    assert.ok(f < rosen.f0);
  });

  it('random quadratics a(x - m)^2: accepted step <= 2m(1 - c1), and the previous trial was > it (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.9, noNaN: true }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.boolean(),
        (curv, m, c1, shrink, interpolate) => {
          const phi: Phi = (a) => ({ f: curv * ((a - m) ** 2 - m * m), slope: 2 * curv * (a - m) });
          const opts = { c1, shrink, interpolate, alpha0: 1, maxEvals: 200 };
          const { r, calls } = searchAndCheck(phi, 0, -2 * curv * m, opts);
          assertOk(r);
          const limit = 2 * m * (1 - c1); // phi(a) <= c1 a phi'(0)  <=>  a <= 2m(1 - c1)
          assert.ok(r.alpha <= limit * (1 + 1e-12));
          for (let i = 1; i < calls.length; i++) {
            const prev = calls[i - 1].alpha;
            assert.ok(prev > limit * (1 - 1e-12), 'every rejected trial was beyond the Armijo limit');
            const ratio = calls[i].alpha / prev;
            if (interpolate) assert.ok(ratio >= 0.1 - 1e-15 && ratio <= 0.5 + 1e-15, `ratio ${ratio}`);
            else assert.equal(calls[i].alpha, prev * shrink);
          }
        },
      ),
    );
  });
});

describe('validateArmijo', () => {
  it('fills in the defaults', () => {
    assert.deepEqual(validateArmijo(), { alpha0: 1, c1: 1e-4, shrink: 0.5, maxEvals: 40, interpolate: false });
    assert.deepEqual(validateArmijo({ c1: undefined, shrink: 0.25 }), { ...ARMIJO_DEFAULTS, shrink: 0.25 });
  });

  it('throws a RangeError naming the rule on invalid options (and armijo throws it too)', () => {
    assert.throws(() => validateArmijo({ c1: 0 }), { name: 'RangeError', message: 'need 0 < c1 < 1 (got c1 = 0)' });
    assert.throws(() => validateArmijo({ c1: 1 }), /need 0 < c1 < 1/);
    assert.throws(() => validateArmijo({ c1: Number.NaN }), /need 0 < c1 < 1/);
    assert.throws(() => validateArmijo({ shrink: 1 }), /need 0 < shrink < 1/);
    assert.throws(() => validateArmijo({ alpha0: 0 }), /need alpha0 > 0/);
    assert.throws(() => validateArmijo({ alpha0: Number.POSITIVE_INFINITY }), /need alpha0 > 0/);
    assert.throws(() => validateArmijo({ maxEvals: 0 }), /need maxEvals to be an integer >= 1/);
    assert.throws(() => validateArmijo({ maxEvals: 2.5 }), /need maxEvals to be an integer >= 1/);
    assert.throws(() => armijo(quad, 0, -0.6, { shrink: -1 }), RangeError);
  });
});
