/**
 * The method parameter table: for every parameter its name, type, range, help, and the methods that take it
 * with their default. Everything else derives from it:
 * - the TypeScript types (`ParamsOf<'sgd'>` has no `memory`, so `{ method: 'sgd', memory: 3 }` does not compile),
 * - the run-time checks (`resolveParams`, in the library's, the CLI's or the sweep file's words),
 * - the sweep schema's parameter rules (src/sweep/schema.ts), the CLI flags and their help
 *   (src/cli/method-options.ts), `optlab methods`, and the playground's fields (web/src/fields.ts).
 * The CLI flag of a parameter is its name in kebab case (`lineSearch` → `--line-search`).
 */
import { MORE_THUENTE_DEFAULTS } from '../linesearch/more-thuente.js';
import { WOLFE_DEFAULTS } from '../linesearch/wolfe.js';

/** Every method, in the order `optlab methods` lists them. */
export const METHOD_NAMES = [
  'gd',
  'sgd',
  'adagrad',
  'adam',
  'prox-gd',
  'fista',
  'bfgs',
  'sbfgs',
  'prox-bfgs',
  'owlqn',
  'lbfgs',
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export type ParamKind = 'number' | 'integer' | 'boolean' | 'choice';
type ParamValueAny = number | boolean | string;

/** One row of the table. */
export interface ParamSpec {
  kind: ParamKind;
  /** Numbers: the allowed interval; `minOpen`/`maxOpen` exclude the bound. */
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  choices?: readonly string[];
  /** One line of help (CLI, playground, `optlab methods`). */
  help: string;
  /** The value used when a method leaves the parameter unset (a default shared by every method's step rule). */
  fallback?: number;
  /** What an unset parameter means when it has neither a default nor a fallback. */
  unset?: string;
  /** The methods that take this parameter, each with its default (null: no default, optional). */
  methods: Partial<Record<MethodName, ParamValueAny | null>>;
}

/** The table. Adding a method's parameter here is all it takes for the types, checks, CLI, sweep and playground. */
export const PARAMS = {
  step: {
    kind: 'number',
    min: 0,
    minOpen: true,
    help: 'constant step, or the first trial step of a line search',
    methods: {
      gd: 1,
      sgd: 1,
      adagrad: 0.5,
      adam: 0.01,
      'prox-gd': 1,
      fista: 1,
      bfgs: 1,
      sbfgs: 0.01,
      'prox-bfgs': 1,
      lbfgs: 1,
    },
  },
  lineSearch: {
    kind: 'choice',
    choices: ['none', 'armijo', 'wolfe', 'more-thuente'],
    help: "step rule: none (constant step), armijo (backtracking), wolfe (strong Wolfe, N&W's search), more-thuente (strong Wolfe, Moré-Thuente's search as in L-BFGS-B); proximal methods: none or armijo",
    methods: {
      gd: 'none',
      'prox-gd': 'none',
      fista: 'none',
      bfgs: 'wolfe',
      'prox-bfgs': 'armijo',
      lbfgs: 'more-thuente',
    },
  },
  c1: {
    kind: 'number',
    min: 0,
    minOpen: true,
    max: 1,
    maxOpen: true,
    fallback: WOLFE_DEFAULTS.c1,
    help: 'sufficient-decrease (Armijo) constant of the line search',
    // lbfgs: L-BFGS-B's ftol, with which its default Moré–Thuente search takes L-BFGS-B's steps
    methods: { gd: null, bfgs: null, owlqn: WOLFE_DEFAULTS.c1, lbfgs: MORE_THUENTE_DEFAULTS.c1 },
  },
  c2: {
    kind: 'number',
    min: 0,
    minOpen: true,
    max: 1,
    maxOpen: true,
    fallback: WOLFE_DEFAULTS.c2,
    help: 'curvature constant of the strong Wolfe conditions',
    methods: { gd: null, bfgs: null, lbfgs: null },
  },
  batch: {
    kind: 'integer',
    min: 1,
    help: 'mini-batch size',
    methods: { sgd: 16, adagrad: 16, adam: 16, sbfgs: 128 },
  },
  momentum: {
    kind: 'number',
    min: 0,
    max: 1,
    maxOpen: true,
    help: 'heavy-ball momentum β (torch.optim.SGD)',
    methods: { sgd: 0 },
  },
  nesterov: {
    kind: 'boolean',
    help: 'Nesterov momentum (needs momentum > 0)',
    methods: { sgd: false },
  },
  eps: {
    kind: 'number',
    min: 0,
    minOpen: true,
    help: 'ε added to the denominator (Adagrad, Adam)',
    methods: { adagrad: 1e-10, adam: 1e-8 },
  },
  beta1: {
    kind: 'number',
    min: 0,
    max: 1,
    maxOpen: true,
    help: 'Adam decay rate of the first moment',
    methods: { adam: 0.9 },
  },
  beta2: {
    kind: 'number',
    min: 0,
    max: 1,
    maxOpen: true,
    help: 'Adam decay rate of the second moment',
    methods: { adam: 0.999 },
  },
  memory: {
    kind: 'integer',
    min: 0,
    help: 'L-BFGS / OWL-QN memory (pairs); sbfgs: L-BFGS with M pairs instead of a dense inverse Hessian',
    unset: 'sbfgs: a dense inverse Hessian',
    methods: { sbfgs: null, owlqn: 10, lbfgs: 10 },
  },
} as const satisfies Record<string, ParamSpec>;

type Table = typeof PARAMS;
export type ParamName = keyof Table;
export const PARAM_NAMES = Object.keys(PARAMS) as ParamName[];

type KindValue = { number: number; integer: number; boolean: boolean };
/** The TypeScript type of a parameter's value. */
export type ParamValue<P extends ParamName> = Table[P] extends { kind: 'choice'; choices: readonly (infer C)[] }
  ? C
  : Table[P] extends { kind: infer K extends keyof KindValue }
    ? KindValue[K]
    : never;

/** Every parameter any method takes (what a run records; each method accepts its own subset). */
export type MethodParams = { [P in ParamName]?: ParamValue<P> };

/** The parameters method M takes (for a union of methods: those any of them takes). */
export type ParamsOf<M extends MethodName> = {
  [P in ParamName as M extends keyof Table[P]['methods'] ? P : never]?: ParamValue<P>;
};

/**
 * A method and its parameters, checked by the compiler: `{ method: 'lbfgs', memory: 5 }` compiles,
 * `{ method: 'sgd', memory: 3 }` does not.
 */
export type MethodConfig<M extends MethodName = MethodName> = M extends MethodName
  ? { method: M } & ParamsOf<M>
  : never;

export type LineSearchName = ParamValue<'lineSearch'>;

export function isParamName(s: string): s is ParamName {
  return Object.hasOwn(PARAMS, s);
}

const spec = (p: ParamName): ParamSpec => PARAMS[p];

/** The parameters a method takes, in table order. */
export function paramsOf(method: MethodName): ParamName[] {
  return PARAM_NAMES.filter((p) => Object.hasOwn(spec(p).methods, method));
}

/** A method's defaults (parameters with a null default are left out). */
export function defaultsOf(method: MethodName): MethodParams {
  const out: Record<string, ParamValueAny> = {};
  for (const p of paramsOf(method)) {
    const v = spec(p).methods[method];
    if (v !== null && v !== undefined) out[p] = v;
  }
  return out as MethodParams;
}

/** The CLI flag of a parameter: `lineSearch` → `--line-search`. */
export function flagOf(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The rule of a parameter's value as a noun phrase: 'a positive number', 'a number in [0, 1)', 'one of ...'. */
export function ruleText(p: ParamName): string {
  return ruleOf(spec(p));
}

export function ruleOf(s: Pick<ParamSpec, 'kind' | 'min' | 'max' | 'minOpen' | 'maxOpen' | 'choices'>): string {
  if (s.kind === 'boolean') return 'true or false';
  if (s.kind === 'choice') return `one of ${(s.choices ?? []).map((c) => `'${c}'`).join(', ')}`;
  const what = s.kind === 'integer' ? 'integer' : 'number';
  if (s.max === undefined) {
    if (s.min === undefined) return `a ${what}`;
    if (s.kind === 'integer' && s.min === 1) return 'a positive integer';
    if (s.min === 0 && s.minOpen) return `a positive ${what}`;
    return `${what === 'integer' ? 'an' : 'a'} ${what} ${s.minOpen ? '>' : '>='} ${s.min}`;
  }
  const lo = s.min === undefined ? '(-inf' : `${s.minOpen ? '(' : '['}${s.min}`;
  return `a ${what} in ${lo}, ${s.max}${s.maxOpen ? ')' : ']'}`;
}

/** Whether a value satisfies a rule (type and range). */
export function accepts(
  s: Pick<ParamSpec, 'kind' | 'min' | 'max' | 'minOpen' | 'maxOpen' | 'choices'>,
  v: unknown,
): boolean {
  if (s.kind === 'boolean') return typeof v === 'boolean';
  if (s.kind === 'choice') return typeof v === 'string' && (s.choices ?? []).includes(v);
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (s.kind === 'integer' && !Number.isSafeInteger(v)) return false;
  if (s.min !== undefined && (s.minOpen ? !(v > s.min) : !(v >= s.min))) return false;
  if (s.max !== undefined && (s.maxOpen ? !(v < s.max) : !(v <= s.max))) return false;
  return true;
}

/** A value as an error message shows it: strings quoted, other values as JSON would write them. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Checks one value against the table: undefined when it is allowed, else 'expected ..., got ...'. */
export function checkParamValue(p: ParamName, v: unknown): string | undefined {
  return accepts(spec(p), v) ? undefined : `expected ${ruleText(p)}, got ${shown(v)}`;
}

/**
 * Rules that relate parameters (checked after the defaults are filled). Each names the parameters it
 * involves, so a sweep file can point at the one to fix; `name` spells a parameter in the caller's words.
 */
export interface JointRule {
  params: readonly ParamName[];
  /** A message when the parameters break the rule; `given` are the values the caller set (no defaults). */
  check(p: MethodParams, given: MethodParams, method: MethodName, name: (p: ParamName) => string): string | undefined;
}

const PROXIMAL: readonly MethodName[] = ['prox-gd', 'fista', 'prox-bfgs'];
/** The step rules that test the strong Wolfe conditions (and take c2). */
const WOLFE_RULES: readonly (string | undefined)[] = ['wolfe', 'more-thuente'];

export const JOINT_RULES: readonly JointRule[] = [
  {
    params: ['nesterov', 'momentum'],
    check: (p, _g, _m, n) =>
      p.nesterov && !((p.momentum ?? 0) > 0) ? `${n('nesterov')} needs ${n('momentum')} > 0` : undefined,
  },
  {
    params: ['lineSearch'],
    check: (p, _g, m, n) =>
      PROXIMAL.includes(m) && WOLFE_RULES.includes(p.lineSearch)
        ? `proximal methods take ${n('lineSearch')} none or armijo (backtracking), not ${p.lineSearch}`
        : undefined,
  },
  {
    params: ['c1', 'lineSearch'],
    // a c1 equal to the method's own default (lbfgs: 1e-3) is what a resolved parameter set carries
    check: (p, g, m, n) =>
      g.c1 !== undefined &&
      g.c1 !== (PARAMS.c1.methods as Partial<Record<MethodName, number | null>>)[m] &&
      paramsOf(m).includes('lineSearch') &&
      p.lineSearch === 'none'
        ? `${n('c1')} applies only to ${n('lineSearch')} armijo, wolfe or more-thuente`
        : undefined,
  },
  {
    params: ['c2', 'lineSearch'],
    check: (p, g, _m, n) =>
      g.c2 !== undefined && !WOLFE_RULES.includes(p.lineSearch)
        ? `${n('c2')} applies only to ${n('lineSearch')} wolfe or more-thuente`
        : undefined,
  },
  {
    params: ['c1', 'c2'],
    check: (p) => {
      if (!WOLFE_RULES.includes(p.lineSearch)) return undefined;
      const c1 = p.c1 ?? PARAMS.c1.fallback;
      const c2 = p.c2 ?? PARAMS.c2.fallback;
      return 0 < c1 && c1 < c2 && c2 < 1 ? undefined : `need 0 < c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}`;
    },
  },
  {
    params: ['step', 'lineSearch'],
    check: (p, _g, _m, n) =>
      WOLFE_RULES.includes(p.lineSearch) && p.step !== undefined && p.step > WOLFE_DEFAULTS.alphaMax
        ? `${n('step')} must be <= ${WOLFE_DEFAULTS.alphaMax} with ${n('lineSearch')} ${p.lineSearch}`
        : undefined,
  },
];

/**
 * A method and parameters as plain data (read from a file, a URL, a form): not checked by the compiler,
 * checked at run time by `resolveParams`.
 */
export type AnyMethodConfig = { method: MethodName } & MethodParams;
