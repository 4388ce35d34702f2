/**
 * Runs from another tool (SciPy, PyTorch, a hand-written solver) as optlab rows, so `optlab report` draws them
 * beside optlab's own runs on the same problem (`optlab import DIR FILE --method NAME`).
 *
 * Input: CSV with a header line, or JSON Lines (one object per line), one row per iteration. Columns (first
 * matching name wins, case-insensitive):
 *   iteration  iter | iteration | iterations | nit | k              (required, integer ≥ 0)
 *   value      value | f | fun | loss | objective                    (required; empty or null = not finite)
 *   gradNorm   gradNorm | grad_norm | gnorm | gradient_norm          (optional)
 *   seconds    seconds | time | t                                    (optional; 0 when absent)
 *   passes     passes                                                (optional)
 *   oracle     oracleCalls | oracle_calls | nfev | calls             (optional)
 *   samples    sampleGradients | sample_gradients                    (optional)
 * Cost: sample gradients are taken from `samples`, else `passes` × n, else `oracle` × n (each oracle call
 * counted as one full-batch evaluation, as SciPy's `nfev` is); with none of them passes are unknown (null) and
 * the run is left out of passes axes. The imported run is marked external: its label ends in "(external)"
 * (every figure and table shows it), and the row records the tool and the source file.
 *
 * Core-safe: no Node API.
 */
import { InputError, OptlabError } from '../errors.js';
import type { RunFile, RunRow } from './results.js';

const ALIASES = {
  iter: ['iter', 'iteration', 'iterations', 'nit', 'k'],
  value: ['value', 'f', 'fun', 'loss', 'objective'],
  gradNorm: ['gradnorm', 'grad_norm', 'gnorm', 'gradient_norm'],
  seconds: ['seconds', 'time', 't'],
  passes: ['passes'],
  oracle: ['oraclecalls', 'oracle_calls', 'nfev', 'calls'],
  samples: ['samplegradients', 'sample_gradients'],
} as const;
type Field = keyof typeof ALIASES;

/** One parsed row: numbers, or null where the cell is empty, null or not finite. */
export type ExternalPoint = Record<Field, number | null>;

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function toNumber(v: unknown, file: string, line: number, col: string): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v !== 'number' && (typeof v !== 'string' || Number.isNaN(n)) && !/^(nan|inf|-inf)$/i.test(String(v))) {
    throw new InputError(file, line, 1, `column "${col}": ${JSON.stringify(v)} is not a number`);
  }
  return Number.isFinite(n) ? n : null;
}

