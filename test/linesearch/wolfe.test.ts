import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Phi } from '../../src/linesearch/types.js';
import {
  cubicMinimizer,
  extrapolate,
  strongWolfe,
  validateWolfe,
  WOLFE_DEFAULTS,
  type WolfeOptions,
  zoomTrial,
} from '../../src/linesearch/wolfe.js';
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

/** Both strong Wolfe conditions, N&W eq. 3.7, checked on given numbers. */
function assertStrongWolfe(
  alpha: number,
  f: number,
  slope: number,
  f0: number,
  slope0: number,
  c1: number,
  c2: number,
) {
  assert.ok(Number.isFinite(f) && Number.isFinite(slope), 'finite value and slope');
  assert.ok(f <= f0 + c1 * alpha * slope0, `sufficient decrease: ${f} > ${f0} + ${c1}*${alpha}*${slope0}`);
  assert.ok(Math.abs(slope) <= c2 * Math.abs(slope0), `curvature: |${slope}| > ${c2}*|${slope0}|`);
}

/**
 * Runs the search through a recorder and checks every accepted step: it is the last evaluation, `evals`
 * counts the calls, the strong Wolfe conditions hold with the returned numbers and with an independent
 * re-evaluation of the (pure) φ.
 */
function searchAndCheck(phi: Phi, f0: number, slope0: number, opts: WolfeOptions = {}) {
  const rec = recorder(phi);
  const r = strongWolfe(rec.phi, f0, slope0, opts);
  assert.equal(rec.calls.length, r.evals, 'evals counts every call of phi');
  assert.ok(r.evals <= validateWolfe(opts).maxEvals);
  if (!r.ok) return { r, calls: rec.calls };
  const { c1, c2 } = validateWolfe(opts);
  assert.deepEqual(rec.calls.at(-1), { alpha: r.alpha, f: r.f, slope: r.slope }, 'accepted = last evaluated');
  assertStrongWolfe(r.alpha, r.f, r.slope, f0, slope0, c1, c2);
  const again = phi(r.alpha);
  assert.equal(again.f, r.f);
  assert.equal(again.slope, r.slope);
  assertStrongWolfe(r.alpha, again.f, again.slope, f0, slope0, c1, c2);
  return { r, calls: rec.calls };
}

const at0 = (phi: Phi) => phi(0);

describe('strongWolfe: hand-counted quadratics', () => {
  it('(a - 0.3)^2 - 0.09: a = 1 fails sufficient decrease, the zoom cubic is exact: trials 1, 0.3', () => {
    // Cubic through (0, 0, -0.6) and (1, 0.4, 1.4): d1 = -0.4, d2 = 1, a = 1 - (1.4 + 1 + 0.4)/(1.4 + 0.6 + 2) = 0.3.
    for (const c2 of [0.9, 0.1]) {
      const { r, calls } = searchAndCheck(quad, 0, -0.6, { c2 });
      assertOk(r);
      assert.equal(r.evals, 2);
      assert.equal(calls[0].alpha, 1);
      assert.ok(Math.abs(r.alpha - 0.3) < 1e-15);
      assert.ok(Math.abs(r.slope) < 1e-15);
    }
  });

  it('(a - 3)^2 - 9, c2 = 0.9: a = 1 (slope -4, |-4| <= 5.4) is accepted at once', () => {
    const phi: Phi = (a) => ({ f: (a - 3) ** 2 - 9, slope: 2 * (a - 3) });
    const { r } = searchAndCheck(phi, 0, -6);
    assertOk(r);
    assert.deepEqual(r, { ok: true, alpha: 1, f: -5, slope: -4, evals: 1 });
  });

  it('(a - 3)^2 - 9, c2 = 0.1: |-4| > 0.6, the extrapolation cubic is exact (3 in [2.1, 5]): trials 1, 3', () => {
    const phi: Phi = (a) => ({ f: (a - 3) ** 2 - 9, slope: 2 * (a - 3) });
    const { r, calls } = searchAndCheck(phi, 0, -6, { c2: 0.1 });
    assertOk(r);
    assert.equal(r.evals, 2);
    assert.equal(calls[0].alpha, 1);
    assert.ok(Math.abs(r.alpha - 3) < 1e-14);
  });

  it('linear phi = -a (unbounded): extrapolates by the maximum 4x gap (1, 5, 21, 85, ...) up to alphaMax', () => {
    const lin: Phi = (a) => ({ f: -a, slope: -1 });
    // a_k = (4^k - 1)/3 reaches 1e10 at k = 18 (capped), where it is still decreasing: 18 evals.
    const { r, calls } = searchAndCheck(lin, 0, -1);
    assertFail(r, 'max-evals', 18);
    assert.deepEqual(
      calls.slice(0, 5).map((c) => c.alpha),
      [1, 5, 21, 85, 341],
    );
    assert.equal(calls.at(-1)!.alpha, 1e10);
    assert.match((r as { message: string }).message, /alphaMax/);
    const capped = searchAndCheck(lin, 0, -1, { alphaMax: 100 });
    assertFail(capped.r, 'max-evals', 5);
    assert.deepEqual(
      capped.calls.map((c) => c.alpha),
      [1, 5, 21, 85, 100],
    );
  });
});

