/**
 * Line searches: a 1-D function φ(α) = F(x + αd) in, a verdict out (never a throw on numerical trouble).
 * Backtracking (Armijo, N&W Alg. 3.1) and strong Wolfe (N&W Alg. 3.5 + 3.6, cubic interpolation).
 */
export { ARMIJO_DEFAULTS, type ArmijoOptions, armijo, validateArmijo } from './armijo.js';
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
