import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spread, studyCalls } from '../../src/cli/commands/bench.js';
import { measure } from '../../src/node/bench.js';
import { comparePython, lbfgsStart, pythonEnv } from '../../src/node/compare.js';
import { optlab } from '../helpers/cli.js';
import { dataDir, requireDataFile } from '../helpers/data.js';

describe('bench plumbing (no timing is asserted)', () => {
  it('measure returns the median and the spread of the repeats, after the warm-up', () => {
    let calls = 0;
    const t = measure(() => calls++, 3, 5);
    assert.equal(calls, 8);
    assert.equal(t.repeats, 5);
    assert.ok(t.min <= t.median && t.median <= t.max);
  });

  it('the SciPy child gets one BLAS thread and no OPENBLAS_CORETYPE; this process keeps its environment', () => {
    const env = pythonEnv({ PATH: '/bin', OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_NUM_THREADS: '8' });
    assert.deepEqual(env, { PATH: '/bin', OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
    assert.equal(
      spread({ ratio: 0.456, min: 0.41, max: 0.523, rounds: 15, optlab: 1, other: 2, unit: 'ms' }),
      '0.46x (0.41–0.52, 15 rounds)',
    );
    assert.equal(
      studyCalls({ ratio: 9930.6, min: 9120.2, max: 10402, rounds: 3, optlab: 7.6, other: 0.77, unit: 's' }),
      '9931 SciPy calls (9120–10402, 3 rounds)',
    );
  });

  it('optlab bench --json prints every a9a entry', { timeout: 300_000 }, (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const r = optlab(['bench', '--json', '--no-study', '--repeats', '4'], { OPTLAB_DATA: dataDir() });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.ok(j['value-grad/a9a'].medianMs > 0);
    assert.equal(j['value-grad/a9a'].kernel, 'wasm');
    assert.ok(j['parse/a9a'].mbPerSecond > 0);
    assert.ok(j['value-grad-batch16/a9a'].medianUs > 0);
    assert.ok(j['value-grad-batch128/a9a'].medianUs > 0);
    assert.ok(j['sgd-epoch/a9a'].medianMs > 0);
    assert.equal(j['lbfgs/a9a'].reached, true);
    // L-BFGS from zeros reaches 1e-8 of the minimum in fewer evaluations than SciPy's L-BFGS-B (2303 here)
    assert.ok(j['lbfgs/a9a'].evaluations < 2300, String(j['lbfgs/a9a'].evaluations));
  });
});

describe('bench --compare-python plumbing (no timing is asserted)', () => {
  it('the L-BFGS starts are zeros, then seeded 1e-10 perturbations (the same on every run)', () => {
    assert.deepEqual(lbfgsStart(3, 0), new Float64Array(3));
    const a = lbfgsStart(123, 2);
    assert.deepEqual(lbfgsStart(123, 2), a);
    assert.ok(a.every((v) => v !== 0 && Math.abs(v) < 1e-9));
    assert.notDeepEqual(lbfgsStart(123, 3), a);
  });

  it('times optlab and a warm SciPy in alternating rounds and reports each ratio with its spread', {
    timeout: 300_000,
  }, async (t) => {
    const path = requireDataFile(t, 'a9a');
    if (!path) return;
    const names: string[] = [];
    let studies = 0;
    const r = await comparePython({
      data: path,
      rounds: 2,
      calls: 3,
      memories: [20],
      lbfgsRounds: 2,
      liblinearEps: [0.01],
      liblinearRounds: 1,
      // a stand-in study of 2 s then 3 s: the entry's arithmetic, not a study's time
      study: async () => {
        studies++;
        return studies + 1;
      },
      studyRounds: 2,
      onEntry: (n) => names.push(n),
    });
    if (!r.ok) {
      // python3 with numpy and scipy is optional for optlab; it must say why it skipped
      assert.match(r.reason, /python3/);
      return;
    }
    // liblinear-train is optional too: an entry where it runs, else a skipped one that says why
    const liblinear = r.skipped['liblinear/a9a'] === undefined;
    assert.deepEqual(names, [
      'value-grad/a9a',
      'value-grad-logistic/a9a',
      'logistic/sigmoid (optlab)',
      'lbfgs-m20/a9a',
      'study/a9a',
      ...(liblinear ? ['liblinear-e0.01/a9a'] : []),
    ]);
    for (const [name, e] of Object.entries(r.entries)) {
      // liblinear's time is a difference of two runs: under load every attempt can come out ≤ 0 (dropped, said so)
      if (name.startsWith('liblinear') && e.rounds === 0) {
        assert.ok(Number.isNaN(e.ratio) && (e.notes?.droppedRounds as number) > 0, name);
        continue;
      }
      assert.ok(e.min <= e.ratio && e.ratio <= e.max && e.ratio > 0, name);
      if (!name.startsWith('liblinear')) assert.equal(e.rounds, 2);
    }
    // the study in SciPy calls: its seconds over SciPy's seconds per call, round by round
    const st = r.entries['study/a9a'];
    assert.equal(studies, 2);
    assert.equal(st.optlab, 2.5);
    assert.ok(st.other > 0.05 && st.other < 50, `SciPy ms per call ${st.other}`);
    // each round's calls are its study's seconds over that round's SciPy seconds per call (2 s and 3 s here)
    const msMin = st.notes?.scipyMsMin as number;
    const msMax = st.notes?.scipyMsMax as number;
    assert.ok(msMin <= st.other && st.other <= msMax);
    assert.ok(st.min >= (2e3 / msMax) * (1 - 1e-12) && st.max <= (3e3 / msMin) * (1 + 1e-12), `${st.min} ${st.max}`);
    assert.ok(st.max >= (3e3 / msMax) * (1 - 1e-12) && st.min <= (2e3 / msMin) * (1 + 1e-12), `${st.min} ${st.max}`);
    assert.equal(st.notes?.scipyCalls, st.ratio);
    const lb = r.entries['lbfgs-m20/a9a'].notes!;
    assert.equal(lb.reached, true);
    assert.ok((lb.optlabCalls as number) > 100 && (lb.scipyCalls as number) > 100);
    assert.ok((lb.perCallRatio as number) > 0);
    // L-BFGS's ratio: total time over the shared starts, optlab's over SciPy's; the median per start beside it
    const lbe = r.entries['lbfgs-m20/a9a'];
    assert.equal(lbe.ratio, (lb.optlabTotalSeconds as number) / (lb.scipyTotalSeconds as number));
    assert.ok(lbe.min <= (lb.perStartRatio as number) && (lb.perStartRatio as number) <= lbe.max);
    assert.ok((lb.optlabTotalSeconds as number) >= lbe.optlab && (lb.scipyTotalSeconds as number) >= lbe.other);
    if (!liblinear) {
      assert.match(r.skipped['liblinear/a9a'], /liblinear-train not found/);
      return;
    }
    // both sides end at liblinear's relative gradient, near the same minimum of logistic + l2 (C = 1)
    const ll = r.entries['liblinear-e0.01/a9a'].notes!;
    assert.equal(ll.relTol, (0.01 * 7841) / 32561);
    assert.ok((ll.optlabRelGrad as number) <= (ll.relTol as number));
    assert.ok((ll.liblinearRelGrad as number) <= (ll.relTol as number));
    assert.ok((ll.optlabGap as number) >= 0 && (ll.optlabGap as number) < 1e-2);
    assert.ok((ll.liblinearGap as number) >= 0 && (ll.liblinearGap as number) < 1e-2);
    assert.ok((ll.tronIterations as number) >= 1 && (ll.cgSteps as number) >= (ll.tronIterations as number));
  });
});

describe('bench scaling entries (no timing is asserted)', () => {
  it('parse, value+gradient on 1 and 2 threads, memory per non-zero', { timeout: 300_000 }, async () => {
    const { benchScaling } = await import('../../src/node/bench.js');
    const e = await benchScaling({ rows: [20000], features: 200, nnzPerRow: 10, repeats: 3 });
    assert.deepEqual(Object.keys(e).sort(), ['scale-parse/2e4', 'scale-value-grad/2e4/1t', 'scale-value-grad/2e4/2t']);
    assert.equal(e['scale-parse/2e4'].nnz, 200000);
    assert.ok((e['scale-parse/2e4'].mbPerSecond as number) > 0);
    assert.equal(e['scale-value-grad/2e4/2t'].threads, 2);
    assert.ok((e['scale-value-grad/2e4/1t'].msPerMillionNnz as number) > 0);
  });
});
