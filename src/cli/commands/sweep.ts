import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { OptlabError } from '../../errors.js';
import { runSweep } from '../../node/api.js';
import {
  addShardOptions,
  addSlurmOptions,
  type ClusterFlags,
  checkSlurmFlags,
  describeShard,
  resolveShard,
  runSlurm,
} from '../cluster-options.js';
import { formatNumber } from '../output.js';
import { positiveInt } from '../parse.js';
import { createDisplay } from '../progress.js';

interface SweepFlags extends ClusterFlags {
  out?: string;
  jobs?: number;
  resume?: boolean;
  force?: boolean;
  maxRuns?: number;
  quiet?: boolean;
}

/** The default results folder: results/<file name without extension>. */
export function defaultOut(file: string): string {
  return join('results', basename(file, extname(file)).replace(/[^A-Za-z0-9._-]/g, '_'));
}

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .argument('<file>', 'sweep file (.yaml, .yml or .json)')
    .option('--out <dir>', 'results folder (default: results/<file name>)')
    .option('--jobs <n>', 'runs in parallel (default: the number of cores)', positiveInt)
    .option('--resume', 'skip the runs already finished in --out (after Ctrl-C or a crash)')
    .option('--force', 'write into a non-empty --out folder that optlab did not create')
    .option('--max-runs <n>', 'cap on the number of runs (default 100000)', positiveInt)
    .option('--quiet', 'no progress display');
  addSlurmOptions(addShardOptions(cmd)).action(async (file: string, o: SweepFlags) => {
    const out = o.out ?? defaultOut(file);
    checkSlurmFlags(o);
    if (o.slurm) return runSlurm(o, file, out);
    const shard = resolveShard(o);
    const display = createDisplay(o.quiet);
    const ctl = new AbortController();
    let sigints = 0;
    const onSigint = () => {
      sigints++;
      if (sigints > 1) process.exit(130); // a second Ctrl-C: leave now (every file on disk is complete)
      display.log('optlab: interrupted: abandoning the runs in flight, keeping the finished ones');
      ctl.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint); // scancel, a SLURM time limit, a pod's deletion: keep what has finished
    const started = performance.now();
    let outcome: Awaited<ReturnType<typeof runSweep>>;
    try {
      outcome = await runSweep({
        file,
        out,
        jobs: o.jobs,
        resume: o.resume,
        force: o.force,
        maxRuns: o.maxRuns,
        ...(shard !== undefined ? { shard } : {}),
        signal: ctl.signal,
        onEvent: (e) => display.event(e),
        onWarning: (m) => display.log(`optlab: warning: ${m}`),
      });
    } catch (e) {
      // a sweep file's problems: one `optlab: FILE: path: rule` line each
      if (e instanceof OptlabError && e.message.includes('\n')) {
        display.stop();
        process.stderr.write(
          e.message
            .split('\n')
            .map((l) => `optlab: ${l}\n`)
            .join(''),
        );
        process.exitCode = e.exitCode;
        return;
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigint);
      display.stop();
    }
    const { manifest, status, failures } = outcome;
    const what = shard !== undefined ? `${describeShard(shard)}: ` : '';
    const r = manifest.runs;
    const secs = formatNumber(Number(((performance.now() - started) / 1000).toFixed(1)));
    const counts = `${r.finished} of ${r.total} runs finished (${r.resumed} resumed, ${r.failed} failed)`;
    if (status === 'interrupted') {
      process.stdout.write(`sweep interrupted after ${secs} s: ${what}${counts}; results in ${out}\n`);
      process.stdout.write(
        `continue with: optlab sweep ${file} --out ${out}${shard !== undefined ? ` --shard ${shard.index}/${shard.count}` : ''} --resume\n`,
      );
      process.exitCode = 130;
      return;
    }
    process.stdout.write(`sweep complete in ${secs} s: ${what}${counts}; results in ${out}\n`);
    if (shard !== undefined)
      process.stdout.write(`shard record: ${outcome.shardRecord}; when every shard is done: optlab merge ${out}\n`);
    if (failures.length > 0) {
      for (const f of failures) process.stderr.write(`optlab: run ${f.id} failed: ${f.message.split('\n')[0]}\n`);
      process.exitCode = 1;
    }
  });
}

export { createDisplay, type Display } from '../progress.js';
