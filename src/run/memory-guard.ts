import { checkDenseMemory, DEFAULT_LIMITS } from '../data/limits.js';
import { METHODS, type MethodName, type MethodParams } from '../methods/index.js';

/**
 * Dense vectors of length d every run holds whatever its method: the iterate, the gradient, the trial point
 * and its gradient, the direction, and the objective's work vectors (the WebAssembly copy of x and the
 * gradient accumulator among them). An estimate on the safe side, not an exact count.
 */
export const BASE_RUN_VECTORS = 8;

/** Extra dense vectors of length d a method keeps (curvature pairs, moment estimates). */
function methodVectors(method: MethodName, p: MethodParams): number {
  const m = p.memory ?? METHODS[method].defaults.memory;
  switch (method) {
    case 'lbfgs':
    case 'owlqn':
      return 2 * (m ?? 10) + 2;
    case 'sbfgs':
      return m === undefined ? 2 : 2 * m + 2;
    case 'adam':
      return 2;
    case 'adagrad':
    case 'sgd':
    case 'fista':
      return 1;
    default:
      return 0;
  }
}

/**
 * Refuses, before the objective or the method allocates anything, a run whose dense vectors of length `d`
 * would take more than `maxBytes` (default 2 GiB, as for dense BFGS's matrix; `--max-dense-bytes`): for
 * instance `--features 2147483647`, a feature index of 1e8, or L-BFGS with `--memory 1000000000`. The error
 * gives the estimate in bytes and the flag that raises the limit. (Dense BFGS's d×d matrix has its own guard
 * in src/methods/index.ts.)
 */
export function checkRunMemory(
  method: MethodName,
  d: number,
  params: MethodParams,
  maxBytes: number = DEFAULT_LIMITS.maxDenseBytes,
): void {
  const p = { ...METHODS[method].defaults, ...params };
  const vectors = BASE_RUN_VECTORS + methodVectors(method, p);
  const memory = p.memory !== undefined && METHODS[method].params.includes('memory') ? ` --memory ${p.memory}` : '';
  checkDenseMemory(`${method}${memory} on ${d} features (${vectors} vectors of length d)`, d, vectors, maxBytes);
}
