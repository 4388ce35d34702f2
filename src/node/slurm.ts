/**
 * `optlab sweep FILE --out DIR --slurm` (and `optlab study --slurm`): runs a sweep on a SLURM cluster as a
 * job array of shards plus a merge job, using the cluster's own `sbatch`, `squeue` and `scontrol` (no
 * scheduler of ours). The scripts are in src/node/slurm-scripts.ts.
 *
 * 1. Checks the sweep file (errors appear now, not in the tasks' logs) and the results folder: a folder of
 *    another sweep is refused, a folder holding results needs `resume`.
 * 2. Chooses the shards to run: all N on a first submission; on a resubmission (`resume`), only the shards
 *    that still have missing runs, as the shard records in DIR/shards tell (same N), so a task that was
 *    cancelled or timed out runs again, and only its missing runs (each task skips finished runs).
 * 3. Writes DIR/slurm/sweep.sbatch and merge.sbatch, submits the array with `sbatch --parsable`, then the
 *    merge job with `--dependency=afterany:<array>`, and records both in DIR/slurm/submit-<array>.json.
 * 4. With `wait`: polls `squeue` until the merge job has ended, printing the runs finished as they land, then
 *    asks `scontrol show job` how every task and the merge job ended, and counts the missing runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptlabError } from '../errors.js';
import { toJson } from '../run/json.js';
import { expandSweep } from '../sweep/expand.js';
import type { ShardRecord } from '../sweep/results.js';
import { readSweep } from '../sweep/schema.js';
import { writeFileAtomic } from './atomic.js';
import { checkOutputFolder, claimOutputFolder } from './output-folder.js';
import { dataDir } from './paths.js';
import { readShardRecords } from './shard-record.js';
import { checkSbatchArgs, mergeScript, type ScriptOptions, shellQuote, sweepScript } from './slurm-scripts.js';
import { sweepPaths } from './sweep-runner.js';

export interface SlurmOptions {
  /** The sweep file (for a study: DIR/study-sweep.json). */
  file: string;
  out: string;
  /** Shards (array tasks); default: the previous submission's, else min(runs, 8). */
  tasks?: number;
  /** Runs in parallel in each task (= --cpus-per-task); default 1. */
  jobs?: number;
  /** At most this many tasks at once. */
  parallelism?: number;
  sbatch?: string[];
  /** Resubmit into a folder that holds results (only the missing runs run). */
  resume?: boolean;
  /** Write into a non-empty `out` that optlab did not create. */
  force?: boolean;
  wait?: boolean;
  /** Print the scripts and the commands, submit nothing. */
  dryRun?: boolean;
  /** Arguments of the report the merge job writes. */
  reportArgs?: string[];
  /** Whether the merge job reports a partial sweep (default true; false for the study). */
  reportPartial?: boolean;
  /** Job name (default optlab-<sweep file name>). */
  name?: string;
  /** How the nodes start optlab (default: this very installation, see `optlabCommand`). */
  command?: string[];
  env?: NodeJS.ProcessEnv;
  /** Lines for the user (stdout). */
  log: (line: string) => void;
  /** Milliseconds between polls with `wait` (default 2000, or OPTLAB_SLURM_POLL_MS). */
  pollMs?: number;
}

export interface SlurmOutcome {
  submitted: boolean;
  arrayJob?: string;
  mergeJob?: string;
  shards: number[];
  count: number;
  /** With `wait`: how it ended. */
  result?: {
    ok: boolean;
    mergeState: string;
    mergeExit: string;
    failedTasks: Array<{ task: string; state: string; exit: string }>;
    finished: number;
    total: number;
    missing: number;
  };
}

/**
 * The command that starts this optlab on a node: OPTLAB_COMMAND (split on spaces) when set, else this Node
 * binary with this CLI's entry (dist/cli/main.js, or src/cli/main.ts through tsx when run from source).
 */
export function optlabCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.OPTLAB_COMMAND?.trim()) return env.OPTLAB_COMMAND.trim().split(/\s+/);
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return [process.execPath, '--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../cli/main.ts', here))];
  }
  return [process.execPath, fileURLToPath(new URL('../cli/main.js', here))];
}

