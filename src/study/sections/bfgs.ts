import { fmt, type Section } from '../../report/build.js';
import type { StudyData } from '../data.js';
import type { StudyFacts } from '../facts.js';
import { code, g3, p, when } from '../text.js';
import { gapFigure } from './figures.js';
import { studyResultsTable } from './tables.js';

/** Question 7: BFGS (the study's constant step, and a Wolfe search) against gradient descent. */
export function bfgsSection(f: StudyFacts, d: StudyData): Section {
  const b = f.bfgs;
  const runs = [...(b.constant?.runs ?? []), ...(b.wolfe?.runs ?? []), ...b.gdBest.runs];
  const ref = b.reference;
  const c = b.constant;
  const w = b.wolfe;
  return {
    id: 'q7',
    title: '7. BFGS against gradient descent',
    text: p(
      [
        c ? `With the study's constant step 0.01, BFGS reaches F − f* = ${g3(c.gap)}.` : '',
        w
          ? `With a strong Wolfe line search (initial trial step 1, the quasi-Newton step), BFGS reaches F − f* = ${g3(w.gap)} in the same budget, against ${g3(b.gdBest.gap)} for the best gradient descent (${code(b.gdBest.label)}).`
          : '',
        c && w ? when([w.gap < c.gap, 'A constant step throws away what BFGS is for.']) : '',
        ref
          ? `Run to tolerance 1e-8, BFGS stopped ${ref.result.stopReason} at ‖∇f‖ = ${g3(ref.result.gradNorm)} after ${fmt(ref.result.iterations)} iterations (${g3(ref.result.seconds)} s).`
          : '',
        when(
          [b.nan === 0, 'No BFGS run diverged.'],
          [b.nan > 0, `${b.nan} BFGS run${b.nan === 1 ? '' : 's'} diverged.`],
        ),
      ]
        .filter((s) => s)
        .join(' '),
    ),
    figures: [
      gapFigure(d, runs, {
        id: 'q7-bfgs',
        title: 'BFGS (constant step and Wolfe) against gradient descent',
        x: 'passes',
      }),
      gapFigure(d, runs, { id: 'q7-bfgs-seconds', title: 'BFGS against gradient descent, wall time', x: 'seconds' }),
    ],
    tables: [studyResultsTable(d, ref ? [...runs, ref] : runs)],
  };
}
