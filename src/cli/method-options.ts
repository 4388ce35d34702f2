import { type Command, Option } from 'commander';
import { METHOD_NAMES, type MethodName, type MethodParams } from '../methods/index.js';
import type { RunOptions } from '../run/run.js';
import { finiteNumber, nonNegative, nonNegativeInt, positive, positiveInt } from './parse.js';

/** Method, step-rule and budget flags of `optlab run` (the same names as the library's parameters). */
export interface MethodFlags {
  method: MethodName;
  step?: number;
  lineSearch?: 'none' | 'armijo' | 'wolfe';
  c1?: number;
  c2?: number;
  batch?: number;
  momentum?: number;
  nesterov?: boolean;
  eps?: number;
  beta1?: number;
  beta2?: number;
  memory?: number;
  maxIter?: number;
  epochs?: number;
  maxPasses?: number;
  timeLimit?: number;
  tol: number;
  traceEvery?: number;
  init: 'zeros' | 'randn';
  seed: number;
}

export function addMethodOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--method <name>', 'optimizer (optlab methods lists them with their parameters)')
        .choices(METHOD_NAMES as string[])
        .makeOptionMandatory(),
    )
    .option(
      '--step <s>',
      'constant step, or the first trial step of a line search (default depends on the method)',
      positive,
    )
    .addOption(
      new Option(
        '--line-search <rule>',
        'step rule: none (constant step), armijo (backtracking), wolfe (strong Wolfe)',
      ).choices(['none', 'armijo', 'wolfe']),
    )
    .option('--c1 <c>', 'sufficient-decrease constant (default 1e-4)', positive)
    .option('--c2 <c>', 'curvature constant of the strong Wolfe conditions (default 0.9)', positive)
    .option('--batch <b>', 'mini-batch size of stochastic methods', positiveInt)
    .option('--momentum <beta>', 'sgd momentum in [0, 1)', nonNegative)
    .option('--nesterov', 'sgd: Nesterov momentum')
    .option('--eps <e>', 'adagrad/adam epsilon', positive)
    .option('--beta1 <b>', 'adam beta1', nonNegative)
    .option('--beta2 <b>', 'adam beta2', nonNegative)
    .option(
      '--memory <m>',
      'L-BFGS/OWL-QN memory (pairs); sbfgs: use L-BFGS with M pairs instead of a dense H',
      nonNegativeInt,
    )
    .option('--max-iter <k>', 'iteration budget (full-batch default: 1000)', positiveInt)
    .option('--epochs <e>', 'epoch budget of stochastic methods (default: 10)', positiveInt)
    .option('--max-passes <p>', 'budget of passes over the data (sample gradients / n)', positive)
    .option('--time-limit <s>', 'budget of seconds inside the method', positive)
    .option(
      '--tol <t>',
      'stop when the gradient norm (L1: prox-gradient step norm) <= t; 0 disables',
      nonNegative,
      1e-6,
    )
    .option('--trace-every <k>', 'stochastic methods: trace every k steps instead of every epoch', positiveInt)
    .addOption(
      new Option('--init <how>', 'starting point: zeros, or randn (seeded N(0,1), the study)')
        .choices(['zeros', 'randn'])
        .default('zeros'),
    )
    .option('--seed <s>', 'seed of the random start and the mini-batches', finiteNumber, 0);
}

/** The method parameters the user gave (undefined ones are filled with defaults by the library). */
export function methodParams(o: MethodFlags): MethodParams {
  return {
    step: o.step,
    lineSearch: o.lineSearch,
    c1: o.c1,
    c2: o.c2,
    batch: o.batch,
    momentum: o.momentum,
    nesterov: o.nesterov,
    eps: o.eps,
    beta1: o.beta1,
    beta2: o.beta2,
    memory: o.memory,
  };
}

export function runOptions(o: MethodFlags): RunOptions {
  return {
    maxIter: o.maxIter,
    epochs: o.epochs,
    maxPasses: o.maxPasses,
    timeLimit: o.timeLimit,
    tol: o.tol,
    traceEvery: o.traceEvery,
    init: o.init,
    seed: o.seed,
  };
}
