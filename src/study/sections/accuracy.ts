import { fmt, type Section } from '../../report/build.js';
import { barFigure } from '../../report/figures.js';
import { escapeHtml } from '../../report/html.js';
import type { StudyFacts } from '../facts.js';
import { p, pct, when } from '../text.js';

/** Test accuracy of each method's final point, against the majority-class baseline. */
export function accuracySection(f: StudyFacts): Section | null {
  const a = f.accuracy;
  const test = f.setting.test;
  if (a === null || test === null) return null;
  const base = f.setting.testMajority;
  const rows = a.rows.map((r) => ({ method: r.name, problem: r.problem, 'test accuracy (%)': 100 * r.test }));
  const values = rows.map((r) => r['test accuracy (%)']).filter((v) => Number.isFinite(v));
  const lo = Math.min(...values, ...(base !== null ? [100 * base] : []));
  const baseline = Math.max(0, Math.floor(lo - 1));
  return {
    id: 'accuracy',
    title: 'Test accuracy',
    text: p(
      [
        `Each method's final point classifies the ${test.rows} rows of ${escapeHtml(test.name)} (positive when aᵀx > 0). The best reaches ${fmt(100 * a.best, 4)}%; the methods span ${fmt(100 * a.spread, 3)} percentage points.`,
        base !== null ? `Always predicting the larger class scores ${pct(base)} on this test set.` : '',
        when([f.setting.labels === 'pm1', 'With ±1 labels a sigmoid cannot reach −1: the objective is mis-specified.']),
      ]
        .filter((s) => s)
        .join(' '),
    ),
    figures: [
      barFigure(rows, {
        id: 'test-accuracy',
        title: 'Test accuracy of each method’s final point',
        category: 'method',
        value: 'test accuracy (%)',
        color: 'problem',
        baseline,
        ...(base !== null ? { rule: { value: 100 * base, label: 'majority class' } } : {}),
        caption: `Mean over seeds. The axis starts at ${baseline}%${base !== null ? `; the line is the majority-class baseline (${fmt(100 * base, 4)}%)` : ''}.`,
      }),
    ],
    tables: [
      {
        caption: 'Accuracy of the final points (means over seeds)',
        headers: ['method', 'problem', 'test accuracy', 'train accuracy', 'zeros in x'],
        rows: a.rows.map((r) => [r.name, r.problem, pct(r.test), pct(r.train), pct(r.zeros)]),
      },
    ],
  };
}
