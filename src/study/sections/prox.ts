import { fmt, type Section, type Table } from '../../report/build.js';
import { convergenceFigure, scatterFigure } from '../../report/figures.js';
import type { StudyData } from '../data.js';
import type { StudyFacts } from '../facts.js';
import { GROUPS } from '../preset.js';
import { code, g3, list, p, pct, when } from '../text.js';
import { gapFigure } from './figures.js';
import { studyResultsTable } from './tables.js';

/** Question 6: proximal gradient, sparsity against λ, FISTA beside ISTA. */
export function proxSection(f: StudyFacts, d: StudyData): Section {
  const x = f.prox;
  const prox = d.group(GROUPS.proxLambda);
  const path = d.group(GROUPS.proxPath);
  const refs = d.where((r) => r.group === GROUPS.reference && r.method === 'owlqn');
  const sparsityRows = [
    ...prox.map((r) => ({
      lambda: r.objective.lambda,
      zeros: 100 * r.result.sparsity,
      run: 'prox-gd, after the budget',
    })),
    ...[...path, ...refs].map((r) => ({
      lambda: r.objective.lambda,
      zeros: 100 * r.result.sparsity,
      run: 'OWL-QN, converged',
    })),
  ];
  const table: Table = {
    caption: 'Sparsity (share of exact zeros in x) against λ',
    headers: ['λ', 'λ / λ_max', 'prox-gd after the budget', 'F (prox-gd)', 'at convergence (OWL-QN)', 'F*'],
    rows: x.rows.map((r) => [
      r.lambda,
      fmt(r.fraction, 3),
      pct(r.sparsity),
      fmt(r.value, 6),
      pct(r.refSparsity),
      fmt(r.refValue, 6),
    ]),
  };
  const at = x.rows.find((r) => r.lambda === 0.01);
  const above = x.rows.filter((r) => r.fraction >= 1).map((r) => fmt(r.lambda));
  const fi = x.fista;
  const is = x.ista;
  const fistaRuns = [...(fi?.runs ?? []), ...(is?.runs ?? [])];
  return {
    id: 'q6',
    title: '6. Proximal gradient and sparsity',
    text: [
      p(
        [
          `Soft thresholding sets coordinates exactly to zero.${at ? ` With λ = 0.01 (${fmt(at.fraction, 3)} λ_max), proximal gradient ends with ${pct(at.sparsity)} zeros after its budget, ${pct(at.refSparsity)} at convergence (the study reported 91.87% on its 1000 rows).` : ''}`,
          `x = 0 is optimal for λ ≥ λ_max = ‖∇f(0)‖∞ = ${fmt(x.lambdaMax, 4)}, so only λ relative to λ_max matters.`,
          when([above.length > 0, `Here λ = ${list(above)} ≥ λ_max: x = 0 is the solution.`]),
        ].join(' '),
      ),
      fi && is
        ? p(
            [
              `FISTA beside ISTA at λ = ${fmt(x.fistaLambda)}: ${code(fi.label)} F − F* = ${g3(fi.gap)} after ${fmt(fi.passes, 4)} passes, ${code(is.label)} ${g3(is.gap)} after ${fmt(is.passes, 4)} passes (with a constant step both cost one gradient per iteration; the figure is against passes).`,
              when(
                [fi.gap < is.gap, 'The acceleration pays here.'],
                [fi.gap >= is.gap, 'The acceleration does not pay here.'],
              ),
            ].join(' '),
          )
        : '',
    ].join('\n'),
    figures: [
      convergenceFigure(d.tracesOf(prox), {
        id: 'q6-prox-lambda',
        x: 'iter',
        y: 'value',
        title: 'Proximal gradient: F(x) = f(x) + λ‖x‖₁ for the study’s λ',
        caption: 'Each λ is a different objective; its own minimum is in the table.',
      }),
      scatterFigure(sparsityRows, {
        id: 'q6-sparsity',
        title: 'Sparsity against λ',
        subtitle: `λ_max = ‖∇f(0)‖∞ = ${fmt(x.lambdaMax, 4)}`,
        x: 'lambda',
        y: 'zeros',
        color: 'run',
        logX: true,
        xTitle: 'λ (log scale)',
        yTitle: 'zeros in x (%)',
        caption: `OWL-QN runs to tolerance 1e-8 (their stop reasons are in the table of every run) and the study’s λ after the proximal-gradient budget.`,
      }),
      ...(fistaRuns.length > 0
        ? [
            gapFigure(d, fistaRuns, {
              id: 'q6-fista',
              title: `FISTA against ISTA (λ = ${fmt(x.fistaLambda)})`,
              x: 'passes',
            }),
          ]
        : []),
    ],
    tables: [table, ...(fistaRuns.length > 0 ? [studyResultsTable(d, fistaRuns)] : [])],
  };
}
