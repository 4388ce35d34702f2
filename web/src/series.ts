/**
 * The chart's rows from the runs' traces: x = iterations, passes over the data (sampleGradients / n) or
 * seconds inside the method; y = F(x), F(x) − F_best or the gradient norm, where F_best is the lowest
 * value any run of the same problem reached so far (runs of different λ, or a results folder's several
 * problems, each have their own). A log axis cannot show values ≤ 0, so such points are left out (the best
 * run's point at F_best itself, for one); non-finite values too. Long traces are thinned for drawing (the
 * exports keep every point). DOM-free.
 */
import type { TracePoint } from '../../src/run/result.js';
import type { XAxis, YAxis } from './config.js';

export interface Series {
  label: string;
  trace: TracePoint[];
  /** Rows of the objective. */
  n: number;
  /** Key of the run's problem: F_best is taken over the series of the same key (default: one problem). */
  problem?: string;
  /** F_best of the run's problem when known beyond these series (a results folder's view of some of its runs). */
  best?: number;
}

export interface ChartRow {
  run: string;
  x: number;
  y: number;
}

export const X_TITLES: Record<XAxis, string> = {
  iter: 'iterations',
  passes: 'passes over the data',
  seconds: 'seconds (inside the method)',
};

export const Y_TITLES: Record<YAxis, string> = {
  value: 'F(x)',
  gap: 'F(x) − F_best',
  gradNorm: 'gradient norm',
};

/** The lowest finite value over every trace (NaN when there is none). */
export function bestValue(series: Series[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const s of series) for (const p of s.trace) if (p.value < best) best = p.value;
  return Number.isFinite(best) ? best : Number.NaN;
}

/** F_best of each problem key (see `Series.problem`). */
export function bestValues(series: Series[]): Map<string, number> {
  const byProblem = new Map<string, Series[]>();
  for (const s of series) {
    const k = s.problem ?? '';
    byProblem.set(k, [...(byProblem.get(k) ?? []), s]);
  }
  return new Map([...byProblem].map(([k, list]) => [k, bestValue(list)]));
}

/** Points drawn per run at most: a chart is a few hundred pixels wide, and redrawing stays cheap. */
export const MAX_POINTS = 300;

/**
 * The rows to draw. A run with more than `maxPoints` drawable points is thinned to `maxPoints` of them,
 * evenly spaced in the trace, always keeping its first and last point.
 */
export function chartRows(series: Series[], x: XAxis, y: YAxis, log: boolean, maxPoints = MAX_POINTS): ChartRow[] {
  const bests = bestValues(series);
  const rows: ChartRow[] = [];
  for (const s of series) {
    const best = s.best ?? bests.get(s.problem ?? '') ?? Number.NaN;
    const mine: ChartRow[] = [];
    for (const p of s.trace) {
      const xv = x === 'iter' ? p.iter : x === 'passes' ? p.sampleGradients / s.n : p.seconds;
      const yv = y === 'value' ? p.value : y === 'gap' ? p.value - best : p.gradNorm;
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) continue;
      if (log && yv <= 0) continue;
      mine.push({ run: s.label, x: xv, y: yv });
    }
    if (mine.length <= maxPoints) for (const r of mine) rows.push(r);
    else {
      const last = mine.length - 1;
      for (let k = 0; k < maxPoints; k++) rows.push(mine[Math.round((k * last) / (maxPoints - 1))]);
    }
  }
  return rows;
}