describe('strongWolfe: non-finite values', () => {
  it('phi NaN for a > 0.5 (c2 = 0.9): NaN at 1 closes the bracket, bisection gives 0.5, accepted: 2 evals', () => {
    const { r, calls } = searchAndCheck(nanBeyond(0.5, quad), 0, -0.6);
    assertOk(r);
    assert.ok(Number.isNaN(calls[0].f));
    assert.deepEqual(r, { ok: true, alpha: 0.5, f: quad(0.5).f, slope: quad(0.5).slope, evals: 2 });
  });

  it('phi NaN for a > 0.5 (c2 = 0.1): 0.5 has slope 0.4 > 0.06, zoom on [0, 0.5] gives 0.3: 3 evals', () => {
    const { r, calls } = searchAndCheck(nanBeyond(0.5, quad), 0, -0.6, { c2: 0.1 });
    assertOk(r);
    assert.deepEqual(
      calls.slice(0, 2).map((c) => c.alpha),
      [1, 0.5],
    );
    assert.equal(r.evals, 3);
    assert.ok(Math.abs(r.alpha - 0.3) < 1e-15);
  });

  it('-Infinity, +Infinity or a NaN slope beyond 0.5 are "too far" as well', () => {
    for (const bad of [
      { f: Number.NEGATIVE_INFINITY, slope: -1 },
      { f: Number.POSITIVE_INFINITY, slope: 1 },
      { f: -1, slope: Number.NaN },
    ]) {
      const { r } = searchAndCheck((a) => (a > 0.5 ? bad : quad(a)), 0, -0.6);
      assertOk(r);
      assert.equal(r.alpha, 0.5);
    }
  });

  it('NaN for a > t, random t and minimizer m: never accepts past t or a non-finite value (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 10, noNaN: true }),
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.constantFrom(0.1, 0.9),
        (t, m, c2) => {
          const phi = nanBeyond(t, (a) => ({ f: (a - m) ** 2 - m * m, slope: 2 * (a - m) }));
          const { r } = searchAndCheck(phi, 0, -2 * m, { c2 });
          if (r.ok) assert.ok(r.alpha <= t);
          // When the minimizer is reachable the search succeeds: Wolfe points surround m.
          if (m < t) assertOk(r);
        },
      ),
    );
  });

  it('phi NaN everywhere: non-finite after exactly maxEvals calls', () => {
    assertFail(searchAndCheck(() => ({ f: Number.NaN, slope: Number.NaN }), 1, -1).r, 'non-finite', 30);
    assertFail(searchAndCheck(() => ({ f: Number.NaN, slope: 0 }), 1, -1, { maxEvals: 4 }).r, 'non-finite', 4);
  });

  it('phi(0) not finite: non-finite with 0 evals', () => {
    assertFail(searchAndCheck(quad, Number.NaN, -0.6).r, 'non-finite', 0);
  });
});

