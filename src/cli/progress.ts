import cliProgress from 'cli-progress';
import type { SweepEvent } from '../node/sweep-runner.js';
import type { RunProgress } from '../sweep/execute.js';
import type { RunSpec } from '../sweep/expand.js';
import { formatNumber } from './output.js';

/**
 * Progress on stderr, one style for run, sweep, study and report (stdout carries only results): cli-progress
 * bars on a terminal (a multi-bar for a sweep: the sweep's bar and one per run in flight), plain lines
 * otherwise (a bar off a TTY prints garbage), nothing when quiet. Every display shows the elapsed time, the
 * ETA and the rate.
 */
export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

/** `12.3 s`, `4 min 05 s`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${String(Math.round(seconds - 60 * m)).padStart(2, '0')} s`;
}

/** Elapsed, ETA (linear in work done) and rate, as one phrase. */
export function timing(done: number, total: number, startMs: number, unit: string): string {
  const elapsed = (performance.now() - startMs) / 1000;
  const rate = elapsed > 0 ? done / elapsed : 0;
  const eta = done > 0 && total >= done ? (elapsed * (total - done)) / done : Number.NaN;
  return `elapsed ${duration(elapsed)}, ETA ${done >= total ? '0 s' : duration(eta)}, ${formatNumber(Number(rate.toPrecision(3)))} ${unit}/s`;
}

/**
 * The bar's options. cli-progress cuts every line at the terminal's width, so the bar shrinks (24 to 8
 * characters) to leave `reserved` characters for the text around it: the elapsed time, ETA and rate at the end
 * of the line stay in view on an 80-column terminal.
 */
const barOptions = (format: string, reserved: number): cliProgress.Options => ({
  format,
  stream: process.stderr,
  hideCursor: true,
  clearOnComplete: true,
  barsize: Math.max(8, Math.min(24, (process.stderr.columns || 80) - reserved - 1)),
  fps: 10,
  etaBuffer: 20,
});

