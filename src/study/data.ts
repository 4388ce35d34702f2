import { bestValues, gap, problemKey, summarize } from '../report/aggregate.js';
import type { RunRow, TraceRow } from '../sweep/results.js';

/** Cost of a run up to a trace point. */
export interface CostAt {
  iter: number;
  passes: number;
  oracleCalls: number;
  vectorUpdates: number;
  seconds: number;
}

/**
 * The study's results, indexed for the section builders: runs by group and label, traces by run id, f* per
 * problem (the best value any run reached on it).
 */
export class StudyData {
  readonly runs: RunRow[];
  readonly traces: TraceRow[];
  readonly fStar: Map<string, number>;
  private readonly traceById = new Map<string, TraceRow[]>();

  /** The smooth problem's best value found by the landscape's starts (NaN when there is no landscape). */
  readonly landscapeBest: number;

  /**
   * @param landscapeBest the best value of the landscape's starts on the smooth problem (λ = 0): f* of that
   *   problem is then the best value found by all runs and all starts.
   */
  /**
   * @param reached the stationary point (index into the landscape's minima, or null: none of them) reached by
   *   each classified run (full-batch runs of the smooth problem that stopped stationary), by run id.
   */
  constructor(
    runs: RunRow[],
    traces: TraceRow[],
    landscapeBest = Number.NaN,
    readonly reached: Readonly<Record<string, number | null>> = {},
  ) {
    this.runs = runs;
    this.traces = traces;
    this.fStar = bestValues(runs, traces);
    this.landscapeBest = landscapeBest;
    if (Number.isFinite(landscapeBest)) {
      for (const r of runs) {
        if (r.objective.lambda !== 0) continue;
        const key = problemKey(r);
        const f = this.fStar.get(key);
        if (f === undefined || !(f <= landscapeBest)) this.fStar.set(key, landscapeBest);
      }
    }
    for (const t of traces) {
      const list = this.traceById.get(t.id);
      if (list) list.push(t);
      else this.traceById.set(t.id, [t]);
    }
  }

  group(g: string): RunRow[] {
    return this.runs.filter((r) => r.group === g);
  }

  /** Runs of one label (all seeds). */
  label(label: string): RunRow[] {
    return this.runs.filter((r) => r.label === label);
  }

  /** Runs matching a predicate. */
  where(pred: (r: RunRow) => boolean): RunRow[] {
    return this.runs.filter(pred);
  }

  traceOf(run: RunRow): TraceRow[] {
    return this.traceById.get(run.id) ?? [];
  }

  /** Trace rows of several runs (for a figure). */
  tracesOf(runs: readonly RunRow[]): TraceRow[] {
    return runs.flatMap((r) => this.traceOf(r));
  }

  /** How f* of a run's problem was found, for figure subtitles. */
  fStarMeaning(run: RunRow | undefined): string | undefined {
    if (run === undefined) return undefined;
    return run.objective.lambda === 0 && Number.isFinite(this.landscapeBest)
      ? 'the best value found by all runs and all landscape starts'
      : 'the best value any run reached';
  }

  /**
   * The end point some runs (the seeds of one label) reached, for a table cell or a hover: `#k` (the
   * landscape's k-th stationary point, lowest value first), `none` (stationary, but at no mapped point), with
   * the number of seeds when they differ (`#1 ×2, #3 ×1`); '' when no run of them was classified.
   */
  endPoint(runs: readonly RunRow[]): string {
    const counts = new Map<string, number>();
    let classified = 0;
    for (const r of runs) {
      if (!(r.id in this.reached)) continue;
      classified++;
      const i = this.reached[r.id];
      const name = i === null ? 'none' : `#${i + 1}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    if (classified === 0) return '';
    const unclassified = runs.length - classified;
    if (counts.size === 1 && unclassified === 0) return [...counts.keys()][0];
    const parts = [...counts].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
    return [
      ...parts.map(([name, n]) => `${name} ×${n}`),
      ...(unclassified > 0 ? [`not stationary ×${unclassified}`] : []),
    ].join(', ');
  }

  /** Whether any of the runs was told its end point. */
  hasEndPoint(runs: readonly RunRow[]): boolean {
    return runs.some((r) => r.id in this.reached);
  }

  fStarOf(run: RunRow): number {
    return this.fStar.get(problemKey(run)) ?? Number.NaN;
  }

  /** F − f* of a run's final point. */
  finalGap(run: RunRow): number {
    return gap(run.result.value, this.fStarOf(run));
  }

  /** Mean over the runs (seeds) of a per-run number; NaN when none is finite. */
  mean(runs: readonly RunRow[], get: (r: RunRow) => number | null | undefined): number {
    return summarize(runs.map(get)).mean;
  }

  /** Distinct labels of some runs, in order of appearance. */
  labels(runs: readonly RunRow[]): string[] {
    return [...new Set(runs.map((r) => r.label))];
  }

  /** The label whose mean final value is lowest (ties: first), and that mean. */
  bestLabel(runs: readonly RunRow[]): { label: string; mean: number } {
    let best = { label: '', mean: Number.POSITIVE_INFINITY };
    for (const label of this.labels(runs)) {
      const m = this.mean(
        runs.filter((r) => r.label === label),
        (r) => r.result.value,
      );
      if (m < best.mean) best = { label, mean: m };
    }
    return best;
  }

  /**
   * The first trace point at which F − f* ≤ target·(F(x0) − f*) (a relative target), with its cost;
   * null if the run never got there.
   */
  costToTarget(run: RunRow, relTarget: number): CostAt | null {
    const f = this.fStarOf(run);
    const trace = this.traceOf(run);
    if (trace.length === 0 || !Number.isFinite(f)) return null;
    const f0 = trace[0].value ?? Number.NaN;
    const threshold = f + relTarget * (f0 - f);
    for (const t of trace) {
      if (t.value !== null && t.value <= threshold) {
        return {
          iter: t.iter,
          passes: t.passes,
          oracleCalls: t.oracleCalls,
          vectorUpdates: t.vectorUpdates,
          seconds: t.seconds,
        };
      }
    }
    return null;
  }

  /** The trace point at an iteration (or the last one before it). */
  at(run: RunRow, iter: number): TraceRow | undefined {
    let found: TraceRow | undefined;
    for (const t of this.traceOf(run)) if (t.iter <= iter) found = t;
    return found;
  }
}
