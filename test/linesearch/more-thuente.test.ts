import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  dcstep,
  MORE_THUENTE_DEFAULTS,
  type MoreThuenteOptions,
  moreThuente,
  validateMoreThuente,
} from '../../src/linesearch/more-thuente.js';
import type { Phi } from '../../src/linesearch/types.js';
import {
  assertFail,
  assertOk,
  mt1,
  mt2,
  mt3,
  mt456,
  nanBeyond,
  quad,
  recorder,
  rosenbrock,
  rosenbrockLine,
} from './functions.js';

/**
 * Runs the search through a recorder and checks every accepted step: it is the last evaluation, `evals` counts
 * the calls, sufficient decrease holds (and φ(α) < φ(0)), and the curvature condition |φ'(α)| ≤ c₂|φ'(0)| holds
 * unless the search says why not in `warning`; an independent re-evaluation of the (pure) φ agrees.
 */
function searchAndCheck(phi: Phi, opts: MoreThuenteOptions = {}, start = phi(0)) {
  const { f: f0, slope: slope0 } = start;
  const rec = recorder(phi);
  const r = moreThuente(rec.phi, f0, slope0, opts);
  const { c1, c2, maxEvals } = validateMoreThuente(opts);
  assert.equal(rec.calls.length, r.evals, 'evals counts every call of phi');
  assert.ok(r.evals <= maxEvals);
  if (!r.ok) return { r, calls: rec.calls, f0, slope0 };
  assert.deepEqual(rec.calls.at(-1), { alpha: r.alpha, f: r.f, slope: r.slope }, 'accepted = last evaluated');
  assert.ok(Number.isFinite(r.f) && Number.isFinite(r.slope));
  assert.ok(r.f <= f0 + c1 * r.alpha * slope0 && r.f < f0, `sufficient decrease at ${r.alpha}`);
  if (r.warning === undefined) {
    assert.ok(Math.abs(r.slope) <= c2 * -slope0, `curvature: |${r.slope}| > ${c2}*|${slope0}|`);
  }
  const again = phi(r.alpha);
  assert.equal(again.f, r.f);
  assert.equal(again.slope, r.slope);
  return { r, calls: rec.calls, f0, slope0 };
}

describe('moreThuente: the published results of Moré & Thuente (1994), Tables 1–6', () => {
  // The paper's parameters: function 1 with ftol (c1) = 1e-3, gtol (c2) = 0.1; functions 2 and 3 with
  // c1 = c2 = 0.1; functions 4–6 with c1 = c2 = 1e-3. Its counts need an xtol small enough never to stop a
  // search early: with xtol = 0 every one of the 24 counts is the published one (with L-BFGS-B's xtol = 0.1,
  // functions 2, 3 and 6 stop earlier with an xtol warning; see the next test).
  const tables: { name: string; phi: Phi; c1: number; c2: number; published: [string, number][] }[] = [
    {
      name: 'Table 1, function 1',
      phi: mt1,
      c1: 1e-3,
      c2: 0.1,
      published: [
        ['1.4', 6],
        ['1.4', 3],
        ['10', 1],
        ['37', 4],
      ],
    },
    {
      name: 'Table 2, function 2',
      phi: mt2,
      c1: 0.1,
      c2: 0.1,
      published: [
        ['1.6', 12],
        ['1.6', 8],
        ['1.6', 8],
        ['1.6', 11],
      ],
    },
    {
      name: 'Table 3, function 3',
      phi: mt3,
      c1: 0.1,
      c2: 0.1,
      published: [
        ['1.0', 12],
        ['1.0', 12],
        ['1.0', 10],
        ['1.0', 13],
      ],
    },
    {
      name: 'Table 4, function 4',
      phi: mt456(0.001, 0.001),
      c1: 1e-3,
      c2: 1e-3,
      published: [
        ['0.085', 4],
        ['0.10', 1],
        ['0.35', 3],
        ['0.83', 4],
      ],
    },
    {
      name: 'Table 5, function 5',
      phi: mt456(0.01, 0.001),
      c1: 1e-3,
      c2: 1e-3,
      published: [
        ['0.075', 6],
        ['0.078', 3],
        ['0.073', 7],
        ['0.076', 8],
      ],
    },
    {
      name: 'Table 6, function 6',
      phi: mt456(0.001, 0.01),
      c1: 1e-3,
      c2: 1e-3,
      published: [
        ['0.93', 13],
        ['0.93', 11],
        ['0.92', 8],
        ['0.92', 11],
      ],
    },
  ];
  const starts = [1e-3, 1e-1, 10, 1000];
  for (const t of tables) {
    it(`${t.name}: the published step and number of evaluations from each alpha0`, () => {
      starts.forEach((alpha0, i) => {
        const { r } = searchAndCheck(t.phi, { alpha0, c1: t.c1, c2: t.c2, xtol: 0, maxEvals: 100 });
        assertOk(r);
        assert.equal(r.warning, undefined, 'converged, no warning');
        const [alpha, evals] = t.published[i];
        assert.equal(r.evals, evals, `alpha0 = ${alpha0}: ${r.evals} evaluations, published ${evals}`);
        const digits = alpha.replace(/^0\.|\./, '').replace(/^0+/, '').length;
        // the paper prints two significant digits (function 6 from alpha0 = 10: 0.9254 printed as 0.92)
        const tol = t.name.endsWith('6') ? 0.006 : 0.5 * 10 ** (Math.floor(Math.log10(Number(alpha))) - digits + 1);
        assert.ok(Math.abs(r.alpha - Number(alpha)) <= tol, `alpha0 = ${alpha0}: alpha ${r.alpha}, published ${alpha}`);
      });
    });
  }
});

