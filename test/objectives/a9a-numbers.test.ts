/**
 * a9a's numbers: the JavaScript reference kernels are pinned to what optlab recorded before they used our
 * own exp and log1p (src/math/elementary.ts; recorded with Node 20's Math.exp/Math.log1p, commit 93c0f89),
 * so they do not depend on the engine's Math; the WebAssembly kernels are held to exact (compensated or
 * rational) sums, which they match more closely than the sequential reference does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { encodeLabels } from '../../src/data/labels.js';
import { type ParsedLibsvm, parseLibsvm } from '../../src/data/libsvm.js';
import { lossValueGrad } from '../../src/objectives/kernels.js';
import { LOSSES, type LossName } from '../../src/objectives/losses.js';
import { Objective } from '../../src/objectives/objective.js';
import { WasmKernels } from '../../src/objectives/wasm/runtime.js';
import { requireDataFile } from '../helpers/data.js';

let cached: ParsedLibsvm | undefined;
function loadA9a(t: TestContext): ParsedLibsvm | undefined {
  if (cached !== undefined) return cached;
  const path = requireDataFile(t, 'a9a');
  if (path === undefined) return undefined;
  cached = parseLibsvm(new Uint8Array(readFileSync(path)), { fileName: 'a9a' });
  return cached;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** f(x) and ∂f/∂x₅ at x = 0.01·1 (labels 0/1), as recorded. */
const AT_POINT: Record<LossName, [number, number]> = {
  'sigmoid-lsq': [0.269068414632701, 0.10967230550675502],
  logistic: [0.7313468733095617, 0.2204184374378834],
};

/** Neumaier's compensated sum of xs (error ≈ ε |Σ| + O(nε²) Σ|x|). */
function exactSum(xs: Iterable<number>): number {
  let s = 0;
  let c = 0;
  for (const v of xs) {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

describe('a9a numbers', () => {
  for (const loss of ['sigmoid-lsq', 'logistic'] as const) {
    it(`${loss} at x = 0.01: the JavaScript kernel as recorded, WebAssembly within 1e-13 of exact sums`, (t) => {
      const data = loadA9a(t);
      if (data === undefined) return;
      const { X } = data;
      const { y } = encodeLabels(data.labels, '01', 'a9a');
      const x = new Float64Array(X.cols).fill(0.01);
      const n = X.rows;
      const gJs = new Float64Array(X.cols);
      const fJs = lossValueGrad(loss, X, y, x, gJs, 1 / n, null, 0, n) / n;
      const [f, g5] = AT_POINT[loss];
      assert.ok(relErr(fJs, f) <= 1e-15, `js: f = ${fJs}, recorded ${f}`);
      assert.ok(relErr(gJs[5], g5) <= 1e-15, `js: g[5] = ${gJs[5]}, recorded ${g5}`);
      // exact sums of the per-row losses and derivatives (scalar definitions, losses.ts)
      const ell: number[] = [];
      const cols: number[][] = Array.from({ length: X.cols }, () => []);
      for (let i = 0; i < n; i++) {
        let z = 0;
        for (let k = X.rowPtr[i]; k < X.rowPtr[i + 1]; k++) z += x[X.colIdx[k]];
        ell.push(LOSSES[loss].value(z, y[i]));
        const c = LOSSES[loss].deriv(z, y[i]) / n;
        for (let k = X.rowPtr[i]; k < X.rowPtr[i + 1]; k++) cols[X.colIdx[k]].push(c);
      }
      const wasm = WasmKernels.create(X, y);
      assert.ok(wasm !== null);
      const gWasm = new Float64Array(X.cols);
      const fWasm = wasm.valueGrad(loss, x, gWasm, 1 / n, null, 0, n) / n;
      assert.ok(relErr(fWasm, exactSum(ell) / n) <= 1e-13, `wasm: f = ${fWasm}, exact ${exactSum(ell) / n}`);
      for (let j = 0; j < X.cols; j++) {
        const exact = exactSum(cols[j]);
        const scale = exactSum(cols[j].map(Math.abs));
        assert.ok(Math.abs(gWasm[j] - exact) <= 1e-13 * scale, `wasm: g[${j}] = ${gWasm[j]}, exact ${exact}`);
      }
    });
  }

  it('sigmoid-lsq at x = 0: the WebAssembly gradient within 1e-14 of the exact rational one (JavaScript: 5e-13)', (t) => {
    const data = loadA9a(t);
    if (data === undefined) return;
    const { X } = data;
    const { y } = encodeLabels(data.labels, '01', 'a9a');
    const n = X.rows;
    // at x = 0 every row has ℓ' = −2 (y − ½) ¼: g_j = (#{y=0} − #{y=1} in column j) / (4n), one rounding
    const count = new Float64Array(X.cols);
    for (let i = 0; i < n; i++)
      for (let k = X.rowPtr[i]; k < X.rowPtr[i + 1]; k++) count[X.colIdx[k]] += y[i] === 1 ? -1 : 1;
    const exact = Array.from(count, (c) => (c * 0.25) / n);
    const maxAbs = Math.max(...exact.map(Math.abs));
    for (const [kernel, tol] of [
      ['wasm', 1e-14],
      ['js', 5e-13],
    ] as const) {
      const g = new Float64Array(X.cols);
      new Objective(X, y, { loss: 'sigmoid-lsq', kernel }).valueGrad(new Float64Array(X.cols), g);
      const err = Math.max(...Array.from(g, (v, j) => Math.abs(v - exact[j])));
      assert.ok(err <= tol * maxAbs, `${kernel}: max error ${err / maxAbs} of max |g|`);
    }
  });
});
