/**
 * The sweep file (`optlab sweep FILE.yaml|FILE.json`): datasets × objective × methods (each with a grid of
 * parameters) × seeds, with budgets. Validated once, here, with zod; every problem is reported with its place
 * in the file, its path and the rule it breaks (`sweep.yaml:14:17: methods[2].grid.step[0]: expected a positive
 * number`), never as a stack trace.
 *
 * ```yaml
 * name: sgd-steps                 # optional
 * datasets: [a9a]                 # names or paths, or {data: a9a, subset: 1000, labels: pm1, positive: 1, testData: a9a.t}
 * testData: a9a.t                 # optional default test set (test accuracy is recorded per run)
 * objective: {loss: sigmoid-lsq, lambda: 0, l2: 0, labels: '01'}   # these are the defaults
 * init: zeros                     # zeros | randn
 * seeds: 3                        # a count (seeds 0..k-1) or a list [0, 1, 2]
 * budgets: {maxIter: 100, epochs: 10, maxPasses: 50, timeLimit: 10, tol: 1e-6, traceEvery: 100}
 * methods:
 *   - method: sgd
 *     group: q4-steps             # optional tag copied into every row
 *     params: {batch: 64}         # fixed parameters (MethodParams, and lambda / l2)
 *     grid: {step: [3, 2.5, 2]}   # each key a non-empty list; the cross product is run
 *     seeds: 1                    # optional per-entry override
 *     budgets: {epochs: 20}       # merged over the sweep's; null removes a sweep-level budget
 * ```
 *
 * Beyond the schema, every expanded run is checked as it will be run: each parameter must apply to its method,
 * λ > 0 needs an L1 method, `resolveParams` must accept the combination, a full-batch method needs a budget that
 * bounds it (maxIter, maxPasses or timeLimit; epochs only bounds stochastic methods), and run ids must be
 * unique. The format is documented for users in docs/sweep-format.md.
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { LABEL_ENCODINGS, type LabelEncoding } from '../data/labels.js';
import { OptlabError } from '../errors.js';
import { METHOD_NAMES, METHODS, type MethodName, type MethodParams, type ParamName } from '../methods/index.js';
import { accepts, JOINT_RULES, PARAM_NAMES, PARAMS, type ParamSpec, ruleOf } from '../methods/params.js';
import { LOSS_NAMES, type LossName } from '../objectives/losses.js';
import { BUDGETS, type BudgetName, DEFAULT_TOL, unboundedReason } from '../run/budgets.js';
import { closest } from '../suggest.js';
import { duplicateRuns, formatPoint, gridPoints, MAX_SEED_COUNT, mergedBudgets, runCountProblem } from './expand.js';
import { documentLocator, type Locator, textLocator } from './positions.js';

/** Budgets of a run (the fields of `RunOptions` that bound it), as the sweep file spells them. */
export type { Budgets } from '../run/run.js';
export type { Locator, SourcePosition } from './positions.js';

import type { Budgets } from '../run/run.js';

/** A per-entry budget override: `null` removes a budget the sweep sets. */
export type BudgetOverrides = { [K in keyof Budgets]?: number | null };

/** A dataset entry, normalized (a bare name or path becomes `{ data }`). */
export interface DatasetEntry {
  /** Registry name (a9a) or LIBSVM file path; a relative path is read relative to the sweep file's folder. */
  data: string;
  /** Keep only the first N rows. */
  subset?: number;
  /** Label encoding for this dataset (default: `objective.labels`). */
  labels?: LabelEncoding;
  /** Raw label value of the positive class (default: the larger). */
  positive?: number;
  /** Test set for this dataset (default: the sweep's `testData`). */
  testData?: string;
}

export interface ObjectiveEntry {
  loss: LossName;
  /** λ of λ‖x‖₁ (needs an L1 method: prox-gd, fista, prox-bfgs, owlqn). */
  lambda: number;
  /** μ of (μ/2)‖x‖². */
  l2: number;
  labels: LabelEncoding;
}

