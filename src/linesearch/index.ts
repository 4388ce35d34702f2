/**
 * Line searches: a 1-D function φ(α) = F(x + αd) in, a verdict out (never a throw on numerical trouble).
 * Backtracking (Armijo, N&W Alg. 3.1), strong Wolfe (N&W Alg. 3.5 + 3.6, cubic interpolation), and Moré–Thuente
 * (MINPACK-2 dcsrch, the search of L-BFGS-B).
 */

export { ARMIJO_DEFAULTS, type ArmijoOptions, armijo, validateArmijo } from './armijo.js';
export {
  dcstep,
  MORE_THUENTE_DEFAULTS,
  type MoreThuenteOptions,
  moreThuente,
  validateMoreThuente,
} from './more-thuente.js';
export {
  checkStart,
  EPS,
  isFiniteTrial,
  LINE_SEARCH_FAILURES,
  type LineSearch,
  type LineSearchFailure,
  type LineSearchResult,
  lineSearchFailure,
  negligibleStep,
  type Phi,
  sufficientDecrease,
} from './types.js';
export {
  cubicMinimizer,
  extrapolate,
  strongWolfe,
  validateWolfe,
  WOLFE_DEFAULTS,
  type WolfeOptions,
  zoomTrial,
} from './wolfe.js';
