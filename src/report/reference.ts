/**
 * The "Reference runs" section: runs imported from another tool (`optlab import`, `optlab study --reference
 * scipy`) drawn on the same axes as optlab's, per problem, with the gap of their end values.
 *
 * Counterpart rule: an external run is compared with the optlab method whose name its method name contains
 * (letters only, the longest such name: `scipy-lbfgsb` ↔ `lbfgs`, `scipy-bfgs` ↔ `bfgs`), at that method's
 * best setting (see `bestPerMethod`), and with the best optlab run of the problem (lowest final F). ΔF is the
 * external final F minus optlab's: negative when the other tool went lower.
 *
 * Core-safe: no Node API.
 */
import type { RunRow, TraceRow } from '../sweep/results.js';
import { problemKey } from './aggregate.js';
import {
  type BestLabel,
  bestPerMethod,
  fmt,
  type ProblemInfo,
  problemFigures,
  problemSlugs,
  problems,
  type Report,
  type Section,
} from './build.js';
import { slugId } from './figures.js';
import type { Cell } from './html.js';

const letters = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

/** The optlab counterpart of an external method name among `best` (see the module comment). */
export function counterpart(externalMethod: string, best: readonly BestLabel[]): BestLabel | undefined {
  const name = letters(externalMethod);
  return best
    .filter((b) => name.includes(letters(b.method)))
    .sort((a, b) => letters(b.method).length - letters(a.method).length)[0];
}

/** The section, or undefined when no run is external. `taken` holds the ids in use (and receives the new ones). */
export function referenceSection(
  runs: readonly RunRow[],
  traces: readonly TraceRow[],
  taken: Set<string>,
): Section | undefined {
  const external = runs.filter((r) => r.external !== undefined);
  if (external.length === 0) return undefined;
  const probs: ProblemInfo[] = problems(runs, traces).filter((p) => p.runs.some((r) => r.external !== undefined));
  const slugs = problemSlugs(probs);
  const figures = [];
  const rows: Cell[][] = [];
  for (const p of probs) {
    const own = p.runs.filter((r) => r.external === undefined);
    const ext = p.runs.filter((r) => r.external !== undefined);
    const best = bestPerMethod(own);
    const overall = [...best].sort((a, b) => a.meanValue - b.meanValue)[0];
    const shown = new Map<string, RunRow[]>();
    for (const e of ext) {
      const c = counterpart(e.method, best);
      if (c) shown.set(c.label, c.runs);
    }
    if (overall) shown.set(overall.label, overall.runs);
    const chosen = [...ext, ...[...shown.values()].flat()];
    const idPrefix = slugId(probs.length > 1 ? `reference-${slugs.get(p.key)}` : 'reference', taken);
    figures.push(
      ...problemFigures(chosen, traces, p, {
        idPrefix,
        title: 'Reference runs beside optlab',
        xs: ['passes', 'seconds'],
      }),
    );
    for (const e of ext) {
      const c = counterpart(e.method, best);
      for (const [what, o] of [
        ['counterpart', c],
        ['best optlab run', overall],
      ] as const) {
        if (!o || (what === 'best optlab run' && c?.label === o.label)) continue;
        rows.push([
          e.label,
          e.external?.tool ?? '',
          fmt(e.result.value, 10),
          fmt(e.result.counts.passes, 4),
          fmt(e.result.seconds, 3),
          `${o.label} (${what})`,
          fmt(o.meanValue, 10),
          fmt(o.meanPasses, 4),
          fmt(e.result.value - o.meanValue, 3),
        ]);
      }
    }
  }
  for (const f of figures) taken.add(f.id);
  const keys = new Set(external.map(problemKey));
  return {
    id: slugId('reference-runs', taken),
    title: 'Reference runs from other tools',
    text:
      `<p>${external.length} run${external.length === 1 ? '' : 's'} imported from other tools on ${keys.size} problem${keys.size === 1 ? '' : 's'}, ` +
      'drawn beside optlab’s own on the same axes (their labels end in “(external)”). Each is compared with the optlab method its name contains, at that method’s best setting, and with the best optlab run of the problem; ΔF is the external final F minus optlab’s (negative: the other tool went lower). ' +
      'Passes of an external run count each of its function-and-gradient evaluations as one pass.</p>',
    figures,
    tables: [
      {
        caption: 'End values: external runs against optlab',
        headers: [
          'external run',
          'tool',
          'final F',
          'passes',
          'seconds',
          'optlab run',
          'its final F',
          'its passes',
          'ΔF',
        ],
        rows,
        keep: [0, 2, 3, 5, 6, 8],
      },
    ],
  };
}

/**
 * Adds the reference section to a report that has external runs: before a "conclusions" section when there
 * is one, else at the end. Returns the report (modified in place).
 */
export function withReference(report: Report, runs: readonly RunRow[], traces: readonly TraceRow[]): Report {
  const taken = new Set(report.sections.flatMap((s) => [s.id, ...s.figures.map((f) => f.id)]));
  const section = referenceSection(runs, traces, taken);
  if (!section) return report;
  const at = report.sections.findIndex((s) => s.id === 'conclusions');
  report.sections.splice(at < 0 ? report.sections.length : at, 0, section);
  return report;
}