/** Parameters a sweep may fix or vary: the method's, and the objective's λ and μ for that run. */
export type SweepParams = MethodParams & { lambda?: number; l2?: number };
export type SweepParamName = keyof SweepParams;
export type SweepGrid = { [K in SweepParamName]?: Array<NonNullable<SweepParams[K]>> };

export interface MethodEntry {
  method: MethodName;
  group?: string;
  params: SweepParams;
  grid: SweepGrid;
  /** Per-entry seeds (normalized to a list). */
  seeds?: number[];
  budgets?: BudgetOverrides;
}

/** A validated sweep, defaults filled (what DIR/sweep.json holds). */
export interface SweepSpec {
  name?: string;
  datasets: DatasetEntry[];
  testData?: string;
  objective: ObjectiveEntry;
  init: 'zeros' | 'randn';
  /** Seeds, normalized to a list (a count k means 0..k−1). */
  seeds: number[];
  /** Sweep-level budgets; `tol` defaults to 1e-6 as in `optlab run`. */
  budgets: Budgets;
  methods: MethodEntry[];
}

/** One problem found in a sweep file. */
export interface SweepProblem {
  /** Path into the file, e.g. ['methods', 2, 'grid', 'step', 0]. Empty for the whole file. */
  path: Array<string | number>;
  message: string;
  /** The problem is about the key itself (an unknown key, a parameter that does not apply), not its value. */
  onKey?: boolean;
  /** One-based line and column of the path in the file, when the file's text is known. */
  line?: number;
  col?: number;
}

/** `methods[2].grid.step[0]`; '' for the root. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

/**
 * A sweep file that does not validate: every problem, each printed on its own line as `FILE:LINE:COL: path:
 * rule` (the message is those lines joined by newlines).
 */
export class SweepError extends OptlabError {
  readonly file: string;
  readonly problems: SweepProblem[];
  constructor(file: string, problems: SweepProblem[]) {
    super(SweepError.lines(file, problems).join('\n'), 2);
    this.name = 'SweepError';
    this.file = file;
    this.problems = problems;
  }

  /**
   * One line per problem: `FILE:LINE:COL: path: message`; without `:LINE:COL` when the place is unknown (data
   * validated without its text), and without the path at the root.
   */
  static lines(file: string, problems: SweepProblem[]): string[] {
    return problems.map((p) => {
      const where = p.line === undefined ? file : `${file}:${p.line}:${p.col}`;
      const at = formatPath(p.path);
      return at === '' ? `${where}: ${p.message}` : `${where}: ${at}: ${p.message}`;
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// the schema

type Iss = { input?: unknown; code?: string };
/** An error message that says 'required' when the value is missing and states the rule otherwise. */
const rule = (text: string) => (iss: Iss) => (iss.input === undefined ? 'required' : text);

const num = (text: string, ok: (v: number) => boolean) =>
  z.number({ error: rule(text) }).refine(ok, { error: rule(text) });

const nonNegative = num('expected a number >= 0', (v) => v >= 0);
const positiveInt = num('expected a positive integer', (v) => Number.isSafeInteger(v) && v >= 1);
const nonNegativeInt = num('expected an integer >= 0', (v) => Number.isSafeInteger(v) && v >= 0);
const nonEmptyString = z.string({ error: rule('expected a string') }).min(1, { error: 'expected a non-empty string' });

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
function oneOf<T extends string>(values: readonly T[], hint?: (input: unknown) => string | undefined) {
  const text = `expected one of ${quoted(values)}`;
  const near = (input: unknown) => {
    const c = typeof input === 'string' ? closest(input, values) : undefined;
    return c === undefined ? text : `${text} (did you mean '${c}'?)`;
  };
  return z.enum(values as [T, ...T[]], {
    error: (iss: Iss) => (iss.input === undefined ? 'required' : (hint?.(iss.input) ?? near(iss.input))),
  });
}

const labelsSchema = oneOf(LABEL_ENCODINGS, (input) =>
  input === 1 ? `expected '01' or 'pm1' (YAML reads an unquoted 01 as the number 1: write '01')` : undefined,
);

/** A strict object: each unknown key is an error at its own path, with "did you mean" and the allowed keys. */
function obj<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape);
  const allowed = keys.join(', ');
  return z
    .looseObject(shape, {
      error: (iss: Iss) => (iss.input === undefined ? 'required' : 'expected a mapping (key: value pairs)'),
    })
    .superRefine(
      (value, ctx) => {
        for (const k of Object.keys(value)) {
          if (keys.includes(k)) continue;
          const c = closest(k, keys);
          const hint = c === undefined ? '' : `did you mean '${c}'? `;
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `unknown key (${hint}allowed: ${allowed})`,
            input: value,
            params: { onKey: true },
          });
        }
      },
      // also when some known key is invalid, so that every problem is reported at once
      {
        when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
      },
    ) as unknown as z.ZodObject<S, z.core.$strict>;
}

