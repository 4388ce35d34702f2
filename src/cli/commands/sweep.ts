import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { OptlabError } from '../../errors.js';
import { runSweep, type SweepEvent } from '../../node/sweep-runner.js';
import type { RunProgress } from '../../sweep/execute.js';
import type { RunSpec } from '../../sweep/expand.js';
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

interface SweepFlags extends ClusterFlags {
  out?: string;
  jobs?: number;
  resume?: boolean;
  quiet?: boolean;
}

/** The default results folder: results/<file name without extension>. */
export function defaultOut(file: string): string {
  return join('results', basename(file, extname(file)).replace(/[^A-Za-z0-9._-]/g, '_'));
}

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .description(
      'run a sweep (datasets x objective x methods x parameter grids x seeds) from a YAML or JSON file; see docs/sweep-format.md',
    )
    .argument('<file>', 'sweep file (.yaml, .yml or .json)')
    .option('--out <dir>', 'results folder (default: results/<file name>)')
    .option('--jobs <n>', 'runs in parallel (default: the number of cores)', positiveInt)
    .option('--resume', 'skip the runs already finished in --out (after Ctrl-C or a crash)')
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

// ---------------------------------------------------------------------------------------------------------
// progress display on stderr

export interface Display {
  event(e: SweepEvent): void;
  log(line: string): void;
  stop(): void;
}

/** The sweep progress display: live on a terminal, plain lines otherwise, nothing when quiet. */
export function createDisplay(quiet = false): Display {
  return quiet ? silent : process.stderr.isTTY ? new TtyDisplay() : new PlainDisplay();
}

const silent: Display = { event() {}, log() {}, stop() {} };

const seconds = (s: number) => `${s.toFixed(1)} s`;

/** Off a terminal: one plain line per finished, failed or abandoned run. */
class PlainDisplay implements Display {
  event(e: SweepEvent): void {
    if (e.type === 'begin') {
      const resumed = e.resumed > 0 ? ` (${e.resumed} already finished)` : '';
      this.log(`sweep: ${e.total} runs${resumed}, ${e.pending} to run on ${e.lanes} thread(s), results in ${e.out}`);
    } else if (e.type === 'done') {
      const res = e.row.result;
      this.log(`[${e.done}/${e.total}] done ${e.run.id} (${seconds(res.seconds)}, ${res.stopReason})`);
    } else if (e.type === 'failed') {
      this.log(`[${e.done}/${e.total}] failed ${e.run.id}: ${e.message.split('\n')[0]}`);
    } else if (e.type === 'abandoned') {
      this.log(`interrupted ${e.run.id} (not kept)`);
    }
  }
  log(line: string): void {
    process.stderr.write(`${line}\n`);
  }
  stop(): void {}
}

/**
 * On a terminal: a live block at the bottom (a bar with runs done / total, then one line per run in flight
 * with its epoch and objective), redrawn in place; finished runs scroll above it as plain lines.
 */
class TtyDisplay implements Display {
  private drawn = 0;
  private total = 0;
  private done = 0;
  private failed = 0;
  private lastDraw = 0;
  private readonly running = new Map<string, { run: RunSpec; progress?: RunProgress }>();
  private readonly plain = new PlainDisplay();

  event(e: SweepEvent): void {
    switch (e.type) {
      case 'begin':
        this.total = e.total;
        this.done = e.resumed;
        this.log(
          `sweep: ${e.total} runs${e.resumed > 0 ? ` (${e.resumed} already finished)` : ''}, ${e.lanes} thread(s), results in ${e.out}`,
        );
        return;
      case 'start':
        this.running.set(e.run.id, { run: e.run });
        break;
      case 'progress': {
        const r = this.running.get(e.run.id);
        if (r) r.progress = e.progress;
        break;
      }
      case 'done':
      case 'failed':
      case 'abandoned':
        this.running.delete(e.run.id);
        if (e.type === 'done') this.done = e.done;
        if (e.type === 'failed') this.failed++;
        this.clear();
        this.plain.event(e);
        this.draw(true);
        return;
    }
    this.draw(false);
  }

  log(line: string): void {
    this.clear();
    process.stderr.write(`${line}\n`);
    this.draw(true);
  }

  stop(): void {
    this.clear();
  }

  private clear(): void {
    if (this.drawn > 0) process.stderr.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    if (this.total === 0) return;
    this.lastDraw = now;
    const width = Math.max(20, (process.stderr.columns || 80) - 1);
    const barWidth = 30;
    const filled = Math.round((barWidth * this.done) / this.total);
    const failed = this.failed > 0 ? `, ${this.failed} failed` : '';
    const lines = [
      `sweep [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${this.done}/${this.total} runs${failed}`,
    ];
    for (const { run, progress } of this.running.values()) {
      const where = progress
        ? `  ${run.budgets.maxIter !== undefined ? `iter ${progress.iter}` : `epoch ${progress.epoch}`}  f=${formatNumber(progress.value)}`
        : '';
      lines.push(`  ${run.id}${where}`);
    }
    const text = lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
    this.clear();
    process.stderr.write(`${text.join('\n')}\n`);
    this.drawn = text.length;
  }
}