describe('strongWolfe: named failures', () => {
  it('non-descent direction: not-descent with 0 evals', () => {
    for (const s of [0, 0.5, Number.NaN, Number.NEGATIVE_INFINITY]) {
      assertFail(searchAndCheck(quad, 0, s).r, 'not-descent', 0);
    }
  });

  it('flat phi (constant 1, slope 0, while slope0 claims -1): max-evals after 30 calls', () => {
    assertFail(searchAndCheck(() => ({ f: 1, slope: 0 }), 1, -1).r, 'max-evals', 30);
  });

  it('flat phi, large budget: the bracket [0, 3^-k] shrinks to rounding level, no-progress after 34 evals', () => {
    // a = 1 fails sufficient decrease; the cubic through (0, 1, -1), (h, 1, 0) has its minimizer at h/3;
    // 3^-33 < eps: trials 1, 1/3, ..., 3^-33 are evaluated (34), then the bracket is negligible.
    const { r, calls } = searchAndCheck(() => ({ f: 1, slope: 0 }), 1, -1, { maxEvals: 1000 });
    assertFail(r, 'no-progress', 34);
    assert.ok(Math.abs(calls[1].alpha - 1 / 3) < 1e-15);
  });

  it('numerically flat line (|slope0| below eps |f0|): no-progress with 0 evals', () => {
    assertFail(searchAndCheck(() => ({ f: 1, slope: 0 }), 1, -1e-17).r, 'no-progress', 0);
  });

  it('maxEvals is respected in bracketing and in zoom', () => {
    // Bracketing: More-Thuente 2 from 1e-3 extrapolates for many steps.
    const m2 = at0(mt2);
    assertFail(
      searchAndCheck(mt2, m2.f, m2.slope, { alpha0: 1e-3, c1: 0.0999, c2: 0.1, maxEvals: 3 }).r,
      'max-evals',
      3,
    );
    // Zoom: an increasing phi (misreported slope0) never passes.
    const up: Phi = (a) => ({ f: a, slope: 1 });
    const { r, calls } = searchAndCheck(up, 0, -1, { maxEvals: 6 });
    assertFail(r, 'max-evals', 6);
    assert.equal(calls.length, 6);
    assertFail(searchAndCheck(up, 0, -1, { maxEvals: 1 }).r, 'max-evals', 1);
  });
});

