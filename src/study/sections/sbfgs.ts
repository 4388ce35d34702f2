import type { Section } from '../../report/build.js';
import type { StudyData } from '../data.js';
import type { StudyFacts } from '../facts.js';
import { code, g3, list, p, when } from '../text.js';
import { gapFigure } from './figures.js';
import { studyResultsTable } from './tables.js';

/** Question 8: stochastic BFGS against the best SGD. */
export function sbfgsSection(f: StudyFacts, d: StudyData): Section {
  const s = f.sbfgs;
  const runs = [...(s.grid?.arms.flatMap((a) => a.runs) ?? []), ...s.sgdBest.runs];
  const g = s.grid;
  const studyStep = g?.arms.find((a) => a.param === 0.001);
  return {
    id: 'q8',
    title: '8. Stochastic BFGS',
    text: p(
      [
        'Each step takes a BFGS step on a mini-batch gradient and builds the curvature pair from the gradient difference on the same batch, skipping pairs with sᵀy ≤ 10⁻⁴‖s‖‖y‖ and resetting on non-finite values; it costs two mini-batch evaluations (two passes per epoch) and an O(d²) update, so the figure is against passes.',
        when(
          [
            s.finite === s.total && s.flatRuns.length === 0,
            `All ${s.total} runs stay finite, and none stopped in a flat region.`,
          ],
          [s.finite < s.total, `<strong>${s.total - s.finite} of ${s.total} runs diverged</strong>.`],
          [
            s.flatRuns.length > 0,
            `<strong>${s.flatRuns.length} of ${s.total} runs stopped ${list([...new Set(s.flatRuns.map((r) => r.result.stopReason))])}</strong> (the gradient vanished in a flat region or above the start: not converged): ${list([...new Set(s.flatRuns.map((r) => code(r.label)))])}.`,
          ],
        ),
        g
          ? `Best: ${code(g.best.label)} (F − f* = ${g3(g.best.gap)}), against ${g3(s.sgdBest.gap)} for the best SGD (${code(s.sgdBest.label)}).`
          : '',
        studyStep ? `The study's step 0.001 gives ${g3(studyStep.gap)}.` : '',
      ]
        .filter((x) => x)
        .join(' '),
    ),
    figures: [gapFigure(d, runs, { id: 'q8-sbfgs', title: 'Stochastic BFGS against the best SGD', x: 'passes' })],
    tables: [studyResultsTable(d, runs)],
  };
}
