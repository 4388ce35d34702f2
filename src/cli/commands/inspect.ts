import type { Command } from 'commander';
import { dataStats } from '../../data/stats.js';
import { addDataOptions, type DataOptions, loadFromOptions } from '../data-options.js';
import { formatNumber, textTable, toJson } from '../output.js';

interface InspectOptions extends DataOptions {
  json?: boolean;
  corr?: string;
}

function list(cols: number[], count: number): string {
  if (count === 0) return 'none';
  return count > 30 ? `${cols.slice(0, 30).join(', ')}, ... (${count})` : cols.join(', ');
}

export function register(program: Command): void {
  const cmd = program.command('inspect');
  addDataOptions(cmd)
    .option('--json', 'print JSON')
    .option('--corr <file.svg|file.png>', 'write the Pearson feature correlation heatmap (SVG or PNG by extension)')
    .action(async (o: InspectOptions) => {
      const loaded = await loadFromOptions(o, o.json);
      const { dataset: ds, read } = loaded;
      const stats = dataStats(ds.X, read.labels.subarray(0, ds.X.rows));
      let corrFile: string | undefined;
      if (o.corr) corrFile = await writeCorrelation(ds.X, o.corr, ds.name);
      const info = {
        name: ds.name,
        path: loaded.path,
        from: loaded.from,
        sha256: ds.sha256,
        ...stats,
        labelMap: ds.labelMap,
        explicitZeros: read.explicitZeros,
        ...(corrFile ? { corrFile } : {}),
      };
      if (o.json) {
        process.stdout.write(`${toJson(info)}\n`);
        return;
      }
      const m = ds.labelMap;
      const out = [
        `${ds.name}  (${loaded.path}, from ${loaded.from})`,
        `sha256     ${ds.sha256}`,
        `rows       ${stats.rows}`,
        `features   ${stats.features}`,
        `non-zeros  ${stats.nnz}  (density ${formatNumber(stats.density)}${stats.binary ? ', binary: every value is 1' : ''})`,
        `per row    min ${stats.nnzPerRow.min}, mean ${formatNumber(stats.nnzPerRow.mean)}, max ${stats.nnzPerRow.max}; empty rows: ${stats.emptyRows}`,
        `all-zero columns  ${list(stats.zeroColumns, stats.zeroColumnCount)}`,
        `constant columns  ${list(stats.constantColumns, stats.constantColumnCount)}`,
        read.explicitZeros > 0 ? `explicit zeros     ${read.explicitZeros} (not stored)` : '',
        '',
        textTable(
          ['label', 'count', 'fraction', 'encoded as'],
          stats.labels.map((l) => [
            l.value,
            l.count,
            l.fraction,
            l.value === m.positive ? '1 (positive)' : m.encoding === '01' ? '0' : '-1',
          ]),
        ),
        corrFile ? `\ncorrelation heatmap written to ${corrFile}` : '',
      ];
      process.stdout.write(`${out.filter((l) => l !== '').join('\n')}\n`);
    });
}

async function writeCorrelation(X: import('../../data/csr.js').Csr, file: string, name: string): Promise<string> {
  const { correlationMatrix } = await import('../../data/correlation.js');
  const { correlationHeatmapSpec } = await import('../../report/charts/heatmap.js');
  const { writeChart } = await import('../../node/png.js');
  const corr = correlationMatrix(X);
  await writeChart(correlationHeatmapSpec(corr, { title: `Feature correlation (Pearson), ${name}` }), file);
  return file;
}