describe('strongWolfe: Moré–Thuente (1994) test functions, Tables 1–6', () => {
  // The paper runs its own algorithm with mu (c1) = eta (c2) for functions 2–6; we need c1 < c2 and use
  // c1 = 0.999 eta. Published (alpha, evaluations) for alpha0 = 1e-3, 1e-1, 10, 1000.
  const tables: {
    name: string;
    phi: Phi;
    c1: number;
    c2: number;
    published: [number, number][];
    ours: number[];
  }[] = [
    {
      name: 'Table 1, function 1',
      phi: mt1,
      c1: 1e-3,
      c2: 0.1,
      published: [
        [1.4, 6],
        [1.4, 3],
        [10, 1],
        [37, 4],
      ],
      ours: [7, 4, 1, 4],
    },
    {
      name: 'Table 2, function 2',
      phi: mt2,
      c1: 0.0999,
      c2: 0.1,
      published: [
        [1.6, 12],
        [1.6, 8],
        [1.6, 8],
        [1.6, 11],
      ],
      ours: [16, 9, 14, 14],
    },
    {
      name: 'Table 3, function 3',
      phi: mt3,
      c1: 0.0999,
      c2: 0.1,
      published: [
        [1.0, 12],
        [1.0, 12],
        [1.0, 10],
        [1.0, 13],
      ],
      ours: [11, 11, 2, 4],
    },
    {
      name: 'Table 4, function 4',
      phi: mt456(0.001, 0.001),
      c1: 0.000999,
      c2: 0.001,
      published: [
        [0.085, 4],
        [0.1, 1],
        [0.35, 3],
        [0.83, 4],
      ],
      ours: [4, 1, 3, 5],
    },
    {
      name: 'Table 5, function 5',
      phi: mt456(0.01, 0.001),
      c1: 0.000999,
      c2: 0.001,
      published: [
        [0.075, 6],
        [0.078, 3],
        [0.073, 7],
        [0.076, 8],
      ],
      ours: [6, 3, 7, 9],
    },
    {
      name: 'Table 6, function 6',
      phi: mt456(0.001, 0.01),
      c1: 0.000999,
      c2: 0.001,
      published: [
        [0.93, 13],
        [0.93, 11],
        [0.92, 8],
        [0.92, 11],
      ],
      ours: [14, 8, 7, 9],
    },
  ];
  const starts = [1e-3, 1e-1, 10, 1000];

  for (const t of tables) {
    it(`${t.name}: strong Wolfe steps from every alpha0 in a pinned number of evaluations`, () => {
      const { f, slope } = at0(t.phi);
      starts.forEach((alpha0, i) => {
        const { r } = searchAndCheck(t.phi, f, slope, { alpha0, c1: t.c1, c2: t.c2 });
        assertOk(r);
        // Our evaluation counts (N&W bracketing + zoom, not the paper's algorithm), pinned as a regression
        // check; the paper's are in `published` (at most 13), ours at most 16.
        assert.equal(r.evals, t.ours[i], `alpha0 = ${alpha0}: ${r.evals} evals (paper: ${t.published[i][1]})`);
      });
    });
  }

  it('reproduces the published steps where the two algorithms agree', () => {
    const run = (phi: Phi, alpha0: number, c1: number, c2: number) => {
      const { f, slope } = at0(phi);
      const { r } = searchAndCheck(phi, f, slope, { alpha0, c1, c2 });
      assertOk(r);
      return r;
    };
    // Table 1: alpha0 = 10 is accepted at once (phi = -0.098039, phi' = 0.0094195); alpha0 = 1000: 37 in 4.
    const t13 = run(mt1, 10, 1e-3, 0.1);
    assert.equal(t13.alpha, 10);
    assert.equal(t13.evals, 1);
    assert.ok(Math.abs(t13.f - -0.098039) < 5e-7 && Math.abs(t13.slope - 0.0094195) < 5e-8);
    const t14 = run(mt1, 1000, 1e-3, 0.1);
    assert.equal(Math.round(t14.alpha), 37);
    assert.equal(t14.evals, 4);
    // Tables 2 and 3: every start ends at the published 1.6 and 1.0.
    for (const a0 of starts) {
      assert.equal(run(mt2, a0, 0.0999, 0.1).alpha.toFixed(1), '1.6');
      assert.equal(run(mt3, a0, 0.0999, 0.1).alpha.toFixed(1), '1.0');
    }
    // Table 4: alpha0 = 1e-3 gives 0.085 in 4 evaluations with phi' = -6.8531e-5 (published: 0.085, 4);
    // alpha0 = 0.1 is accepted at once (0.10, 1).
    const t41 = run(mt456(0.001, 0.001), 1e-3, 0.000999, 0.001);
    assert.ok(Math.abs(t41.alpha - 0.085) < 1e-12);
    assert.equal(t41.evals, 4);
    assert.ok(Math.abs(t41.slope - -6.8531e-5) < 5e-10);
    const t42 = run(mt456(0.001, 0.001), 0.1, 0.000999, 0.001);
    assert.equal(t42.alpha, 0.1);
    assert.equal(t42.evals, 1);
    // Table 6: every start ends near the published 0.92-0.93.
    for (const a0 of starts) {
      const a = run(mt456(0.001, 0.01), a0, 0.000999, 0.001).alpha;
      assert.ok(a > 0.92 && a < 0.93, `alpha ${a}`);
    }
  });

  it('function 2 from alpha0 = 10: phi is flat to rounding near 1.596, ties are decided by the slope', () => {
    // A strict "phi >= phi_lo goes to hi" collapsed the bracket 3.4e-9 away from the Wolfe points.
    const { f, slope } = at0(mt2);
    const { r, calls } = searchAndCheck(mt2, f, slope, { alpha0: 10, c1: 0.0999, c2: 0.1 });
    assertOk(r);
    assert.ok(Math.abs(r.alpha - 1.596) < 3e-9);
    assert.ok(calls.filter((c) => c.f === r.f).length >= 2, 'several trials had the same value');
  });
});

