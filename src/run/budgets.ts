/**
 * The budget table and the one budget resolver that the library, the CLI, the sweep and the playground share.
 *
 * A run must be bounded. `maxIter`, `maxPasses` and `timeLimit` bound every method; `epochs` bounds only
 * stochastic ones (a full-batch method has no epochs to count). A run given no bound at all gets the
 * default bound of its kind (1000 iterations full-batch, 10 epochs stochastic). A run given budgets none of
 * which bounds it (`gd` with only `epochs`) is an error, not a run that never stops.
 * The gradient-norm tolerance `tol` defaults to 1e-6 everywhere (library, CLI, sweep, playground); 0 disables it.
 */
import { OptlabError } from '../errors.js';
import { accepts, type MethodName, type ParamSpec, ruleOf, shown } from '../methods/params.js';

export interface BudgetSpec extends Pick<ParamSpec, 'kind' | 'min' | 'minOpen' | 'max' | 'maxOpen'> {
  help: string;
  /** Filled when the run does not give it. */
  default?: number;
  /** Whether it bounds full-batch methods, stochastic ones, or both. */
  bounds: 'all' | 'stochastic' | 'none';
}

export const BUDGETS = {
  maxIter: {
    kind: 'integer',
    min: 1,
    bounds: 'all',
    help: 'iteration budget (full-batch: iterations; stochastic: mini-batch steps)',
  },
  epochs: { kind: 'integer', min: 1, bounds: 'stochastic', help: 'epoch budget of stochastic methods' },
  maxPasses: {
    kind: 'number',
    min: 0,
    minOpen: true,
    bounds: 'all',
    help: 'budget of passes over the data (sample gradients / n)',
  },
  timeLimit: { kind: 'number', min: 0, minOpen: true, bounds: 'all', help: 'budget of seconds inside the method' },
  tol: {
    kind: 'number',
    min: 0,
    default: 1e-6,
    bounds: 'none',
    help: 'stop when the gradient norm (L1: the proximal-gradient step norm) <= tol; 0 disables',
  },
  traceEvery: {
    kind: 'integer',
    min: 1,
    bounds: 'none',
    help: 'stochastic methods: trace every k steps instead of every epoch',
  },
} as const satisfies Record<string, BudgetSpec>;

export type BudgetName = keyof typeof BUDGETS;
export const BUDGET_NAMES = Object.keys(BUDGETS) as BudgetName[];
export type Budgets = { [K in BudgetName]?: number };

/** The gradient-norm tolerance a run uses when it gives none. */
export const DEFAULT_TOL: number = BUDGETS.tol.default;
/** The bound a run gets when it gives none. */
export const DEFAULT_MAX_ITER = 1000;
export const DEFAULT_EPOCHS = 10;

export function budgetRuleText(b: BudgetName): string {
  return ruleOf(BUDGETS[b]);
}

/** Checks one budget value: undefined when allowed, else 'expected ..., got ...'. */
export function checkBudgetValue(b: BudgetName, v: unknown): string | undefined {
  return accepts(BUDGETS[b], v) ? undefined : `expected ${budgetRuleText(b)}, got ${shown(v)}`;
}

function bounds(b: BudgetName, stochastic: boolean): boolean {
  const k = (BUDGETS[b] as BudgetSpec).bounds;
  return k === 'all' || (k === 'stochastic' && stochastic);
}

/**
 * Why the budgets leave a run unbounded (a message naming budgets with `name`), or undefined when they bound
 * it or give no bound at all (then the default applies).
 */
export function unboundedReason(
  method: MethodName,
  stochastic: boolean,
  given: Budgets,
  name: (b: BudgetName) => string = (b) => b,
): string | undefined {
  const set = BUDGET_NAMES.filter((b) => given[b] !== undefined && BUDGETS[b].bounds !== 'none');
  if (set.length === 0 || set.some((b) => bounds(b, stochastic))) return undefined;
  const full = BUDGET_NAMES.filter((b) => bounds(b, false)).map(name);
  return `${method} is a full-batch method and ${set.map(name).join(', ')} does not bound it: give ${full.slice(0, -1).join(', ')} or ${full[full.length - 1]}`;
}

/**
 * The budgets a run gets: values checked, `tol` defaulted, the default bound added when none is given.
 * Throws `OptlabError` when a value breaks its rule or the budgets leave the run unbounded. Other fields of
 * `given` (a `RunOptions`) pass through unchanged.
 */
export function resolveBudgets<T extends Budgets>(
  method: MethodName,
  stochastic: boolean,
  given: T,
  name: (b: BudgetName) => string = (b) => b,
): T {
  for (const b of BUDGET_NAMES) {
    const v = given[b];
    if (v === undefined) continue;
    const bad = checkBudgetValue(b, v);
    if (bad !== undefined) throw new OptlabError(`${name(b)}: ${bad}`);
  }
  const reason = unboundedReason(method, stochastic, given, name);
  if (reason !== undefined) throw new OptlabError(reason);
  const out: T = { ...given };
  if (out.tol === undefined) out.tol = DEFAULT_TOL;
  const anyBound = BUDGET_NAMES.some((b) => out[b] !== undefined && BUDGETS[b].bounds !== 'none');
  if (!anyBound) {
    if (stochastic) out.epochs = DEFAULT_EPOCHS;
    else out.maxIter = DEFAULT_MAX_ITER;
  }
  return out;
}
