import type { Command } from 'commander';
import { importRun } from '../../node/import.js';
import { nonNegative, nonNegativeInt } from '../parse.js';

interface ImportFlags {
  method: string;
  label?: string;
  tool?: string;
  seed?: number;
  lambda?: number;
  dataset?: string;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('import')
    .description(
      "add a run of another tool (CSV or JSON Lines: iteration, value, and any of grad_norm, seconds, passes, nfev) to a results folder; it is drawn beside optlab's runs, marked external",
    )
    .argument('<dir>', 'results folder (optlab sweep --out DIR, optlab study --out DIR)')
    .argument('<file>', 'the external trace: one row per iteration')
    .requiredOption('--method <name>', 'name of the external method, e.g. scipy-lbfgsb')
    .option('--label <text>', 'run label (default: the method); " (external)" is appended')
    .option('--tool <name>', 'the tool that produced it (default: the method)')
    .option('--seed <k>', 'seed of the external run (default 0)', nonNegativeInt)
    .option('--lambda <number>', "the problem's λ, when the folder holds several problems", nonNegative)
    .option('--dataset <name>', "the problem's dataset, when the folder holds several")
    .option('--force', 'replace an imported run with the same label')
    .action(async (dir: string, file: string, o: ImportFlags) => {
      const r = await importRun(dir, file, {
        method: o.method,
        ...(o.label !== undefined ? { label: o.label } : {}),
        ...(o.tool !== undefined ? { tool: o.tool } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.lambda !== undefined ? { lambda: o.lambda } : {}),
        ...(o.dataset !== undefined ? { dataset: o.dataset } : {}),
        ...(o.force ? { force: true } : {}),
      });
      process.stdout.write(
        `${r.run.label}: ${r.points} points, final F = ${r.run.result.value}, on ${r.run.dataset.name} (${r.run.objective.loss}, λ = ${r.run.objective.lambda})\nwritten ${r.path}\nrun optlab report ${dir} to draw it\n`,
      );
    });
}