describe('strongWolfe: a table of functions with c2 = 0.1 (tight) and 0.9', () => {
  const rosen = rosenbrockLine(Float64Array.of(-1.2, 1));
  const rosen10 = rosenbrockLine(Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1)));
  const cases: { name: string; phi: Phi; alpha0: number }[] = [
    { name: 'quadratic (a - 0.3)^2', phi: quad, alpha0: 1 },
    {
      name: 'steep quadratic 1e6 (a - 1e-6)^2',
      phi: (a) => ({ f: 1e6 * (a - 1e-6) ** 2, slope: 2e6 * (a - 1e-6) }),
      alpha0: 1,
    },
    {
      name: 'far quadratic (a - 1e4)^2 / 1e4',
      phi: (a) => ({ f: (a - 1e4) ** 2 / 1e4, slope: (2 * (a - 1e4)) / 1e4 }),
      alpha0: 1,
    },
    { name: 'quartic (a - 2)^4', phi: (a) => ({ f: (a - 2) ** 4, slope: 4 * (a - 2) ** 3 }), alpha0: 1 },
    { name: 'More-Thuente 1', phi: mt1, alpha0: 1e-3 },
    { name: 'More-Thuente 3 (wiggly)', phi: mt3, alpha0: 0.1 },
    { name: 'More-Thuente 5', phi: mt456(0.01, 0.001), alpha0: 1000 },
    { name: 'Rosenbrock (-1.2, 1) along -grad', phi: rosen.phi, alpha0: 1 },
    { name: 'Rosenbrock 10-D along -grad', phi: rosen10.phi, alpha0: 1 },
    { name: 'Rosenbrock along -grad from alpha0 = 1e-6', phi: rosen.phi, alpha0: 1e-6 },
  ];
  for (const c of cases) {
    for (const c2 of [0.1, 0.9]) {
      it(`${c.name}, c2 = ${c2}`, () => {
        const { f, slope } = at0(c.phi);
        const { r } = searchAndCheck(c.phi, f, slope, { alpha0: c.alpha0, c2 });
        assertOk(r);
        assert.ok(r.f < f);
      });
    }
  }

  it('Rosenbrock (-1.2, 1): the caller buffer holds grad F at the accepted step, no re-evaluation needed', () => {
    const line = rosenbrockLine(Float64Array.of(-1.2, 1));
    assert.ok(Math.abs(line.f0 - 24.2) < 1e-12);
    assert.ok(Math.abs(line.slope0 - -54227.36) < 1e-9);
    const r = strongWolfe(line.phi, line.f0, line.slope0, { c2: 0.1 });
    assertOk(r);
    const x = Float64Array.from(line.x0, (v, i) => v + r.alpha * line.d[i]);
    const g = new Float64Array(2);
    const f = rosenbrock(x, g);
    assert.deepEqual(Array.from(line.x), Array.from(x));
    assert.deepEqual(Array.from(line.g), Array.from(g));
    assert.equal(f, r.f);
    assert.equal(g[0] * line.d[0] + g[1] * line.d[1], r.slope);
  });

  it('random quadratics and wavy quadratics (property): any success satisfies both conditions', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.4, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (curv, m, wave, freq, c1, c2) => {
          // a(a - m)^2 plus a ripple small enough (wave < 1) that phi'(0) < 0.
          const amp = (wave * 2 * curv * m) / freq;
          const phi: Phi = (a) => ({
            f: curv * (a - m) ** 2 + amp * Math.sin(freq * a),
            slope: 2 * curv * (a - m) + amp * freq * Math.cos(freq * a),
          });
          const { f, slope } = phi(0);
          const { r } = searchAndCheck(phi, f, slope, { c1: Math.min(c1, c2 / 2), c2, maxEvals: 60 });
          if (wave === 0) assertOk(r);
          else if (!r.ok) assert.equal(r.reason, 'max-evals');
        },
      ),
    );
  });
});

