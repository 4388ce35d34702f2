import type { Command } from 'commander';
import { OptlabError } from '../../errors.js';
import { DEFAULT_PORT, findDatasets, startServer } from '../../node/serve.js';
import { nonNegativeInt } from '../parse.js';

interface ServeFlags {
  port: number;
  host: string;
  dataDir?: string;
  allowHost?: string[];
}

export function register(program: Command): void {
  program
    .command('serve')

    .option('--port <p>', `port (0 picks a free one)`, nonNegativeInt, DEFAULT_PORT)
    .option('--host <address>', 'interface to listen on (0.0.0.0 to reach it from a phone on the network)', '127.0.0.1')
    .option('--data-dir <dir>', 'folder searched for registry datasets (a9a, a9a.t) before $OPTLAB_DATA and the cache')
    .option('--allow-host <name...>', 'host names accepted besides localhost, 127.0.0.1, [::1] and --host')
    .action(async (o: ServeFlags) => {
      if (o.port > 65535) throw new OptlabError(`--port must be at most 65535, got ${o.port}`);
      const serving = await startServer({ port: o.port, host: o.host, dataDir: o.dataDir, allowedHosts: o.allowHost });
      const data = findDatasets(o.dataDir);
      process.stdout.write(`optlab playground: ${serving.url}\n`);
      process.stdout.write(
        data.length > 0
          ? `datasets: ${data.map((d) => `${d.name} (${d.path})`).join(', ')}\n`
          : 'datasets: none found (run optlab fetch a9a a9a.t, set OPTLAB_DATA or pass --data-dir); files can still be opened in the page\n',
      );
      process.stdout.write('press Ctrl-C to stop\n');
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          serving.close().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
