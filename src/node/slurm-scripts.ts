/**
 * The two batch scripts `optlab sweep|study --slurm` submits (plain text, written to DIR/slurm/):
 *
 * - sweep.sbatch: a job array, one task per shard to run (`#SBATCH --array=0-7%P`, P the array parallelism),
 *   each running `optlab sweep FILE --out DIR --shard $SLURM_ARRAY_TASK_ID/N --jobs J --resume` with
 *   `--cpus-per-task=J`; `--resume` because every task shares DIR and a task started again (a second
 *   submission, a requeue) must run only what is missing;
 * - merge.sbatch: submitted with `--dependency=afterany:<array job>`, so it runs once every task has ended
 *   (finished, failed, cancelled or timed out): `optlab merge DIR`, then `optlab report DIR`; it exits
 *   non-zero while runs are missing.
 *
 * Paths are absolute (the tasks may start in another folder on another node); OPTLAB_DATA, when set, is
 * written into the scripts as an absolute path so the nodes read the datasets from the shared filesystem even
 * under `--export=NONE`.
 */
import { resolve } from 'node:path';
import { OptlabError } from '../errors.js';

export interface ScriptOptions {
  /** The job name (letters, digits, `._-`). */
  name: string;
  /** How to start optlab on a node (absolute paths), e.g. [node, /path/dist/cli/main.js]. */
  command: string[];
  /** Absolute sweep file, results folder and working directory. */
  file: string;
  out: string;
  cwd: string;
  /** Shards in all (N), and those this array runs. */
  count: number;
  shards: number[];
  /** Runs in parallel inside a task (= --cpus-per-task). */
  jobs: number;
  /** At most this many tasks at once (`%P`). */
  parallelism?: number;
  /** Extra `#SBATCH` arguments for both scripts, e.g. `--partition=short`. */
  sbatch: string[];
  /** Arguments of `optlab report` (e.g. `--no-png`). */
  reportArgs: string[];
  /** Write the report of a partial sweep too (a sweep's report shows what finished; a study's needs every run). */
  reportPartial?: boolean;
  /** OPTLAB_DATA, made absolute. */
  dataDir?: string;
}

/** Quotes a word for bash (single quotes unless it only holds safe characters). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `0-7`, `1,3,5-6`: task ids as SLURM's --array wants them (sorted, runs collapsed). */
export function arraySpec(ids: number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Checks the user's `--sbatch` arguments: one option each, no newline (each becomes an `#SBATCH` line). */
export function checkSbatchArgs(args: string[]): void {
  for (const a of args) {
    if (!a.startsWith('-') || /[\n\r]/.test(a)) {
      throw new OptlabError(
        `--sbatch takes one sbatch option at a time, such as --sbatch=--partition=short, got '${a}'`,
      );
    }
    if (/^--?(a|array|d|dependency|o|output|e|error|J|job-name|c|cpus-per-task|D|chdir)(=|$)/.test(a)) {
      throw new OptlabError(`--sbatch ${a}: optlab sets this option itself (see --tasks, --jobs, --array-parallelism)`);
    }
  }
}

function header(o: ScriptOptions, lines: string[]): string[] {
  return [
    '#!/bin/bash',
    ...lines.map((l) => `#SBATCH ${l}`),
    `#SBATCH --chdir=${shellQuote(o.cwd)}`,
    ...o.sbatch.map((a) => `#SBATCH ${a}`),
    '# written by optlab; submit again with the same optlab command (--resume) to run only the missing runs',
    'set -u',
    ...(o.dataDir !== undefined ? [`export OPTLAB_DATA=${shellQuote(resolve(o.dataDir))}`] : []),
    `OPTLAB=(${o.command.map(shellQuote).join(' ')})`,
  ];
}

/** DIR/slurm/sweep.sbatch */
export function sweepScript(o: ScriptOptions): string {
  if (o.shards.length === 0) throw new OptlabError('no shard to submit');
  const throttle = o.parallelism !== undefined ? `%${o.parallelism}` : '';
  const lines = header(o, [
    `--job-name=${o.name}`,
    `--array=${arraySpec(o.shards)}${throttle}`,
    `--cpus-per-task=${o.jobs}`,
    `--output=${shellQuote(`${o.out}/slurm/logs/task-%A_%a.out`)}`,
  ]);
  lines.push(
    `# shard $SLURM_ARRAY_TASK_ID of ${o.count}: its runs, --jobs ${o.jobs} at a time, skipping those already finished`,
    `exec "\${OPTLAB[@]}" sweep ${shellQuote(o.file)} --out ${shellQuote(o.out)} --shard "\${SLURM_ARRAY_TASK_ID}/${o.count}" --jobs ${o.jobs} --resume`,
  );
  return `${lines.join('\n')}\n`;
}

/** DIR/slurm/merge.sbatch */
export function mergeScript(o: ScriptOptions): string {
  const lines = header(o, [
    `--job-name=${o.name}-merge`,
    '--cpus-per-task=1',
    `--output=${shellQuote(`${o.out}/slurm/logs/merge-%j.out`)}`,
  ]);
  const out = shellQuote(o.out);
  lines.push(
    `# after every task of the array has ended: merge the shards, then write the report${o.reportPartial === false ? ' (once every run is there)' : ' (of what finished, if runs are missing)'}`,
    `"\${OPTLAB[@]}" merge ${out}`,
    'status=$?',
    `if [ "$status" -le ${o.reportPartial === false ? 0 : 1} ]; then "\${OPTLAB[@]}" report ${[out, ...o.reportArgs.map(shellQuote)].join(' ')} || status=$?; fi`,
    'exit "$status"',
  );
  return `${lines.join('\n')}\n`;
}
