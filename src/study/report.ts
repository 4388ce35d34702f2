import { type Report, type Section, summarySection } from '../report/build.js';
import { escapeHtml } from '../report/html.js';
import type { Manifest } from '../sweep/results.js';
import { conclusionsSection } from './conclusions.js';
import type { StudyData } from './data.js';
import type { StudyExtras } from './extras.js';
import { type LandscapeFacts, type Setting, type StudyFacts, studyFacts } from './facts.js';
import type { StudyPreset } from './preset.js';
import { accuracySection } from './sections/accuracy.js';
import { adaptiveSection } from './sections/adaptive.js';
import { bfgsSection } from './sections/bfgs.js';
import { costSection } from './sections/cost.js';
import { dataSection } from './sections/data.js';
import { gdSection } from './sections/gd.js';
import { gradientSection } from './sections/gradient.js';
import { landscapeSection } from './sections/landscape.js';
import { lbfgsSection } from './sections/lbfgs.js';
import { proxSection } from './sections/prox.js';
import { proxBfgsSection } from './sections/prox-bfgs.js';
import { sbfgsSection } from './sections/sbfgs.js';
import { sgdSection } from './sections/sgd.js';
import { studyAllRunsTable } from './sections/tables.js';
import { p } from './text.js';

/** Everything the report is built from. */
export interface StudyContext {
  preset: StudyPreset;
  data: StudyData;
  extras: StudyExtras;
  /** Seeds of the stochastic runs. */
  seeds: number;
  landscape: LandscapeFacts | null;
  /** Share of the larger class in the test set, when there is one. */
  testMajority: number | null;
}

/** The setting, read from the runs and the extras (nothing assumed about the dataset). */
export function studySetting(ctx: StudyContext): Setting {
  const r0 = ctx.data.runs[0];
  const test = ctx.data.runs.find((r) => r.testDataset)?.testDataset;
  const stats = ctx.extras.stats;
  return {
    preset: ctx.preset,
    dataset: ctx.extras.dataset,
    rows: r0?.dataset.rows ?? stats.rows,
    features: r0?.dataset.features ?? stats.features,
    subsetOf: null,
    loss: r0?.objective.loss ?? 'sigmoid-lsq',
    labels: r0?.objective.labels ?? '01',
    l2: r0?.objective.l2 ?? 0,
    start: r0?.init === 'randn' ? 'randn' : 'zeros',
    seeds: ctx.seeds,
    test: test ? { name: test.name, rows: test.rows } : null,
    majority: Math.max(...stats.labels.map((l) => l.fraction)),
    testMajority: ctx.testMajority,
  };
}

/** The facts of a study context. */
export function factsOf(ctx: StudyContext): StudyFacts {
  return studyFacts({ data: ctx.data, extras: ctx.extras, setting: studySetting(ctx), landscape: ctx.landscape });
}

const LABELS: Record<string, string> = { '01': 'labels {0, 1}', pm1: 'labels ±1 fed to the sigmoid' };

/** The whole study report: one renderer per question, each reading the facts. */
export function buildStudyReport(ctx: StudyContext, manifest?: Manifest): Report {
  const d = ctx.data;
  const f = factsOf(ctx);
  const s = f.setting;
  const summary = studySummary(summarySection(d.runs, d.traces, manifest), f);
  const optional = (x: Section | null) => (x ? [x] : []);
  const sections: Section[] = [
    dataSection(f, ctx.extras),
    gradientSection(ctx.extras),
    ...optional(landscapeSection(f, d)),
    gdSection(f, d),
    sgdSection(f, d),
    adaptiveSection(f, d),
    proxSection(f, d),
    bfgsSection(f, d),
    sbfgsSection(f, d),
    costSection(f),
    proxBfgsSection(f, d),
    lbfgsSection(f, d),
    ...optional(accuracySection(f)),
    conclusionsSection(f),
    {
      ...summary,
      id: 'runs',
      title: 'Runs, machine and reproducibility',
      tables: [...summary.tables, studyAllRunsTable(d)],
    },
  ];
  const loss =
    s.loss === 'sigmoid-lsq' ? 'the sigmoid least-squares loss f(x) = 1/n Σ (yᵢ − σ(aᵢᵀx))²' : `the ${s.loss} loss`;
  const setting = `${s.rows} rows and ${s.features} features of ${escapeHtml(s.dataset)}, ${LABELS[s.labels] ?? `labels ${s.labels}`}${s.l2 > 0 ? `, L2 weight ${s.l2}` : ''}, start at ${s.start === 'zeros' ? 'x = 0' : 'a random N(0, 1) point'}`;
  return {
    title: `Optimization study on ${s.dataset}`,
    subtitle: `optlab study --preset ${s.preset}: ${loss}, ${d.runs.length} runs`,
    intro: p(
      `This report reproduces the optimization study of the original notebook (questions 1 to 12) on ${setting}, with correct gradients, safeguarded quasi-Newton methods and honest cost accounting. Every sentence is computed from this run's results. f* of the smooth problem is ${f.landscape ? 'the best value found by all runs and all starts of the landscape section (the loss is not convex: see there)'.replace('the loss is not convex', s.loss === 'logistic' ? 'the logistic loss is convex, but its minimizers need not be unique' : 'the loss is not convex') : 'the best value any run reached'}; f* of each L1 problem is the best value any run reached on it (converged OWL-QN reference runs are included). Curves show F − f* on a log scale. ${s.seeds > 1 ? `Random runs use ${s.seeds} seeds (lines: mean, bands: min–max). ` : ''}Every figure is also in <code>figures/</code> as SVG and PNG.`,
    ),
    sections,
  };
}

/**
 * The generic sweep summary, made true for the study: its problems table gives the smooth problem the f* of
 * the figures when a landscape start found it (the best of all runs and all landscape starts).
 */
function studySummary(summary: Section, f: StudyFacts): Section {
  if (f.landscape === null) return summary;
  const tables = summary.tables.map((t) => {
    if (!t.caption?.startsWith('Problems:')) return t;
    const lam = t.headers.indexOf('λ');
    const fs = t.headers.indexOf('f*');
    const by = t.headers.indexOf('reached by');
    if (lam < 0 || fs < 0 || by < 0) return t;
    return {
      ...t,
      caption: `${t.caption}; for the smooth problem (λ = 0): the best found by all runs and all starts of the landscape section`,
      rows: t.rows.map((row) => {
        if (row[lam] !== 0 || !f.fStar.fromLandscape) return row;
        const copy = [...row];
        copy[fs] = Number(f.fStar.smooth.toPrecision(12));
        copy[by] = 'a landscape start (see the landscape section)';
        return copy;
      }),
    };
  });
  return { ...summary, tables };
}
