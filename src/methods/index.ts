import { OptlabError } from '../errors.js';
import { WOLFE_DEFAULTS } from '../linesearch/index.js';
import { DenseBfgs, Lbfgs, MAX_DENSE_BYTES, Steepest } from './curvature.js';
import { Descent } from './descent.js';
import { OwlQn } from './owlqn.js';
import { ProxBfgs } from './prox-bfgs.js';
import { Fista, ProxGradient, type ProxStep } from './proximal.js';
import { StochasticBfgs } from './sbfgs.js';
import { type LineSearchName, makeStepRule } from './step-rule.js';
import { AdagradRule, AdamRule, SgdRule, StochasticGradient } from './stochastic.js';
import type { Method } from './types.js';

export type MethodName =
  | 'gd'
  | 'sgd'
  | 'adagrad'
  | 'adam'
  | 'prox-gd'
  | 'fista'
  | 'bfgs'
  | 'sbfgs'
  | 'prox-bfgs'
  | 'owlqn'
  | 'lbfgs';

/** Every parameter a method may take; each method accepts the subset its spec lists. */
export interface MethodParams {
  /** Constant step α, or the first trial step of a line search. */
  step?: number;
  lineSearch?: LineSearchName;
  /** Armijo / sufficient-decrease constant. */
  c1?: number;
  /** Curvature constant of the strong Wolfe conditions. */
  c2?: number;
  /** Mini-batch size. */
  batch?: number;
  momentum?: number;
  nesterov?: boolean;
  /** Adagrad / Adam ε. */
  eps?: number;
  beta1?: number;
  beta2?: number;
  /** L-BFGS memory (pairs); for sbfgs, using it switches from dense H to L-BFGS. */
  memory?: number;
}

export type ParamName = keyof MethodParams;

export interface MethodSpec {
  name: MethodName;
  summary: string;
  /** Reference for the algorithm as implemented. */
  reference: string;
  stochastic: boolean;
  handlesL1: boolean;
  /** Parameters this method accepts, with their defaults (undefined = optional, no default). */
  defaults: Partial<MethodParams>;
  params: ParamName[];
  create(d: number, p: MethodParams, lambda: number): Method;
}

