/**
 * The built-in study: the original notebook's questions 1–12 (`../shared/seed/`), as one sweep whose method
 * entries are tagged with the section (group) they belong to. Two presets:
 *
 * - `full` (default): all of a9a, labels {0, 1}, start at zeros; deterministic methods run once (from zeros
 *   nothing is random), stochastic ones over `seeds` seeds;
 * - `seed`: the original setting, the first 1000 rows, labels ±1 fed to the sigmoid, a random N(0, 1)
 *   start; every method over `seeds` seeds (the start is random).
 *
 * Budgets follow the study (100 iterations / epochs on 1000 rows) scaled to the full data so the whole study
 * runs in seconds: 200 full-batch iterations, 10 epochs for mini-batch methods (3× the study's 100 epochs of
 * 1000 rows in sample gradients), and converged reference runs
 * that fix f* for each objective.
 */

export type StudyPreset = 'full' | 'seed';

/** Section ids, in report order (the groups of the sweep). */
export const GROUPS = {
  reference: 'reference',
  gdSteps: 'q3-gd-steps',
  gdLineSearch: 'q3-gd-line-search',
  sgdSteps: 'q4-sgd-steps',
  sgdBatches: 'q4-sgd-batches',
  adaptive: 'q5-adaptive',
  proxLambda: 'q6-prox-lambda',
  proxPath: 'q6-sparsity-path',
  fista: 'q6-fista',
  bfgs: 'q7-bfgs',
  sbfgs: 'q8-sbfgs',
  proxBfgs: 'q10-prox-bfgs',
  lbfgs: 'q11-lbfgs-memory',
} as const;

/** The study's λ values (question 6). */
export const STUDY_LAMBDAS = [0.001, 0.01, 0.05, 0.1];
/** The finer sparsity path, as fractions of λ_max = ‖∇f(0)‖∞ (above λ_max, x = 0 is optimal). */
export const PATH_FRACTIONS = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
/** λ of the proximal-BFGS comparison (question 10). */
export const PROX_BFGS_LAMBDA = 0.001;

export interface StudyOptions {
  preset: StudyPreset;
  /** Repetitions of the random runs (≥ 1; the issue asks for at least 3). */
  seeds: number;
  /** λ_max = ‖∇f(0)‖∞ of the preset's smooth objective (computed from the data by the caller). */
  lambdaMax: number;
  /** Training data (name or path) and test data. */
  data: string;
  testData?: string;
  /** The smooth loss (default sigmoid-lsq), label encoding (default: the preset's) and L2 weight (default 0). */
  loss?: 'sigmoid-lsq' | 'logistic';
  labels?: '01' | 'pm1';
  l2?: number;
}

/** The label encoding of a preset unless given. */
export function presetLabels(preset: StudyPreset, labels?: '01' | 'pm1'): '01' | 'pm1' {
  return labels ?? (preset === 'full' ? '01' : 'pm1');
}

/** Rounds to 4 significant digits (λ values appear in run labels). */
function sig4(v: number): number {
  return Number(v.toPrecision(4));
}

