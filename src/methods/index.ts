import { OptlabError } from '../errors.js';
import { closest, didYouMean } from '../suggest.js';
import { DenseBfgs, Lbfgs, MAX_DENSE_BYTES, Steepest } from './curvature.js';
import { Descent } from './descent.js';
import { OwlQn } from './owlqn.js';
import {
  checkParamValue,
  defaultsOf,
  flagOf,
  isParamName,
  JOINT_RULES,
  METHOD_NAMES,
  type MethodName,
  type MethodParams,
  PARAM_NAMES,
  type ParamName,
  paramsOf,
  shown,
} from './params.js';
import { ProxBfgs } from './prox-bfgs.js';
import { Fista, ProxGradient, type ProxStep } from './proximal.js';
import { StochasticBfgs } from './sbfgs.js';
import { makeStepRule } from './step-rule.js';
import { AdagradRule, AdamRule, SgdRule, StochasticGradient } from './stochastic.js';
import type { Method } from './types.js';

export {
  type AnyMethodConfig,
  type LineSearchName,
  METHOD_NAMES,
  type MethodConfig,
  type MethodName,
  type MethodParams,
  PARAMS,
  type ParamName,
  type ParamsOf,
  paramsOf,
} from './params.js';

export interface MethodSpec {
  name: MethodName;
  summary: string;
  /** Reference for the algorithm as implemented. */
  reference: string;
  stochastic: boolean;
  handlesL1: boolean;
  /** Parameters this method accepts, with their defaults (from the parameter table, src/methods/params.ts). */
  defaults: MethodParams;
  params: ParamName[];
  create(d: number, p: MethodParams, lambda: number): Method;
}

function proxStep(p: MethodParams): ProxStep {
  const ls = p.lineSearch ?? 'none';
  return ls === 'none'
    ? { kind: 'constant', step: p.step! }
    : { kind: 'backtracking', step: p.step!, shrink: 0.5, maxEvals: 40 };
}

function denseGuard(d: number, name: string): void {
  if (d * d * 8 > MAX_DENSE_BYTES) {
    const gib = ((d * d * 8) / 2 ** 30).toFixed(1);
    throw new OptlabError(
      `${name} keeps a dense ${d}x${d} inverse Hessian (${gib} GiB), more than the ${MAX_DENSE_BYTES / 2 ** 30} GiB allowed; use --method lbfgs (or sbfgs --memory M)`,
    );
  }
}

type MethodBody = Omit<MethodSpec, 'defaults' | 'params'>;

