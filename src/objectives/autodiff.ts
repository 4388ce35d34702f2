/**
 * A small reverse-mode automatic differentiation tape over float64, with a forward tangent carried along
 * so that one reverse sweep also yields a Hessian-vector product ("forward-over-reverse").
 *
 * Every node holds a value u and a tangent u̇ = ⟨∇u, v⟩, the derivative of u along a direction v fixed
 * when the variables are created. Each node has at most two parents p and stores the local partial
 * ∂u/∂p as a dual number (∂u/∂p, d/dε ∂u/∂p). The reverse sweep propagates dual adjoints
 *   (ū_p, u̇̄_p) += (ū · ∂u/∂p,  ū · (∂u/∂p)˙ + u̇̄ · ∂u/∂p),
 * so after `backward(out)` a variable's adjoint is ∂out/∂x_j and its adjoint tangent is (∇²out · v)_j.
 * This is reverse mode applied to dual numbers (Griewank & Walther, *Evaluating Derivatives*, 2nd ed.,
 * SIAM 2008: §3.2 for the reverse mode, §5.2 / Table 5.1 for second-order adjoints "tangent of
 * adjoint"). Nothing here knows the objectives: the derivatives come from the chain rule alone, which is
 * what makes the tape an independent check of hand-written gradients.
 *
 * Nodes are integer handles into typed arrays (no object per node); `reset()` rewinds the tape for reuse,
 * so evaluating many small expressions (one per data row) allocates nothing once the tape has grown.
 * Branches are written in plain JavaScript on primal values (`if (tape.value(z) >= 0) ...`): the tape
 * records the branch taken, which differentiates the piecewise definition correctly wherever the pieces
 * agree as functions (as the stable forms of σ and softplus do).
 */

import { exp as expE, log1p as log1pE, log as logE, powInt } from '../math/elementary.js';

/** A node of a tape: an index, valid until the next `reset()`. */
export type Node = number;

const NONE = -1;

export class Tape {
  private cap: number;
  private n = 0;
  private val: Float64Array;
  private dot: Float64Array;
  private p1: Int32Array;
  private p2: Int32Array;
  /** ∂u/∂p1 and its tangent. */
  private d1: Float64Array;
  private d1t: Float64Array;
  /** ∂u/∂p2 and its tangent. */
  private d2: Float64Array;
  private d2t: Float64Array;
  private adj: Float64Array;
  private adjt: Float64Array;

  constructor(capacity = 64) {
    this.cap = Math.max(1, capacity | 0);
    this.val = new Float64Array(this.cap);
    this.dot = new Float64Array(this.cap);
    this.p1 = new Int32Array(this.cap);
    this.p2 = new Int32Array(this.cap);
    this.d1 = new Float64Array(this.cap);
    this.d1t = new Float64Array(this.cap);
    this.d2 = new Float64Array(this.cap);
    this.d2t = new Float64Array(this.cap);
    this.adj = new Float64Array(this.cap);
    this.adjt = new Float64Array(this.cap);
  }

  /** Forgets every node (handles become invalid); keeps the storage. */
  reset(): void {
    this.n = 0;
  }

  /** Number of nodes recorded. */
  get size(): number {
    return this.n;
  }

  /** Primal value of a node. */
  value(a: Node): number {
    return this.val[a];
  }

  /** Tangent of a node: its derivative along the direction given to the variables. */
  tangent(a: Node): number {
    return this.dot[a];
  }

  /** After `backward`: ∂out/∂a, times the seed. */
  adjoint(a: Node): number {
    return this.adj[a];
  }

  /** After `backward`: the tangent of the adjoint, (∇²out · v)_a for a variable a, times the seed. */
  adjointTangent(a: Node): number {
    return this.adjt[a];
  }

  /** A constant c (zero derivative). */
  constant(c: number): Node {
    return this.push(c, 0, NONE, 0, 0, NONE, 0, 0);
  }

  /** An independent variable with value x and tangent (direction component) ẋ. */
  variable(x: number, tangent = 0): Node {
    return this.push(x, tangent, NONE, 0, 0, NONE, 0, 0);
  }

