/**
 * The playground's form fields, generated from the library's parameter and budget tables (so they cannot
 * drift from the CLI's flags, the sweep schema or the run-time checks); the playground adds only sliders. Every field carries the CLI flag it stands for (`--max-iter`), which is also its
 * key in the URL (without the dashes), and the rule `optlab run` applies to it. DOM-free: the URL code and the
 * tests use it too.
 */
import { flagOf, PARAM_NAMES, PARAMS, type ParamName, type ParamSpec, ruleOf } from '../../src/methods/params.js';
import {
  BUDGET_NAMES,
  BUDGETS,
  type BudgetName,
  type BudgetSpec,
  type Budgets,
  DEFAULT_TOL,
} from '../../src/run/budgets.js';

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

type Slider = NonNullable<FieldSpec['slider']>;

/** The playground's own addition to the parameter table: sliders. */
const PARAM_SLIDERS: Partial<Record<ParamName, Slider>> = {
  step: { min: -4, max: 1, step: 0.05, log: 10 },
  batch: { min: 0, max: 12, step: 1, log: 2 },
  momentum: { min: 0, max: 0.99, step: 0.01 },
  beta1: { min: 0, max: 0.999, step: 0.001 },
  beta2: { min: 0, max: 0.9999, step: 0.0001 },
  memory: { min: 0, max: 50, step: 1 },
};

/** The closest text rule of a number row (the range itself is checked by `resolveParams`). */
function numberRule(s: Pick<ParamSpec, 'kind' | 'min' | 'minOpen'>): NumberRule {
  if (s.kind === 'integer') return s.min !== undefined && s.min >= 1 ? 'positiveInt' : 'nonNegativeInt';
  if (s.min === undefined) return 'finite';
  return s.min === 0 && !s.minOpen ? 'nonNegative' : 'positive';
}

function field(name: string, s: ParamSpec | BudgetSpec, slider?: Slider): FieldSpec {
  const flag = flagOf(name);
  if (s.kind === 'boolean') return { flag, kind: 'flag', help: s.help };
  if (s.kind === 'choice') return { flag, kind: 'choice', choices: (s as ParamSpec).choices, help: s.help };
  const p = s as ParamSpec;
  const fallback =
    p.fallback !== undefined
      ? String(p.fallback)
      : p.unset !== undefined
        ? p.unset.replace(/^\w+: /, '')
        : (s as BudgetSpec).default !== undefined
          ? String((s as BudgetSpec).default)
          : undefined;
  return {
    flag,
    kind: 'number',
    rule: numberRule(s),
    help: `${s.help}: ${ruleOf(s)}`,
    ...(fallback !== undefined ? { fallback } : {}),
    ...(slider ? { slider } : {}),
  };
}

/** Method parameters, generated from the parameter table (src/methods/params.ts), as the CLI's flags are. */
export const PARAM_FIELDS = Object.fromEntries(
  PARAM_NAMES.map((p) => [p, field(p, PARAMS[p], PARAM_SLIDERS[p])]),
) as Record<ParamName, FieldSpec>;

/** Budgets and tolerance of a run, generated from the budget table (src/run/budgets.ts). */
export type { BudgetName, Budgets };

export const BUDGET_FIELDS = Object.fromEntries(BUDGET_NAMES.map((b) => [b, field(b, BUDGETS[b])])) as Record<
  BudgetName,
  FieldSpec
>;

/** The default tolerance, the library's (1e-6, src/run/budgets.ts). */
export { BUDGET_NAMES, DEFAULT_TOL };

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
