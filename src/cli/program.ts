/**
 * The CLI's program: a table of commands, each loaded only when it runs (so `optlab --version` and `optlab run`
 * start without Vega, resvg, zod or yaml), and one voice for every error, commander's included: one line
 * `optlab: ...`, with "did you mean", exit 2 for a usage error, 1 for a failed run or check, 130 for Ctrl-C.
 */
import { Command, CommanderError } from 'commander';
import { OptlabError } from '../errors.js';
import { VERSION } from '../version.js';
import { commanderMessage, requireAfterUnknown } from './voice.js';

interface CommandEntry {
  name: string;
  description: string;
  /** Shown under the command's --help. */
  examples: string[];
  /** The command's module; it registers its options and action on the program. */
  load(): Promise<{ register(program: Command): void }>;
}

/** Every command; the CLI only parses, calls the library and prints. */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'datasets',
    description: 'list the dataset registry and where each dataset is found (OPTLAB_DATA, cache, or not yet)',
    examples: ['optlab datasets', 'optlab datasets --json'],
    load: () => import('./commands/datasets.js'),
  },
  {
    name: 'fetch',
    description: 'download registry datasets into the cache, verifying their SHA-256',
    examples: ['optlab fetch a9a a9a.t'],
    load: () => import('./commands/fetch.js'),
  },
  {
    name: 'inspect',
    description: 'shape, sparsity, labels and columns of a dataset; optionally its feature correlation heatmap',
    examples: ['optlab inspect --data a9a', 'optlab inspect --data my.svm --corr corr.svg'],
    load: () => import('./commands/inspect.js'),
  },
  {
    name: 'eval',
    description: 'value, gradient norm and gradient of the objective at a point',
    examples: ['optlab eval --data a9a --at zeros', 'optlab eval --data a9a --objective logistic --at x.json --json'],
    load: () => import('./commands/eval.js'),
  },
  {
    name: 'gradcheck',
    description:
      'check the explicit gradient (and Hessian-vector product) against autodiff and central finite differences',
    examples: ['optlab gradcheck --data a9a --rows 1000', 'optlab gradcheck --data a9a --objective logistic --l2 1e-3'],
    load: () => import('./commands/gradcheck.js'),
  },
  {
    name: 'methods',
    description: 'list the optimizers with their parameters, defaults and references',
    examples: ['optlab methods', 'optlab methods --json'],
    load: () => import('./commands/methods.js'),
  },
  {
    name: 'run',
    description: 'minimize an objective on a dataset with one method, and trace it',
    examples: [
      'optlab run --data a9a --method lbfgs --memory 10 --tol 1e-8',
      'optlab run --data a9a --method sgd --step 0.5 --batch 64 --momentum 0.9 --nesterov --epochs 5',
      'optlab run --data a9a --method owlqn --lambda 1e-3 --out results/owlqn',
    ],
    load: () => import('./commands/run.js'),
  },
  {
    name: 'sweep',
    description:
      'run a sweep (datasets x objective x methods x parameter grids x seeds) from a YAML or JSON file; see docs/sweep-format.md',
    examples: [
      'optlab sweep examples/sgd-steps.yaml --out results/sgd-steps',
      'optlab sweep examples/sgd-steps.yaml --out results/sgd-steps --resume',
    ],
    load: () => import('./commands/sweep.js'),
  },
  {
    name: 'merge',
    description:
      'merge the finished runs of one sweep from several results folders (shards, SLURM array tasks, other machines); exits 1 while runs are missing',
    examples: ['optlab merge results/sgd-steps', 'optlab merge node1/results node2/results --out results/merged'],
    load: () => import('./commands/merge.js'),
  },
  {
    name: 'report',
    description:
      'turn a results folder (optlab sweep --out DIR) into figures (SVG, PNG) and a self-contained report.html',
    examples: ['optlab report results/sgd-steps', "optlab report results/sgd-steps --no-png --title 'SGD steps'"],
    load: () => import('./commands/report.js'),
  },
  {
    name: 'export',
    description:
      'write a results folder as two flat tables: runs (one row per run, parameters as columns) and traces (one row per point, with the problem on every row), as CSV or Parquet',
    examples: [
      'optlab export results/sgd-steps --format csv',
      'optlab export results/study --format parquet --out study',
    ],
    load: () => import('./commands/export.js'),
  },
  {
    name: 'import',
    description:
      "add a run of another tool (CSV or JSON Lines: iteration, value, and any of grad_norm, seconds, passes, nfev) to a results folder, drawn beside optlab's runs and marked external",
    examples: ['optlab import results/sgd-steps scipy-lbfgsb.csv --method scipy-lbfgsb'],
    load: () => import('./commands/import.js'),
  },
  {
    name: 'study',
    description: 'run the built-in optimization study (questions 1-12 of the original notebook) and write its report',
    examples: [
      'optlab study',
      'optlab study --preset seed --seeds 1 --out results/seed',
      'optlab study --data my.svm --no-test-data',
    ],
    load: () => import('./commands/study.js'),
  },
  {
    name: 'bench',
    description:
      'benchmark the kernels, the parser, L-BFGS and the study (median of repeated runs); see bench/README.md',
    examples: ['optlab bench', 'optlab bench --compare-python --no-study'],
    load: () => import('./commands/bench.js'),
  },
  {
    name: 'serve',
    description: 'serve the playground (the optimizers in the browser) and the datasets found here, on localhost',
    examples: ['optlab serve', 'optlab serve --port 0 --data-dir ../shared/data'],
    load: () => import('./commands/serve.js'),
  },
  {
    name: 'synth',
    description:
      'write a seeded synthetic binary classification dataset with a planted linear model (uniform columns, ' +
      'labels sign(a.w + noise)), as LIBSVM text or a binary CSR file, for scale tests',
    examples: [
      'optlab synth --rows 100000 --features 1000 --nnz-per-row 20 --out synth.svm',
      'optlab synth --rows 1e6 --features 5000 --nnz-per-row 30 --out big.csr',
    ],
    load: () => import('./commands/synth.js'),
  },
];

