/**
 * The liblinear side of `bench --compare-python`: the objective mapping (C ↔ l2), the tolerance mapping, and the
 * parsing of liblinear's model file and log, checked on recorded output of liblinear 2.3.0 (Debian
 * liblinear-tools 2.3.0+dfsg-5) on a tiny fixture, so that no liblinear is needed here. Where `liblinear-train`
 * is installed, one more test runs it on the fixture.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeLabels } from '../../src/data/labels.js';
import { parseLibsvm } from '../../src/data/libsvm.js';
import {
  liblinearAvailable,
  liblinearC,
  liblinearRelTol,
  optlabL2,
  parseLiblinearModel,
  parseTronLog,
  positiveWeights,
  runLiblinear,
} from '../../src/node/liblinear.js';
import { Objective } from '../../src/objectives/objective.js';
import { minimize } from '../../src/run/minimize.js';

/** 8 rows, 3 features, 4 positive. */
const FIXTURE = [
  '-1 1:0.5 3:1',
  '+1 2:1 3:-0.25',
  '-1 1:1 2:0.5',
  '+1 1:-1 2:2',
  '+1 3:1.5',
  '-1 1:2 3:-1',
  '+1 1:0.25 2:1 3:0.75',
  '-1 2:-0.5',
  '',
].join('\n');

// `liblinear-train -s 0 -c 0.5 -B -1 -e 1e-12 tiny.svm` (stopped by "actred and prered too small": w is the
// minimizer to about 1e-7) and the same with the default -e 0.01, with its log.
const MODEL_TIGHT = `solver_type L2R_LR
nr_class 2
label 1 -1
nr_feature 3
bias -1
w
-0.57078574061877574 
0.53576285504065702 
0.24746380504844007 
`;
const MODEL_DEFAULT = `solver_type L2R_LR
nr_class 2
label 1 -1
nr_feature 3
bias -1
w
-0.569643038973496 
0.5354338310118586 
0.25106695186304367 
`;
const LOG_DEFAULT = `iter  1 act 6.081e-01 pre 5.891e-01 delta 7.925e-01 f 2.773e+00 |g| 1.542e+00 CG   1
iter  2 act 2.928e-03 pre 2.907e-03 delta 7.925e-01 f 2.164e+00 |g| 9.789e-02 CG   1
`;
const C = 0.5;

function fixture() {
  const parsed = parseLibsvm(new TextEncoder().encode(FIXTURE), { fileName: 'tiny.svm' });
  const { y } = encodeLabels(parsed.labels, '01', 'tiny.svm');
  return { X: parsed.X, y, n: y.length };
}

/** liblinear's primal objective ½‖w‖² + C Σ log(1 + exp(−yᵢ wᵀxᵢ)), written out from the fixture's text. */
function liblinearObjective(w: ArrayLike<number>): number {
  let f = 0.5 * Array.from(w).reduce((s, v) => s + v * v, 0);
  for (const line of FIXTURE.trim().split('\n')) {
    const [label, ...rest] = line.split(' ');
    const yi = Number(label);
    let z = 0;
    for (const tok of rest) {
      const [j, v] = tok.split(':');
      z += w[Number(j) - 1] * Number(v);
    }
    f += C * Math.log1p(Math.exp(-yi * z));
  }
  return f;
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('liblinear -s 0 and optlab: the same objective', () => {
  it('l2 = 1/(C n): optlab F(w) = f_liblinear(w) / (C n) at any w', () => {
    const { X, y, n } = fixture();
    assert.equal(optlabL2(C, n), 0.25);
    assert.equal(liblinearC(0.25, n), C);
    const objective = new Objective(X, y, { loss: 'logistic', l2: optlabL2(C, n) });
    const g = new Float64Array(3);
    for (const w of [
      [0, 0, 0],
      [-0.57, 0.53, 0.25],
      [3, -2, 1.5],
    ]) {
      const F = objective.valueGrad(Float64Array.from(w), g);
      assert.ok(Math.abs(F * C * n - liblinearObjective(w)) <= 1e-14 * liblinearObjective(w), `${w}`);
    }
    // at w = 0: C l log 2, the f of liblinear's first log line (2.773e+00)
    assert.ok(Math.abs(liblinearObjective([0, 0, 0]) - 2.773) < 5e-4);
  });

  it("optlab's L-BFGS reaches liblinear's minimizer (recorded at -e 1e-12) on that objective", () => {
    const { X, y, n } = fixture();
    const objective = new Objective(X, y, { loss: 'logistic', l2: optlabL2(C, n) });
    const r = minimize(objective, { method: 'lbfgs' }, { tol: 1e-12, maxIter: 1000 });
    const w = positiveWeights(parseLiblinearModel(MODEL_TIGHT));
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(r.x[j] - w[j]) < 1e-6, `w[${j}]: ${r.x[j]} vs liblinear ${w[j]}`);
    // with l2 = 1/C (forgetting n) the minimizer is elsewhere: the mapping is what this test checks
    const wrong = minimize(new Objective(X, y, { loss: 'logistic', l2: 1 / C }), { method: 'lbfgs' }, { tol: 1e-12 });
    assert.ok(Math.abs(wrong.x[0] - w[0]) > 0.1);
  });

  it("liblinear's -e rule, eps·max(min(pos, neg), 1)/l relative to the gradient at 0, holds at its recorded end point", () => {
    const { X, y, n } = fixture();
    assert.equal(liblinearRelTol(0.01, y), (0.01 * 4) / 8);
    assert.equal(liblinearRelTol(0.01, Float64Array.of(1, 1, 1)), 0.01 / 3, 'max(min(pos, neg), 1)');
    const objective = new Objective(X, y, { loss: 'logistic', l2: optlabL2(C, n) });
    const g = new Float64Array(3);
    objective.valueGrad(new Float64Array(3), g);
    const g0 = norm(g);
    // liblinear's |g| at 0 is C n times optlab's: the first log line's 1.542e+00
    assert.ok(Math.abs(g0 * C * n - 1.542) < 5e-4);
    objective.valueGrad(positiveWeights(parseLiblinearModel(MODEL_DEFAULT)), g);
    const rel = norm(g) / g0;
    assert.ok(rel <= liblinearRelTol(0.01, y) && rel > 1e-4, `relative gradient ${rel}`);
  });
});