/** What each method is and how it is built; its parameters and defaults come from the parameter table. */
const BODIES: Record<MethodName, MethodBody> = {
  gd: {
    name: 'gd',
    summary: 'gradient descent, x <- x - step * grad f(x)',
    reference: 'Nocedal & Wright, Numerical Optimization (2006), ch. 3',
    stochastic: false,
    handlesL1: false,
    create: (d, p) => new Descent(d, new Steepest(), makeStepRule(p.lineSearch!, p.step!, p)),
  },
  sgd: {
    name: 'sgd',
    summary: 'mini-batch SGD, reshuffled every epoch, optional (Nesterov) momentum as in torch.optim.SGD',
    reference: 'Robbins & Monro (1951); Sutskever et al. (2013) for momentum',
    stochastic: true,
    handlesL1: false,
    create: (d, p) => new StochasticGradient(d, new SgdRule(d, p.step!, p.momentum, p.nesterov)),
  },
  adagrad: {
    name: 'adagrad',
    summary: 'mini-batch Adagrad, x <- x - step * g / (sqrt(sum g^2) + eps)',
    reference: 'Duchi, Hazan & Singer (2011)',
    stochastic: true,
    handlesL1: false,
    create: (d, p) => new StochasticGradient(d, new AdagradRule(d, p.step!, p.eps)),
  },
  adam: {
    name: 'adam',
    summary: 'mini-batch Adam with bias correction, as torch.optim.Adam',
    reference: 'Kingma & Ba (2015)',
    stochastic: true,
    handlesL1: false,
    create: (d, p) => new StochasticGradient(d, new AdamRule(d, p.step!, p.beta1, p.beta2, p.eps)),
  },
  'prox-gd': {
    name: 'prox-gd',
    summary: 'proximal gradient (ISTA) for f + lambda*||x||_1: soft thresholding after each gradient step',
    reference: 'Beck & Teboulle (2009); Parikh & Boyd, Proximal Algorithms (2014)',
    stochastic: false,
    handlesL1: true,
    create: (d, p, lambda) => new ProxGradient(d, proxStep(p), lambda),
  },
  fista: {
    name: 'fista',
    summary: 'accelerated proximal gradient (FISTA)',
    reference: 'Beck & Teboulle, SIAM J. Imaging Sciences 2(1), 2009',
    stochastic: false,
    handlesL1: true,
    create: (d, p, lambda) => new Fista(d, proxStep(p), lambda),
  },
  bfgs: {
    name: 'bfgs',
    summary: 'BFGS with a dense inverse Hessian (strong Wolfe line search by default)',
    reference: 'Nocedal & Wright (2006), Alg. 6.1',
    stochastic: false,
    handlesL1: false,
    create: (d, p) => {
      denseGuard(d, 'bfgs');
      return new Descent(d, new DenseBfgs(d), makeStepRule(p.lineSearch!, p.step!, p));
    },
  },
  sbfgs: {
    name: 'sbfgs',
    summary: "stochastic BFGS (the study's): BFGS step and curvature pair on the same mini-batch, safeguarded",
    reference: 'Schraudolph, Yu & Guenter (2007); Byrd, Hansen, Nocedal & Singer (2016)',
    stochastic: true,
    handlesL1: false,
    create: (d, p) => {
      const eps = 1e-4;
      if (p.memory === undefined) denseGuard(d, 'sbfgs');
      const curvature = p.memory === undefined ? new DenseBfgs(d, eps) : new Lbfgs(d, p.memory, eps);
      return new StochasticBfgs(d, curvature, p.step!);
    },
  },
  'prox-bfgs': {
    name: 'prox-bfgs',
    summary: 'proximal quasi-Newton: scaled proximal step in the BFGS metric, then a search along it',
    reference: 'Lee, Sun & Saunders, SIAM J. Optim. 24(3), 2014, Alg. 3.1',
    stochastic: false,
    handlesL1: true,
    create: (d, p, lambda) => {
      denseGuard(d, 'prox-bfgs');
      return new ProxBfgs(d, proxStep(p), lambda);
    },
  },
  owlqn: {
    name: 'owlqn',
    summary: 'orthant-wise limited-memory quasi-Newton for f + lambda*||x||_1',
    reference: 'Andrew & Gao, ICML 2007',
    stochastic: false,
    handlesL1: true,
    create: (d, p, lambda) => new OwlQn(d, p.memory!, lambda, p.c1),
  },
  lbfgs: {
    name: 'lbfgs',
    summary: "L-BFGS two-loop recursion with memory M (by default L-BFGS-B's line search: Moré-Thuente, c1 1e-3)",
    reference: 'Nocedal & Wright (2006), Alg. 7.4-7.5; Liu & Nocedal (1989); Moré & Thuente, ACM TOMS 20(3), 1994',
    stochastic: false,
    handlesL1: false,
    create: (d, p) => new Descent(d, new Lbfgs(d, p.memory!), makeStepRule(p.lineSearch!, p.step!, p), p.memory! > 0),
  },
};

/** The method table: each method's body with its parameters and defaults from the parameter table. */
export const METHODS: Record<MethodName, MethodSpec> = Object.fromEntries(
  METHOD_NAMES.map((m) => [m, { ...BODIES[m], defaults: defaultsOf(m), params: paramsOf(m) }]),
) as Record<MethodName, MethodSpec>;

export function isMethodName(s: unknown): s is MethodName {
  return typeof s === 'string' && Object.hasOwn(METHODS, s);
}

/** Flag names as the CLI spells them (derived from the parameter table). */
export const PARAM_FLAGS = Object.fromEntries(PARAM_NAMES.map((p) => [p, flagOf(p)])) as Record<ParamName, string>;