/** The zod rule of a table row (message: 'expected <rule>'; 'required' when missing). */
function tableRule(spec: Pick<ParamSpec, 'kind' | 'min' | 'max' | 'minOpen' | 'maxOpen' | 'choices'>): z.ZodType {
  if (spec.kind === 'choice') return oneOf(spec.choices ?? []);
  const text = `expected ${ruleOf(spec)}`;
  const base = spec.kind === 'boolean' ? z.boolean({ error: rule(text) }) : z.number({ error: rule(text) });
  return (base as z.ZodType).refine((v) => accepts(spec, v), { error: rule(text) });
}

/**
 * The value rule of every parameter a sweep may set: the method parameters' from the parameter table
 * (src/methods/params.ts), and the objective's λ and μ.
 */
export const PARAM_RULES: Record<SweepParamName, z.ZodType> = {
  ...(Object.fromEntries(PARAM_NAMES.map((p) => [p, tableRule(PARAMS[p])])) as Record<ParamName, z.ZodType>),
  lambda: nonNegative,
  l2: nonNegative,
};
export const SWEEP_PARAM_NAMES = Object.keys(PARAM_RULES) as SweepParamName[];

const mapValues = <T>(f: (k: SweepParamName, s: z.ZodType) => T) =>
  Object.fromEntries(SWEEP_PARAM_NAMES.map((k) => [k, f(k, PARAM_RULES[k])])) as Record<SweepParamName, T>;

const paramsSchema = obj(mapValues((_k, s) => s.optional()));
const gridSchema = obj(
  mapValues((_k, s) =>
    z
      .array(s, { error: rule('expected a non-empty list of values') })
      .min(1, { error: 'expected a non-empty list of values' })
      .optional(),
  ),
);

const seedCount = positiveInt.refine((v) => v <= MAX_SEED_COUNT, {
  error: `expected at most ${MAX_SEED_COUNT} seeds (a sweep has at most --max-runs runs)`,
});
const seedsSchema = z
  .union([seedCount, z.array(nonNegativeInt).min(1, { error: 'expected a non-empty list of seeds' })], {
    error: rule('expected a count (a positive integer) or a non-empty list of integers >= 0'),
  })
  .transform((s) => (typeof s === 'number' ? Array.from({ length: s }, (_, i) => i) : s));

/** Default gradient-norm tolerance of a sweep: the library's, as `optlab run`'s `--tol` (src/run/budgets.ts). */
export { DEFAULT_TOL };

/** The budget keys and their rules, from the budget table. */
const budgetShape = Object.fromEntries(
  (Object.keys(BUDGETS) as BudgetName[]).map((b) => [b, tableRule(BUDGETS[b])]),
) as Record<BudgetName, z.ZodType<number>>;
/** Sweep-level budgets: `tol` defaults to 1e-6, as everywhere (0 disables it). */
const budgetsSchema = obj({
  maxIter: budgetShape.maxIter.optional(),
  epochs: budgetShape.epochs.optional(),
  maxPasses: budgetShape.maxPasses.optional(),
  timeLimit: budgetShape.timeLimit.optional(),
  tol: budgetShape.tol.default(DEFAULT_TOL),
  traceEvery: budgetShape.traceEvery.optional(),
});
const budgetOverridesSchema = obj(
  Object.fromEntries(Object.entries(budgetShape).map(([k, s]) => [k, s.nullable().optional()])) as {
    [K in keyof typeof budgetShape]: z.ZodOptional<z.ZodNullable<(typeof budgetShape)[K]>>;
  },
);