/** Parses an external trace (CSV, or JSON Lines when the first non-blank character is `{`); see the module comment. */
export function parseExternalTrace(text: string, file: string): ExternalPoint[] {
  const lines = text.split(/\r?\n/);
  const records: Array<{ line: number; get: (names: readonly string[]) => [string, unknown] | undefined }> = [];
  if (text.trimStart().startsWith('{')) {
    lines.forEach((l, i) => {
      if (l.trim() === '') return;
      let obj: unknown;
      try {
        obj = JSON.parse(l);
      } catch (e) {
        throw new InputError(file, i + 1, 1, `not valid JSON (${(e as Error).message})`);
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
        throw new InputError(file, i + 1, 1, 'expected an object');
      const lower = new Map(Object.entries(obj).map(([k, v]) => [k.toLowerCase(), [k, v] as [string, unknown]]));
      records.push({ line: i + 1, get: (names) => names.map((n) => lower.get(n)).find((x) => x !== undefined) });
    });
  } else {
    const headerAt = lines.findIndex((l) => l.trim() !== '');
    if (headerAt < 0) throw new InputError(file, 1, 1, 'empty file: expected a header line and one row per iteration');
    const header = splitCsvLine(lines[headerAt]).map((h) => h.toLowerCase());
    for (let i = headerAt + 1; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      const cells = splitCsvLine(lines[i]);
      if (cells.length !== header.length) {
        throw new InputError(file, i + 1, 1, `${cells.length} fields, the header has ${header.length}`);
      }
      records.push({
        line: i + 1,
        get: (names) => {
          const j = header.findIndex((h) => names.includes(h));
          return j < 0 ? undefined : [header[j], cells[j]];
        },
      });
    }
  }
  if (records.length === 0) throw new InputError(file, 1, 1, 'no rows: expected one row per iteration');
  const points = records.map(({ line, get }) => {
    const p = {} as ExternalPoint;
    for (const f of Object.keys(ALIASES) as Field[]) {
      const hit = get(ALIASES[f]);
      p[f] = hit === undefined ? null : toNumber(hit[1], file, line, hit[0]);
    }
    for (const f of ['iter', 'value'] as const) {
      if (get(ALIASES[f]) === undefined) {
        throw new InputError(
          file,
          line,
          1,
          `no ${f === 'iter' ? 'iteration' : 'value'} column (one of ${ALIASES[f].join(', ')})`,
        );
      }
    }
    if (p.iter === null || !Number.isInteger(p.iter) || p.iter < 0) {
      throw new InputError(file, line, 1, 'the iteration must be an integer ≥ 0');
    }
    return p;
  });
  for (let i = 1; i < points.length; i++) {
    if ((points[i].iter as number) <= (points[i - 1].iter as number)) {
      throw new InputError(file, records[i].line, 1, 'iterations must increase from row to row');
    }
  }
  return points;
}

export interface ExternalRunOptions {
  /** The method's name in figures and tables, e.g. `scipy-lbfgsb`. */
  method: string;
  /** The run label (default: the method); " (external)" is appended. */
  label?: string;
  /** The tool that produced it (default: the method). */
  tool?: string;
  /** Where it came from (the imported file's name). */
  source: string;
  seed?: number;
  /** A run of the problem the external run minimized: its dataset and objective are copied. */
  like: RunRow;
}

/** The external run as a run file (row and trace) on the problem of `like`; see the module comment. */
export function externalRunFile(points: readonly ExternalPoint[], o: ExternalRunOptions): RunFile {
  if (!/\S/.test(o.method)) throw new OptlabError('--method must name the external method');
  const n = o.like.dataset.rows;
  const samplesOf = (p: ExternalPoint): number | null =>
    p.samples ?? (p.passes !== null ? p.passes * n : p.oracle !== null ? p.oracle * n : null);
  const passesKnown = points.every((p) => samplesOf(p) !== null);
  const trace = points.map((p) => ({
    iter: p.iter as number,
    epoch: p.iter as number,
    value: p.value ?? Number.NaN,
    gradNorm: p.gradNorm ?? Number.NaN,
    seconds: p.seconds ?? 0,
    sampleGradients: samplesOf(p) ?? 0,
    oracleCalls: p.oracle ?? 0,
    vectorUpdates: p.iter as number,
  }));
  const last = trace[trace.length - 1];
  const base = o.label ?? o.method;
  const label = base.endsWith('(external)') ? base : `${base} (external)`;
  const seed = o.seed ?? 0;
  const run: RunRow = {
    id: `${label}@${o.like.dataset.name}#${seed}`,
    label,
    method: o.method as RunRow['method'],
    external: { tool: o.tool ?? o.method, source: o.source, passesKnown },
    given: {},
    params: {},
    objective: { ...o.like.objective },
    dataset: { ...o.like.dataset },
    seed,
    init: '',
    budgets: {},
    result: {
      value: last.value,
      gradNorm: last.gradNorm,
      iterations: last.iter,
      epochs: last.iter,
      stopReason: 'external',
      message: `imported from ${o.source}`,
      counts: {
        sampleGradients: last.sampleGradients,
        oracleCalls: last.oracleCalls,
        vectorUpdates: last.vectorUpdates,
        passes: passesKnown ? last.sampleGradients / n : Number.NaN,
      },
      seconds: last.seconds,
      sparsity: Number.NaN,
    },
  };
  return { run, trace };
}
