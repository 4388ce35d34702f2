import type { Section } from '../../report/build.js';
import type { StudyData } from '../data.js';
import type { StudyFacts } from '../facts.js';
import { PROX_BFGS_LAMBDA } from '../preset.js';
import { code, g3, p } from '../text.js';
import { gapFigure } from './figures.js';
import { studyResultsTable } from './tables.js';

/** Question 10: proximal BFGS against proximal gradient and OWL-QN. */
export function proxBfgsSection(f: StudyFacts, d: StudyData): Section {
  const reps = f.proxBfgs.arms;
  const runs = reps.flatMap((r) => r.arm.runs);
  const line = reps.map((r) => `${r.name} (${code(r.arm.label)}): ${g3(r.arm.gap)}`).join('; ');
  const lowest = reps.find((r) => r.arm.label === f.proxBfgs.lowest);
  return {
    id: 'q10',
    title: '10. Proximal BFGS, proximal gradient and OWL-QN',
    text: p(
      [
        `At λ = ${PROX_BFGS_LAMBDA}, F − F* after the budget: ${line}.`,
        lowest ? `Lowest: ${lowest.name}.` : '',
        "optlab's proximal BFGS is the proximal quasi-Newton method of Lee, Sun & Saunders (2014): its direction is the proximal step in the metric of the BFGS Hessian approximation (solved by coordinate descent on the quadratic model), then a search along that direction; the study instead soft-thresholded after a BFGS step, which has the wrong fixed point. With a constant step 0.1 each iteration moves a tenth of the way to the model's minimizer. The figure is against passes (line searches cost passes).",
      ]
        .filter((s) => s)
        .join(' '),
    ),
    figures: [
      gapFigure(d, runs, {
        id: 'q10-prox-bfgs',
        title: `L1-regularized problem (λ = ${PROX_BFGS_LAMBDA})`,
        x: 'passes',
      }),
    ],
    tables: [studyResultsTable(d, runs)],
  };
}
