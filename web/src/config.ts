/**
 * The playground's whole configuration as plain data, and its URL form.
 *
 * The URL reads like the CLI: keys are the CLI's flag names without dashes, and each run is `mK=<method>`
 * followed by `mK.<flag>=<value>` for the values the user gave (empty fields take the method's defaults,
 * as omitted flags do):
 *
 *   ?data=a9a&test-data=a9a.t&objective=sigmoid-lsq&m1=lbfgs&m1.memory=5&m2=sgd&m2.step=0.5&m2.seed=1&x=passes&y=gap&run=1
 *
 * `run=1` starts the runs once the data is loaded. DOM-free (tests import it in Node).
 */
import { LABEL_ENCODINGS, type LabelEncoding } from '../../src/data/labels.js';
import { isMethodName, METHODS, type MethodName, type MethodParams, type ParamName } from '../../src/methods/index.js';
import { LOSS_NAMES, type LossName } from '../../src/objectives/losses.js';
import { runLabel } from '../../src/sweep/expand.js';
import {
  BUDGET_FIELDS,
  BUDGET_NAMES,
  type BudgetName,
  type Budgets,
  type FieldSpec,
  PARAM_FIELDS,
  parseNumber,
  urlKey,
} from './fields.js';

export type XAxis = 'iter' | 'passes' | 'seconds';
export type YAxis = 'value' | 'gap' | 'gradNorm';
export const X_AXES: readonly XAxis[] = ['iter', 'passes', 'seconds'];
export const Y_AXES: readonly YAxis[] = ['value', 'gap', 'gradNorm'];
export type Init = 'zeros' | 'randn';
export const INITS: readonly Init[] = ['zeros', 'randn'];

/** The problem: what `--objective --labels --positive --subset --lambda --l2` say. */
export interface ProblemConfig {
  objective: LossName;
  labels: LabelEncoding;
  /** L1 weight λ (`--lambda`). */
  lambda: number;
  /** L2 weight μ (`--l2`). */
  l2: number;
  subset?: number;
  positive?: number;
}

/** One run: a method, the parameters and budgets the user gave (others take defaults), a seed and a start. */
export interface RunSpec {
  method: MethodName;
  params: MethodParams;
  budgets: Budgets;
  seed: number;
  init: Init;
  /**
   * The run's own L1 weight λ (`mK.lambda`), for methods that handle L1: overrides the problem's `--lambda`, so
   * one page compares λ values (the study's question 6). Unset: the problem's λ.
   */
  lambda?: number;
}

/** The L1 weight λ a run solves with: its own, else the problem's. */
export function runLambda(r: RunSpec, p: ProblemConfig): number {
  return r.lambda ?? p.lambda;
}

export interface ChartConfig {
  x: XAxis;
  y: YAxis;
  log: boolean;
  /** Log scale of the x-axis (SGD's 10 passes beside L-BFGS's 1500). */
  logX: boolean;
}

export interface PlaygroundConfig {
  /** A registry dataset the server offers, `file:NAME` for a file opened from disk, or '' (none yet). */
  data: string;
  /** The test set, in the same forms; '' for none. */
  testData: string;
  problem: ProblemConfig;
  runs: RunSpec[];
  chart: ChartConfig;
}

export function defaultRun(method: MethodName = 'lbfgs'): RunSpec {
  return { method, params: {}, budgets: {}, seed: 0, init: 'zeros' };
}

export function defaultConfig(): PlaygroundConfig {
  return {
    data: '',
    testData: '',
    problem: { objective: 'sigmoid-lsq', labels: '01', lambda: 0, l2: 0 },
    runs: [defaultRun('lbfgs'), { ...defaultRun('sgd'), params: { step: 0.5 } }],
    chart: { x: 'passes', y: 'gap', log: true, logX: false },
  };
}

/** Shortest round-trip text of a number (as the CLI's JSON writes it). */
function num(v: number): string {
  return String(v);
}

function paramText(spec: FieldSpec, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (spec.kind === 'flag') return v ? '1' : undefined;
  return typeof v === 'number' ? num(v) : String(v);
}

