import type { Command } from 'commander';
import { DATASET_NAMES, isDatasetName } from '../../data/registry.js';
import { OptlabError } from '../../errors.js';
import { download, locate } from '../../node/fetch.js';
import { progress } from '../progress.js';

export function register(program: Command): void {
  program
    .command('fetch')

    .argument('<names...>', `dataset names (${DATASET_NAMES.join(', ')})`)
    .option('--force', 'download even if OPTLAB_DATA or the cache already has it')
    .action(async (names: string[], o: { force?: boolean }) => {
      for (const name of names) {
        if (!isDatasetName(name)) {
          throw new OptlabError(`unknown dataset '${name}' (known: ${DATASET_NAMES.join(', ')})`);
        }
        const found = locate(name);
        if (found && !o.force) {
          process.stdout.write(`${name}: already available at ${found.path} (${found.from})\n`);
          continue;
        }
        const bar = progress(`fetch ${name}`, { unit: 'bytes' });
        try {
          const path = await download(name, (d, t) => bar.update(d, t));
          bar.stop();
          process.stdout.write(`${name}: downloaded and verified, ${path}\n`);
        } finally {
          bar.stop();
        }
      }
    });
}
