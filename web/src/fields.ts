/**
 * The playground's form fields, one table per group, keyed by the library's names so that a parameter missing
 * here is a compile error. Every field carries the CLI flag it stands for (`--max-iter`), which is also its
 * key in the URL (without the dashes), and the rule `optlab run` applies to it. DOM-free: the URL code and the
 * tests use it too.
 */
import type { ParamName } from '../../src/methods/index.js';

/** How a field's text is read: the rules of the CLI's argument parsers (src/cli/parse.ts). */
export type NumberRule = 'finite' | 'positive' | 'nonNegative' | 'positiveInt' | 'nonNegativeInt';

export interface FieldSpec {
  /** CLI flag, e.g. `--line-search`; the URL key is the flag without its dashes. */
  flag: string;
  kind: 'number' | 'choice' | 'flag';
  rule?: NumberRule;
  choices?: readonly string[];
  /** One line of help, as in `optlab run --help`. */
  help: string;
  /** What applies when the field is empty and the method's table has no default. */
  fallback?: string;
  /**
   * A slider beside the number field, over [min, max] in steps of `step`; with `log` (a base), min and max
   * are exponents: the slider moves over log_base(value).
   */
  slider?: { min: number; max: number; step: number; log?: 2 | 10 };
}

/** Method parameters: the same names and rules as the CLI's method flags (src/cli/method-options.ts). */
export const PARAM_FIELDS: Record<ParamName, FieldSpec> = {
  step: {
    flag: '--step',
    kind: 'number',
    rule: 'positive',
    help: 'constant step, or the first trial step of a line search',
    slider: { min: -4, max: 1, step: 0.05, log: 10 },
  },
  lineSearch: {
    flag: '--line-search',
    kind: 'choice',
    choices: ['none', 'armijo', 'wolfe'],
    help: 'step rule: none (constant step), armijo (backtracking), wolfe (strong Wolfe)',
  },
  c1: { flag: '--c1', kind: 'number', rule: 'positive', help: 'sufficient-decrease constant', fallback: '1e-4' },
  c2: { flag: '--c2', kind: 'number', rule: 'positive', help: 'curvature constant (strong Wolfe)', fallback: '0.9' },
  batch: {
    flag: '--batch',
    kind: 'number',
    rule: 'positiveInt',
    help: 'mini-batch size',
    slider: { min: 0, max: 12, step: 1, log: 2 },
  },
  momentum: {
    flag: '--momentum',
    kind: 'number',
    rule: 'nonNegative',
    help: 'momentum in [0, 1)',
    slider: { min: 0, max: 0.99, step: 0.01 },
  },
  nesterov: { flag: '--nesterov', kind: 'flag', help: 'Nesterov momentum' },
  eps: { flag: '--eps', kind: 'number', rule: 'positive', help: 'epsilon added to the denominator' },
  beta1: {
    flag: '--beta1',
    kind: 'number',
    rule: 'nonNegative',
    help: 'Adam beta1 in [0, 1)',
    slider: { min: 0, max: 0.999, step: 0.001 },
  },
  beta2: {
    flag: '--beta2',
    kind: 'number',
    rule: 'nonNegative',
    help: 'Adam beta2 in [0, 1)',
    slider: { min: 0, max: 0.9999, step: 0.0001 },
  },
  memory: {
    flag: '--memory',
    kind: 'number',
    rule: 'nonNegativeInt',
    help: 'L-BFGS memory (pairs)',
    fallback: 'dense H',
    slider: { min: 0, max: 50, step: 1 },
  },
};

/** Budgets and tolerance of a run (`RunOptions` names). */
export type BudgetName = 'maxIter' | 'epochs' | 'maxPasses' | 'timeLimit' | 'tol' | 'traceEvery';
export type Budgets = Partial<Record<BudgetName, number>>;

export const BUDGET_FIELDS: Record<BudgetName, FieldSpec> = {
  maxIter: { flag: '--max-iter', kind: 'number', rule: 'positiveInt', help: 'iteration budget' },
  epochs: { flag: '--epochs', kind: 'number', rule: 'positiveInt', help: 'epoch budget (stochastic methods)' },
  maxPasses: { flag: '--max-passes', kind: 'number', rule: 'positive', help: 'budget of passes over the data' },
  timeLimit: { flag: '--time-limit', kind: 'number', rule: 'positive', help: 'seconds inside the method' },
  tol: {
    flag: '--tol',
    kind: 'number',
    rule: 'nonNegative',
    help: 'stop when the gradient norm <= tol; 0 disables',
    fallback: '1e-6',
  },
  traceEvery: {
    flag: '--trace-every',
    kind: 'number',
    rule: 'positiveInt',
    help: 'stochastic methods: trace every k steps instead of every epoch',
  },
};

export const BUDGET_NAMES = Object.keys(BUDGET_FIELDS) as BudgetName[];

/** The CLI's default tolerance (`--tol`, 1e-6): the library's own default is 0, so the playground passes it. */
export const DEFAULT_TOL = 1e-6;

/** Reads a field's text by the CLI's rules; the messages are the CLI's (`expected a positive number, got 'x'`). */
export function parseNumber(
  rule: NumberRule,
  text: string,
): { ok: true; value: number } | { ok: false; message: string } {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return { ok: false, message: `expected a number, got '${text}'` };
  switch (rule) {
    case 'finite':
      return { ok: true, value: v };
    case 'positive':
      return v > 0 ? { ok: true, value: v } : { ok: false, message: `expected a positive number, got '${text}'` };
    case 'nonNegative':
      return v >= 0 ? { ok: true, value: v } : { ok: false, message: `expected a number >= 0, got '${text}'` };
    case 'positiveInt':
      return Number.isInteger(v) && v >= 1
        ? { ok: true, value: v }
        : { ok: false, message: `expected a positive integer, got '${text}'` };
    case 'nonNegativeInt':
      return Number.isInteger(v) && v >= 0
        ? { ok: true, value: v }
        : { ok: false, message: `expected an integer >= 0, got '${text}'` };
  }
}

/** The URL key of a field: its flag without the leading dashes (`max-iter`). */
export function urlKey(spec: FieldSpec): string {
  return spec.flag.replace(/^--/, '');
}