/** The query string (with its `?`) of a configuration; `run` adds `run=1`. */
export function toQuery(c: PlaygroundConfig, run = false): string {
  const q: Array<[string, string]> = [];
  if (c.data) q.push(['data', c.data]);
  if (c.testData) q.push(['test-data', c.testData]);
  const p = c.problem;
  q.push(['objective', p.objective], ['labels', p.labels]);
  if (p.positive !== undefined) q.push(['positive', num(p.positive)]);
  if (p.subset !== undefined) q.push(['subset', num(p.subset)]);
  if (p.lambda !== 0) q.push(['lambda', num(p.lambda)]);
  if (p.l2 !== 0) q.push(['l2', num(p.l2)]);
  c.runs.forEach((r, i) => {
    const m = `m${i + 1}`;
    q.push([m, r.method]);
    for (const name of METHODS[r.method].params) {
      const t = paramText(PARAM_FIELDS[name], r.params[name]);
      if (t !== undefined) q.push([`${m}.${urlKey(PARAM_FIELDS[name])}`, t]);
    }
    for (const name of BUDGET_NAMES) {
      const v = r.budgets[name];
      if (v !== undefined) q.push([`${m}.${urlKey(BUDGET_FIELDS[name])}`, num(v)]);
    }
    if (r.init !== 'zeros') q.push([`${m}.init`, r.init]);
    if (r.seed !== 0) q.push([`${m}.seed`, num(r.seed)]);
    if (r.lambda !== undefined) q.push([`${m}.lambda`, num(r.lambda)]);
  });
  q.push(['x', c.chart.x], ['y', c.chart.y], ['log', c.chart.log ? '1' : '0']);
  if (c.chart.logX) q.push(['logx', '1']);
  if (run) q.push(['run', '1']);
  // Keep `:`, `,` and `/` readable; encode everything else a query value must not hold.
  const enc = (s: string) => encodeURIComponent(s).replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%2F/g, '/');
  return `?${q.map(([k, v]) => `${k}=${enc(v)}`).join('&')}`;
}

export interface ParsedQuery {
  config: PlaygroundConfig;
  /** `run=1`: start the runs once the data is loaded. */
  run: boolean;
  /** One line per value that could not be used (`m2.step: expected a positive number, got 'x'`). */
  problems: string[];
}

const PARAM_BY_KEY = new Map<string, ParamName>(
  (Object.keys(PARAM_FIELDS) as ParamName[]).map((n) => [urlKey(PARAM_FIELDS[n]), n]),
);
const BUDGET_BY_KEY = new Map<string, BudgetName>(BUDGET_NAMES.map((n) => [urlKey(BUDGET_FIELDS[n]), n]));

function readChoice<T extends string>(
  key: string,
  v: string,
  choices: readonly T[],
  problems: string[],
): T | undefined {
  if ((choices as readonly string[]).includes(v)) return v as T;
  problems.push(`${key}: expected one of ${choices.join(', ')}, got '${v}'`);
  return undefined;
}

function readNumber(key: string, v: string, rule: Parameters<typeof parseNumber>[0], problems: string[]) {
  const r = parseNumber(rule, v);
  if (r.ok) return r.value;
  problems.push(`${key}: ${r.message}`);
  return undefined;
}

/**
 * Reads a query string into a configuration: missing keys keep their defaults (with no `mK` at all, the
 * default runs); a bad value is reported in `problems` and skipped, never thrown.
 */