describe("moreThuente: the trial steps of SciPy's dcsrch (L-BFGS-B's search), xtol = 0.1", () => {
  // Recorded from scipy 1.17.1, scipy.optimize._dcsrch.DCSRCH(phi, derphi, ftol, gtol, xtol = 0.1, stpmin = 0,
  // stpmax = 1e10) on the functions above with the tables' ftol/gtol: every trial step, in order.
  const recorded: {
    name: string;
    phi: Phi;
    c1: number;
    c2: number;
    alpha0: number;
    warn: boolean;
    trials: number[];
  }[] = [
    {
      name: 'function 1 from 1e-3 (extrapolation by 4x gaps, then converges)',
      phi: mt1,
      c1: 1e-3,
      c2: 0.1,
      alpha0: 1e-3,
      warn: false,
      trials: [0.001, 0.005, 0.021, 0.085, 0.341, 1.365],
    },
    {
      name: 'function 2 from 1000 (xtol warning: the best step evaluated again)',
      phi: mt2,
      c1: 0.1,
      c2: 0.1,
      alpha0: 1000,
      warn: true,
      trials: [
        1000.0, 222.29565484593803, 49.472816490427086, 11.069352144736474, 2.5433685560303143, 0.7201153415592905,
        1.6296513166653739, 1.3512229797881472, 1.5950402760316598, 1.5950402760316598,
      ],
    },
    {
      name: 'function 3 from 0.1 (wiggly; xtol warning)',
      phi: mt3,
      c1: 0.1,
      c2: 0.1,
      alpha0: 0.1,
      warn: true,
      trials: [
        0.1, 0.5, 2.1, 0.651872263766402, 0.9483702063173818, 1.524185103158691, 1.067764735720512, 0.9858519280776707,
        0.9858519280776707,
      ],
    },
    {
      name: 'function 5 from 10 (case 1 and case 3 steps)',
      phi: mt456(0.01, 0.001),
      c1: 1e-3,
      c2: 1e-3,
      alpha0: 10,
      warn: false,
      trials: [
        10.0, 0.9948211818775826, 0.33627765766759665, 0.11740285195083253, 0.03991696966328305, 0.08053291559819367,
        0.07314201106894994,
      ],
    },
    {
      name: 'function 6 from 1e-3 (bisection after slow shrinking; xtol warning)',
      phi: mt456(0.001, 0.01),
      c1: 1e-3,
      c2: 1e-3,
      alpha0: 1e-3,
      warn: true,
      trials: [
        0.001, 0.005, 0.021, 0.085, 0.341, 1.365, 0.3581224847309704, 1.02266164480853, 0.5922541398372245,
        0.8763230931182862, 0.972906537233847, 0.8763230931182862,
      ],
    },
  ];
  for (const c of recorded) {
    it(c.name, () => {
      const { r, calls } = searchAndCheck(c.phi, { alpha0: c.alpha0, c1: c.c1, c2: c.c2 });
      assertOk(r);
      assert.equal(calls.length, c.trials.length);
      calls.forEach((call, i) => {
        const want = c.trials[i];
        assert.ok(Math.abs(call.alpha - want) <= 1e-13 * want, `trial ${i}: ${call.alpha}, SciPy ${want}`);
      });
      assert.equal(r.warning !== undefined, c.warn, r.warning);
      if (c.warn) assert.match(r.warning!, /narrower than xtol = 0\.1/);
    });
  }
});

