/**
 * Facts to sentences: each renderer prints a sentence only when the facts it states hold. The facts here are
 * built by hand (no run), so each test pins one sentence to one fact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conclusions } from '../../src/study/conclusions.js';
import { StudyData } from '../../src/study/data.js';
import { type Arm, grid, type StudyFacts } from '../../src/study/facts.js';
import { accuracySection } from '../../src/study/sections/accuracy.js';
import { edgeSentence, failureSentence } from '../../src/study/sections/gd.js';
import { kindOf } from '../../src/study/sections/landscape.js';
import { lbfgsSection } from '../../src/study/sections/lbfgs.js';
import { when } from '../../src/study/text.js';

function arm(label: string, param: number, gap: number, extra: Partial<Arm> = {}): Arm {
  return {
    label,
    runs: [],
    gap,
    value: gap,
    passes: 10,
    iterations: 10,
    epochs: 10,
    seconds: 0.1,
    diverged: 0,
    flat: 0,
    param,
    ...extra,
  };
}

const empty = new StudyData([], []);

function lbfgsFacts(gaps: number[]): StudyFacts {
  const arms = gaps.map((g, i) => arm(`lbfgs[memory=${[0, 5, 10, 20][i]}]`, [0, 5, 10, 20][i], g));
  const withMem = arms.slice(1);
  const best = withMem.reduce((a, b) => (b.gap < a.gap ? b : a));
  const mono = gaps.every((g, i) => i === 0 || g <= gaps[i - 1]);
  return {
    lbfgs: {
      arms,
      monotone: mono,
      everyMemoryHelps: withMem.every((a) => a.gap < arms[0].gap),
      factor: arms[0].gap / best.gap,
      m0: arms[0],
      best,
    },
  } as unknown as StudyFacts;
}

describe('facts to sentences', () => {
  it('when() keeps only the sentences whose facts hold', () => {
    assert.equal(when([true, 'a.'], [false, 'b.'], [true, 'c.']), 'a. c.');
  });

  it('a grid whose best is at an edge says so; an interior best says nothing', () => {
    const edge = grid([arm('gd[step=3]', 3, 0.001), arm('gd[step=2]', 2, 0.002), arm('gd[step=1]', 1, 0.003)]);
    assert.equal(edge.bestAtEdge, 'high');
    assert.match(edgeSentence(edge, 'step'), /largest of the grid/);
    const inside = grid([arm('gd[step=3]', 3, 0.002), arm('gd[step=2]', 2, 0.001), arm('gd[step=1]', 1, 0.003)]);
    assert.equal(inside.bestAtEdge, null);
    assert.equal(edgeSentence(inside, 'step'), '');
  });

  it('diverged and flat runs are named; none, no sentence', () => {
    const g = grid([arm('a[s=1]', 1, 1, { diverged: 1 }), arm('a[s=2]', 2, 0.5, { flat: 2 }), arm('a[s=3]', 3, 0.4)]);
    const s = failureSentence(g);
    assert.match(s, /Diverged: <code>a\[s=1\]<\/code>/);
    assert.match(s, /flat region.*<code>a\[s=2\]<\/code>/);
    assert.equal(failureSentence(grid([arm('a[s=1]', 1, 1)])), '');
  });

  it('L-BFGS memory: "each larger memory" only when the gaps fall with m (the seed preset: m=0 0.0188, m=20 0.0242)', () => {
    const mono = lbfgsSection(lbfgsFacts([1e-3, 1e-5, 1e-6, 1e-7]), empty).text;
    assert.match(mono, /Each larger memory reaches a lower/);
    assert.match(mono, /Every memory beats m = 0/);
    const seed = lbfgsSection(lbfgsFacts([0.0188, 0.02, 0.0172, 0.0242]), empty).text;
    assert.doesNotMatch(seed, /Each larger memory|any memory helps|Every memory beats/);
    assert.match(seed, /not always better/);
    assert.match(seed, /Some memory does no better than m = 0/);
    assert.match(seed, /m = 0: 0\.0188.*m = 20: 0\.0242/);
  });

  it('no test set, no accuracy section', () => {
    const f = { accuracy: null, setting: { test: null } } as unknown as StudyFacts;
    assert.equal(accuracySection(f), null);
  });

  it('a stationary point is named by its curvature', () => {
    assert.equal(kindOf(-0.1, 1), 'saddle (negative curvature)');
    assert.equal(kindOf(1e-6, 0.27), 'flat direction (valley)');
    assert.equal(kindOf(0.05, 0.27), 'strict local minimum');
    // a Ritz value whose residual bound is large is only an upper bound of the smallest eigenvalue
    assert.equal(kindOf(1.16e-6, 0.277, 1.3e-5), 'flat direction or saddle (not converged)');
    assert.equal(kindOf(0.05, 0.27, 0.01), 'not known (not converged)');
    assert.equal(kindOf(-0.1, 1, 0.5), 'saddle (negative curvature)');
    assert.equal(kindOf(1e-6, 0.27, 1e-9), 'flat direction (valley)');
  });

  it('verdicts come from the stated criteria, with the evidence', () => {
    const f = {
      setting: { seeds: 1 },
      fStar: { smooth: 0.1 },
      gd: {
        ...grid([arm('gd[step=3]', 3, 1e-3), arm('gd[step=1.5]', 1.5, 2e-3), arm('gd[step=1]', 1, 3e-3)]),
        iterations: 200,
      },
      sgd: { steps: grid([arm('s', 2.5, 1)]), batches: grid([arm('b', 16, 1)]), batchOfSteps: 64, stepOfBatches: 2.5 },
      adaptive: { adagrad: null, sgdBest: arm('s', 2.5, 1) },
      prox: { rows: [] },
      bfgs: { wolfe: null },
      sbfgs: { grid: null },
      cost: [],
      proxBfgs: { arms: [] },
      lbfgs: { m0: null, best: null },
    } as unknown as StudyFacts;
    const c = conclusions(f);
    const q3 = c.find((x) => x.question === '3')!;
    assert.equal(q3.verdict, 'contradicted'); // 3 is more than 0.5 away from 1.5
    assert.match(q3.criterion, /within 0\.5/);
    assert.match(q3.evidence, /3 \(F − f\* = 0\.001 after 200 iterations\), at the high edge/);
    const q4 = c.find((x) => x.question === '4')!;
    assert.equal(q4.verdict, 'confirmed');
    assert.equal(
      c.find((x) => x.question === '9, 12'),
      undefined,
      'no row without its facts',
    );
  });
});
