/**
 * Expands a validated sweep into its runs, in a fixed order: datasets (as listed) × method entries (as listed)
 * × grid points (keys sorted, the first key varying slowest, values as listed) × seeds.
 *
 * Every run gets a stable, benchopt-style name: the label `method[k1=v1,k2=v2]` over the keys the sweep file
 * gave for it (fixed params ∪ grid keys), sorted; the id `${label}@${dataset}#${seed}`, where the dataset part
 * is the name as given plus `,subset=N`, `,labels=E`, `,positive=P` when the dataset entry sets them.
 */
import type { LabelEncoding } from '../data/labels.js';
import type { MethodName, MethodParams } from '../methods/index.js';
import type { LossName } from '../objectives/losses.js';
import { defaultBudgets } from '../run/minimize.js';
import type { ParamValue } from './results.js';
import type {
  BudgetOverrides,
  Budgets,
  DatasetEntry,
  SweepGrid,
  SweepParamName,
  SweepParams,
  SweepProblem,
  SweepSpec,
} from './schema.js';

/** A dataset as a run uses it: the entry with its label encoding and test set resolved. */
export interface DatasetRef {
  /** Position in the sweep's `datasets`. */
  index: number;
  /** Name or path as the sweep file gives it. */
  data: string;
  subset?: number;
  labels: LabelEncoding;
  positive?: number;
  testData?: string;
  /** The dataset part of run ids: `data` plus `,subset=N` / `,labels=E` / `,positive=P` when the entry sets them. */
  display: string;
  /** Identifies the loaded data (train and test sets) that runs on this entry share. */
  key: string;
}

/** One run of a sweep, as plain data (it crosses to a worker thread by structured clone). */
export interface RunSpec {
  /** Position in sweep order. */
  index: number;
  /** `${label}@${dataset.display}#${seed}`, unique within the sweep. */
  id: string;
  /** `method[k1=v1,...]`, keys sorted. */
  label: string;
  /** File name of the finished run in DIR/runs/ (see `runFileName`). */
  file: string;
  group?: string;
  /** Position of the method entry in the sweep's `methods`. */
  entry: number;
  method: MethodName;
  /** The values the sweep file gave (fixed params ∪ grid point), lambda / l2 included: what the label shows. */
  given: Record<string, ParamValue>;
  /** The method parameters given (lambda / l2 removed); `prepare` fills the defaults. */
  params: MethodParams;
  objective: { loss: LossName; lambda: number; l2: number; labels: LabelEncoding };
  dataset: DatasetRef;
  seed: number;
  init: 'zeros' | 'randn';
  /** Effective budgets (entry over sweep, then `defaultBudgets`). */
  budgets: Budgets;
}

const BUDGET_KEYS: Array<keyof Budgets> = ['maxIter', 'epochs', 'maxPasses', 'timeLimit', 'tol', 'traceEvery'];

/** The cross product of a grid, keys sorted, the first key varying slowest; `[{}]` for an empty grid. */
export function gridPoints(grid: SweepGrid): Array<Record<string, ParamValue>> {
  let points: Array<Record<string, ParamValue>> = [{}];
  for (const key of Object.keys(grid).sort()) {
    const values = grid[key as SweepParamName] as ParamValue[] | undefined;
    if (values === undefined) continue;
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

/** Entry overrides merged over the sweep's budgets (null removes one). */
export function mergedBudgets(sweep: Budgets, entry: BudgetOverrides = {}): Budgets {
  const merged: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...sweep, ...entry })) if (v !== null && v !== undefined) merged[k] = v;
  return merged;
}

/** The budgets a run of `method` gets: entry overrides merged over the sweep's (null removes), then `defaultBudgets`. */
export function effectiveBudgets(method: MethodName, sweep: Budgets, entry: BudgetOverrides = {}): Budgets {
  const b = defaultBudgets(method, mergedBudgets(sweep, entry));
  const out: Budgets = {};
  for (const k of BUDGET_KEYS) if (b[k] !== undefined) out[k] = b[k];
  return out;
}

/** `k1=v1,k2=v2` over the keys sorted (numbers in JavaScript's shortest round-trip form). */
export function formatPoint(values: Record<string, ParamValue>): string {
  return Object.keys(values)
    .sort()
    .map((k) => `${k}=${String(values[k])}`)
    .join(',');
}

/** `method[k1=v1,...]` over the given keys sorted, or `method` alone when none is given. */
export function runLabel(method: MethodName, given: Record<string, ParamValue>): string {
  return Object.keys(given).length === 0 ? method : `${method}[${formatPoint(given)}]`;
}

/** FNV-1a, 32 bits, over UTF-16 code units: a short stable tag for file names. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * A filesystem-safe file name for a run id: the id itself when it only uses `A-Z a-z 0-9 . _ = , + @ # [ ] -`
 * (the usual case: `sgd[batch=16,step=2.5]@a9a#0.json`); otherwise the other characters (and a leading dot)
 * become `_` and `~` + a 32-bit hash of the id is appended, so distinct ids do not share a file.
 */
