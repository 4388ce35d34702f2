/**
 * `optlab merge DIR [DIR...] [--out DIR]`: one results folder from the finished run files of one or several
 * folders of the same sweep (shards in a shared folder, or folders copied back from several machines).
 *
 * 1. Every folder must hold the same validated sweep (DIR/sweep.json, byte for byte), and every shard record
 *    and sweep manifest the same sweep file SHA-256; every dataset name one SHA-256 (in the records, the
 *    manifests and the run files). Otherwise: an error naming the two files that disagree.
 * 2. Every run file must be a run of that sweep (its id expanded from sweep.json, in the file named for that
 *    id): a foreign run is an error. The same run in two folders must agree except for its `seconds` fields
 *    (runs are deterministic): a conflict is an error.
 * 3. Into the output folder (default: the first DIR): the run files it lacks (copied atomically), the shard
 *    records, runs.jsonl and trace.jsonl in sweep order, and manifest.json with every shard's record (host,
 *    SLURM job and array task ids or pod index, start and end), status 'complete', or 'incomplete' with the
 *    ids of the runs still missing.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { OptlabError } from '../errors.js';
import { toJson } from '../run/json.js';
import { runRowWithoutX, traceRows } from '../sweep/execute.js';
import { expandSweep, type RunSpec } from '../sweep/expand.js';
import type { Manifest, RunFile, ShardRecord } from '../sweep/results.js';
import { validateSweep } from '../sweep/schema.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from './atomic.js';
import { readShardRecords, shardsDir } from './shard-record.js';
import { sweepPaths } from './sweep-runner.js';

export interface MergeOptions {
  dirs: string[];
  /** Output folder (default: the first of `dirs`). */
  out?: string;
}

export interface MergeOutcome {
  out: string;
  manifest: Manifest;
  total: number;
  finished: number;
  /** Ids of the runs no folder holds, in sweep order. */
  missing: string[];
  /** Runs a shard recorded as failed (a subset of `missing`). */
  failed: Array<{ id: string; message: string }>;
  shards: ShardRecord[];
}

/** Files of the study that `optlab report` needs beside the sweep's (copied when merging into a new folder). */
const EXTRA_FILES = ['study.json', 'study-sweep.json'];

/** A deep copy without `seconds` fields: what must agree between two executions of one run. */
function withoutSeconds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSeconds);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'seconds') out[k] = withoutSeconds(x);
    return out;
  }
  return v;
}

/** Where a run was found and its fingerprint (SHA-256 of its content without seconds). */
interface Found {
  path: string;
  fingerprint: string;
}

/** Claims: one value per key, with where it was first seen; a second, different value is an error. */
class Claims {
  private readonly seen = new Map<string, { value: string; where: string }>();
  claim(key: string, value: string, where: string, what: string): void {
    const first = this.seen.get(key);
    if (first === undefined) this.seen.set(key, { value, where });
    else if (first.value !== value) {
      throw new OptlabError(
        `${where}: ${what} ${value.slice(0, 16)}…, but ${first.where} has ${first.value.slice(0, 16)}…: these are not the same sweep (a foreign shard or run)`,
      );
    }
  }
}