describe('moreThuente: hand-checked steps', () => {
  it('(a - 0.3)^2 - 0.09 from 1: higher value at 1, the cubic (exact here) is closer than the quadratic: 1, 0.3', () => {
    const { r, calls } = searchAndCheck(quad);
    assertOk(r);
    assert.equal(calls.length, 2);
    assert.equal(calls[0].alpha, 1);
    assert.ok(Math.abs(r.alpha - 0.3) < 1e-15);
  });

  it('(a - 3)^2 - 9 with c2 = 0.1: 1 is too short, the secant/cubic step beyond lands on 3', () => {
    const phi: Phi = (a) => ({ f: (a - 3) ** 2 - 9, slope: 2 * (a - 3) });
    const { r, calls } = searchAndCheck(phi, { c2: 0.1 });
    assertOk(r);
    assert.equal(calls.length, 2);
    assert.ok(Math.abs(r.alpha - 3) < 1e-14);
  });

  it('linear phi = -a (unbounded): extrapolates up to alphaMax and fails there, as strongWolfe does', () => {
    const phi: Phi = (a) => ({ f: -a, slope: -1 });
    const { r, calls } = searchAndCheck(phi, { alphaMax: 1000 });
    assertFail(r, 'max-evals', calls.length);
    assert.equal(calls.at(-1)!.alpha, 1000);
    assert.match(r.ok ? '' : r.message, /alphaMax = 1000.*unbounded below/);
    // every trial grows by 1.1 to 4 gaps (here 4: the cubic of a line has no minimizer)
    for (let i = 2; i < calls.length - 1; i++) {
      const ratio = (calls[i].alpha - calls[i - 1].alpha) / (calls[i - 1].alpha - (i > 1 ? calls[i - 2].alpha : 0));
      assert.ok(ratio >= 1.1 - 1e-12 && ratio <= 5 + 1e-12, `gap ratio ${ratio}`);
    }
  });

  it('Rosenbrock (-1.2, 1): the caller buffer holds grad F at the accepted step', () => {
    const line = rosenbrockLine(Float64Array.of(-1.2, 1));
    const r = moreThuente(line.phi, line.f0, line.slope0, { alpha0: 1e-3 });
    assertOk(r);
    const x = Float64Array.from(line.x0, (v, i) => v + r.alpha * line.d[i]);
    const g = new Float64Array(2);
    assert.equal(rosenbrock(x, g), r.f);
    assert.deepEqual(Array.from(line.g), Array.from(g));
  });
});

