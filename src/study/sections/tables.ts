import { allRunsTable, type ExtraColumn, resultsTable, type Table } from '../../report/build.js';
import type { RunRow } from '../../sweep/results.js';
import type { StudyData } from '../data.js';

/** The end-point column: which of the landscape's stationary points each row's runs reached. */
export function endPointColumn(d: StudyData): ExtraColumn {
  return {
    header: 'end point',
    cell: (runs) => d.endPoint(runs),
    note: "end point: #k is the landscape section's k-th point (a stationary point or a barrier-free valley of them), which the run reached (told for full-batch runs of the smooth problem that stopped at ‖∇f‖ ≤ 1e-5; none: at no mapped point; ×n: seeds; blank: not told)",
  };
}

/** The study's table of every run, with the end-point column when a run was told one. */
export function studyAllRunsTable(d: StudyData): Table {
  return allRunsTable(d.runs, d.fStar, d.hasEndPoint(d.runs) ? [endPointColumn(d)] : []);
}

/** The study's results table of some runs: `resultsTable`, with the end-point column when a run was told one. */
export function studyResultsTable(d: StudyData, runs: readonly RunRow[]): Table {
  return resultsTable(runs, d.fStar, undefined, d.hasEndPoint(runs) ? [endPointColumn(d)] : []);
}

/** The hover field of a convergence figure's runs naming their end point, when any was told one. */
export function endPointHover(
  d: StudyData,
  runs: readonly RunRow[],
): { hoverNote: { title: string; byLabel: Record<string, string> } } | Record<string, never> {
  if (!d.hasEndPoint(runs)) return {};
  const byLabel: Record<string, string> = {};
  for (const label of d.labels(runs)) {
    const cell = d.endPoint(runs.filter((r) => r.label === label));
    if (cell !== '') byLabel[label] = cell;
  }
  return { hoverNote: { title: 'end point', byLabel } };
}