describe('parsing what liblinear writes', () => {
  it('the model: header, labels, weights to the last digit', () => {
    const m = parseLiblinearModel(MODEL_TIGHT);
    assert.equal(m.solver, 'L2R_LR');
    assert.deepEqual(m.labels, [1, -1]);
    assert.equal(m.bias, -1);
    assert.deepEqual(Array.from(m.w), [-0.57078574061877574, 0.53576285504065702, 0.24746380504844007]);
    assert.deepEqual(Array.from(positiveWeights(m)), Array.from(m.w));
    const flipped = parseLiblinearModel(MODEL_TIGHT.replace('label 1 -1', 'label -1 1'));
    assert.deepEqual(
      Array.from(positiveWeights(flipped)),
      Array.from(m.w, (v) => -v),
    );
    assert.throws(() => positiveWeights(parseLiblinearModel(MODEL_TIGHT.replace('label 1 -1', 'label 2 4'))), /2 4/);
  });

  it('refuses what is not a two-class model, naming the problem', () => {
    assert.throws(() => parseLiblinearModel('solver_type L2R_LR\n'), /no 'w' line/);
    assert.throws(() => parseLiblinearModel(MODEL_TIGHT.replace('nr_class 2', 'nr_class 3')), /nr_class 3/);
    assert.throws(() => parseLiblinearModel(MODEL_TIGHT.replace('0.53576285504065702', 'x')), /line 8: bad weight 'x'/);
    assert.throws(() => parseLiblinearModel(`${MODEL_TIGHT}1.5\n`), /more weights than nr_feature/);
    assert.throws(() => parseLiblinearModel(MODEL_TIGHT.replace('0.24746380504844007 \n', '')), /2 weights/);
  });

  it("TRON's log: iterations, f, |g| and CG steps; other lines skipped", () => {
    const log = `${LOG_DEFAULT}cg reaches trust region boundary\nWARNING: actred and prered too small\n`;
    assert.deepEqual(parseTronLog(log), [
      { iter: 1, f: 2.773, gnorm: 1.542, cg: 1 },
      { iter: 2, f: 2.164, gnorm: 0.09789, cg: 1 },
    ]);
  });
});

describe('liblinear-train on this machine (where it is installed)', () => {
  it('runs -s 0 -B -1 on the fixture and gives the recorded model', (t) => {
    const have = liblinearAvailable();
    if (!have.ok) {
      assert.match(have.reason, /liblinear-train not found \(Debian: apt-get install liblinear-tools\)/);
      t.skip(have.reason);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'optlab-ll-test-'));
    try {
      const file = join(dir, 'tiny.svm');
      writeFileSync(file, FIXTURE);
      const r = runLiblinear(file, C, 0.01, { verbose: true });
      assert.deepEqual(Array.from(r.model.w), Array.from(parseLiblinearModel(MODEL_DEFAULT).w));
      assert.deepEqual(parseTronLog(r.log), parseTronLog(LOG_DEFAULT));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing command is a reason, not a throw', () => {
    const r = liblinearAvailable('/nonexistent/liblinear-train');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /not found/);
  });
});
