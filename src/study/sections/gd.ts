import { fmt, type Section } from '../../report/build.js';
import type { StudyData } from '../data.js';
import type { Arm, GridFacts, StudyFacts } from '../facts.js';
import { code, g3, list, p, when } from '../text.js';
import { gapFigure } from './figures.js';
import { studyResultsTable } from './tables.js';

/** "the best … is at the low/high edge of its grid" (or nothing), for any grid. */
export function edgeSentence(g: GridFacts, what: string): string {
  if (g.bestAtEdge === null) return '';
  return `The best ${what} is the ${g.bestAtEdge === 'high' ? 'largest' : 'smallest'} of the grid, so the grid does not bracket the best ${what}: a ${g.bestAtEdge === 'high' ? 'larger' : 'smaller'} one may do better.`;
}

/** "Diverged: …" / saturated or plateau runs, for any grid. */
export function failureSentence(g: GridFacts): string {
  return when(
    [g.diverged.length > 0, `Diverged: ${list(g.diverged.map(code))}.`],
    [
      g.flat.length > 0,
      `Stopped in a flat region or on a plateau (gradient zero, not a minimum): ${list(g.flat.map(code))}.`,
    ],
  );
}

/** The study's pick (step 1.5, on its 1000 rows) against this grid's best, with both gaps; '' when 1.5 is best. */
export function studyStepSentence(g: GridFacts, rows: number): string {
  const picked = g.arms.find((a) => a.param === 1.5);
  if (picked === undefined || g.best.label === picked.label || !(g.best.gap < picked.gap)) return '';
  return `The study picked step 1.5${rows !== 1000 ? ' on its 1000 rows' : ''}; here ${fmt(g.best.param)} reaches a lower F − f* in the same iterations (${g3(g.best.gap)} against ${g3(picked.gap)}).`;
}

const armGap = (a: Arm) => `${code(a.label)} (F − f* = ${g3(a.gap)})`;

/** Question 3: gradient descent, constant steps and line searches. */
export function gdSection(f: StudyFacts, d: StudyData): Section {
  const g = f.gd;
  const start = f.setting.start === 'zeros' ? 'zero' : 'a random start';
  const ls = g.lineSearch.map(
    (a) =>
      `${code(a.label)} reaches F − f* = ${g3(a.gap)} in ${fmt(a.iterations)} iterations at ${fmt(a.passes, 4)} passes`,
  );
  const steps = g.arms.flatMap((a) => a.runs);
  const best = g.best;
  return {
    id: 'q3',
    title: '3. Gradient descent',
    text: [
      p(
        [
          `After ${fmt(g.iterations)} iterations from ${start}, the best constant step is ${armGap(best)}${g.worst.label !== best.label ? `; the worst is ${armGap(g.worst)}` : ''}.`,
          failureSentence(g),
          when(
            [g.diverged.length === 0 && g.flat.length === 0, 'No step size diverged.'],
            [
              g.largerStepsNoWorse && g.diverged.length === 0 && g.flat.length === 0,
              'On this grid a larger step is never worse: every step is stable and the larger ones are faster.',
            ],
          ),
          edgeSentence(g, 'step'),
          studyStepSentence(g, f.setting.rows),
        ]
          .filter((s) => s)
          .join(' '),
      ),
      ls.length > 0
        ? p(
            `Line searches remove the step-size choice: ${ls.join('; ')}. Each line-search trial costs a pass over the data, so the second figure compares them against passes.`,
          )
        : '',
    ].join('\n'),
    figures: [
      gapFigure(d, steps, { id: 'q3-gd-steps', title: 'Gradient descent, constant steps', x: 'iter' }),
      gapFigure(d, [...best.runs, ...g.lineSearch.flatMap((a) => a.runs)], {
        id: 'q3-gd-line-search',
        title: 'Gradient descent: best constant step against line searches',
        x: 'passes',
      }),
    ],
    tables: [studyResultsTable(d, [...steps, ...g.lineSearch.flatMap((a) => a.runs)])],
  };
}