export function runFileName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._=,+@#[\]-]/g, '_').replace(/^\./, '_');
  if (safe === id && id !== '' && id.length <= 200) return `${id}.json`;
  return `${safe.slice(0, 180)}~${fnv1a(id)}.json`;
}

/** The datasets as runs use them (labels from the entry or the objective; test set from the entry or the sweep). */
export function datasetRefs(spec: SweepSpec): DatasetRef[] {
  return spec.datasets.map((d: DatasetEntry, index) => {
    const labels = d.labels ?? spec.objective.labels;
    const testData = d.testData ?? spec.testData;
    let display = d.data;
    if (d.subset !== undefined) display += `,subset=${d.subset}`;
    if (d.labels !== undefined) display += `,labels=${d.labels}`;
    if (d.positive !== undefined) display += `,positive=${d.positive}`;
    const key = JSON.stringify([d.data, d.subset ?? null, labels, d.positive ?? null, testData ?? null]);
    return {
      index,
      data: d.data,
      ...(d.subset !== undefined ? { subset: d.subset } : {}),
      labels,
      ...(d.positive !== undefined ? { positive: d.positive } : {}),
      ...(testData !== undefined ? { testData } : {}),
      display,
      key,
    };
  });
}

/** Expands a validated sweep into its runs, in sweep order. */
export function expandSweep(spec: SweepSpec): RunSpec[] {
  const runs: RunSpec[] = [];
  for (const dataset of datasetRefs(spec)) {
    spec.methods.forEach((entry, e) => {
      const budgets = effectiveBudgets(entry.method, spec.budgets, entry.budgets);
      for (const point of gridPoints(entry.grid)) {
        const given = { ...entry.params, ...point } as Record<string, ParamValue>;
        const { lambda, l2, ...params } = given as SweepParams;
        const label = runLabel(entry.method, given);
        for (const seed of entry.seeds ?? spec.seeds) {
          const id = `${label}@${dataset.display}#${seed}`;
          runs.push({
            index: runs.length,
            id,
            label,
            file: runFileName(id),
            ...(entry.group !== undefined ? { group: entry.group } : {}),
            entry: e,
            method: entry.method,
            given,
            params: params as MethodParams,
            objective: {
              loss: spec.objective.loss,
              lambda: lambda ?? spec.objective.lambda,
              l2: l2 ?? spec.objective.l2,
              labels: dataset.labels,
            },
            dataset,
            seed,
            init: spec.init,
            budgets: { ...budgets },
          });
        }
      }
    });
  }
  return runs;
}

/** Dataset entries or method entries whose runs would share ids (so one would overwrite the other's file). */
export function duplicateRuns(spec: SweepSpec): SweepProblem[] {
  const problems: SweepProblem[] = [];
  const byDisplay = new Map<string, number>();
  for (const d of datasetRefs(spec)) {
    const first = byDisplay.get(d.display);
    if (first !== undefined)
      problems.push({
        path: ['datasets', d.index],
        message: `the same dataset as datasets[${first}] (run ids would collide; vary subset, labels or positive)`,
      });
    else byDisplay.set(d.display, d.index);
  }
  const owner = new Map<string, number>();
  const reported = new Set<string>();
  spec.methods.forEach((entry, e) => {
    for (const point of gridPoints(entry.grid)) {
      const label = runLabel(entry.method, { ...entry.params, ...point } as Record<string, ParamValue>);
      for (const seed of entry.seeds ?? spec.seeds) {
        const id = `${label}#${seed}`;
        const first = owner.get(id);
        if (first === undefined) owner.set(id, e);
        else if (first !== e && !reported.has(`${first},${e}`)) {
          reported.add(`${first},${e}`);
          problems.push({
            path: ['methods', e],
            message: `runs ${label} (seed ${seed}) duplicate those of methods[${first}]; run ids must be unique (merge the entries or vary a parameter)`,
          });
        }
      }
    }
  });
  return problems;
}

/** Default cap on the runs of one sweep (`--max-runs` raises it). */
export const DEFAULT_MAX_RUNS = 100_000;
/** Largest seed count a sweep file may give (`seeds: N`), whatever the cap on runs: the list is built. */
export const MAX_SEED_COUNT = 10_000_000;

/** The number of runs a validated sweep expands into, computed without expanding it (no allocation). */
export function countRuns(spec: SweepSpec): number {
  let perDataset = 0;
  for (const entry of spec.methods) {
    let points = 1;
    for (const values of Object.values(entry.grid)) if (Array.isArray(values)) points *= values.length;
    perDataset += points * (entry.seeds ?? spec.seeds).length;
  }
  return perDataset * spec.datasets.length;
}

/**
 * Refuses a sweep of more than `maxRuns` runs before anything is expanded (a grid that multiplies to millions
 * of runs would take the memory and hours before a word is said): a problem for `SweepError`, or null.
 */
export function runCountProblem(spec: SweepSpec, maxRuns: number = DEFAULT_MAX_RUNS): SweepProblem | null {
  const n = countRuns(spec);
  if (n <= maxRuns) return null;
  return {
    path: [],
    message: `the sweep has ${n} runs, more than the ${maxRuns} allowed (datasets x grid points x seeds); reduce the grid or the seeds, or raise the cap with --max-runs ${n}`,
  };
}
