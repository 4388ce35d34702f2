import type { Section } from '../../report/build.js';
import type { StudyData } from '../data.js';
import type { StudyFacts } from '../facts.js';
import { code, g3, list, p, when } from '../text.js';
import { gapFigure } from './figures.js';
import { studyResultsTable } from './tables.js';

/** Question 5: Adagrad, momentum and Adam against the best SGD. */
export function adaptiveSection(f: StudyFacts, d: StudyData): Section {
  const a = f.adaptive;
  const runs = [...a.sgdBest.runs, ...a.arms.flatMap((x) => x.runs)];
  const ag = a.adagrad;
  return {
    id: 'q5',
    title: '5. Adagrad, momentum and Adam',
    text: p(
      [
        `Against the best SGD of question 4 (${code(a.sgdBest.label)}, F − f* = ${g3(a.sgdBest.gap)})${ag ? `, the best Adagrad is ${code(ag.best.label)} (F − f* = ${g3(ag.best.gap)})` : ''}; over all of them the best is ${code(a.best.label)} (F − f* = ${g3(a.best.gap)}).`,
        when(
          [ag !== null && a.adagradBeatsSgd, 'Here Adagrad’s per-coordinate steps beat the best constant-step SGD.'],
          [ag !== null && !a.adagradBeatsSgd, 'Here Adagrad does not beat the best constant-step SGD.'],
          [
            a.edges.length > 0,
            `The best step of ${list(a.edges.map(code))} is at an edge of its grid: the grid does not bracket the best step.`,
          ],
        ),
      ]
        .filter((s) => s)
        .join(' '),
    ),
    figures: [
      gapFigure(d, runs, {
        id: 'q5-adaptive',
        title: 'Adaptive and momentum methods against the best SGD',
        x: 'epoch',
      }),
    ],
    tables: [studyResultsTable(d, runs)],
  };
}