export function fromQuery(search: string): ParsedQuery {
  const params = new URLSearchParams(search);
  const c = defaultConfig();
  const problems: string[] = [];
  const p = c.problem;
  const runs = new Map<number, RunSpec>();
  const runKeys: Array<[number, string, string, string]> = [];
  let run = false;
  for (const [key, v] of params) {
    const m = /^m(\d+)(?:\.(.+))?$/.exec(key);
    if (m) {
      const k = Number(m[1]);
      if (m[2] === undefined) {
        if (isMethodName(v)) runs.set(k, defaultRun(v));
        else problems.push(`${key}: unknown method '${v}' (one of ${Object.keys(METHODS).join(', ')})`);
      } else runKeys.push([k, m[2], v, key]);
      continue;
    }
    switch (key) {
      case 'data':
        c.data = v;
        break;
      case 'test-data':
        c.testData = v;
        break;
      case 'objective':
        p.objective = readChoice(key, v, LOSS_NAMES, problems) ?? p.objective;
        break;
      case 'labels':
        p.labels = readChoice(key, v, LABEL_ENCODINGS, problems) ?? p.labels;
        break;
      case 'positive':
        p.positive = readNumber(key, v, 'finite', problems);
        break;
      case 'subset':
        p.subset = readNumber(key, v, 'positiveInt', problems);
        break;
      case 'lambda':
        p.lambda = readNumber(key, v, 'nonNegative', problems) ?? 0;
        break;
      case 'l2':
        p.l2 = readNumber(key, v, 'nonNegative', problems) ?? 0;
        break;
      case 'x':
        c.chart.x = readChoice(key, v, X_AXES, problems) ?? c.chart.x;
        break;
      case 'y':
        c.chart.y = readChoice(key, v, Y_AXES, problems) ?? c.chart.y;
        break;
      case 'log':
        c.chart.log = v !== '0' && v !== 'false';
        break;
      case 'logx':
        c.chart.logX = v !== '0' && v !== 'false';
        break;
      case 'run':
        run = v !== '0' && v !== 'false';
        break;
      default:
        problems.push(`${key}: unknown setting (ignored)`);
    }
  }
  for (const [k, sub, v, key] of runKeys) {
    const r = runs.get(k);
    if (r === undefined) {
      problems.push(`${key}: no method m${k} (ignored)`);
      continue;
    }
    const param = PARAM_BY_KEY.get(sub);
    const budget = BUDGET_BY_KEY.get(sub);
    if (param !== undefined) {
      if (!METHODS[r.method].params.includes(param)) {
        problems.push(`${key}: ${PARAM_FIELDS[param].flag} does not apply to ${r.method} (ignored)`);
        continue;
      }
      const spec = PARAM_FIELDS[param];
      const target = r.params as Record<string, unknown>;
      if (spec.kind === 'flag') target[param] = v !== '0' && v !== 'false';
      else if (spec.kind === 'choice') target[param] = readChoice(key, v, spec.choices ?? [], problems);
      else target[param] = readNumber(key, v, spec.rule ?? 'finite', problems);
    } else if (budget !== undefined) {
      r.budgets[budget] = readNumber(key, v, BUDGET_FIELDS[budget].rule ?? 'finite', problems);
    } else if (sub === 'seed') {
      r.seed = readNumber(key, v, 'finite', problems) ?? 0;
    } else if (sub === 'init') {
      r.init = readChoice(key, v, INITS, problems) ?? 'zeros';
    } else if (sub === 'lambda') {
      if (!METHODS[r.method].handlesL1) {
        problems.push(`${key}: --lambda does not apply to ${r.method} (ignored)`);
        continue;
      }
      const lambda = readNumber(key, v, 'nonNegative', problems);
      if (lambda !== undefined) r.lambda = lambda;
    } else problems.push(`${key}: unknown run setting (ignored)`);
  }
  if (runs.size > 0) c.runs = [...runs.keys()].sort((a, b) => a - b).map((k) => runs.get(k)!);
  for (const r of c.runs) {
    for (const k of Object.keys(r.params) as ParamName[]) if (r.params[k] === undefined) delete r.params[k];
    for (const k of Object.keys(r.budgets) as BudgetName[]) if (r.budgets[k] === undefined) delete r.budgets[k];
  }
  return { config: c, run, problems };
}

/** Whether a data value names a file opened from disk (`file:NAME`). */
export function fileName(data: string): string | undefined {
  return data.startsWith('file:') ? data.slice(5) : undefined;
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The arguments of `optlab run` for run `i` of the configuration (the same run on the command line). */
export function cliArgs(c: PlaygroundConfig, i: number): string[] {
  const r = c.runs[i];
  const p = c.problem;
  const args = ['run', '--data', fileName(c.data) ?? c.data];
  if (c.testData) args.push('--test-data', fileName(c.testData) ?? c.testData);
  args.push('--method', r.method);
  for (const name of METHODS[r.method].params) {
    const spec = PARAM_FIELDS[name];
    const v = r.params[name];
    if (v === undefined) continue;
    if (spec.kind === 'flag') {
      if (v) args.push(spec.flag);
    } else args.push(spec.flag, typeof v === 'number' ? num(v) : String(v));
  }
  if (p.objective !== 'sigmoid-lsq') args.push('--objective', p.objective);
  if (p.labels !== '01') args.push('--labels', p.labels);
  if (p.positive !== undefined) args.push('--positive', num(p.positive));
  if (p.subset !== undefined) args.push('--subset', num(p.subset));
  const lambda = runLambda(r, p);
  if (lambda !== 0) args.push('--lambda', num(lambda));
  if (p.l2 !== 0) args.push('--l2', num(p.l2));
  for (const name of BUDGET_NAMES) {
    const v = r.budgets[name];
    if (v !== undefined) args.push(BUDGET_FIELDS[name].flag, num(v));
  }
  if (r.init !== 'zeros') args.push('--init', r.init);
  if (r.seed !== 0) args.push('--seed', num(r.seed));
  return args;
}

/** `optlab run ...` as one shell line. */
export function cliCommand(c: PlaygroundConfig, i: number): string {
  return ['optlab', ...cliArgs(c, i)].map(shellWord).join(' ');
}

/**
 * A stable label per run: the sweep's `method[k=v,...]` over the parameters and budgets the user gave (keys
 * sorted), then `#seed`; repeated labels get ` (2)`, ` (3)`, ...
 */
export function runLabels(runs: RunSpec[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const given: Record<string, number | string | boolean> = {};
    for (const [k, v] of Object.entries({ ...r.params, ...r.budgets })) if (v !== undefined) given[k] = v;
    if (r.init !== 'zeros') given.init = r.init;
    if (r.lambda !== undefined) given.lambda = r.lambda;
    const base = `${runLabel(r.method, given)}#${r.seed}`;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base} (${k})`;
  });
}
