import { fmt, type Section } from '../../report/build.js';
import type { StudyData } from '../data.js';
import type { StudyFacts } from '../facts.js';
import { code, g3, p, when } from '../text.js';
import { gapFigure } from './figures.js';
import { edgeSentence, failureSentence } from './gd.js';
import { studyResultsTable } from './tables.js';

/** Question 4: mini-batch SGD, steps and batch sizes. */
export function sgdSection(f: StudyFacts, d: StudyData): Section {
  const { steps, batches } = f.sgd;
  const interior = steps.bestAtEdge === null && steps.arms.length >= 3;
  const stepRuns = steps.arms.flatMap((a) => a.runs);
  const batchRuns = batches.arms.flatMap((a) => a.runs);
  const seeds = f.setting.seeds;
  return {
    id: 'q4',
    title: '4. Mini-batch SGD',
    text: [
      p(
        [
          `${fmt(f.sgd.epochs)} epochs, ${seeds} seed${seeds === 1 ? '' : 's'} each${seeds > 1 ? ' (lines: mean; bands: min–max)' : ''}. At batch ${fmt(f.sgd.batchOfSteps)} the best step is ${code(steps.best.label)} (F − f* = ${g3(steps.best.gap)}); ${steps.arms.map((a) => `${code(a.label)}: ${g3(a.gap)}`).join(', ')}.`,
          failureSentence(steps),
          edgeSentence(steps, 'step'),
          when([
            interior,
            'A constant step leaves SGD in a noise ball whose size grows with the step: here the best step is inside the grid, with larger steps stalling higher and smaller ones slower.',
          ]),
        ]
          .filter((s) => s)
          .join(' '),
      ),
      p(
        [
          `At step ${fmt(f.sgd.stepOfBatches)}, the batch sizes give: ${batches.arms.map((a) => `${code(a.label)}: ${g3(a.gap)}`).join(', ')}; best ${code(batches.best.label)}.`,
          failureSentence(batches),
          'Smaller batches make more updates per epoch, each noisier; every epoch costs one pass whatever the batch.',
        ]
          .filter((s) => s)
          .join(' '),
      ),
    ].join('\n'),
    figures: [
      gapFigure(d, stepRuns, {
        id: 'q4-sgd-steps',
        title: `Mini-batch SGD (batch ${fmt(f.sgd.batchOfSteps)}), constant steps`,
        x: 'epoch',
      }),
      gapFigure(d, batchRuns, {
        id: 'q4-sgd-batches',
        title: `Mini-batch SGD (step ${fmt(f.sgd.stepOfBatches)}), batch sizes`,
        x: 'epoch',
      }),
    ],
    tables: [studyResultsTable(d, [...stepRuns, ...batchRuns.filter((r) => !stepRuns.includes(r))])],
  };
}
