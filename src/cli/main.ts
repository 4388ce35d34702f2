#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { OptlabError } from '../errors.js';
import { VERSION } from '../version.js';
import * as benchCmd from './commands/bench.js';
import * as datasets from './commands/datasets.js';
import * as evalCmd from './commands/eval.js';
import * as exportCmd from './commands/export.js';
import * as fetchCmd from './commands/fetch.js';
import * as gradcheckCmd from './commands/gradcheck.js';
import * as importCmd from './commands/import.js';
import * as inspect from './commands/inspect.js';
import * as methodsCmd from './commands/methods.js';
import * as reportCmd from './commands/report.js';
import * as runCmd from './commands/run.js';
import * as serveCmd from './commands/serve.js';
import * as studyCmd from './commands/study.js';
import * as sweepCmd from './commands/sweep.js';
import * as synthCmd from './commands/synth.js';

/** Every command module registers itself on the program; the CLI only parses, calls the library and prints. */
const COMMANDS: Array<{ register(program: Command): void }> = [
  datasets,
  fetchCmd,
  inspect,
  evalCmd,
  gradcheckCmd,
  methodsCmd,
  runCmd,
  sweepCmd,
  reportCmd,
  exportCmd,
  importCmd,
  studyCmd,
  benchCmd,
  serveCmd,
  synthCmd,
];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('optlab')
    .description('Optimization for machine learning on sparse LIBSVM data: objectives, optimizers, studies, reports')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const c of COMMANDS) c.register(program);
  for (const c of program.commands) c.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Runs the CLI: user errors print one line and exit 2 (or their own code), never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are not errors; commander already printed its message
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? 0
        : 2;
    }
    if (e instanceof OptlabError) {
      process.stderr.write(`optlab: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`optlab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