/**
 * How a message names things: the library speaks in parameter names (`memory`), the CLI in flags
 * (`--memory`, `--method lbfgs`).
 */
export interface Voice {
  param(p: string): string;
  method(m: MethodName): string;
  /** A parameter given to a method that does not take it. */
  notTaken(key: string, method: MethodName, suggestion: string): string;
}

export const LIBRARY_VOICE: Voice = {
  param: (p) => p,
  method: (m) => m,
  notTaken: (key, m, suggestion) =>
    `parameter '${key}' is not a parameter of ${m}${suggestion ? ` (did you mean '${suggestion}'?)` : ` (${m} takes: ${METHODS[m].params.join(', ') || 'none'})`}`,
};

export const CLI_VOICE: Voice = {
  param: flagOf,
  method: (m) => `--method ${m}`,
  notTaken: (key, m) =>
    `${flagOf(key)} does not apply to --method ${m} (it takes: ${METHODS[m].params.map(flagOf).join(', ') || 'none'})`,
};

/** `unknown method 'LBFGS' (did you mean 'lbfgs'?)`, or undefined for a known method. */
export function unknownMethod(name: unknown): string | undefined {
  if (isMethodName(name)) return undefined;
  if (typeof name !== 'string') return `method must be one of ${METHOD_NAMES.join(', ')}, got ${shown(name)}`;
  const hint = didYouMean(name, METHOD_NAMES);
  return `unknown method '${name}'${hint || ` (one of ${METHOD_NAMES.join(', ')})`}`;
}

/**
 * Checks parameters against a method — unknown or inapplicable ones are errors (with "did you mean"), never
 * silently ignored —, fills defaults, and checks every value and joint rule of the parameter table.
 * Returns the complete parameter set the run records. Throws `OptlabError` in `voice`'s words.
 */
export function resolveParams(
  name: MethodName,
  given: MethodParams,
  lambda: number,
  voice = LIBRARY_VOICE,
): MethodParams {
  const unknown = unknownMethod(name);
  if (unknown !== undefined) throw new OptlabError(unknown);
  if (typeof given !== 'object' || given === null)
    throw new OptlabError(`the parameters of ${voice.method(name)} must be an object, got ${shown(given)}`);
  const spec = METHODS[name];
  for (const key of Object.keys(given)) {
    if ((given as Record<string, unknown>)[key] === undefined || spec.params.includes(key as ParamName)) continue;
    const suggestion = isParamName(key) ? undefined : closest(key, spec.params);
    throw new OptlabError(voice.notTaken(key, name, suggestion ?? ''));
  }
  if (!(typeof lambda === 'number' && lambda >= 0))
    throw new OptlabError(`${voice.param('lambda')} must be a number >= 0, got ${shown(lambda)}`);
  if (lambda > 0 && !spec.handlesL1) {
    const l1 = METHOD_NAMES.filter((m) => METHODS[m].handlesL1).join(', ');
    throw new OptlabError(`${voice.method(name)} does not handle ${voice.param('lambda')} > 0 (L1); use one of: ${l1}`);
  }
  const p: MethodParams = { ...spec.defaults };
  for (const key of spec.params) {
    const v = given[key];
    if (v === undefined) continue;
    const bad = checkParamValue(key, v);
    if (bad !== undefined) throw new OptlabError(`${voice.method(name)}: ${voice.param(key)}: ${bad}`);
    (p as Record<string, unknown>)[key] = v;
  }
  for (const rule of JOINT_RULES) {
    if (!rule.params.some((k) => spec.params.includes(k))) continue;
    const bad = rule.check(p, given, name, voice.param);
    if (bad !== undefined) throw new OptlabError(`${voice.method(name)}: ${bad}`);
  }
  return p;
}

/** Builds a method from its name and (resolved) parameters. */
export function createMethod(name: MethodName, d: number, params: MethodParams, lambda: number): Method {
  return METHODS[name].create(d, resolveParams(name, params, lambda), lambda);
}
