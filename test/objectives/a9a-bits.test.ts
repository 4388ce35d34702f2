/**
 * a9a's numbers do not depend on the engine's Math: the value and gradient at a fixed point, the CLI's
 * default lbfgs run (the value the playground test compares the browser with) and the study's f* (lbfgs to
 * rounding level), each pinned to what optlab recorded before the kernels used our own exp and log1p
 * (src/math/elementary.ts; recorded with Node 20's Math.exp/Math.log1p, commit 93c0f89).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { encodeLabels } from '../../src/data/labels.js';
import { type ParsedLibsvm, parseLibsvm } from '../../src/data/libsvm.js';
import { lossValueGrad } from '../../src/objectives/kernels.js';
import type { LossName } from '../../src/objectives/losses.js';
import { Objective } from '../../src/objectives/objective.js';
import { WasmKernels } from '../../src/objectives/wasm/runtime.js';
import { minimize } from '../../src/run/minimize.js';
import { optlab } from '../helpers/cli.js';
import { dataDir, requireDataFile } from '../helpers/data.js';

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

describe('a9a numbers, pinned across the switch to our own exp and log1p', () => {
  for (const loss of ['sigmoid-lsq', 'logistic'] as const) {
    it(`${loss}: value and gradient at x = 0.01 (JavaScript and WebAssembly kernels)`, (t) => {
      const data = loadA9a(t);
      if (data === undefined) return;
      const { y } = encodeLabels(data.labels, '01', 'a9a');
      const x = new Float64Array(data.X.cols).fill(0.01);
      const n = data.X.rows;
      const gJs = new Float64Array(data.X.cols);
      const fJs = lossValueGrad(loss, data.X, y, x, gJs, 1 / n, null, 0, n) / n;
      const wasm = WasmKernels.create(data.X, y);
      assert.ok(wasm !== null);
      const gWasm = new Float64Array(data.X.cols);
      const fWasm = wasm.valueGrad(loss, x, gWasm, 1 / n, null, 0, n) / n;
      const [f, g5] = AT_POINT[loss];
      for (const [what, fv, g] of [
        ['js', fJs, gJs],
        ['wasm', fWasm, gWasm],
      ] as const) {
        assert.ok(relErr(fv, f) <= 1e-13, `${what}: f = ${fv}, recorded ${f}`);
        assert.ok(relErr(g[5], g5) <= 1e-13, `${what}: g[5] = ${g[5]}, recorded ${g5}`);
      }
    });
  }

  it("the CLI's default lbfgs on a9a ends at the recorded value (what the playground test compares)", () => {
    const r = optlab(['run', '--data', 'a9a', '--method', 'lbfgs', '--json'], { OPTLAB_DATA: dataDir() });
    assert.equal(r.code, 0, r.stderr);
    const value = (JSON.parse(r.stdout) as { result: { value: number } }).result.value;
    assert.ok(relErr(value, 0.10330824629469425) <= 1e-12, `value ${value}`);
  });

  it("the study's f* (lbfgs, memory 10, to rounding level) is the recorded one to 1e-12", (t) => {
    const data = loadA9a(t);
    if (data === undefined) return;
    const { y } = encodeLabels(data.labels, '01', 'a9a');
    const r = minimize(
      new Objective(data.X, y, { loss: 'sigmoid-lsq' }),
      { method: 'lbfgs', memory: 10 },
      {
        maxIter: 20000,
        tol: 0,
      },
    );
    assert.ok(relErr(r.value, 0.10330823063829146) <= 1e-12, `f* = ${r.value}`);
  });
});
