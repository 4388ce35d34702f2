import { sigmoid, softplus } from './sigmoid.js';

/** Names of the smooth data-fitting losses. */
export type LossName = 'sigmoid-lsq' | 'logistic';
export const LOSS_NAMES: readonly LossName[] = ['sigmoid-lsq', 'logistic'];

/**
 * A margin loss ℓ(z, y) of the linear score z = aᵀx and the encoded label y, with its first two
 * derivatives in z. These scalar versions define the math; `kernels.ts` inlines the same formulas in its
 * hot loops, and the tests check the two agree.
 */
export interface MarginLoss {
  readonly name: LossName;
  readonly description: string;
  value(z: number, y: number): number;
  /** ∂ℓ/∂z */
  deriv(z: number, y: number): number;
  /** ∂²ℓ/∂z² */
  deriv2(z: number, y: number): number;
}

/**
 * Residual r = y − σ(z), computed without cancellation when σ(z) is close to 1: for z ≥ 0,
 * y − σ(z) = (y − 1) + σ(−z), which is exact for y = 1.
 */
export function sigmoidResidual(z: number, y: number): number {
  return z >= 0 ? y - 1 + sigmoid(-z) : y - sigmoid(z);
}

/**
 * Sigmoid least squares, the study's loss: ℓ(z, y) = (y − σ(z))².
 *   ℓ'  = −2 r σ(z) σ(−z)                   with r = y − σ(z)
 *   ℓ'' = 2 σ σ₋ (σ σ₋ − r (σ₋ − σ))          with σ = σ(z), σ₋ = σ(−z)
 * Built from σ(z) and σ(−z) only, unlike the study's 2eᶻ(eᶻ(y−1)+y)/(1+eᶻ)³, which overflows to NaN
 * beyond z ≈ 710. Non-convex in x. With y ∈ {−1, +1} (the study's labels) the minimum is far above 0.
 */
export const sigmoidLsq: MarginLoss = {
  name: 'sigmoid-lsq',
  description: 'sigmoid least squares: (y - sigmoid(a.x))^2',
  value(z, y) {
    const r = sigmoidResidual(z, y);
    return r * r;
  },
  deriv(z, y) {
    return -2 * sigmoidResidual(z, y) * sigmoid(z) * sigmoid(-z);
  },
  deriv2(z, y) {
    const s = sigmoid(z);
    const sm = sigmoid(-z);
    const r = sigmoidResidual(z, y);
    return 2 * s * sm * (s * sm - r * (sm - s));
  },
};

/** ỹ ∈ {−1, +1} from an encoded label (1 is the positive class under both encodings). */
export function signedLabel(y: number): number {
  return y === 1 ? 1 : -1;
}

/**
 * Logistic loss: ℓ(z, y) = log(1 + e^{−ỹ z}) with ỹ = +1 for the positive class, −1 otherwise.
 *   ℓ' = −ỹ σ(−ỹ z),   ℓ'' = σ(z) σ(−z).
 * Evaluated as a stable softplus (no overflow for any finite z). Convex in x.
 */
export const logistic: MarginLoss = {
  name: 'logistic',
  description: 'logistic: log(1 + exp(-y a.x)), y in {-1, +1}',
  value(z, y) {
    return softplus(-signedLabel(y) * z);
  },
  deriv(z, y) {
    const t = signedLabel(y);
    return -t * sigmoid(-t * z);
  },
  deriv2(z) {
    return sigmoid(z) * sigmoid(-z);
  },
};

/** Every loss by name (a missing entry is a compile error). */
export const LOSSES: Record<LossName, MarginLoss> = {
  'sigmoid-lsq': sigmoidLsq,
  logistic,
};
