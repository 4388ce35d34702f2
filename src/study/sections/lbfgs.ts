import { fmt, type Section } from '../../report/build.js';
import type { StudyData } from '../data.js';
import type { StudyFacts } from '../facts.js';
import { code, g3, p, when } from '../text.js';
import { gapFigure } from './figures.js';

/** Question 11: L-BFGS memory. */
export function lbfgsSection(f: StudyFacts, d: StudyData): Section {
  const l = f.lbfgs;
  const runs = l.arms.flatMap((a) => a.runs);
  const rows = l.arms.map((a) => {
    const c6 = a.runs.map((r) => d.costToTarget(r, 1e-6));
    const reached = c6.every((c) => c !== null);
    return [
      a.label,
      reached ? fmt(c6.reduce((s, c) => s + c!.iter, 0) / c6.length, 4) : 'not reached',
      reached ? fmt(c6.reduce((s, c) => s + c!.passes, 0) / c6.length, 4) : '',
      g3(a.gap),
    ];
  });
  const ms = l.arms.map((a) => `m = ${fmt(a.param)}: ${g3(a.gap)}`).join(', ');
  return {
    id: 'q11',
    title: '11. L-BFGS memory',
    text: p(
      [
        "The study's L-BFGS stored pairs without ever replacing them correctly (its memory list grew, then popped the oldest only after m iterations, and used a constant step 0.01). Here: the two-loop recursion with γ = sᵀy/yᵀy from the newest pair and a strong Wolfe line search; memory 0 is gradient descent with the same line search.",
        `Final F − f*: ${ms}.`,
        when(
          [l.monotone, 'Each larger memory reaches a lower (or equal) F − f*.'],
          [!l.monotone, 'A larger memory is not always better here.'],
          [
            l.everyMemoryHelps,
            `Every memory beats m = 0, the best (${code(l.best?.label ?? '')}) by a factor ${l.bestAtRoundOff ? `of at least ${fmt(l.factor, 3)} (it reaches f* to round-off, F − f* ≤ 1e-14·max(1, |f*|))` : fmt(l.factor, 3)}.`,
          ],
          [!l.everyMemoryHelps && l.m0 !== null, 'Some memory does no better than m = 0 in this budget.'],
        ),
      ].join(' '),
    ),
    figures: [
      gapFigure(d, runs, { id: 'q11-lbfgs-memory', title: 'L-BFGS, memory m', x: 'iter' }),
      gapFigure(d, runs, { id: 'q11-lbfgs-memory-passes', title: 'L-BFGS, memory m, against passes', x: 'passes' }),
    ],
    tables: [
      {
        caption: 'Iterations and passes to F − f* ≤ 1e-6 · (F(x₀) − f*)',
        headers: ['run', 'iterations', 'passes', 'final F − f*'],
        rows,
      },
    ],
  };
}