describe('moreThuente: non-finite trials and named failures', () => {
  it('phi NaN beyond 0.5 (c2 = 0.9): NaN at 1 closes the interval, bisection gives 0.5, accepted: 2 evals', () => {
    const { r, calls } = searchAndCheck(nanBeyond(0.5, quad));
    assertOk(r);
    assert.deepEqual(
      calls.map((c) => c.alpha),
      [1, 0.5],
    );
  });

  it('NaN for a > t, random t and minimizer m: never accepts past t or a non-finite value (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.double({ min: 1e-2, max: 10, noNaN: true }),
        fc.constantFrom(0.1, 0.9),
        (t, m, c2) => {
          const inner: Phi = (a) => ({ f: (a - m) ** 2, slope: 2 * (a - m) });
          const { r } = searchAndCheck(nanBeyond(t, inner), { c2, maxEvals: 60 });
          assertOk(r);
          assert.ok(r.alpha <= t);
        },
      ),
    );
  });

  it('phi NaN everywhere: non-finite after exactly maxEvals calls; phi(0) not finite: 0 evals', () => {
    const nan: Phi = () => ({ f: Number.NaN, slope: Number.NaN });
    assertFail(searchAndCheck(nan, { maxEvals: 7 }, { f: 0, slope: -1 }).r, 'non-finite', 7);
    assertFail(moreThuente(quad, Number.POSITIVE_INFINITY, -1), 'non-finite', 0);
  });

  it('non-descent direction: not-descent with 0 evals', () => {
    assertFail(moreThuente(quad, 0, 0.6), 'not-descent', 0);
    assertFail(moreThuente(quad, 0, Number.NaN), 'not-descent', 0);
  });

  it('phi rising everywhere (the slope at 0 lies): the steps shrink toward 0, max-evals after the 20 of the budget', () => {
    const up: Phi = (a) => ({ f: a, slope: 1 });
    const { r, calls } = searchAndCheck(up, {}, { f: 0, slope: -1 });
    assertFail(r, 'max-evals', 20);
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i].alpha > 0 && calls[i].alpha < calls[i - 1].alpha / 5);
  });

  it('maxEvals is respected (L-BFGS-B gives up a search needing a 21st evaluation: the default is 20)', () => {
    assert.equal(MORE_THUENTE_DEFAULTS.maxEvals, 20);
    const { r, calls } = searchAndCheck(mt456(0.001, 0.01), { alpha0: 1e-3, c1: 1e-3, c2: 1e-3, xtol: 0, maxEvals: 5 });
    assertFail(r, 'max-evals', 5);
    assert.equal(calls.length, 5);
  });

  it('numerically flat line (|slope0| below eps |f0|): no-progress with 0 evals', () => {
    assertFail(moreThuente(quad, 1, -1e-20), 'no-progress', 0);
  });

  it('random quadratics and wavy quadratics (property): any step has sufficient decrease; without warning, strong Wolfe', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.4, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.constantFrom(0, 0.1),
        (curv, m, wave, freq, c1, c2, xtol) => {
          const amp = (wave * 2 * curv * m) / freq;
          const phi: Phi = (a) => ({
            f: curv * (a - m) ** 2 + amp * Math.sin(freq * a),
            slope: 2 * curv * (a - m) + amp * freq * Math.cos(freq * a),
          });
          const { r } = searchAndCheck(phi, { c1: Math.min(c1, c2), c2, xtol, maxEvals: 60 });
          if (wave === 0) {
            assertOk(r);
            assert.equal(r.warning, undefined);
          }
        },
      ),
    );
  });
});

describe('dcstep', () => {
  it('case 1 (higher value): brackets, and on a quadratic the cubic is exact and taken', () => {
    const q = (a: number) => ({ a, f: (a - 0.3) ** 2, g: 2 * (a - 0.3) });
    const x = q(0);
    const y = q(0);
    const r = dcstep(x, y, q(1), false, 0, 5);
    assert.equal(r.brackt, true);
    assert.ok(Math.abs(r.stp - 0.3) < 1e-15);
    assert.deepEqual([x.a, y.a], [0, 1], 'x stays the best step, y becomes the trial');
  });

  it('case 3 unbracketed: the step stays within the extrapolation bounds given', () => {
    const phi = (a: number) => ({ a, f: -Math.log(1 + a), g: -1 / (1 + a) });
    const r = dcstep(phi(0), phi(0), phi(1), false, 2.1, 5);
    assert.equal(r.brackt, false);
    assert.ok(r.stp >= 2.1 && r.stp <= 5, `${r.stp}`);
  });
});

describe('validateMoreThuente', () => {
  it("fills in L-BFGS-B's defaults", () => {
    assert.deepEqual(validateMoreThuente(), {
      alpha0: 1,
      c1: 1e-3,
      c2: 0.9,
      xtol: 0.1,
      alphaMin: 0,
      alphaMax: 1e10,
      maxEvals: 20,
    });
  });

  it('throws a RangeError for bad options (moreThuente throws it too)', () => {
    assert.throws(() => validateMoreThuente({ c1: 0.5, c2: 0.1 }), /need 0 < c1 <= c2 < 1 \(got c1 = 0.5, c2 = 0.1\)/);
    assert.throws(() => validateMoreThuente({ xtol: 1 }), /need 0 <= xtol < 1/);
    assert.throws(() => validateMoreThuente({ alphaMax: Number.POSITIVE_INFINITY }), /alphaMax < Infinity/);
    assert.throws(() => validateMoreThuente({ alpha0: 2, alphaMax: 1 }), /alpha0 in \[alphaMin, alphaMax\]/);
    assert.throws(() => validateMoreThuente({ maxEvals: 0 }), /maxEvals/);
    assert.throws(() => moreThuente(quad, 0, -0.6, { c2: 1 }), RangeError);
  });
});
