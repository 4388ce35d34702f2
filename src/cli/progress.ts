import cliProgress from 'cli-progress';

/**
 * A progress reporter on stderr: a bar on a terminal, plain lines otherwise (a bar off a TTY prints garbage),
 * silent when `quiet`.
 */
export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

export function progress(title: string, opts: { quiet?: boolean; unit?: string } = {}): Progress {
  if (opts.quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${title} [{bar}] {percentage}% {value}/{total} ${opts.unit ?? ''} {label}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label = '') {
        if (!started) {
          bar.start(total, done, { label });
          started = true;
        } else bar.update(done, { label });
        bar.setTotal(total);
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
          `${title}: ${pct}% (${done}/${total}${opts.unit ? ` ${opts.unit}` : ''})${label ? ` ${label}` : ''}\n`,
        );
      }
    },
    stop() {},
  };
}
