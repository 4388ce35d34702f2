/**
 * One shard of a sweep in a shared results folder (`optlab sweep FILE --out DIR --shard K/N`, or a SLURM
 * array task / Kubernetes pod): which runs are this shard's (the partition of src/sweep/shard.ts over the
 * loaded datasets' sizes), which of them are already finished in DIR/runs, and the shard's record in
 * DIR/shards (src/node/shard-record.ts), written when it starts and when it ends.
 *
 * The sweep runner calls this in place of its own bookkeeping of DIR/manifest.json, runs.jsonl and
 * trace.jsonl, which many shards cannot share: `optlab merge DIR` builds those from the run files.
 */
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { OptlabError } from '../errors.js';
import type { RunData } from '../sweep/execute.js';
import type { RunSpec } from '../sweep/expand.js';
import type { Manifest, ShardRecord } from '../sweep/results.js';
import { compareIds, formatShard, type Shard, shardPlan } from '../sweep/shard.js';
import { VERSION } from '../version.js';
import { shardHost, shardRecordName, shardsDir, writeShardRecord } from './shard-record.js';

/** The size of each run's training data, from the loaded datasets. */
export function sizeFromData(datasets: ReadonlyMap<string, RunData>) {
  return (run: RunSpec) => {
    const X = datasets.get(run.dataset.key)!.train.X;
    return { rows: X.rows, nnz: X.rowPtr[X.rows], features: X.cols };
  };
}

export class ShardSession {
  /** This shard's runs, in the order they run (largest expected cost first). */
  readonly runs: RunSpec[];
  /** This shard's runs already finished in DIR/runs (and, as the shard runs, those it finishes). */
  readonly finished: Set<string>;
  /** DIR/shards/<name>.json */
  readonly path: string;
  private readonly name: string;
  private readonly record: ShardRecord;

  constructor(
    private readonly out: string,
    readonly shard: Shard,
    allRuns: RunSpec[],
    datasets: ReadonlyMap<string, RunData>,
    finishedInFolder: ReadonlySet<string>,
    info: {
      sweepSha256: string;
      datasets: Manifest['datasets'];
      jobs: number;
      resume: boolean;
      env?: NodeJS.ProcessEnv;
    },
  ) {
    const plan = shardPlan(allRuns, shard, sizeFromData(datasets));
    this.runs = plan.runs;
    this.finished = new Set(this.runs.filter((r) => finishedInFolder.has(r.id)).map((r) => r.id));
    if (!info.resume && this.finished.size > 0) {
      throw new OptlabError(
        `${out} already holds ${this.finished.size} finished run(s) of shard ${formatShard(shard)}; pass --resume to run only the missing ones, or choose another --out`,
      );
    }
    const startedAt = new Date().toISOString();
    const host = shardHost(info.env ?? process.env);
    this.name = shardRecordName(shard, host, startedAt);
    this.path = join(shardsDir(out), this.name);
    const mean = plan.costs.reduce((a, b) => a + b, 0) / shard.count;
    this.record = {
      shard: { ...shard },
      ...host,
      optlab: VERSION,
      node: process.versions.node,
      cpu: { model: cpus()[0]?.model?.trim() ?? 'unknown', cores: availableParallelism() },
      sweepSha256: info.sweepSha256,
      datasets: info.datasets,
      startedAt,
      endedAt: null,
      status: 'running',
      jobs: info.jobs,
      cost: { shard: plan.costs[shard.index], mean },
      runs: {
        assigned: this.runs.map((r) => r.id).sort(compareIds),
        resumed: [...this.finished].sort(compareIds),
        ran: [],
        failed: [],
      },
    };
  }

  /** Writes the record (status running). */
  begin(): void {
    writeShardRecord(this.out, this.name, this.record);
  }

  /** A run this process finished (its file is written). */
  ran(id: string): void {
    this.record.runs.ran.push(id);
  }

  /** Writes the final record. */
  end(status: 'complete' | 'interrupted', failures: Array<{ id: string; message: string }>): void {
    this.record.status = status;
    this.record.endedAt = new Date().toISOString();
    this.record.runs.failed = failures.map((f) => ({ id: f.id, message: f.message.split('\n')[0] }));
    writeShardRecord(this.out, this.name, this.record);
  }
}
