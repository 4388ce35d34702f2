/**
 * The study's sections (the groups of its sweep, src/study/preset.ts) as the playground names them: a preset's
 * title, and the name of a group of an opened study folder; with the x-axis of the study's figure (passes
 * where methods of different cost meet). The reference runs and the sparsity path have a title but no preset.
 * DOM-free.
 */
import { GROUPS } from '../../src/study/preset.js';
import type { XAxis } from './config.js';

export const STUDY_GROUPS: Record<string, { title: string; x: XAxis; preset: boolean }> = {
  [GROUPS.reference]: { title: 'reference runs (f* of each objective)', x: 'passes', preset: false },
  [GROUPS.gdSteps]: { title: 'Q3 gradient descent, constant steps', x: 'iter', preset: true },
  [GROUPS.gdLineSearch]: { title: 'Q3 gradient descent, Armijo and Wolfe line searches', x: 'passes', preset: true },
  [GROUPS.sgdSteps]: { title: 'Q4 mini-batch SGD, steps at batch 64', x: 'passes', preset: true },
  [GROUPS.sgdBatches]: { title: 'Q4 mini-batch SGD, batch sizes at step 2.5', x: 'passes', preset: true },
  [GROUPS.adaptive]: { title: 'Q5 Adagrad, momentum, Nesterov and Adam', x: 'passes', preset: true },
  [GROUPS.proxLambda]: { title: "Q6 proximal gradient over the study's λ", x: 'iter', preset: true },
  [GROUPS.proxPath]: { title: 'Q6 sparsity path (OWL-QN over fractions of λ_max)', x: 'iter', preset: false },
  [GROUPS.fista]: { title: 'Q6 FISTA', x: 'passes', preset: true },
  [GROUPS.bfgs]: { title: 'Q7 BFGS, constant step and Wolfe', x: 'passes', preset: true },
  [GROUPS.sbfgs]: { title: 'Q8 stochastic BFGS, steps', x: 'passes', preset: true },
  [GROUPS.proxBfgs]: { title: 'Q10 proximal BFGS, constant step and backtracking', x: 'passes', preset: true },
  [GROUPS.lbfgs]: { title: 'Q11 L-BFGS memory', x: 'iter', preset: true },
};
