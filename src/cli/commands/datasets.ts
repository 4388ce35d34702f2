import type { Command } from 'commander';
import { DATASET_NAMES, REGISTRY } from '../../data/registry.js';
import { locate } from '../../node/fetch.js';
import { cacheDir, dataDir } from '../../node/paths.js';
import { textTable, toJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('datasets')

    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const rows = DATASET_NAMES.map((name) => {
        const s = REGISTRY[name];
        const found = locate(name);
        return { ...s, location: found?.path ?? null, from: found?.from ?? null };
      });
      if (o.json) {
        process.stdout.write(`${toJson({ dataDir: dataDir() ?? null, cacheDir: cacheDir(), datasets: rows })}\n`);
        return;
      }
      process.stdout.write(
        `${textTable(
          ['name', 'rows', 'features', 'MB', 'where', 'description'],
          rows.map((r) => [
            r.name,
            r.rows,
            r.features,
            (r.bytes / 1e6).toFixed(1),
            r.location ?? '(not cached: optlab fetch ' + r.name + ')',
            r.description,
          ]),
        )}\n\nOPTLAB_DATA: ${dataDir() ?? '(not set)'}\ncache:       ${cacheDir()}\n`,
      );
    });
}
