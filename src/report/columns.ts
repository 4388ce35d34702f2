/**
 * Which columns a wide report table shows while collapsed (the rest are one click away, "Show all N columns"):
 * the columns that answer the question of the table and of the section it is in, chosen per kind of table by
 * its headers, so a table that gains a column keeps a sensible choice.
 *
 * - results per run label (the study's question sections, the sweep report): F − f*, final F (mean ± half
 *   range over seeds), stop reason and passes; then what the section compares: (the study's end point,) iterations and
 *   seconds for the full-batch methods (questions 3, 7, 10, 11), seconds and test accuracy for the stochastic ones (4, 5, 8),
 *   zeros in x and iterations for proximal gradient (6);
 * - the cost table (questions 9 and 12): passes per iteration, passes to the loose and the tight target,
 *   seconds to the tight one, the final gap;
 * - every run: stop reason, F, F − f*, (the study's end point,) iterations, passes, seconds;
 * - gradient checks: the verdict and the errors (not max |aᵀx|);
 * - problems: f*, which run reached it, λ, the run count.
 *
 * Everywhere a column whose cells are the same on every row (all runs stopped at `max-iter`, every problem
 * on a9a) gives way to one that tells rows apart, except a verdict (`ok`); room left is filled with the
 * preferred columns, then from the left. The first column (it names the row) always shows; at most {@link COLLAPSED_COLUMNS} columns do; a table that narrow shows all. Core-safe.
 */

/** A cell as the page renders it. */
type Cell = string | number | boolean | null | undefined;

/** At most this many columns are shown while a table is collapsed. */
export const COLLAPSED_COLUMNS = 7;

/** Headers that show whatever their cells (a verdict that is the same on every row is still the verdict). */
const ALWAYS = new Set(['ok', 'verdict']);

/** Headers shown first in a table of no known kind (in this order of preference), after its first column. */
const GENERIC = [
  'problem',
  'method',
  'final F',
  'F',
  'F − f*',
  'F − F*',
  'stopped',
  'passes',
  'seconds',
  'test acc.',
  'value',
];

/** Sections of full-batch methods, stochastic methods, and proximal gradient (study section ids). */
const FULL_BATCH = new Set(['q3', 'q7', 'q10', 'q11']);
const STOCHASTIC = new Set(['q4', 'q5', 'q8']);
const PROXIMAL = new Set(['q6']);

/** The preferred headers of a table (exact names, or a prefix ending in `…`), by its kind; see the module comment. */
function preferred(headers: readonly string[], section: string | undefined): string[] {
  const has = (h: string) => headers.includes(h);
  if (has('final F') && has('F − f*') && has('stopped')) {
    const base = ['F − f*', 'final F', 'stopped', 'passes'];
    // the study's end point (which stationary point of the landscape a run reached) beside the stop reason
    const end = has('end point') ? ['end point'] : [];
    if (section !== undefined && FULL_BATCH.has(section)) return [...base, ...end, 'iterations', 'seconds'];
    if (section !== undefined && PROXIMAL.has(section)) return [...base, 'zeros', 'iterations'];
    if (section !== undefined && STOCHASTIC.has(section)) return [...base, 'seconds', 'test acc.'];
    return [...base, 'seconds', 'test acc.', 'iterations'];
  }
  const passesTo = headers.filter((h) => h.startsWith('passes to '));
  if (passesTo.length > 0) {
    const secondsTo = headers.filter((h) => h.startsWith('seconds to '));
    return [
      'run',
      'passes per iteration',
      passesTo[0],
      passesTo[passesTo.length - 1],
      secondsTo[secondsTo.length - 1] ?? '',
      ...headers.filter((h) => h.startsWith('final F')),
      'oracle calls per iteration',
    ].filter((h) => h !== '');
  }
  if (headers[0] === 'id' && has('stopped'))
    return ['stopped', 'F', 'F − f*', ...(has('end point') ? ['end point'] : []), 'iterations', 'passes', 'seconds'];
  if (has('vs autodiff')) return ['ok', 'point', 'vs autodiff', 'vs finite diff.', 'Hv vs FD', 'Hv vs autodiff'];
  if (has('f*') && has('reached by')) return ['f*', 'reached by', 'λ', 'runs', 'loss', 'subset', 'l2', 'labels'];
  return GENERIC;
}

/** Whether column `i` holds the same text on every row (a table of one row has no such column). */
function isConstant(rows: readonly Cell[][], i: number): boolean {
  if (rows.length < 2) return false;
  const first = String(rows[0][i] ?? '');
  return rows.every((r) => String(r[i] ?? '') === first);
}

/**
 * Indices (ascending) of the columns a table shows while collapsed; see the module comment. `section` is the
 * id of the report section the table is in.
 */
export function collapsedColumns(headers: readonly string[], rows: readonly Cell[][], section?: string): number[] {
  const all = headers.map((_, i) => i);
  if (headers.length <= COLLAPSED_COLUMNS) return all;
  const keep = new Set<number>([0]);
  const add = (i: number) => {
    if (i >= 0 && keep.size < COLLAPSED_COLUMNS) keep.add(i);
  };
  const informative = (i: number) => ALWAYS.has(headers[i]) || !isConstant(rows, i);
  const prefer = preferred(headers, section).map((h) => headers.indexOf(h));
  for (const i of prefer) if (i >= 0 && informative(i)) add(i);
  for (const i of all) if (informative(i)) add(i);
  for (const i of prefer) add(i);
  for (const i of all) add(i);
  return [...keep].sort((x, y) => x - y);
}