/** The study as a sweep file (plain JSON data, validated by the sweep schema like any file). */
export function studySweep(o: StudyOptions): Record<string, unknown> {
  const full = o.preset === 'full';
  const iters = full ? 200 : 100;
  const epochs = full ? 10 : 100;
  const det = full ? 1 : o.seeds; // seeds of full-batch methods: from zeros they are deterministic
  const stoch = o.seeds;
  const deterministic = (group: string, method: string, extra: Record<string, unknown>, maxIter = iters) => ({
    method,
    group,
    seeds: det,
    budgets: { maxIter, tol: 0 },
    ...extra,
  });
  const stochastic = (group: string, method: string, extra: Record<string, unknown>) => ({
    method,
    group,
    seeds: stoch,
    budgets: { epochs, tol: 0 },
    ...extra,
  });
  const path = PATH_FRACTIONS.map((f) => sig4(f * o.lambdaMax));
  const labels = presetLabels(o.preset, o.labels);
  return {
    name: `optlab study (${o.preset})`,
    datasets: [full ? { data: o.data } : { data: o.data, subset: 1000, labels }],
    ...(o.testData ? { testData: o.testData } : {}),
    objective: { loss: o.loss ?? 'sigmoid-lsq', labels, ...(o.l2 ? { l2: o.l2 } : {}) },
    init: full ? 'zeros' : 'randn',
    seeds: stoch,
    methods: [
      // converged runs that fix f* of every objective of the study (BFGS: fastest to 1e-10 on 123 features)
      deterministic(GROUPS.reference, 'bfgs', { budgets: { maxIter: 3000, tol: 1e-8 } }),
      deterministic(GROUPS.reference, 'owlqn', {
        grid: { lambda: [...new Set([...STUDY_LAMBDAS, PROX_BFGS_LAMBDA])] },
        budgets: { maxIter: 2000, tol: 1e-8 },
      }),
      // Q3: gradient descent, constant steps, and with line searches
      deterministic(GROUPS.gdSteps, 'gd', { grid: { step: [3, 2.5, 2, 1.5, 1, 0.5] } }),
      deterministic(GROUPS.gdLineSearch, 'gd', { params: { step: 4 }, grid: { lineSearch: ['armijo', 'wolfe'] } }),
      // Q4: mini-batch SGD, steps at batch 64, then batches at step 2.5
      stochastic(GROUPS.sgdSteps, 'sgd', { params: { batch: 64 }, grid: { step: [3, 2.5, 2, 1.5, 1, 0.5, 0.1] } }),
      stochastic(GROUPS.sgdBatches, 'sgd', { params: { step: 2.5 }, grid: { batch: [16, 32, 128] } }), // batch 64 at step 2.5 is in the steps group
      // Q5: Adagrad (the study's batch 16), momentum, Nesterov, Adam
      stochastic(GROUPS.adaptive, 'adagrad', { params: { batch: 16 }, grid: { step: [0.1, 0.5, 2] } }),
      stochastic(GROUPS.adaptive, 'sgd', { params: { batch: 16, momentum: 0.9 }, grid: { step: [0.05, 0.25] } }),
      stochastic(GROUPS.adaptive, 'sgd', { params: { batch: 16, momentum: 0.9, nesterov: true, step: 0.25 } }),
      stochastic(GROUPS.adaptive, 'adam', { params: { batch: 16 }, grid: { step: [0.001, 0.01] } }),
      // Q6: proximal gradient over the study's λ, the finer path (OWL-QN to convergence), FISTA beside ISTA
      deterministic(GROUPS.proxLambda, 'prox-gd', { params: { step: 2.5 }, grid: { lambda: STUDY_LAMBDAS } }),
      deterministic(GROUPS.proxPath, 'owlqn', { grid: { lambda: path }, budgets: { maxIter: 1000, tol: 1e-8 } }),
      deterministic(GROUPS.fista, 'fista', { params: { step: 2.5 }, grid: { lambda: [0.001, 0.01] } }),
      // Q7: BFGS, the study's constant step and with a Wolfe line search (GD runs come from Q3)
      deterministic(GROUPS.bfgs, 'bfgs', { params: { lineSearch: 'none', step: 0.01 } }),
      deterministic(GROUPS.bfgs, 'bfgs', { params: { lineSearch: 'wolfe' } }),
      // Q8: stochastic BFGS (the study: step 0.001, batch 128)
      stochastic(GROUPS.sbfgs, 'sbfgs', { params: { batch: 128 }, grid: { step: [0.001, 0.01, 0.05] } }),
      // Q10: proximal BFGS with the study's constant step 0.1, and with backtracking from the unit step; OWL-QN's run is the reference
      deterministic(GROUPS.proxBfgs, 'prox-bfgs', {
        params: { lambda: PROX_BFGS_LAMBDA, lineSearch: 'none', step: 0.1 },
      }),
      deterministic(GROUPS.proxBfgs, 'prox-bfgs', {
        params: { lambda: PROX_BFGS_LAMBDA, lineSearch: 'armijo', step: 1 },
      }),
      // Q11: L-BFGS memory
      deterministic(GROUPS.lbfgs, 'lbfgs', { grid: { memory: [0, 5, 10, 20] } }, full ? 400 : 200),
    ],
  };
}
