import { fmt, type Section } from '../../report/build.js';
import { correlationHeatmapSpec } from '../../report/charts/heatmap.js';
import type { Figure } from '../../report/figures.js';
import { escapeHtml } from '../../report/html.js';
import type { StudyExtras } from '../extras.js';
import type { StudyFacts } from '../facts.js';
import { p, pct, when } from '../text.js';

/** Question 1: the data. */
export function dataSection(f: StudyFacts, extras: StudyExtras): Section {
  const { stats, correlation } = extras;
  const d = correlation.d;
  const pairs: Array<{ i: number; j: number; r: number }> = [];
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const r = correlation.corr[i * d + j];
      if (Number.isFinite(r)) pairs.push({ i: i + 1, j: j + 1, r });
    }
  }
  pairs.sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
  const top = pairs.slice(0, 3).map((q) => `${q.i} and ${q.j} (r = ${fmt(q.r, 3)})`);
  const denseMB = (stats.rows * stats.features * 8) / 1e6;
  const csrMB = (stats.nnz * (stats.binary ? 4 : 12) + (stats.rows + 1) * 4) / 1e6;
  const name = escapeHtml(f.setting.dataset);
  const figure: Figure = {
    id: 'q1-correlation',
    title: 'Feature correlation (Pearson)',
    caption: `Pearson correlation of the ${d} features over ${stats.rows} rows, computed from sparse sums (no dense copy). Blank: constant features.`,
    spec: correlationHeatmapSpec(correlation, { title: `Feature correlation (Pearson), ${f.setting.dataset}` }),
  };
  const labels = stats.labels.map((l) => `${l.value}: ${l.count} (${pct(l.fraction)})`).join(', ');
  const unbalanced = f.setting.majority >= 0.6;
  return {
    id: 'data',
    title: '1. The data',
    text: [
      p(
        `${name} has ${stats.rows} rows and ${stats.features} features with ${stats.nnz} non-zeros (density ${pct(stats.density)})${stats.binary ? '; every stored value is 1' : ''}. ${stats.nnzPerRow.min === stats.nnzPerRow.max ? `Every row holds ${stats.nnzPerRow.min} non-zeros.` : `Rows hold ${stats.nnzPerRow.min} to ${stats.nnzPerRow.max} non-zeros (mean ${fmt(stats.nnzPerRow.mean, 4)}).`} Labels: ${labels}. ${when(
          [
            unbalanced,
            `The classes are unbalanced: a constant predictor already scores ${pct(f.setting.majority)} on these rows.`,
          ],
          [!unbalanced, `A constant predictor scores ${pct(f.setting.majority)} on these rows.`],
        )}`,
      ),
      p(
        `The study's code densifies the matrix (${fmt(denseMB, 3)} MB as float64 here); optlab keeps it in CSR (${fmt(csrMB, 3)} MB${stats.binary ? ', no values array since every value is 1' : ''}).${top.length > 0 ? ` The strongest correlations are between features ${top.join(', ')}.` : ''}`,
      ),
    ].join('\n'),
    figures: [figure],
    tables: [
      {
        caption: 'Dataset statistics',
        headers: ['rows', 'features', 'non-zeros', 'density', 'non-zeros per row', 'empty rows', 'constant columns'],
        rows: [
          [
            stats.rows,
            stats.features,
            stats.nnz,
            pct(stats.density),
            `${stats.nnzPerRow.min}–${stats.nnzPerRow.max} (mean ${fmt(stats.nnzPerRow.mean, 4)})`,
            stats.emptyRows,
            stats.constantColumns.length === 0 ? 'none' : stats.constantColumns.join(', '),
          ],
        ],
      },
    ],
  };
}