const datasetSchema = z
  .union(
    [
      nonEmptyString,
      obj({
        data: nonEmptyString,
        subset: positiveInt.optional(),
        labels: labelsSchema.optional(),
        positive: num('expected a number', () => true).optional(),
        testData: nonEmptyString.optional(),
      }),
    ],
    { error: rule('expected a dataset name or path, or a mapping {data: ..., subset: ..., testData: ...}') },
  )
  .transform((d): DatasetEntry => (typeof d === 'string' ? { data: d } : d));

const methodSchema = obj({
  method: oneOf(METHOD_NAMES),
  group: nonEmptyString.optional(),
  params: paramsSchema.default({}),
  grid: gridSchema.default({}),
  seeds: seedsSchema.optional(),
  budgets: budgetOverridesSchema.optional(),
}).superRefine((entry, ctx) => {
  for (const p of jointProblems(entry as unknown as MethodEntry)) ctx.addIssue({ code: 'custom', ...p, input: entry });
});

/**
 * The joint rules of the parameter table (nesterov needs momentum, 0 < c1 < c2 < 1, ...) on every grid point
 * of a method entry, each at the path of the parameter to fix, with the point. Only when every parameter
 * applies to the method (else the cross-checks report that first).
 */
function jointProblems(entry: MethodEntry): SweepProblem[] {
  const m = entry.method;
  const ms = METHODS[m];
  const keys = [...Object.keys(entry.params), ...Object.keys(entry.grid)];
  if (keys.some((k) => k !== 'lambda' && k !== 'l2' && !ms.params.includes(k as ParamName))) return [];
  const out: SweepProblem[] = [];
  const seen = new Set<string>();
  for (const point of gridPoints(entry.grid)) {
    const { lambda: _l, l2: _m, ...given } = { ...entry.params, ...point } as SweepParams;
    const p: MethodParams = { ...ms.defaults, ...given };
    for (const r of JOINT_RULES) {
      if (!r.params.some((k) => ms.params.includes(k))) continue;
      const bad = r.check(p, given, m, (k) => k);
      if (bad === undefined) continue;
      const inGrid = r.params.find((k) => k in entry.grid);
      const inParams = r.params.find((k) => k in entry.params);
      const path = inGrid ? ['grid', inGrid] : inParams ? ['params', inParams] : [];
      const label = Object.keys(point).length > 0 ? ` (at ${formatPoint(point)})` : '';
      const message = `${bad}${label}`;
      if (seen.has(`${path}\n${message}`)) continue;
      seen.add(`${path}\n${message}`);
      out.push({ path, message });
    }
  }
  return out;
}

/** The zod schema of a sweep file (before the cross-checks of `validateSweep`). */
export const SWEEP_SCHEMA = obj({
  name: nonEmptyString.optional(),
  datasets: z
    .array(datasetSchema, { error: rule('expected a non-empty list of datasets') })
    .min(1, { error: 'expected a non-empty list of datasets' }),
  testData: nonEmptyString.optional(),
  objective: obj({
    loss: oneOf(LOSS_NAMES).default('sigmoid-lsq'),
    lambda: nonNegative.default(0),
    l2: nonNegative.default(0),
    labels: labelsSchema.default('01'),
  }).default({ loss: 'sigmoid-lsq', lambda: 0, l2: 0, labels: '01' }),
  init: oneOf(['zeros', 'randn'] as const).default('zeros'),
  seeds: seedsSchema.default([0]),
  budgets: budgetsSchema.default({ tol: DEFAULT_TOL }),
  methods: z
    .array(methodSchema, { error: rule('expected a non-empty list of method entries') })
    .min(1, { error: 'expected a non-empty list of method entries' }),
});

