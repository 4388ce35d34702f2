import { powInt } from '../math/elementary.js';
import type { RowBatch } from '../objectives/objective.js';
import type { Oracle } from '../run/oracle.js';
import { type Method, STEP_OK, type StepOutcome } from './types.js';

/**
 * An update rule turns a (mini-batch) gradient into a change of x, in place (Optax-style: a small state and
 * one function). The step count t starts at 1.
 */
export interface UpdateRule {
  apply(x: Float64Array, g: Float64Array, t: number): void;
}

/**
 * SGD with optional heavy-ball momentum β and Nesterov's variant, as torch.optim.SGD defines them:
 *   b ← g (first step), b ← βb + g;  x ← x − α·(nesterov ? g + βb : b).
 * With β = 0 it is plain x ← x − αg.
 */
export class SgdRule implements UpdateRule {
  private readonly b: Float64Array;
  constructor(
    d: number,
    readonly step: number,
    readonly momentum = 0,
    readonly nesterov = false,
  ) {
    this.b = new Float64Array(d);
  }
  apply(x: Float64Array, g: Float64Array, t: number): void {
    const { step, momentum: beta, b } = this;
    if (beta === 0) {
      for (let j = 0; j < x.length; j++) x[j] -= step * g[j];
      return;
    }
    for (let j = 0; j < x.length; j++) {
      b[j] = t === 1 ? g[j] : beta * b[j] + g[j];
      x[j] -= step * (this.nesterov ? g[j] + beta * b[j] : b[j]);
    }
  }
}

/**
 * Adagrad (Duchi, Hazan & Singer 2011), as torch.optim.Adagrad: G ← G + g²;  x ← x − α g / (√G + ε).
 * (The study put ε inside the root, √(G + ε); the difference is negligible once G ≫ ε.)
 */
export class AdagradRule implements UpdateRule {
  private readonly G: Float64Array;
  constructor(
    d: number,
    readonly step: number,
    readonly eps = 1e-10,
  ) {
    this.G = new Float64Array(d);
  }
  apply(x: Float64Array, g: Float64Array): void {
    const { G, step, eps } = this;
    for (let j = 0; j < x.length; j++) {
      G[j] += g[j] * g[j];
      x[j] -= (step * g[j]) / (Math.sqrt(G[j]) + eps);
    }
  }
}

/**
 * Adam (Kingma & Ba 2015), as torch.optim.Adam:
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  x ← x − α m̂ / (√v̂ + ε)
 * with the bias corrections m̂ = m / (1−β₁ᵗ), v̂ = v / (1−β₂ᵗ).
 */
export class AdamRule implements UpdateRule {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  constructor(
    d: number,
    readonly step: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {
    this.m = new Float64Array(d);
    this.v = new Float64Array(d);
  }
  apply(x: Float64Array, g: Float64Array, t: number): void {
    const { m, v, beta1: b1, beta2: b2, eps, step } = this;
    const c1 = 1 - powInt(b1, t); // not b1 ** t: Math.pow differs between engines
    const c2 = 1 - powInt(b2, t);
    for (let j = 0; j < x.length; j++) {
      m[j] = b1 * m[j] + (1 - b1) * g[j];
      v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
      x[j] -= (step * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + eps);
    }
  }
}

/**
 * Why a mini-batch evaluation cannot be used, naming the quantity (the value, or the gradient and its first
 * non-finite coordinate); null when the value and every coordinate of the gradient are finite.
 */
export function nonFinite(f: number, g: Float64Array): string | null {
  if (!Number.isFinite(f)) return `the mini-batch objective became ${f}`;
  for (let j = 0; j < g.length; j++) {
    if (!Number.isFinite(g[j])) return `the mini-batch gradient became ${g[j]} (coordinate ${j + 1} of ${g.length})`;
  }
  return null;
}

/**
 * A mini-batch gradient method: at each step the loop's sampler gives a batch B, the oracle returns
 * ∇f_B(x) (cost |B| samples, one call), and the update rule moves x (one vector update). A non-finite batch
 * value or gradient stops the run as diverged before x is touched.
 */
export class StochasticGradient implements Method {
  readonly stochastic = true;
  readonly handlesL1 = false;
  readonly x: Float64Array;
  private readonly g: Float64Array;
  private readonly rule: UpdateRule;
  private t = 0;
  /** Sum of mini-batch values since the last reset (the study's printed "average loss"). */
  batchValueSum = 0;
  batchCount = 0;

  constructor(d: number, rule: UpdateRule) {
    this.x = new Float64Array(d);
    this.g = new Float64Array(d);
    this.rule = rule;
  }

  init(x0: Float64Array): void {
    this.x.set(x0);
  }

  known(): null {
    return null;
  }

  step(oracle: Oracle, batch?: RowBatch): StepOutcome {
    const fb = oracle.valueGrad(this.x, this.g, batch);
    const bad = nonFinite(fb, this.g);
    if (bad !== null) return { ok: false, reason: 'diverged', message: bad };
    this.batchValueSum += fb;
    this.batchCount++;
    this.rule.apply(this.x, this.g, ++this.t);
    oracle.moved();
    return STEP_OK;
  }
}
