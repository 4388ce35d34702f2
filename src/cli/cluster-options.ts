/**
 * The cluster flags of `optlab sweep` and `optlab study`: shards (`--shard K/N`, `--shard-count N`, or the
 * scheduler's environment) and SLURM submission (`--slurm`, `--tasks`, `--array-parallelism`, `--sbatch`,
 * `--wait`, `--dry-run`). The work is in src/sweep/shard.ts and src/node/slurm.ts.
 */
import type { Command } from 'commander';
import { OptlabError } from '../errors.js';
import { submitSlurm } from '../node/slurm.js';
import { formatShard, parseShard, type Shard, shardFromEnv } from '../sweep/shard.js';
import { positiveInt } from './parse.js';

export interface ClusterFlags {
  shard?: string | false;
  shardCount?: number;
  slurm?: boolean;
  tasks?: number;
  arrayParallelism?: number;
  sbatch?: string[];
  wait?: boolean;
  dryRun?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds the shard flags (sweep only: a study's shards come from its --slurm submission). */
export function addShardOptions(cmd: Command): Command {
  return cmd
    .option(
      '--shard <K/N>',
      'run only shard K of N (0 <= K < N) of the sweep, into a results folder the other shards share; default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX when set',
    )
    .option('--no-shard', 'run the whole sweep even inside a SLURM array task or a Kubernetes Indexed Job')
    .option('--shard-count <n>', 'the number of shards, for JOB_COMPLETION_INDEX (or OPTLAB_SHARD_COUNT)', positiveInt);
}

/** Adds the SLURM submission flags. */
export function addSlurmOptions(cmd: Command): Command {
  return cmd
    .option('--slurm', 'submit to SLURM: a job array of shards, then a job that merges them and writes the report')
    .option('--tasks <n>', 'with --slurm: array tasks (shards); default: as before, else min(runs, 8)', positiveInt)
    .option('--array-parallelism <p>', 'with --slurm: at most P tasks running at once (--array=...%P)', positiveInt)
    .option(
      '--sbatch <arg>',
      'with --slurm: an extra sbatch option for both jobs, e.g. --sbatch=--partition=short (repeatable)',
      collect,
    )
    .option('--wait', 'with --slurm: wait for the merge job; exit 1 if a task failed or a run is missing')
    .option('--dry-run', 'with --slurm: print the batch scripts and the sbatch commands, submit nothing');
}

/** The shard this process runs: `--shard`, else the scheduler's environment, else none. */
export function resolveShard(o: ClusterFlags, env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  if (o.shard === false) return undefined;
  if (typeof o.shard === 'string') {
    if (o.shardCount !== undefined) throw new OptlabError('give --shard K/N or --shard-count N, not both');
    return parseShard(o.shard);
  }
  const s = shardFromEnv(env, o.shardCount);
  if (s === null && o.shardCount !== undefined) {
    throw new OptlabError(
      '--shard-count needs the shard index from the scheduler (JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID); none is set: pass --shard K/N',
    );
  }
  return s ?? undefined;
}

/** Refuses the submission-only flags without --slurm. */
export function checkSlurmFlags(o: ClusterFlags): void {
  if (o.slurm) return;
  const given = (
    [
      ['--tasks', o.tasks],
      ['--array-parallelism', o.arrayParallelism],
      ['--sbatch', o.sbatch],
      ['--wait', o.wait],
      ['--dry-run', o.dryRun],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (given.length > 0) throw new OptlabError(`${given.map(([f]) => f).join(', ')} only apply with --slurm`);
}

/** `shard 3/8 (from SLURM_ARRAY_TASK_ID)` */
export function describeShard(s: Shard): string {
  return `shard ${formatShard(s)}${s.source === '--shard' ? '' : ` (from ${s.source.split('=')[0]})`}`;
}

/** Submits with --slurm and prints the outcome; sets the exit code (1 when --wait saw a failure). */
export async function runSlurm(
  o: ClusterFlags & { jobs?: number; resume?: boolean; force?: boolean },
  file: string,
  out: string,
  extra: { reportArgs?: string[]; reportPartial?: boolean; name?: string } = {},
): Promise<void> {
  if (o.shard !== undefined || o.shardCount !== undefined)
    throw new OptlabError('--slurm chooses the shards itself: leave out --shard');
  const r = await submitSlurm({
    file,
    out,
    ...(o.tasks !== undefined ? { tasks: o.tasks } : {}),
    jobs: o.jobs ?? 1,
    ...(o.arrayParallelism !== undefined ? { parallelism: o.arrayParallelism } : {}),
    sbatch: o.sbatch ?? [],
    resume: o.resume === true,
    force: o.force === true,
    wait: o.wait === true,
    dryRun: o.dryRun === true,
    ...extra,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  if (r.result === undefined) return;
  const x = r.result;
  if (x.ok) {
    process.stdout.write(`done: ${x.finished} of ${x.total} runs, merged; report: ${out}/report.html\n`);
    return;
  }
  for (const t of x.failedTasks)
    process.stderr.write(`optlab: task ${t.task} ended ${t.state} (exit ${t.exit}); see ${out}/slurm/logs/\n`);
  if (x.mergeState !== 'COMPLETED')
    process.stderr.write(`optlab: merge job ${r.mergeJob} ended ${x.mergeState} (exit ${x.mergeExit})\n`);
  if (x.missing > 0) {
    process.stderr.write(
      `optlab: ${x.missing} of ${x.total} runs missing; submit again with --resume to run only those\n`,
    );
  }
  process.exitCode = 1;
}