/** The exit codes, as every --help and the README state them (test/cli/voice.test.ts keeps the two equal). */
export const EXIT_CODES =
  'Exit status: 0 success, 1 a failed run or check, 2 a usage or input error, 74 an output that cannot be ' +
  'written (disk full, read-only, no permission), 130 interrupted (Ctrl-C), 70 an internal error (a bug).';

function examplesText(e: CommandEntry): string {
  return `\nExamples:\n${e.examples.map((x) => `  $ ${x}`).join('\n')}\n`;
}

/**
 * The program with every command: the one named in `argv` (if any) with its options and action, the others
 * as names and descriptions only (enough for the overview, --help and "did you mean").
 */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command();
  program
    .name('optlab')
    .description('Optimization for machine learning on sparse LIBSVM data: objectives, optimizers, studies, reports')
    .version(VERSION)
    .exitOverride()
    .addHelpText('after', `\nExamples:\n  $ optlab run --data a9a --method lbfgs\n  $ optlab study\n\n${EXIT_CODES}\n`);
  const wanted = argv.slice(2).find((a) => !a.startsWith('-'));
  const helpFor = wanted === 'help' ? argv.slice(2).filter((a) => !a.startsWith('-'))[1] : undefined;
  for (const entry of COMMANDS) {
    if (entry.name === wanted || entry.name === helpFor) (await entry.load()).register(program);
    else program.command(entry.name);
    const cmd = program.commands.find((c) => c.name() === entry.name)!;
    cmd.description(entry.description).addHelpText('after', `${examplesText(entry)}\n${EXIT_CODES}\n`);
  }
  const configure = (c: Command) => {
    c.exitOverride().configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`optlab: ${commanderMessage(s, c, argv)}\n`),
    });
    requireAfterUnknown(c);
  };
  configure(program);
  for (const c of program.commands) configure(c);
  // `optlab help nope`: commander would print the overview and exit 0
  if (helpFor !== undefined && !COMMANDS.some((c) => c.name === helpFor))
    program.error(`error: unknown command '${helpFor}'`, { code: 'commander.unknownCommand', exitCode: 2 });
  return program;
}

/** Runs the CLI: user errors print one line and exit 2 (or their own code), never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are not errors; the one-line message is already printed. `optlab` with no command
      // prints the overview on stderr (commander's help with exit code 1): a usage error, 2
      const help =
        e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help';
      return help && e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof OptlabError) {
      // one line per problem (a sweep file reports all of its problems at once)
      process.stderr.write(
        `${e.message
          .split('\n')
          .map((l) => `optlab: ${l}`)
          .join('\n')}\n`,
      );
      return e.exitCode;
    }
    throw e;
  }
}
