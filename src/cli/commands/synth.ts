import { type Command, InvalidArgumentError, Option } from 'commander';
import { nnz } from '../../data/csr.js';
import { encodeCsrBinary } from '../../data/csr-binary.js';
import { libsvmChunks } from '../../data/libsvm-chunks.js';
import { synthesize } from '../../data/synth.js';
import { OptlabError } from '../../errors.js';
import { sealCsrChunks, writeChunksAtomic } from '../../node/csr-cache.js';
import { formatNumber, toJson } from '../output.js';
import { finiteNumber, nonNegative, positiveInt } from '../parse.js';
import { progress } from '../progress.js';

interface SynthCliOptions {
  rows: number;
  features: number;
  nnzPerRow: number;
  seed: number;
  out: string;
  format?: 'libsvm' | 'csr';
  values?: boolean;
  noise: number;
  json?: boolean;
  quiet?: boolean;
}

/** Outputs with at least this many non-zeros show progress. */
const PROGRESS_NNZ = 5_000_000;

function integer(value: string): number {
  const v = finiteNumber(value);
  if (!Number.isSafeInteger(v)) throw new InvalidArgumentError(`expected an integer, got '${value}'`);
  return v;
}

export function register(program: Command): void {
  program
    .command('synth')

    .requiredOption('--rows <n>', 'number of rows', positiveInt)
    .requiredOption('--features <d>', 'number of features (columns)', positiveInt)
    .requiredOption('--nnz-per-row <k>', 'non-zeros per row (distinct columns, k <= d)', positiveInt)
    .option('--seed <s>', 'seed of the generator', integer, 1)
    .requiredOption('--out <file>', 'output file (written atomically)')
    .addOption(
      new Option('--format <format>', 'output format (default: csr for a .csr file, else libsvm)').choices([
        'libsvm',
        'csr',
      ]),
    )
    .option('--values', 'values drawn from N(0,1) instead of binary 1s')
    .option(
      '--noise <sigma>',
      'standard deviation of the noise added to the margin before taking its sign',
      nonNegative,
      0,
    )
    .option('--json', 'print what was written as JSON')
    .option('--quiet', 'no progress display')
    .action((o: SynthCliOptions) => {
      const format = o.format ?? (o.out.toLowerCase().endsWith('.csr') ? 'csr' : 'libsvm');
      const binary = !o.values;
      const show = !o.quiet && !o.json && o.rows * o.nnzPerRow >= PROGRESS_NNZ;
      const t0 = performance.now();

      const genBar = progress('synth', { quiet: !show, unit: 'rows' });
      let data: ReturnType<typeof synthesize>;
      try {
        data = synthesize({
          rows: o.rows,
          features: o.features,
          nnzPerRow: o.nnzPerRow,
          seed: o.seed,
          binary,
          noise: o.noise,
          onProgress: (done, total) => genBar.update(done, total),
        });
      } finally {
        genBar.stop();
      }
      const t1 = performance.now();

      const writeBar = progress('write', { quiet: !show, unit: 'rows' });
      let bytes: number;
      try {
        const chunks =
          format === 'csr'
            ? sealCsrChunks(encodeCsrBinary(data.X, data.labels, { lines: o.rows }))
            : libsvmChunks(data.X, data.labels, {
                plusSign: true,
                onRows: (done, total) => writeBar.update(done, total),
              });
        bytes = writeChunksAtomic(o.out, chunks);
      } catch (e) {
        if (e instanceof OptlabError || typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
        throw new OptlabError(`cannot write ${o.out}: ${(e as Error).message}`);
      } finally {
        writeBar.stop();
      }
      const t2 = performance.now();

      const info = {
        file: o.out,
        format,
        rows: data.X.rows,
        features: data.X.cols,
        nnz: nnz(data.X),
        binary,
        seed: o.seed,
        noise: o.noise,
        bytes,
        seconds: (t2 - t0) / 1000,
        synthSeconds: (t1 - t0) / 1000,
        writeSeconds: (t2 - t1) / 1000,
      };
      if (o.json) {
        process.stdout.write(`${toJson(info)}\n`);
        return;
      }
      process.stdout.write(
        `wrote ${o.out} (${format}): ${info.rows} rows, ${info.features} features, ${info.nnz} non-zeros ` +
          `(${binary ? 'binary' : 'N(0,1) values'}), ${bytes} bytes in ${formatNumber(info.seconds)} s ` +
          `(generate ${formatNumber(info.synthSeconds)} s, write ${formatNumber(info.writeSeconds)} s)\n`,
      );
    });
}