describe('interpolation helpers', () => {
  it('cubicMinimizer is exact on a quadratic and on a cubic (N&W eq. 3.59)', () => {
    // a^3 - 3a through (0, 0, -3) and (2, 2, 9): d1 = 3, d2 = 6, minimizer 2 - 2 * 12/24 = 1.
    assert.equal(cubicMinimizer(0, 0, -3, 2, 2, 9), 1);
    assert.equal(cubicMinimizer(2, 2, 9, 0, 0, -3), 1);
    assert.ok(Math.abs(cubicMinimizer(0, 0, -0.6, 1, 0.4, 1.4) - 0.3) < 1e-15);
    // Huge slopes do not overflow thanks to the scaling.
    assert.ok(Math.abs(cubicMinimizer(0, 0, -0.6e300, 1, 0.4e300, 1.4e300) - 0.3) < 1e-15);
    // Concave data (slope -1, mean slope -1.3, slope -3) has no minimizer: d1^2 - ga gb = 0.01 - 3 < 0, NaN.
    assert.ok(Number.isNaN(cubicMinimizer(0, 0, -1, 1, -1.3, -3)));
    // Linear data: the "minimizer" is at infinity.
    assert.equal(cubicMinimizer(0, 0, -1, 1, -1, -1), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(cubicMinimizer(0, 0, -1, 1, Number.NaN, 1)));
  });

  it('zoomTrial keeps 10% of the bracket clear of each end, and bisects when the cubic is useless', () => {
    // Minimizer 0.3 on [0, 1] is kept; on [0, 10] the quadratic (a - 0.3)^2 puts it at 0.3 < 1, so 1.
    assert.ok(Math.abs(zoomTrial(0, 0, -0.6, 1, 0.4, 1.4) - 0.3) < 1e-15);
    assert.equal(zoomTrial(0, 0, -0.6, 10, quad(10).f, quad(10).slope), 1);
    // Reversed bracket (lo > hi) is handled: [0.25, 0.5] with lo = 0.5.
    const z = zoomTrial(0.5, quad(0.5).f, quad(0.5).slope, 0.25, quad(0.25).f, quad(0.25).slope);
    assert.ok(Math.abs(z - 0.3) < 1e-15);
    assert.equal(zoomTrial(0, 0, -1, 1, Number.NaN, Number.NaN), 0.5);
    assert.equal(zoomTrial(0, 0, -1, 1, -1.3, -3), 0.5);
    assert.equal(zoomTrial(0, 0, -0.6, 1, -0.6, -0.6), 0.5);
  });

  it('extrapolate stays within [b + 1.1(b - a), b + 4(b - a)]', () => {
    const q3: Phi = (a) => ({ f: (a - 3) ** 2, slope: 2 * (a - 3) });
    assert.ok(Math.abs(extrapolate(0, q3(0).f, q3(0).slope, 1, q3(1).f, q3(1).slope) - 3) < 1e-14);
    const q100: Phi = (a) => ({ f: (a - 100) ** 2, slope: 2 * (a - 100) });
    assert.equal(extrapolate(0, q100(0).f, q100(0).slope, 1, q100(1).f, q100(1).slope), 5);
    const q15: Phi = (a) => ({ f: (a - 1.5) ** 2, slope: 2 * (a - 1.5) });
    assert.ok(Math.abs(extrapolate(0, q15(0).f, q15(0).slope, 1, q15(1).f, q15(1).slope) - 2.1) < 1e-15);
    assert.equal(extrapolate(0, 0, -1, 1, -1, -1), 5);
  });
});

describe('validateWolfe', () => {
  it('fills in the defaults', () => {
    assert.deepEqual(validateWolfe(), { alpha0: 1, c1: 1e-4, c2: 0.9, alphaMax: 1e10, maxEvals: 30 });
    assert.deepEqual(validateWolfe({ c2: 0.1, alpha0: undefined }), { ...WOLFE_DEFAULTS, c2: 0.1 });
  });

  it('throws a RangeError "need 0 < c1 < c2 < 1" and friends (strongWolfe throws it too)', () => {
    assert.throws(() => validateWolfe({ c1: 0.5, c2: 0.1 }), {
      name: 'RangeError',
      message: 'need 0 < c1 < c2 < 1 (got c1 = 0.5, c2 = 0.1)',
    });
    for (const bad of [{ c1: 0 }, { c1: 0.1, c2: 0.1 }, { c2: 1 }, { c1: -1e-4 }, { c2: Number.NaN }]) {
      assert.throws(() => validateWolfe(bad), /^RangeError: need 0 < c1 < c2 < 1/);
    }
    assert.throws(() => validateWolfe({ alpha0: 0 }), /need 0 < alpha0 <= alphaMax/);
    assert.throws(() => validateWolfe({ alpha0: 2, alphaMax: 1 }), /need 0 < alpha0 <= alphaMax/);
    assert.throws(() => validateWolfe({ alphaMax: Number.POSITIVE_INFINITY }), /need 0 < alphaMax < Infinity/);
    assert.throws(() => validateWolfe({ maxEvals: 0 }), /need maxEvals to be an integer >= 1/);
    assert.throws(() => strongWolfe(quad, 0, -0.6, { c1: 0.9, c2: 0.5 }), RangeError);
  });
});
