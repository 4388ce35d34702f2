import { type CorrelationMatrix, correlationMatrix } from '../data/correlation.js';
import type { Csr } from '../data/csr.js';
import type { LabelEncoding } from '../data/labels.js';
import { type DataStats, dataStats } from '../data/stats.js';
import { type GradcheckReport, gradcheck } from '../objectives/gradcheck.js';
import { sigmoidLsq } from '../objectives/losses.js';
import { Objective } from '../objectives/objective.js';

/**
 * The study's analyses that are not optimizer runs: the data (question 1), the gradient checks and the
 * numerical stability of the study's explicit gradient formula (question 2). Core-safe.
 */
export interface StudyExtras {
  dataset: string;
  stats: DataStats;
  correlation: CorrelationMatrix;
  /** One gradient check per objective variant (loss × labels). */
  gradchecks: Array<{ name: string; report: GradcheckReport }>;
  stability: StabilityRow[];
  /** λ_max = ‖∇f(0)‖∞ of the study's objective: for λ ≥ λ_max, x = 0 is optimal. */
  lambdaMax: number;
}

/**
 * ∂ℓ/∂z as the study wrote it: the gradient of (y − σ(z))² is −2eᶻ(eᶻ(y − 1) + y)/(1 + eᶻ)³ · a.
 * (1 + eᶻ)³ overflows for z > 236.6, eᶻ·eᶻ for z > 354.9 and eᶻ itself for z > 709.8.
 */
export function studyDerivative(z: number, y: number): number {
  const e = Math.exp(z);
  return -(2 * e * (e * (y - 1) + y)) / (1 + e) ** 3;
}

export interface StabilityRow {
  z: number;
  label: string;
  /** |study − stable| / |stable| (1 when the stable value is 0 and the study's is not); NaN if the study's is NaN. */
  relError: number;
  status: 'finite' | 'NaN';
}

/** Relative error of the study's formula against optlab's σ-based derivative over z ∈ [−zMax, zMax]. */
export function stabilityRows(labels: readonly number[], zMax = 800, step = 5): StabilityRow[] {
  const rows: StabilityRow[] = [];
  for (const y of labels) {
    for (let z = -zMax; z <= zMax; z += step) {
      const stable = sigmoidLsq.deriv(z, y);
      const study = studyDerivative(z, y);
      let relError: number;
      if (Number.isNaN(study)) relError = Number.NaN;
      else if (stable === 0) relError = study === 0 ? 0 : 1;
      else relError = Math.abs(study - stable) / Math.abs(stable);
      rows.push({ z, label: `y = ${y}`, relError, status: Number.isNaN(study) ? 'NaN' : 'finite' });
    }
  }
  return rows;
}

/** The first z > 0 (on the grid) where the study's formula returns NaN, per label. */
export function firstNaN(rows: readonly StabilityRow[], label: string): number | null {
  const r = rows.find((s) => s.label === label && s.z > 0 && s.status === 'NaN');
  return r ? r.z : null;
}

/** The largest relative error of the study's formula for |z| ≤ zLimit (finite values only). */
export function maxErrorWithin(rows: readonly StabilityRow[], zLimit: number): number {
  let m = 0;
  for (const r of rows) if (Math.abs(r.z) <= zLimit && r.status === 'finite' && r.relError > m) m = r.relError;
  return m;
}

export interface ExtrasInput {
  name: string;
  X: Csr;
  /** Raw labels as read (for the label balance). */
  rawLabels: Float64Array;
  /** Encoded labels of the study's objective, and the other encoding (both are checked). */
  y: Float64Array;
  encoding: LabelEncoding;
  /** Rows used by the gradient checks (all by default). */
  gradcheckRows?: number;
}

/** Computes every extra of the study. */
export function studyExtras(input: ExtrasInput): StudyExtras {
  const { X, y } = input;
  const other = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) other[i] = y[i] === 1 ? 1 : input.encoding === '01' ? -1 : 0;
  const otherName = input.encoding === '01' ? 'pm1' : '01';
  const variants: Array<{ name: string; y: Float64Array; loss: 'sigmoid-lsq' | 'logistic' }> = [
    { name: `sigmoid-lsq, labels ${input.encoding}`, y, loss: 'sigmoid-lsq' },
    { name: `sigmoid-lsq, labels ${otherName}`, y: other, loss: 'sigmoid-lsq' },
    { name: 'logistic', y, loss: 'logistic' },
  ];
  const gradchecks = variants.map((v) => ({
    name: v.name,
    report: gradcheck(new Objective(X, v.y, { loss: v.loss }), {
      points: 2,
      fdCoordinates: 8,
      ...(input.gradcheckRows !== undefined ? { rows: input.gradcheckRows } : {}),
    }),
  }));
  return {
    dataset: input.name,
    stats: dataStats(X, input.rawLabels),
    correlation: correlationMatrix(X),
    gradchecks,
    stability: stabilityRows(input.encoding === '01' ? [0, 1] : [-1, 1]),
    lambdaMax: studyLambdaMax(X, y),
  };
}

/** λ_max = ‖∇f(0)‖∞ of the study's objective (sigmoid-lsq on these labels): {@link StudyExtras.lambdaMax}. */
export function studyLambdaMax(X: Csr, y: Float64Array): number {
  const objective = new Objective(X, y, { loss: 'sigmoid-lsq' });
  const g = new Float64Array(objective.d);
  objective.valueGrad(new Float64Array(objective.d), g);
  let lambdaMax = 0;
  for (let j = 0; j < g.length; j++) lambdaMax = Math.max(lambdaMax, Math.abs(g[j]));
  return lambdaMax;
}