  /** a + b */
  add(a: Node, b: Node): Node {
    return this.push(this.val[a] + this.val[b], this.dot[a] + this.dot[b], a, 1, 0, b, 1, 0);
  }

  /** a − b */
  sub(a: Node, b: Node): Node {
    return this.push(this.val[a] - this.val[b], this.dot[a] - this.dot[b], a, 1, 0, b, -1, 0);
  }

  /** a · b: ∂/∂a = b, ∂/∂b = a. */
  mul(a: Node, b: Node): Node {
    const av = this.val[a];
    const bv = this.val[b];
    const ad = this.dot[a];
    const bd = this.dot[b];
    return this.push(av * bv, ad * bv + av * bd, a, bv, bd, b, av, ad);
  }

  /** a / b: ∂/∂a = 1/b, ∂/∂b = −a/b². */
  div(a: Node, b: Node): Node {
    const av = this.val[a];
    const bv = this.val[b];
    const ad = this.dot[a];
    const bd = this.dot[b];
    const q = av / bv;
    const ib = 1 / bv;
    // (1/b)˙ = −ḃ/b²;  (−a/b²)˙ = −ȧ/b² + 2aḃ/b³ = (−ȧ + 2 q ḃ)/b²
    return this.push(q, (ad - q * bd) * ib, a, ib, -bd * ib * ib, b, -q * ib, (2 * q * bd - ad) * ib * ib);
  }

  /** −a */
  neg(a: Node): Node {
    return this.push(-this.val[a], -this.dot[a], a, -1, 0, NONE, 0, 0);
  }

  /** eᵃ: derivative eᵃ, its tangent eᵃ ȧ. */
  exp(a: Node): Node {
    const e = expE(this.val[a]);
    const t = e * this.dot[a];
    return this.push(e, t, a, e, t, NONE, 0, 0);
  }

  /** log a: derivative 1/a, its tangent −ȧ/a². */
  log(a: Node): Node {
    const av = this.val[a];
    const ia = 1 / av;
    const ad = this.dot[a];
    return this.push(logE(av), ad * ia, a, ia, -ad * ia * ia, NONE, 0, 0);
  }

  /** log(1 + a), accurate for small a: derivative 1/(1+a), its tangent −ȧ/(1+a)². */
  log1p(a: Node): Node {
    const av = this.val[a];
    const ip = 1 / (1 + av);
    const ad = this.dot[a];
    return this.push(log1pE(av), ad * ip, a, ip, -ad * ip * ip, NONE, 0, 0);
  }

  /** √a: derivative 1/(2√a), its tangent −ȧ/(4 a √a). */
  sqrt(a: Node): Node {
    const av = this.val[a];
    const s = Math.sqrt(av);
    const d = 0.5 / s;
    const ad = this.dot[a];
    return this.push(s, ad * d, a, d, (-ad * d) / (2 * av), NONE, 0, 0);
  }

  /** a²: derivative 2a, its tangent 2ȧ. */
  square(a: Node): Node {
    const av = this.val[a];
    const ad = this.dot[a];
    return this.push(av * av, 2 * av * ad, a, 2 * av, 2 * ad, NONE, 0, 0);
  }

  /** aᵏ for an integer k: derivative k aᵏ⁻¹, its tangent k(k−1) aᵏ⁻² ȧ. */
  powi(a: Node, k: number): Node {
    if (!Number.isInteger(k)) throw new RangeError(`powi needs an integer exponent, got ${k}`);
    if (k === 0) return this.constant(1);
    if (k === 1) return a;
    if (k === 2) return this.square(a);
    const av = this.val[a];
    const ad = this.dot[a];
    const pk2 = k >= 2 ? powInt(av, k - 2) : 1 / powInt(av, 2 - k);
    const pk1 = pk2 * av;
    const d = k * pk1;
    const dt = k * (k - 1) * pk2 * ad;
    return this.push(pk1 * av, d * ad, a, d, dt, NONE, 0, 0);
  }