function proxStep(p: MethodParams): ProxStep {
  const ls = p.lineSearch ?? 'none';
  if (ls === 'wolfe')
    throw new OptlabError('proximal methods take --line-search none or armijo (backtracking), not wolfe');
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

const STEP_RULE_PARAMS: ParamName[] = ['step', 'lineSearch', 'c1', 'c2'];

/** The method table: the CLI's choices, help text and defaults come from here. */
export const METHODS: Record<MethodName, MethodSpec> = {
  gd: {
    name: 'gd',
    summary: 'gradient descent, x <- x - step * grad f(x)',
    reference: 'Nocedal & Wright, Numerical Optimization (2006), ch. 3',
    stochastic: false,
    handlesL1: false,
    defaults: { step: 1, lineSearch: 'none' },
    params: STEP_RULE_PARAMS,
    create: (d, p) => new Descent(d, new Steepest(), makeStepRule(p.lineSearch!, p.step!, p)),
  },
  sgd: {
    name: 'sgd',
    summary: 'mini-batch SGD, reshuffled every epoch, optional (Nesterov) momentum as in torch.optim.SGD',
    reference: 'Robbins & Monro (1951); Sutskever et al. (2013) for momentum',
    stochastic: true,
    handlesL1: false,
    defaults: { step: 1, batch: 16, momentum: 0, nesterov: false },
    params: ['step', 'batch', 'momentum', 'nesterov'],
    create: (d, p) => new StochasticGradient(d, new SgdRule(d, p.step!, p.momentum, p.nesterov)),
  },
  adagrad: {
    name: 'adagrad',
    summary: 'mini-batch Adagrad, x <- x - step * g / (sqrt(sum g^2) + eps)',
    reference: 'Duchi, Hazan & Singer (2011)',
    stochastic: true,
    handlesL1: false,
    defaults: { step: 0.5, batch: 16, eps: 1e-10 },
    params: ['step', 'batch', 'eps'],
    create: (d, p) => new StochasticGradient(d, new AdagradRule(d, p.step!, p.eps)),
  },
  adam: {
    name: 'adam',
    summary: 'mini-batch Adam with bias correction, as torch.optim.Adam',
    reference: 'Kingma & Ba (2015)',
    stochastic: true,
    handlesL1: false,
    defaults: { step: 0.01, batch: 16, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    params: ['step', 'batch', 'beta1', 'beta2', 'eps'],
    create: (d, p) => new StochasticGradient(d, new AdamRule(d, p.step!, p.beta1, p.beta2, p.eps)),
  },
  'prox-gd': {
    name: 'prox-gd',
    summary: 'proximal gradient (ISTA) for f + lambda*||x||_1: soft thresholding after each gradient step',
    reference: 'Beck & Teboulle (2009); Parikh & Boyd, Proximal Algorithms (2014)',
    stochastic: false,
    handlesL1: true,
    defaults: { step: 1, lineSearch: 'none' },
    params: ['step', 'lineSearch'],
    create: (d, p, lambda) => new ProxGradient(d, proxStep(p), lambda),
  },
  fista: {
    name: 'fista',
    summary: 'accelerated proximal gradient (FISTA)',
    reference: 'Beck & Teboulle, SIAM J. Imaging Sciences 2(1), 2009',
    stochastic: false,
    handlesL1: true,
    defaults: { step: 1, lineSearch: 'none' },
    params: ['step', 'lineSearch'],
    create: (d, p, lambda) => new Fista(d, proxStep(p), lambda),
  },
  bfgs: {
    name: 'bfgs',
    summary: 'BFGS with a dense inverse Hessian (strong Wolfe line search by default)',
    reference: 'Nocedal & Wright (2006), Alg. 6.1',
    stochastic: false,
    handlesL1: false,
    defaults: { step: 1, lineSearch: 'wolfe' },
    params: STEP_RULE_PARAMS,
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
    defaults: { step: 0.01, batch: 128 },
    params: ['step', 'batch', 'memory'],
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
    defaults: { step: 0.1, lineSearch: 'none' },
    params: ['step', 'lineSearch'],
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
    defaults: { memory: 10, c1: 1e-4 },
    params: ['memory', 'c1'],
    create: (d, p, lambda) => new OwlQn(d, p.memory!, lambda, p.c1),
  },
  lbfgs: {
    name: 'lbfgs',
    summary: 'L-BFGS two-loop recursion with memory M (strong Wolfe line search by default)',
    reference: 'Nocedal & Wright (2006), Alg. 7.4-7.5; Liu & Nocedal (1989)',
    stochastic: false,
    handlesL1: false,
    defaults: { step: 1, lineSearch: 'wolfe', memory: 10 },
    params: [...STEP_RULE_PARAMS, 'memory'],
    create: (d, p) => new Descent(d, new Lbfgs(d, p.memory!), makeStepRule(p.lineSearch!, p.step!, p)),
  },
};

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(s: string): s is MethodName {
  return Object.hasOwn(METHODS, s);
}

/** Flag names as the CLI spells them. */
export const PARAM_FLAGS: Record<ParamName, string> = {
  step: '--step',
  lineSearch: '--line-search',
  c1: '--c1',
  c2: '--c2',
  batch: '--batch',
  momentum: '--momentum',
  nesterov: '--nesterov',
  eps: '--eps',
  beta1: '--beta1',
  beta2: '--beta2',
  memory: '--memory',
};

/**
 * Checks parameters against a method (unknown ones are an error, not silently ignored), fills defaults, and
 * validates ranges. Returns the complete parameter set the run records.
 */
export function resolveParams(name: MethodName, given: MethodParams, lambda: number): MethodParams {
  const spec = METHODS[name];
  for (const key of Object.keys(given) as ParamName[]) {
    if (given[key] !== undefined && !spec.params.includes(key)) {
      throw new OptlabError(
        `${PARAM_FLAGS[key]} does not apply to --method ${name} (it takes: ${spec.params.map((k) => PARAM_FLAGS[k]).join(', ')})`,
      );
    }
  }
  if (lambda > 0 && !spec.handlesL1) {
    const l1 = METHOD_NAMES.filter((m) => METHODS[m].handlesL1).join(', ');
    throw new OptlabError(`--method ${name} does not handle --lambda (L1); use one of: ${l1}`);
  }
  const p: MethodParams = { ...spec.defaults };
  for (const key of Object.keys(given) as ParamName[]) {
    if (given[key] !== undefined) (p as Record<string, unknown>)[key] = given[key];
  }
  const check = (ok: boolean, msg: string) => {
    if (!ok) throw new OptlabError(`--method ${name}: ${msg}`);
  };
  if (p.step !== undefined)
    check(p.step > 0 && Number.isFinite(p.step), `--step must be a positive number, got ${p.step}`);
  if (p.batch !== undefined)
    check(Number.isInteger(p.batch) && p.batch >= 1, `--batch must be a positive integer, got ${p.batch}`);
  if (p.momentum !== undefined)
    check(p.momentum >= 0 && p.momentum < 1, `--momentum must be in [0, 1), got ${p.momentum}`);
  if (p.nesterov) check((p.momentum ?? 0) > 0, '--nesterov needs --momentum > 0');
  if (p.memory !== undefined)
    check(Number.isInteger(p.memory) && p.memory >= 0, `--memory must be an integer >= 0, got ${p.memory}`);
  if (p.eps !== undefined) check(p.eps > 0, `--eps must be positive, got ${p.eps}`);
  for (const b of ['beta1', 'beta2'] as const) {
    if (p[b] !== undefined) check(p[b]! >= 0 && p[b]! < 1, `--${b} must be in [0, 1), got ${p[b]}`);
  }
  if (p.lineSearch !== undefined) {
    check(
      ['none', 'armijo', 'wolfe'].includes(p.lineSearch),
      `--line-search must be none, armijo or wolfe, got ${p.lineSearch}`,
    );
  }
  // also owlqn's backtracking constant (it has no --line-search)
  if (p.c1 !== undefined) check(0 < p.c1 && p.c1 < 1, `need 0 < c1 < 1, got c1 = ${p.c1}`);
  if (given.c1 !== undefined && p.lineSearch === 'none')
    check(false, '--c1 applies only to --line-search armijo or wolfe');
  if (p.lineSearch === 'wolfe' && p.step !== undefined) {
    check(p.step <= WOLFE_DEFAULTS.alphaMax, `--step must be <= ${WOLFE_DEFAULTS.alphaMax} with --line-search wolfe`);
  }
  if (p.lineSearch !== undefined && p.lineSearch !== 'none') {
    const c1 = p.c1 ?? 1e-4;
    const c2 = p.c2 ?? 0.9;
    if (p.lineSearch === 'wolfe')
      check(0 < c1 && c1 < c2 && c2 < 1, `need 0 < c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}`);
    else check(0 < c1 && c1 < 1, `need 0 < c1 < 1, got c1 = ${c1}`);
  }
  if (p.c2 !== undefined && p.lineSearch !== 'wolfe') check(false, '--c2 applies only to --line-search wolfe');
  return p;
}

/** Builds a method from its name and (resolved) parameters. */
export function createMethod(name: MethodName, d: number, params: MethodParams, lambda: number): Method {
  return METHODS[name].create(d, resolveParams(name, params, lambda), lambda);
}
