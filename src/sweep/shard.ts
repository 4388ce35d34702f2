/**
 * Shards of a sweep: a fixed partition of its runs into N parts, balanced by expected cost, that every machine
 * computes alike (it is a pure function of the runs and the datasets' sizes), so N processes started with
 * `--shard 0/N` … `--shard N-1/N` on N machines run every run exactly once between them.
 *
 * The partition (longest processing time first, Graham 1969, "Bounds on multiprocessing timing anomalies"):
 *   1. sort the runs by expected cost (src/sweep/cost.ts), largest first, ties by run id (UTF-16 code units,
 *      not locale order);
 *   2. give each run in turn to the shard with the least expected cost so far (ties: the lowest shard index).
 * Costs are integers, so the comparisons are exact on every machine. The partition depends on the run ids,
 * their methods, parameters and budgets and on the datasets' rows, non-zeros and features: not on the order
 * of the sweep file's entries, the host, the clock or the number of cores. Its largest shard is within
 * 4/3 of the best possible (plus the largest run), in expected cost.
 *
 * Also here: reading `K/N`, and taking the shard from a scheduler's environment (SLURM job arrays,
 * Kubernetes Indexed Jobs). No Node API: the environment is passed in as a plain record.
 */
import { OptlabError } from '../errors.js';
import { type DataSize, expectedCost } from './cost.js';
import type { RunSpec } from './expand.js';

/** Shard `index` of `count` (0 ≤ index < count), and where it came from (for messages and the manifest). */
export interface Shard {
  index: number;
  count: number;
  /** `--shard`, `SLURM_ARRAY_TASK_ID` or `JOB_COMPLETION_INDEX`. */
  source: string;
}

/** One shard's part of a sweep. */
export interface ShardPlan {
  /** The shard's runs, largest expected cost first (the order they run in, so long runs start early). */
  runs: RunSpec[];
  /** Expected cost of each shard (all of them, so a shard can say how it compares). */
  costs: number[];
}

/** Compares strings by UTF-16 code units (the same everywhere, unlike `localeCompare`). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The partition of `runs` into `count` shards (see the module comment): for each shard, the indices into
 * `runs` of its runs, in the order they run (largest expected cost first), and the shards' expected costs.
 * `sizeOf` gives the size of a run's training data.
 */
export function partition(
  runs: readonly RunSpec[],
  count: number,
  sizeOf: (run: RunSpec) => DataSize,
): { shards: number[][]; costs: number[] } {
  if (!Number.isInteger(count) || count < 1)
    throw new OptlabError(`the shard count must be a positive integer, got ${count}`);
  const items = runs.map((run, i) => ({ i, id: run.id, cost: expectedCost(run, sizeOf(run)) }));
  items.sort((a, b) => b.cost - a.cost || compareIds(a.id, b.id));
  const shards: number[][] = Array.from({ length: count }, () => []);
  const costs = new Array<number>(count).fill(0);
  for (const item of items) {
    let k = 0;
    for (let j = 1; j < count; j++) if (costs[j] < costs[k]) k = j;
    shards[k].push(item.i);
    costs[k] += item.cost;
  }
  return { shards, costs };
}

/** The runs of one shard, in the order they run, with every shard's expected cost. */
export function shardPlan(runs: readonly RunSpec[], shard: Shard, sizeOf: (run: RunSpec) => DataSize): ShardPlan {
  const { shards, costs } = partition(runs, shard.count, sizeOf);
  return { runs: shards[shard.index].map((i) => runs[i]), costs };
}

/** Reads `K/N` (0 ≤ K < N), as given to `--shard`. */
export function parseShard(text: string, source = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new OptlabError(`${source} takes K/N (shard K of N, 0 <= K < N), got '${text}'`);
  return checkShard(Number(m[1]), Number(m[2]), source);
}

function checkShard(index: number, count: number, source: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new OptlabError(`${source}: the shard count must be at least 1, got ${count}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new OptlabError(`${source}: the shard index must be in 0..${count - 1}, got ${index}`);
  return { index, count, source };
}

type Env = Readonly<Record<string, string | undefined>>;

function envInt(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(v)) throw new OptlabError(`${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

/**
 * The shard a scheduler assigned to this process, or null when none did.
 *
 * - A SLURM array task (`sbatch --array=0-7`): K = (SLURM_ARRAY_TASK_ID − MIN) / STEP and N =
 *   SLURM_ARRAY_TASK_COUNT (or (MAX − MIN) / STEP + 1), so `--array=1-8` and `--array=0-14:2` work too; an
 *   array that is not one range (`--array=1,3,7`) is refused unless the count is given, in which case
 *   K = SLURM_ARRAY_TASK_ID.
 * - A Kubernetes Indexed Job pod: K = JOB_COMPLETION_INDEX, N from `count` (the `--shard-count` flag) or
 *   OPTLAB_SHARD_COUNT (Kubernetes does not tell a pod the job's completions).
 */
export function shardFromEnv(env: Env, count?: number): Shard | null {
  const given = count ?? envInt(env, 'OPTLAB_SHARD_COUNT');
  const task = envInt(env, 'SLURM_ARRAY_TASK_ID');
  if (task !== undefined) {
    const source = 'SLURM_ARRAY_TASK_ID';
    if (given !== undefined) return checkShard(task, given, `${source}=${task} (count ${given})`);
    const min = envInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const max = envInt(env, 'SLURM_ARRAY_TASK_MAX');
    const step = envInt(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    const n = envInt(env, 'SLURM_ARRAY_TASK_COUNT') ?? (max === undefined ? undefined : (max - min) / step + 1);
    const ranged = max !== undefined && step > 0 && (max - min) % step === 0 && (max - min) / step + 1 === n;
    if (n === undefined || !ranged || (task - min) % step !== 0) {
      throw new OptlabError(
        `this SLURM array is not one range of task ids (SLURM_ARRAY_TASK_ID=${task}, MIN=${min}, MAX=${max ?? '?'}, STEP=${step}, COUNT=${n ?? '?'}); pass --shard K/N or --shard-count N`,
      );
    }
    return checkShard((task - min) / step, n, source);
  }
  const pod = envInt(env, 'JOB_COMPLETION_INDEX');
  if (pod !== undefined) {
    if (given === undefined) {
      throw new OptlabError(
        `JOB_COMPLETION_INDEX=${pod} (a Kubernetes Indexed Job) gives the shard but not the count: pass --shard-count N or set OPTLAB_SHARD_COUNT (the job's completions)`,
      );
    }
    return checkShard(pod, given, 'JOB_COMPLETION_INDEX');
  }
  return null;
}

/** `3/8` */
export function formatShard(s: Pick<Shard, 'index' | 'count'>): string {
  return `${s.index}/${s.count}`;
}
