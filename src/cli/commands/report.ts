import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { reportFolder } from '../../node/api.js';
import { formatNumber } from '../output.js';
import { progress } from '../progress.js';

interface ReportFlags {
  png: boolean;
  title?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('report')

    .argument('<dir>', 'results folder')
    .option('--no-png', 'write only the SVG of each figure')
    .option('--title <text>', 'title of the report')
    .option('--quiet', 'no progress display')
    .action(async (dir: string, o: ReportFlags) => {
      const t0 = performance.now();
      const bar = progress('figures', { quiet: o.quiet, unit: 'figures' });
      const warned = new Set<string>();
      const writeOpts = {
        png: o.png,
        onProgress: (done: number, total: number, id: string) => bar.update(done, total, id),
        onWarn: (m: string) => {
          if (warned.has(m)) return;
          warned.add(m);
          process.stderr.write(`optlab: warning: chart: ${m}\n`);
        },
      };
      let nFigures: number;
      let nRuns: number;
      try {
        const r = await reportFolder(dir, { ...writeOpts, ...(o.title !== undefined ? { title: o.title } : {}) });
        nFigures = r.figures;
        nRuns = r.runs;
      } finally {
        bar.stop();
      }
      const html = join(dir, 'report.html');
      const mb = statSync(html).size / 1e6;
      const seconds = (performance.now() - t0) / 1000;
      process.stdout.write(
        `${html}\n${nFigures} figure${nFigures === 1 ? '' : 's'} (${o.png ? 'SVG and PNG' : 'SVG'}) in ${join(dir, 'figures')}, ` +
          `${nRuns} runs, report.html ${formatNumber(Number(mb.toFixed(2)))} MB, ${formatNumber(Number(seconds.toFixed(2)))} s\n`,
      );
    });
}