  /** |a|, with derivative sign(a) (0 at 0, a subgradient). Prefer explicit branches where smoothness matters. */
  abs(a: Node): Node {
    const av = this.val[a];
    const s = av > 0 ? 1 : av < 0 ? -1 : 0;
    return this.push(Math.abs(av), s * this.dot[a], a, s, 0, NONE, 0, 0);
  }

  /** c · a for a constant c (one node instead of a constant node and a product). */
  scale(a: Node, c: number): Node {
    return this.push(c * this.val[a], c * this.dot[a], a, c, 0, NONE, 0, 0);
  }

  /**
   * Reverse sweep from `out`, with adjoint seed (seed, 0). Afterwards `adjoint(a)` = seed · ∂out/∂a and
   * `adjointTangent(a)` = seed · ⟨∇(∂out/∂a), v⟩ for every node a (0 for nodes `out` does not depend on).
   */
  backward(out: Node, seed = 1): void {
    const { adj, adjt, p1, p2, d1, d1t, d2, d2t } = this;
    adj.fill(0, 0, this.n);
    adjt.fill(0, 0, this.n);
    adj[out] = seed;
    for (let k = out; k >= 0; k--) {
      const a = adj[k];
      const at = adjt[k];
      if (a === 0 && at === 0) continue;
      const q = p1[k];
      if (q !== NONE) {
        adj[q] += a * d1[k];
        adjt[q] += a * d1t[k] + at * d1[k];
        const r = p2[k];
        if (r !== NONE) {
          adj[r] += a * d2[k];
          adjt[r] += a * d2t[k] + at * d2[k];
        }
      }
    }
  }

  private push(v: number, t: number, a: number, da: number, dat: number, b: number, db: number, dbt: number): Node {
    if (this.n === this.cap) this.grow();
    const k = this.n++;
    this.val[k] = v;
    this.dot[k] = t;
    this.p1[k] = a;
    this.d1[k] = da;
    this.d1t[k] = dat;
    this.p2[k] = b;
    this.d2[k] = db;
    this.d2t[k] = dbt;
    return k;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const f = (old: Float64Array) => {
      const a = new Float64Array(cap);
      a.set(old);
      return a;
    };
    const i = (old: Int32Array) => {
      const a = new Int32Array(cap);
      a.set(old);
      return a;
    };
    this.val = f(this.val);
    this.dot = f(this.dot);
    this.p1 = i(this.p1);
    this.p2 = i(this.p2);
    this.d1 = f(this.d1);
    this.d1t = f(this.d1t);
    this.d2 = f(this.d2);
    this.d2t = f(this.d2t);
    this.adj = new Float64Array(cap);
    this.adjt = new Float64Array(cap);
    this.cap = cap;
  }
}

/** A scalar function written with tape operations on the variables `x`. */
export type TapeFunction = (tape: Tape, x: readonly Node[]) => Node;

/** f(x) and ∇f(x) of a function written with tape operations (for small problems and tests). */
export function valueAndGrad(f: TapeFunction, x: ArrayLike<number>): { value: number; grad: Float64Array } {
  const r = gradAndHessVec(f, x, new Float64Array(x.length));
  return { value: r.value, grad: r.grad };
}

/** f(x), ∇f(x) and ∇²f(x)·v in one forward and one reverse sweep (forward-over-reverse). */
export function gradAndHessVec(
  f: TapeFunction,
  x: ArrayLike<number>,
  v: ArrayLike<number>,
): { value: number; grad: Float64Array; hessVec: Float64Array } {
  if (v.length !== x.length) throw new RangeError(`x and v differ in length (${x.length}, ${v.length})`);
  const tape = new Tape(4 * x.length + 16);
  const vars: Node[] = [];
  for (let j = 0; j < x.length; j++) vars.push(tape.variable(x[j], v[j]));
  const out = f(tape, vars);
  tape.backward(out);
  const grad = new Float64Array(x.length);
  const hessVec = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    grad[j] = tape.adjoint(vars[j]);
    hessVec[j] = tape.adjointTangent(vars[j]);
  }
  return { value: tape.value(out), grad, hessVec };
}
