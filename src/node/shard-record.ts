/**
 * The record a shard process keeps in the shared results folder, DIR/shards/<name>.json (`ShardRecord` in
 * src/sweep/results.ts): where it ran (host, pid, SLURM job and array task ids, Kubernetes pod index), when,
 * its runs, and how it ended. Each process writes only its own file, atomically (write to a temporary name,
 * then rename: atomic on a local filesystem and on NFS), so shards on many machines never append to or lock
 * a shared file. `optlab merge` reads every record into the merged manifest.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OptlabError } from '../errors.js';
import { toJson } from '../run/json.js';
import type { ShardHost, ShardRecord } from '../sweep/results.js';
import type { Shard } from '../sweep/shard.js';
import { writeFileAtomic } from './atomic.js';

/** DIR/shards */
export function shardsDir(out: string): string {
  return join(out, 'shards');
}

/** Where this process runs, from the scheduler's environment. */
export function shardHost(env: NodeJS.ProcessEnv = process.env, pid = process.pid): ShardHost {
  const host: ShardHost = { host: hostname(), pid };
  if (env.SLURM_JOB_ID) {
    host.slurm = {
      jobId: env.SLURM_JOB_ID,
      ...(env.SLURM_ARRAY_JOB_ID ? { arrayJobId: env.SLURM_ARRAY_JOB_ID } : {}),
      ...(env.SLURM_ARRAY_TASK_ID ? { arrayTaskId: env.SLURM_ARRAY_TASK_ID } : {}),
      ...(env.SLURMD_NODENAME ? { node: env.SLURMD_NODENAME } : {}),
      ...(env.SLURM_CLUSTER_NAME ? { cluster: env.SLURM_CLUSTER_NAME } : {}),
    };
  }
  if (env.JOB_COMPLETION_INDEX) {
    host.kubernetes = { completionIndex: env.JOB_COMPLETION_INDEX, ...(env.HOSTNAME ? { pod: env.HOSTNAME } : {}) };
  }
  return host;
}

/**
 * The record's file name, unique per process: `shard-<K>-of-<N>@<SLURM job id>.json` in a SLURM job (every
 * array task has its own job id; a requeued task keeps it and replaces its record), else
 * `shard-<K>-of-<N>@<host>-<pid>-<start time>.json`. K is zero-padded so names sort by shard.
 */
export function shardRecordName(shard: Shard, host: ShardHost, startedAt: string): string {
  const k = String(shard.index).padStart(String(shard.count - 1).length, '0');
  const who = host.slurm
    ? `slurm-${host.slurm.jobId}`
    : `${host.host}-${host.pid}-${startedAt.replace(/[^0-9]/g, '').slice(0, 14)}`;
  return `shard-${k}-of-${shard.count}@${who.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

export function writeShardRecord(out: string, name: string, record: ShardRecord): void {
  writeFileAtomic(join(shardsDir(out), name), `${toJson(record)}\n`);
}

/** Every shard record in DIR/shards (temporary files of writers in flight are skipped), sorted by file name. */
export function readShardRecords(out: string): Array<{ file: string; record: ShardRecord }> {
  const dir = shardsDir(out);
  if (!existsSync(dir)) return [];
  const list: Array<{ file: string; record: ShardRecord }> = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    let record: ShardRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as ShardRecord;
    } catch (e) {
      throw new OptlabError(`${file} is not a shard record: ${(e as Error).message}`);
    }
    if (typeof record?.shard?.index !== 'number' || !Array.isArray(record?.runs?.assigned)) {
      throw new OptlabError(`${file} is not a shard record (no shard or runs field)`);
    }
    list.push({ file, record });
  }
  return list;
}