/** Runs a SLURM client command; a missing command or a failure is a clear error. */
function slurmCmd(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new OptlabError(
      code === 'ENOENT'
        ? `${cmd} not found: --slurm needs SLURM's commands (run on a login node of the cluster; for a test cluster on this machine: bash scripts/slurm/start.sh)`
        : `${cmd} failed: ${r.error.message}`,
    );
  }
  if (r.status !== 0) {
    throw new OptlabError(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

/** `scontrol show job -o ID` (one line per job or array task), or nothing when the job is unknown. */
function scontrolLines(id: string, env: NodeJS.ProcessEnv): string[] {
  const r = spawnSync('scontrol', ['show', 'job', '-o', id], { encoding: 'utf8', env, timeout: 60_000 });
  return r.status === 0 ? r.stdout.split('\n') : [];
}

/** The job ids among `records`' SLURM jobs that are still queued or running (`squeue --me`). */
function liveJobs(records: ShardRecord[], env: NodeJS.ProcessEnv): Set<string> {
  if (!records.some((r) => r.status === 'running' && r.slurm !== undefined)) return new Set();
  const q = slurmCmd('squeue', ['-h', '--me', '-o', '%A'], env);
  return new Set(
    q
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

/** Run files present in DIR/runs, by name. */
function runFilesIn(out: string): Set<string> {
  const dir = sweepPaths(out).runs;
  return new Set(existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []);
}

export async function submitSlurm(o: SlurmOptions): Promise<SlurmOutcome> {
  const env = o.env ?? process.env;
  const file = resolve(o.file);
  const out = resolve(o.out);
  const jobs = o.jobs ?? 1;
  const sbatch = o.sbatch ?? [];
  checkSbatchArgs(sbatch);
  if (o.parallelism !== undefined && (!Number.isInteger(o.parallelism) || o.parallelism < 1))
    throw new OptlabError(`--array-parallelism must be a positive integer, got ${o.parallelism}`);

  // 1. the sweep and the folder
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new OptlabError(
      `cannot read ${o.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const spec = readSweep(text, o.file);
  const runs = expandSweep(spec);
  const paths = sweepPaths(out);
  // a foreign non-empty folder is refused before anything is written (the tasks then run with --resume)
  checkOutputFolder(out, { resume: o.resume, force: o.force, kind: 'sweep' });
  if (existsSync(paths.sweep) && readFileSync(paths.sweep, 'utf8') !== `${toJson(spec)}\n`) {
    throw new OptlabError(`${paths.sweep} is not the sweep in ${o.file} (after validation); choose another --out`);
  }
  const present = runFilesIn(out);
  const records = readShardRecords(out);
  if (!o.resume && (present.size > 0 || records.length > 0)) {
    throw new OptlabError(
      `${o.out} already holds results of this sweep; pass --resume to submit only what is missing, or choose another --out`,
    );
  }
  const finished = new Set(runs.filter((r) => present.has(r.file)).map((r) => r.id));

  // 2. the shards to run
  const latest = records.reduce<ShardRecord | undefined>(
    (a, { record }) => (a === undefined || record.startedAt > a.startedAt ? record : a),
    undefined,
  );
  const previous = latest?.shard.count;
  let count = o.tasks ?? previous ?? Math.min(runs.length, 8);
  if (count > runs.length) {
    o.log(`note: ${count} tasks for ${runs.length} runs; submitting ${runs.length} (one run each)`);
    count = runs.length;
  }
  let shards = Array.from({ length: count }, (_, k) => k);
  // a shard whose task is still queued or running is not submitted twice (two processes would run its runs)
  const live = liveJobs(
    records.map((r) => r.record),
    env,
  );
  if (live.size > 0) {
    const busy = new Map<number, string>();
    for (const { record } of records) {
      const id = record.slurm?.jobId;
      if (record.status === 'running' && id !== undefined && live.has(id) && record.shard.count === count)
        busy.set(record.shard.index, id);
    }
    for (const [k, id] of busy) o.log(`note: shard ${k}/${count} is still running as job ${id}; not submitted again`);
    shards = shards.filter((k) => !busy.has(k));
  }
  if (finished.size > 0) {
    const assigned = new Map<number, string[]>();
    for (const { record } of records)
      if (record.shard.count === count) assigned.set(record.shard.index, record.runs.assigned);
    shards = shards.filter((k) => {
      const ids = assigned.get(k);
      return ids === undefined || ids.some((id) => !finished.has(id));
    });
  }
  const missing = runs.length - finished.size;

  const name = (o.name ?? `optlab-${basename(file, extname(file))}`).replace(/[^A-Za-z0-9._-]/g, '_');
  const dd = dataDir(env);
  const so: ScriptOptions = {
    name,
    command: o.command ?? optlabCommand(env),
    file,
    out,
    cwd: process.cwd(),
    count,
    shards,
    jobs,
    ...(o.parallelism !== undefined ? { parallelism: o.parallelism } : {}),
    sbatch,
    reportArgs: o.reportArgs ?? [],
    ...(o.reportPartial !== undefined ? { reportPartial: o.reportPartial } : {}),
    ...(dd !== undefined ? { dataDir: dd } : {}),
  };
  const dir = resolve(out, 'slurm');
  const sweepSbatch = resolve(dir, 'sweep.sbatch');
  const mergeSbatch = resolve(dir, 'merge.sbatch');
  const scripts = { sweep: shards.length > 0 ? sweepScript(so) : null, merge: mergeScript(so) };

  if (o.dryRun) {
    if (scripts.sweep !== null) o.log(`# ${sweepSbatch}\n${scripts.sweep}`);
    o.log(`# ${mergeSbatch}\n${scripts.merge}`);
    o.log(`# ${missing} of ${runs.length} runs to run, in ${shards.length} of ${count} shards; would submit:`);
    if (scripts.sweep !== null) o.log(`sbatch --parsable ${shellQuote(sweepSbatch)}`);
    o.log(
      `sbatch --parsable${scripts.sweep !== null ? ' --dependency=afterany:<array job>' : ''} ${shellQuote(mergeSbatch)}`,
    );
    return { submitted: false, shards, count };
  }

  // 3. write and submit (sbatch is checked first, so that nothing is written without it)
  slurmCmd('sbatch', ['--version'], env);
  claimOutputFolder(out, 'sweep');
  mkdirSync(resolve(dir, 'logs'), { recursive: true });
  let arrayJob: string | undefined;
  if (scripts.sweep !== null) {
    writeFileAtomic(sweepSbatch, scripts.sweep);
    arrayJob = slurmCmd('sbatch', ['--parsable', sweepSbatch], env).trim().split(';')[0];
  }
  writeFileAtomic(mergeSbatch, scripts.merge);
  const mergeJob = slurmCmd(
    'sbatch',
    ['--parsable', ...(arrayJob !== undefined ? [`--dependency=afterany:${arrayJob}`] : []), mergeSbatch],
    env,
  )
    .trim()
    .split(';')[0];
  writeFileAtomic(
    resolve(dir, `submit-${arrayJob ?? mergeJob}.json`),
    `${toJson({ at: new Date().toISOString(), arrayJob: arrayJob ?? null, mergeJob, count, shards, jobs, sweep: file, missingAtSubmission: missing })}\n`,
  );
  const what =
    arrayJob !== undefined
      ? `job array ${arrayJob} (${shards.length === count ? `${count} tasks, shards 0-${count - 1}` : `${shards.length} of ${count} shards: ${shards.join(',')}`}${o.parallelism !== undefined ? `, at most ${o.parallelism} at once` : ''}, ${jobs} CPU(s) each) and merge job ${mergeJob} (after the array)`
      : `merge job ${mergeJob} (every run is finished)`;
  o.log(`submitted ${what}: ${missing} of ${runs.length} runs to run`);
  o.log(
    `follow: squeue -j ${[arrayJob, mergeJob].filter(Boolean).join(',')}    logs: ${dir}/logs/    cancel: scancel ${[arrayJob, mergeJob].filter(Boolean).join(' ')}`,
  );
  o.log(`results: ${out} (merged, with report.html, when job ${mergeJob} ends)`);
  const outcome: SlurmOutcome = { submitted: true, arrayJob, mergeJob, shards, count };
  if (!o.wait) return outcome;

  // 4. wait
  const pollMs = o.pollMs ?? (Number(env.OPTLAB_SLURM_POLL_MS) || 2000);
  const files = new Set(runs.map((r) => r.file));
  const countFinished = () => [...runFilesIn(out)].filter((f) => files.has(f)).length;
  let last = -1;
  let lastTasks = '';
  for (;;) {
    const q = slurmCmd('squeue', ['-h', '-j', [arrayJob, mergeJob].filter(Boolean).join(','), '-o', '%i %T'], env);
    const lines = q.split('\n').filter((l) => l.trim() !== '');
    const done = countFinished();
    const states = new Map<string, number>();
    for (const l of lines) {
      const [id, state] = l.trim().split(/\s+/);
      if (id !== mergeJob) states.set(state, (states.get(state) ?? 0) + 1);
    }
    const tasks = [...states].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ');
    if (done !== last || tasks !== lastTasks) {
      o.log(`[${done}/${runs.length}] runs finished${tasks ? `; tasks: ${tasks}` : ''}`);
      last = done;
      lastTasks = tasks;
    }
    if (!lines.some((l) => l.trim().split(/\s+/)[0] === mergeJob)) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  // a job the controller has already forgotten (after MinJobAge) reads as no lines: then the files decide
  const show = (id: string) =>
    scontrolLines(id, env)
      .filter((l) => l.trim() !== '')
      .map((l) =>
        Object.fromEntries(
          l
            .trim()
            .split(/\s+/)
            .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
        ),
      );
  const merge = show(mergeJob)[0] ?? {};
  const failedTasks: Array<{ task: string; state: string; exit: string }> = [];
  if (arrayJob !== undefined) {
    for (const t of show(arrayJob)) {
      if (t.JobState !== 'COMPLETED')
        failedTasks.push({ task: `${arrayJob}_${t.ArrayTaskId}`, state: t.JobState, exit: t.ExitCode });
    }
  }
  const fin = countFinished();
  const ok = merge.JobState === 'COMPLETED' && failedTasks.length === 0 && fin === runs.length;
  outcome.result = {
    ok,
    mergeState: merge.JobState ?? 'unknown',
    mergeExit: merge.ExitCode ?? 'unknown',
    failedTasks,
    finished: fin,
    total: runs.length,
    missing: runs.length - fin,
  };
  return outcome;
}