// ---------------------------------------------------------------------------------------------------------
// parsing

/** Parses the text of a sweep file: YAML for .yaml/.yml, JSON for .json (syntax errors give FILE:LINE:COL). */
export function parseSweepText(text: string, file: string): unknown {
  return parseSweepSource(text, file).data;
}

/** A sweep file's data and where each of its paths is written. */
export interface SweepSource {
  data: unknown;
  locate: Locator;
}

/** Parses the text of a sweep file (as `parseSweepText`), keeping the place of every node for its messages. */
export function parseSweepSource(text: string, file: string): SweepSource {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      const reason = (e as Error).message.replace(/ in JSON at position \d+.*$/, '');
      const m = /position (\d+)/.exec((e as Error).message);
      let at = '';
      if (m) {
        const before = text.slice(0, Number(m[1])).split('\n');
        at = `:${before.length}:${before[before.length - 1].length + 1}`;
      } else {
        // Node 20 often gives no position; JSON is YAML's flow syntax, so the YAML parser can place the error
        const pos = parseDocument(text).errors[0]?.linePos?.[0];
        if (pos) at = `:${pos.line}:${pos.col}`;
      }
      throw new OptlabError(`${file}${at}: ${reason}`);
    }
    // JSON.parse gives the values (JSON's own semantics); the YAML parser, only if a problem is found, the places
    let locate: Locator | undefined;
    return { data, locate: (path, onKey) => (locate ??= textLocator(text))(path, onKey) };
  }
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    if (doc.errors.length > 0) {
      const lines = doc.errors.map((err) => {
        const pos = err.linePos?.[0];
        const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${reason}`;
      });
      throw new OptlabError(lines.join('\n'));
    }
    try {
      // the yaml library's alias guard (maxAliasCount) stops a billion-laughs document
      return { data: doc.toJS({ maxAliasCount: 100 }), locate: documentLocator(doc, lines) };
    } catch (e) {
      if (e instanceof ReferenceError || e instanceof RangeError) {
        throw new OptlabError(
          `${file}: the YAML expands too much (${e.message.split('\n')[0]}); a sweep file needs few aliases`,
        );
      }
      throw e;
    }
  }
  throw new OptlabError(`${file}: a sweep file must end in .yaml, .yml or .json`);
}

/**
 * Parses and validates a sweep file's text; throws `SweepError` listing every problem, each at its
 * FILE:LINE:COL.
 */
export function readSweep(text: string, file: string, opts: { maxRuns?: number } = {}): SweepSpec {
  const { data, locate } = parseSweepSource(text, file);
  return validateSweep(data, file, { ...opts, locate });
}

export interface ValidateOptions {
  /** Cap on the number of runs (default: the sweep runner's, 100 000). */
  maxRuns?: number;
  /** Places each problem's path in the file's text (`parseSweepSource`); without it, problems have paths only. */
  locate?: Locator;
}

/** Validates parsed sweep data (schema, then the cross-checks); throws `SweepError` listing every problem. */
export function validateSweep(raw: unknown, file: string, opts: ValidateOptions = {}): SweepSpec {
  const fail = (problems: SweepProblem[], whole = false): never => {
    throw new SweepError(file, opts.locate ? placed(problems, opts.locate, whole) : problems);
  };
  const parsed = SWEEP_SCHEMA.safeParse(raw);
  if (!parsed.success) fail(zodProblems(parsed.error.issues));
  const spec = parsed.data as SweepSpec;
  // the run count is the whole file's problem: it has no place
  const tooMany = runCountProblem(spec, opts.maxRuns);
  if (tooMany) fail([tooMany], true);
  const problems = crossCheck(spec);
  if (problems.length === 0) problems.push(...duplicateRuns(spec));
  if (problems.length > 0) fail(problems);
  return spec;
}

/**
 * The problems with their line and column (the root's only when it is a node's problem, not the whole file's),
 * in the order they are written in the file.
 */
function placed(problems: SweepProblem[], locate: Locator, whole: boolean): SweepProblem[] {
  const out = problems.map((p) => {
    const pos = whole && p.path.length === 0 ? undefined : locate(p.path, p.onKey);
    return pos === undefined ? p : { ...p, line: pos.line, col: pos.col };
  });
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/** zod issues as problems: one per unknown key, union failures reduced to their message. */
function zodProblems(issues: z.core.$ZodIssue[]): SweepProblem[] {
  const out: SweepProblem[] = [];
  for (const iss of issues) {
    const path = iss.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (iss.code === 'unrecognized_keys')
      for (const k of iss.keys) out.push({ path: [...path, k], message: iss.message, onKey: true });
    else if (iss.code === 'custom' && iss.params?.onKey === true) out.push({ path, message: iss.message, onKey: true });
    else out.push({ path, message: iss.message });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// cross-checks: what the schema alone cannot see

function crossCheck(spec: SweepSpec): SweepProblem[] {
  const problems: SweepProblem[] = [];
  const seen = new Set<string>();
  const add = (path: Array<string | number>, message: string, onKey = false): void => {
    const k = `${formatPath(path)}\n${message}`;
    if (!seen.has(k)) {
      seen.add(k);
      problems.push(onKey ? { path, message, onKey } : { path, message });
    }
  };
  // linear: a Set of the values seen (a million seeds are checked in milliseconds)
  const dupes = (path: Array<string | number>, values: readonly unknown[], what: string) => {
    const seenValues = new Set<unknown>();
    values.forEach((v, i) => {
      if (seenValues.has(v)) add([...path, i], `duplicate ${what} ${JSON.stringify(v)}`);
      else seenValues.add(v);
    });
  };
  dupes(['seeds'], spec.seeds, 'seed');
  const l1Methods = METHOD_NAMES.filter((m) => METHODS[m].handlesL1).join(', ');

  spec.methods.forEach((entry, i) => {
    const at = (...p: Array<string | number>) => ['methods', i, ...p];
    const m = entry.method;
    const ms = METHODS[m];
    if (entry.seeds) dupes(at('seeds'), entry.seeds, 'seed');
    for (const [where, keys] of [
      ['params', Object.keys(entry.params)],
      ['grid', Object.keys(entry.grid)],
    ] as const) {
      for (const key of keys) {
        if (where === 'grid') {
          if (key in entry.params) {
            add(at('grid', key), 'also set in params (give a parameter in one place)', true);
          }
          dupes(at('grid', key), entry.grid[key as SweepParamName] as unknown[], 'value');
        }
        if (key === 'lambda' || key === 'l2') continue;
        if (!ms.params.includes(key as ParamName)) {
          add(at(where, key), `does not apply to ${m} (it takes: ${ms.params.join(', ')})`, true);
        }
      }
    }
    // λ > 0 needs a method that handles the L1 term
    if (!ms.handlesL1) {
      const rejectL1 = `${m} does not handle lambda > 0 (L1); use one of: ${l1Methods}`;
      if (entry.params.lambda !== undefined) {
        if (entry.params.lambda > 0) add(at('params', 'lambda'), rejectL1);
      } else if (entry.grid.lambda !== undefined) {
        entry.grid.lambda.forEach((v, k) => {
          if (v > 0) add(at('grid', 'lambda', k), rejectL1);
        });
      } else if (spec.objective.lambda > 0) {
        add(
          at('method'),
          `${m} does not handle objective.lambda = ${spec.objective.lambda} (L1); use one of: ${l1Methods}`,
        );
      }
    }
    // a full-batch method must have a budget that bounds it
    const unbounded = unboundedReason(m, ms.stochastic, mergedBudgets(spec.budgets, entry.budgets));
    if (unbounded !== undefined) add(at('budgets'), `${unbounded} (here or in the sweep's budgets)`);
  });
  return problems;
}
