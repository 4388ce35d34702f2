import { type Command, InvalidArgumentError, Option } from 'commander';
import { METHOD_NAMES, METHODS, type MethodName, type MethodParams } from '../methods/index.js';
import { accepts, flagOf, PARAM_NAMES, PARAMS, type ParamName, type ParamSpec, ruleOf } from '../methods/params.js';
import { BUDGET_NAMES, BUDGETS, type BudgetName, type BudgetSpec, type Budgets } from '../run/budgets.js';
import type { RunOptions } from '../run/run.js';
import { decimal, nonNegativeInt } from './parse.js';

/** Method, step-rule and budget flags of `optlab run` (the same names as the library's parameters). */
export type MethodFlags = { method: MethodName } & MethodParams &
  Budgets & {
    init: 'zeros' | 'randn';
    seed: number;
  };

type Rule = Pick<ParamSpec, 'kind' | 'min' | 'max' | 'minOpen' | 'maxOpen' | 'choices'>;

/** A commander parser for a number flag with the table's rule ('expected a positive number, got -1'). */
export function numberParser(rule: Rule): (text: string) => number {
  return (text) => {
    const v = decimal(text);
    if (!accepts(rule, v)) throw new InvalidArgumentError(`expected ${ruleOf(rule)}, got '${text}'`);
    return v;
  };
}

const ARG: Partial<Record<string, string>> = { step: 's', lineSearch: 'rule', batch: 'b', memory: 'm', maxIter: 'k' };

/** A default as help shows it: `1e-6`, not `0.000001`. */
export function shownDefault(v: unknown): string {
  return typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
}

/**
 * `default: gd 1, sgd 1, adagrad 0.5, ...`, or `default 0.9` when every method that takes the parameter uses
 * the same value (its own default, or the fallback a method uses when it is unset, as c1 and c2).
 */
function defaultsText(p: ParamName): string {
  const s: ParamSpec = PARAMS[p];
  const effective = Object.entries(s.methods).map(([m, v]) => [m, v ?? s.fallback] as const);
  const parts: string[] = [];
  const values = new Set(effective.map(([, v]) => v).filter((v) => v !== null && v !== undefined));
  const all = effective.every(([, v]) => v !== null && v !== undefined);
  if (values.size === 1 && all) parts.push(`default ${shownDefault([...values][0])}`);
  else {
    const byMethod = effective
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([m, v]) => `${m} ${shownDefault(v)}`);
    if (byMethod.length > 0) parts.push(`default: ${byMethod.join(', ')}`);
  }
  if (s.unset !== undefined) parts.push(`unset: ${s.unset}`);
  return parts.join('; ');
}

/** The option of a method parameter, from the parameter table. */
export function paramOption(p: ParamName): Option[] {
  const s: ParamSpec = PARAMS[p];
  const takers = Object.keys(s.methods).join(', ');
  const help = `${s.help} [${takers}]${defaultsText(p) ? ` (${defaultsText(p)})` : ''}`;
  const flag = flagOf(p);
  if (s.kind === 'boolean') return [new Option(flag, help), new Option(`--no-${flag.slice(2)}`, `turn ${flag} off`)];
  if (s.kind === 'choice') return [new Option(`${flag} <${ARG[p] ?? 'name'}>`, help).choices([...(s.choices ?? [])])];
  return [new Option(`${flag} <${ARG[p] ?? 'x'}>`, `${help}; ${ruleOf(s)}`).argParser(numberParser(s))];
}

/** The option of a budget, from the budget table. */
export function budgetOption(b: BudgetName): Option {
  const s: BudgetSpec = BUDGETS[b];
  const dflt =
    s.default !== undefined
      ? ` (default ${shownDefault(s.default)})`
      : b === 'maxIter'
        ? ' (full-batch default when no budget is given: 1000)'
        : b === 'epochs'
          ? ' (stochastic default when no budget is given: 10)'
          : '';
  return new Option(`${flagOf(b)} <${ARG[b] ?? 'x'}>`, `${s.help}${dflt}`).argParser(numberParser(s));
}

export function addMethodOptions(cmd: Command): Command {
  cmd.addOption(
    new Option('--method <name>', 'optimizer (optlab methods lists them with their parameters)')
      .choices([...METHOD_NAMES])
      .makeOptionMandatory(),
  );
  for (const p of PARAM_NAMES) for (const o of paramOption(p)) cmd.addOption(o);
  for (const b of BUDGET_NAMES) cmd.addOption(budgetOption(b));
  return cmd
    .addOption(
      new Option('--init <how>', 'starting point: zeros, or randn (seeded N(0,1), the study)')
        .choices(['zeros', 'randn'])
        .default('zeros'),
    )
    .option('--seed <s>', 'seed of the random start and the mini-batches (an integer >= 0)', nonNegativeInt, 0);
}

/** The method parameters the user gave (undefined ones are filled with defaults by the library). */
export function methodParams(o: MethodFlags): MethodParams {
  const out: Record<string, unknown> = {};
  // every parameter given goes to the library, which refuses one the method does not take in the CLI's words
  // (--no-nesterov, the default, is no parameter given)
  for (const p of PARAM_NAMES) {
    if (o[p] === undefined) continue;
    if (o[p] === false && !METHODS[o.method].params.includes(p)) continue;
    out[p] = o[p];
  }
  return out as MethodParams;
}

export function runOptions(o: MethodFlags): RunOptions {
  const out: RunOptions = { init: o.init, seed: o.seed };
  for (const b of BUDGET_NAMES) if (o[b] !== undefined) out[b] = o[b];
  return out;
}
