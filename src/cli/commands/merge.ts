import type { Command } from 'commander';
import { mergeResults } from '../../node/merge.js';

interface MergeFlags {
  out?: string;
}

/** How many missing run ids to list before "and N more". */
const LIST = 20;

export function register(program: Command): void {
  program
    .command('merge')
    .description(
      'merge the finished runs of one sweep from one or several results folders (shards, SLURM array tasks, other machines) into runs.jsonl, trace.jsonl and manifest.json; exits 1 while runs are missing',
    )
    .argument('<dir...>', 'results folders of the same sweep')
    .option('--out <dir>', 'where to write the merged results (default: the first folder)')
    .action((dirs: string[], o: MergeFlags) => {
      const r = mergeResults({ dirs, ...(o.out !== undefined ? { out: o.out } : {}) });
      const hosts = new Set(r.shards.map((s) => s.host)).size;
      const shards = r.shards.length > 0 ? ` (${r.shards.length} shard record(s) from ${hosts} host(s))` : '';
      process.stdout.write(
        `merged ${r.finished} of ${r.total} runs from ${dirs.length} folder(s)${shards} into ${r.out}\n`,
      );
      if (r.missing.length === 0) return;
      const failed = new Map(r.failed.map((f) => [f.id, f.message]));
      process.stderr.write(`optlab: ${r.missing.length} run(s) missing:\n`);
      for (const id of r.missing.slice(0, LIST)) {
        const why = failed.get(id);
        process.stderr.write(`  ${id}${why !== undefined ? ` (failed: ${why})` : ''}\n`);
      }
      if (r.missing.length > LIST)
        process.stderr.write(`  ... and ${r.missing.length - LIST} more (manifest.json lists them all)\n`);
      process.stderr.write(
        'run them with: optlab sweep FILE --out DIR --resume (or the same --shard / --slurm command with --resume), then merge again\n',
      );
      process.exitCode = 1;
    });
}
