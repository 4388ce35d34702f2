import { type Command, Option } from 'commander';
import { type ExportFormat, exportResults } from '../../node/export.js';

export function register(program: Command): void {
  program
    .command('export')
    .description(
      'write a results folder as two flat tables: runs (one row per run, parameters as columns) and traces (one row per point, with the problem on every row)',
    )
    .argument('<dir>', 'results folder (optlab sweep --out DIR, optlab study --out DIR)')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'parquet']).default('csv'))
    .option('--out <file>', 'the runs file (default DIR/runs.<ext>); the traces go beside it as <name>-trace.<ext>')
    .action(async (dir: string, o: { format: ExportFormat; out?: string }) => {
      const { files } = await exportResults(dir, { format: o.format, ...(o.out !== undefined ? { out: o.out } : {}) });
      for (const f of files) {
        process.stdout.write(`${f.table.padEnd(5)} ${f.path} (${f.rows} rows, ${f.columns} columns)\n`);
      }
    });
}
