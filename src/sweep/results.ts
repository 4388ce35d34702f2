import type { MethodName } from '../methods/index.js';
import type { RunRecord } from '../run/record.js';
import type { TracePoint } from '../run/result.js';

/**
 * The results folder of a sweep (`optlab sweep --out DIR`), read by `optlab report DIR`:
 *
 *   DIR/sweep.json      the sweep as validated (defaults filled), so the folder is self-describing
 *   DIR/manifest.json   `Manifest` below
 *   DIR/runs/<file>.json one `RunFile` ({ run: RunRow, trace: TracePoint[] }) per finished run, written
 *                       atomically when the run ends (`--resume` skips the ids found here); <file> is a
 *                       filesystem-safe form of the id
 *   DIR/runs.jsonl      every `RunRow` (without `x`), one per line, in sweep order (written at the end)
 *   DIR/trace.jsonl     every `TraceRow`, one per line, in sweep order (written at the end); each row carries
 *                       its run's problem (loss, lambda, l2, labels, dataset, subset) and passes
 *   DIR/shards/<name>.json one `ShardRecord` per shard process (`optlab sweep --shard K/N`, a SLURM array task,
 *                       a Kubernetes pod), written atomically when it starts and ends; shards write no
 *                       manifest.json, runs.jsonl or trace.jsonl: `optlab merge DIR` builds those
 *   DIR/slurm/…         with `--slurm`: the batch scripts, the submissions, the tasks' logs
 *   DIR/external/<file>.json one `RunFile` per run added by `optlab import` (runs of other tools)
 *   DIR/figures/…       written by `optlab report` (each figure as .svg and .png)
 *   DIR/report.html     written by `optlab report`
 *
 * All numbers are plain JSON numbers; non-finite values are written as null.
 */

/** Values a grid can vary. */
export type ParamValue = number | string | boolean;

/** One finished run. */
export interface RunRow {
  /** Unique within the sweep and stable across runs of the same sweep file: `${label}@${dataset}#${seed}`. */
  id: string;
  /** Stable parametrized name with sorted keys, e.g. `sgd[batch=16,step=2.5]`. */
  label: string;
  /** Optional group the sweep file gave the method entry (a study section draws one figure per group). */
  group?: string;
  method: MethodName;
  /** Set on a run added by `optlab import` (see `./external.ts`): its tool, source file, and whether passes are known. */
  external?: { tool: string; source: string; passesKnown: boolean };
  /** The values given for this run in the sweep file (grid point + fixed params): what the label shows. */
  given: Record<string, ParamValue>;
  /** The complete, resolved method parameters (defaults filled). */
  params: Record<string, ParamValue>;
  objective: { loss: string; lambda: number; l2: number; labels: string };
  dataset: { name: string; sha256: string; rows: number; features: number; subset?: number };
  testDataset?: { name: string; sha256: string; rows: number; features: number };
  seed: number;
  init: string;
  budgets: RunRecord['config']['budgets'];
  result: RunRecord['result'];
  /** Final iterate (kept in runs/<file>.json, dropped from runs.jsonl). */
  x?: number[];
}

/**
 * One trace point of one run, flat, with its problem on every row (loss, λ, l2, labels, dataset, subset), so
 * `trace.jsonl` read alone into pandas, polars or DuckDB groups by problem (f* per problem, not over all
 * traces). Folders written before these columns existed are read with them filled in from `runs.jsonl`.
 */
export interface TraceRow {
  id: string;
  label: string;
  group?: string;
  method: MethodName;
  dataset: string;
  /** Set when the run used only the first `subset` rows of the dataset. */
  subset?: number;
  /** The objective: smooth loss name, L1 weight λ, L2 weight μ, label encoding (as in `RunRow.objective`). */
  loss: string;
  lambda: number;
  l2: number;
  labels: string;
  seed: number;
  given: Record<string, ParamValue>;
  iter: number;
  epoch: number;
  value: number | null;
  gradNorm: number | null;
  seconds: number;
  sampleGradients: number;
  oracleCalls: number;
  vectorUpdates: number;
  passes: number;
}

export interface Manifest {
  optlab: string;
  node: string;
  v8: string;
  platform: string;
  cpu: { model: string; cores: number };
  /** The sweep file's path as given, and its SHA-256. */
  sweepFile: string | null;
  sweepSha256: string | null;
  datasets: Array<{ name: string; sha256: string; rows: number; features: number }>;
  startedAt: string;
  endedAt: string | null;
  runs: { total: number; finished: number; failed: number; resumed: number };
  jobs: number;
  /**
   * 'complete', or 'interrupted' when Ctrl-C stopped the sweep; after `optlab merge`, 'incomplete' while runs
   * are missing.
   */
  status: 'complete' | 'interrupted' | 'running' | 'incomplete';
  /** Written by `optlab merge`: the folders merged, the runs still missing, and every shard process's record. */
  merged?: { from: string[]; at: string; missing: string[] };
  shards?: ShardRecord[];
}

/** Where a shard process ran: host, process, and the scheduler's ids. */
export interface ShardHost {
  host: string;
  pid: number;
  /** Set in a SLURM job: SLURM_JOB_ID, SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, SLURMD_NODENAME, SLURM_CLUSTER_NAME. */
  slurm?: { jobId: string; arrayJobId?: string; arrayTaskId?: string; node?: string; cluster?: string };
  /** Set in a Kubernetes Indexed Job pod: JOB_COMPLETION_INDEX and the pod's host name. */
  kubernetes?: { completionIndex: string; pod?: string };
}

/** What `DIR/shards/<name>.json` holds: one shard process's account of its part of the sweep. */
export interface ShardRecord extends ShardHost {
  shard: { index: number; count: number; source: string };
  optlab: string;
  node: string;
  cpu: { model: string; cores: number };
  sweepSha256: string;
  datasets: Manifest['datasets'];
  startedAt: string;
  endedAt: string | null;
  status: 'running' | 'complete' | 'interrupted';
  jobs: number;
  /** Expected cost of this shard and of the mean shard (src/sweep/cost.ts units). */
  cost: { shard: number; mean: number };
  /** The shard's run ids (sorted), those found finished when it started, those it ran, and those that failed. */
  runs: { assigned: string[]; resumed: string[]; ran: string[]; failed: Array<{ id: string; message: string }> };
}

/** What `DIR/runs/<file>.json` holds. */
export interface RunFile {
  run: RunRow;
  trace: TracePoint[];
}