export function progress(title: string, opts: { quiet?: boolean; unit?: string } = {}): Progress {
  if (opts.quiet) return { update() {}, stop() {} };
  const unit = opts.unit ?? 'steps';
  // the clock starts with the work (the caller makes the display just before it), not at the first update
  const start = performance.now();
  if (process.stderr.isTTY) {
    // `T [bar] 100% 12345/12345 U | elapsed 4 min 05 s, ETA 4 min 05 s, 12345 U/s` around the bar
    const bar = new cliProgress.SingleBar(
      barOptions(
        `${title} [{bar}] {percentage}% {value}/{total} ${unit} | {timing} {label}`,
        title.length + 2 * unit.length + 64,
      ),
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label = '') {
        const payload = { label, timing: timing(done, total, start, unit) };
        if (!started) {
          started = true;
          bar.start(total, done, payload);
        }
        bar.setTotal(total);
        bar.update(done, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastPct = -1;
  return {
    update(done, total, label = '') {
      const pct = total > 0 ? Math.floor((100 * done) / total / 10) * 10 : 0;
      if (pct !== lastPct) {
        lastPct = pct;
        process.stderr.write(
          `${title}: ${pct}% (${done}/${total} ${unit}; ${timing(done, total, start, unit)})${label ? ` ${label}` : ''}\n`,
        );
      }
    },
    stop() {},
  };
}

// ---------------------------------------------------------------------------------------------------------
// sweeps and studies

export interface Display {
  event(e: SweepEvent): void;
  /** A line above the bars (a stage, a warning). */
  log(line: string): void;
  /** A stage of a study: `study: <stage> (elapsed ...)`. */
  stage(message: string): void;
  stop(): void;
}

/** The sweep progress display: a multi-bar on a terminal, plain lines otherwise, nothing when quiet. */
export function createDisplay(quiet = false): Display {
  return quiet ? silent : process.stderr.isTTY ? new TtyDisplay() : new PlainDisplay();
}

const silent: Display = { event() {}, log() {}, stage() {}, stop() {} };

const runTotal = (run: RunSpec) => run.budgets.maxIter ?? run.budgets.epochs ?? 0;
const runDone = (run: RunSpec, p: RunProgress) => (run.budgets.maxIter !== undefined ? p.iter : p.epoch);

/** Off a terminal: one plain line per finished, failed or abandoned run, with elapsed, ETA and runs/s. */
class PlainDisplay implements Display {
  private readonly t0 = performance.now();
  private sweepStart = 0;
  private resumed = 0;
  event(e: SweepEvent): void {
    if (e.type === 'expanded') {
      this.log(`sweep: ${e.total} runs; loading the data`);
    } else if (e.type === 'begin') {
      this.sweepStart = performance.now();
      this.resumed = e.resumed;
      const resumed = e.resumed > 0 ? ` (${e.resumed} already finished)` : '';
      this.log(`sweep: ${e.total} runs${resumed}, ${e.pending} to run on ${e.lanes} thread(s), results in ${e.out}`);
    } else if (e.type === 'done' || e.type === 'failed') {
      const t = timing(e.done - this.resumed, e.total - this.resumed, this.sweepStart, 'runs');
      const what =
        e.type === 'done'
          ? `done ${e.run.id} (${duration(e.row.result.seconds)}, ${e.row.result.stopReason})`
          : `failed ${e.run.id}: ${e.message.split('\n')[0]}`;
      this.log(`[${e.done}/${e.total}] ${what}; ${t}`);
    } else if (e.type === 'abandoned') {
      this.log(`interrupted ${e.run.id} (not kept)`);
    }
  }
  log(line: string): void {
    process.stderr.write(`${line}\n`);
  }
  stage(message: string): void {
    this.log(`study: ${message} (elapsed ${duration((performance.now() - this.t0) / 1000)})`);
  }
  stop(): void {}
}

/** On a terminal: the sweep's bar (runs done, elapsed, ETA, runs/s) and one bar per run in flight. */
class TtyDisplay implements Display {
  private readonly t0 = performance.now();
  // the sweep's line: `sweep [bar] 1234/1234 runs | elapsed 4 min 05 s, ETA 4 min 05 s, 12.3 runs/s`
  private readonly multi = new cliProgress.MultiBar(
    barOptions('{name} [{bar}] {value}/{total} {unit} | {info}', 72),
    cliProgress.Presets.shades_classic,
  );
  /** Bars are on screen: lines go above them (cli-progress draws them at its next frame). */
  private drawing = false;
  private main: cliProgress.SingleBar | null = null;
  private sweepStart = 0;
  private resumed = 0;
  private total = 0;
  private failed = 0;
  private readonly bars = new Map<string, cliProgress.SingleBar>();

  event(e: SweepEvent): void {
    switch (e.type) {
      case 'expanded':
        this.log(`sweep: ${e.total} runs; loading the data`);
        return;
      case 'begin':
        this.sweepStart = performance.now();
        this.resumed = e.resumed;
        this.total = e.total;
        this.log(
          `sweep: ${e.total} runs${e.resumed > 0 ? ` (${e.resumed} already finished)` : ''}, ${e.pending} to run on ${e.lanes} thread(s), results in ${e.out}`,
        );
        this.main = this.multi.create(e.total, e.resumed, { name: 'sweep', unit: 'runs', info: '' });
        this.drawing = true;
        return;
      case 'start': {
        const b = this.multi.create(Math.max(1, runTotal(e.run)), 0, {
          name: `  ${e.run.id}`,
          unit: e.run.budgets.maxIter !== undefined ? 'iter' : 'epochs',
          info: '',
        });
        this.bars.set(e.run.id, b);
        return;
      }
      case 'progress': {
        const b = this.bars.get(e.run.id);
        b?.update(Math.min(runDone(e.run, e.progress), runTotal(e.run)), {
          info: `f=${formatNumber(e.progress.value)}`,
        });
        return;
      }
      case 'done':
      case 'failed':
      case 'abandoned': {
        const b = this.bars.get(e.run.id);
        if (b) this.multi.remove(b);
        this.bars.delete(e.run.id);
        if (e.type === 'abandoned') {
          this.log(`interrupted ${e.run.id} (not kept)`);
          return;
        }
        if (e.type === 'failed') {
          this.failed++;
          this.log(`[${e.done}/${e.total}] failed ${e.run.id}: ${e.message.split('\n')[0]}`);
        }
        const t = timing(e.done - this.resumed, this.total - this.resumed, this.sweepStart, 'runs');
        this.main?.update(e.done, { info: `${t}${this.failed > 0 ? `, ${this.failed} failed` : ''}` });
        return;
      }
    }
  }

  log(line: string): void {
    // before the bars (the study's checks) and after them, at once: cli-progress would hold the line until
    // its next frame, which never comes once the bars are gone
    if (this.drawing) this.multi.log(`${line}\n`);
    else process.stderr.write(`${line}\n`);
  }

  stage(message: string): void {
    this.log(`study: ${message} (elapsed ${duration((performance.now() - this.t0) / 1000)})`);
  }

  stop(): void {
    if (!this.drawing) return;
    this.drawing = false;
    // a last frame: the lines logged since the previous one (the last run's failure), the final counts
    this.multi.update();
    this.multi.stop();
  }
}