export function mergeResults(o: MergeOptions): MergeOutcome {
  if (o.dirs.length === 0) throw new OptlabError('merge needs at least one results folder');
  const dirs = o.dirs.map((d) => resolve(d));
  const out = resolve(o.out ?? o.dirs[0]);

  // 1. the same sweep everywhere
  let sweepJson: string | undefined;
  let sweepFrom = '';
  for (const d of dirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new OptlabError(`${d}: no such results folder`);
    const p = sweepPaths(d).sweep;
    if (!existsSync(p)) throw new OptlabError(`${d} holds no sweep.json: not a results folder of optlab sweep`);
    const text = readFileSync(p, 'utf8');
    if (sweepJson === undefined) {
      sweepJson = text;
      sweepFrom = p;
    } else if (text !== sweepJson) {
      throw new OptlabError(`${p} is not the sweep of ${sweepFrom}: merge folders of the same sweep only`);
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(sweepJson!);
  } catch (e) {
    throw new OptlabError(`${sweepFrom}: not JSON: ${(e as Error).message}`);
  }
  const runs = expandSweep(validateSweep(raw, sweepFrom));
  const byId = new Map<string, RunSpec>(runs.map((r) => [r.id, r]));
  const byFile = new Map<string, RunSpec>(runs.map((r) => [r.file, r]));

  const sha = new Claims();
  const records: Array<{ file: string; record: ShardRecord; copy: boolean }> = [];
  let sweepFile: string | null = null;
  const seenRecord = new Set<string>();
  for (const d of dirs) {
    for (const r of readShardRecords(d)) {
      sha.claim('sweep', r.record.sweepSha256, r.file, 'the sweep file has SHA-256');
      for (const ds of r.record.datasets)
        sha.claim(`data:${ds.name}`, ds.sha256, r.file, `dataset ${ds.name} has SHA-256`);
      const key = toJson(r.record, 0);
      if (!seenRecord.has(key)) {
        seenRecord.add(key);
        records.push({ ...r, copy: true });
      }
    }
    const mp = sweepPaths(d).manifest;
    if (existsSync(mp)) {
      const m = JSON.parse(readFileSync(mp, 'utf8')) as Manifest;
      if (m.sweepSha256) sha.claim('sweep', m.sweepSha256, mp, 'the sweep file has SHA-256');
      for (const ds of m.datasets ?? []) sha.claim(`data:${ds.name}`, ds.sha256, mp, `dataset ${ds.name} has SHA-256`);
      sweepFile ??= m.sweepFile;
      // a merged manifest carries the records of folders that may be gone since
      for (const rec of m.shards ?? []) {
        const key = toJson(rec, 0);
        if (!seenRecord.has(key)) {
          seenRecord.add(key);
          records.push({ file: mp, record: rec, copy: false });
        }
      }
    }
  }

  // 2. the run files
  const found = new Map<string, Found>();
  for (const d of dirs) {
    const runsDir = sweepPaths(d).runs;
    if (!existsSync(runsDir)) continue;
    for (const name of readdirSync(runsDir).sort()) {
      if (!name.endsWith('.json')) continue; // temporary files of writers in flight, or killed
      const path = join(runsDir, name);
      let file: RunFile;
      try {
        file = JSON.parse(readFileSync(path, 'utf8')) as RunFile;
      } catch (e) {
        throw new OptlabError(`${path} is not a run file: ${(e as Error).message}`);
      }
      const id = file?.run?.id;
      const spec = typeof id === 'string' ? byId.get(id) : undefined;
      if (spec === undefined || byFile.get(name) !== spec) {
        throw new OptlabError(
          `${path} is not a run of the sweep in ${sweepFrom}${typeof id === 'string' ? ` (id ${id})` : ''}: a foreign run; remove it or merge it with its own sweep`,
        );
      }
      for (const ds of [file.run.dataset, file.run.testDataset]) {
        if (ds !== undefined) sha.claim(`data:${ds.name}`, ds.sha256, path, `dataset ${ds.name} has SHA-256`);
      }
      const fingerprint = createHash('sha256')
        .update(JSON.stringify(withoutSeconds(file)))
        .digest('hex');
      const first = found.get(id);
      if (first === undefined) found.set(id, { path, fingerprint });
      else if (first.fingerprint !== fingerprint) {
        throw new OptlabError(
          `conflict: run ${id} differs between ${first.path} and ${path} (beyond its seconds); a run is deterministic, so one of them is not of this sweep or this optlab version: remove one`,
        );
      }
    }
  }

  // 3. write the merged folder
  const paths = sweepPaths(out);
  mkdirSync(paths.runs, { recursive: true });
  if (!existsSync(paths.sweep)) writeFileAtomic(paths.sweep, sweepJson!);
  for (const extra of EXTRA_FILES) {
    const src = dirs.map((d) => join(d, extra)).find((p) => existsSync(p));
    if (src !== undefined && !existsSync(join(out, extra))) writeFileAtomic(join(out, extra), readFileSync(src));
  }
  for (const [id, f] of found) {
    const target = join(paths.runs, byId.get(id)!.file);
    if (resolve(f.path) !== target && !existsSync(target)) writeFileAtomic(target, readFileSync(f.path));
  }
  for (const r of records) {
    if (!r.copy) continue;
    const target = join(shardsDir(out), basename(r.file));
    if (resolve(r.file) !== target && !existsSync(target)) {
      mkdirSync(shardsDir(out), { recursive: true });
      copyFileSync(r.file, target);
    }
  }

  const runLines: string[] = [];
  const traceLines: string[] = [];
  const missing: string[] = [];
  const datasets = new Map<string, Manifest['datasets'][number]>();
  for (const spec of runs) {
    const f = found.get(spec.id);
    if (f === undefined) {
      missing.push(spec.id);
      continue;
    }
    const file = JSON.parse(readFileSync(f.path, 'utf8')) as RunFile;
    runLines.push(toJson(runRowWithoutX(file.run), 0));
    for (const row of traceRows(file)) traceLines.push(toJson(row, 0));
    for (const ds of [file.run.dataset, file.run.testDataset]) {
      if (ds !== undefined && !datasets.has(ds.name))
        datasets.set(ds.name, { name: ds.name, sha256: ds.sha256, rows: ds.rows, features: ds.features });
    }
  }
  const lines = (l: string[]) => (l.length === 0 ? '' : `${l.join('\n')}\n`);
  writeFileAtomic(paths.runsJsonl, lines(runLines));
  writeFileAtomic(paths.traceJsonl, lines(traceLines));

  const shards = records
    .map((r) => r.record)
    .sort(
      (a, b) => a.shard.index - b.shard.index || (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0),
    );
  const missingSet = new Set(missing);
  const failed = new Map<string, string>();
  for (const s of shards) for (const f of s.runs.failed) if (missingSet.has(f.id)) failed.set(f.id, f.message);
  const starts = shards.map((s) => s.startedAt).sort();
  const ends = shards
    .map((s) => s.endedAt)
    .filter((e): e is string => e !== null)
    .sort();
  const firstSha = shards[0]?.sweepSha256 ?? null;
  let previous: Manifest | undefined;
  if (existsSync(paths.manifest)) previous = JSON.parse(readFileSync(paths.manifest, 'utf8')) as Manifest;
  const manifest: Manifest = {
    optlab: VERSION,
    node: process.versions.node,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: cpus()[0]?.model?.trim() ?? 'unknown', cores: availableParallelism() },
    sweepFile: sweepFile ?? previous?.sweepFile ?? null,
    sweepSha256: firstSha ?? previous?.sweepSha256 ?? null,
    datasets: [...datasets.values()],
    startedAt: starts[0] ?? previous?.startedAt ?? new Date().toISOString(),
    endedAt: ends[ends.length - 1] ?? previous?.endedAt ?? null,
    runs: { total: runs.length, finished: runs.length - missing.length, failed: failed.size, resumed: 0 },
    jobs: Math.max(1, ...shards.map((s) => s.jobs), previous?.jobs ?? 1),
    status: missing.length === 0 ? 'complete' : 'incomplete',
    merged: { from: dirs, at: new Date().toISOString(), missing },
    shards,
  };
  writeFileAtomic(paths.manifest, `${toJson(manifest)}\n`);
  return {
    out,
    manifest,
    total: runs.length,
    finished: runs.length - missing.length,
    missing,
    failed: [...failed].map(([id, message]) => ({ id, message })),
    shards,
  };
}
