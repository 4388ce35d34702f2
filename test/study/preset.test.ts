import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METHODS } from '../../src/methods/index.js';
import { firstNaN, maxErrorWithin, stabilityRows, studyDerivative } from '../../src/study/extras.js';
import { GROUPS, PATH_FRACTIONS, studySweep } from '../../src/study/preset.js';
import { expandSweep } from '../../src/sweep/expand.js';
import { validateSweep } from '../../src/sweep/schema.js';

describe('study preset', () => {
  for (const preset of ['full', 'seed'] as const) {
    it(`${preset}: a valid sweep covering every section, 3 seeds for every random run`, () => {
      const spec = validateSweep(
        studySweep({ preset, seeds: 3, lambdaMax: 0.1345, data: 'a9a', testData: 'a9a.t' }),
        'study-sweep.json',
      );
      const runs = expandSweep(spec);
      const groups = new Set(runs.map((r) => r.group));
      for (const g of Object.values(GROUPS)) assert.ok(groups.has(g), `group ${g}`);
      for (const r of runs) {
        const random = METHODS[r.method].stochastic || preset === 'seed';
        const seeds = runs.filter((x) => x.label === r.label && x.group === r.group).length;
        assert.equal(seeds, random ? 3 : 1, r.id);
      }
      // the study's own settings are all there
      const ids = runs.map((r) => r.id);
      for (const label of [
        'gd[step=1.5]',
        'sgd[batch=64,step=2.5]',
        'sgd[batch=16,step=2.5]',
        'adagrad[batch=16,step=2]',
        'bfgs[lineSearch=none,step=0.01]',
        'sbfgs[batch=128,step=0.001]',
        'prox-gd[lambda=0.01,step=2.5]',
        'prox-bfgs[lambda=0.001,lineSearch=none,step=0.1]',
        'lbfgs[memory=0]',
        'lbfgs[memory=20]',
      ]) {
        assert.ok(
          ids.some((id) => id.startsWith(`${label}@`)),
          label,
        );
      }
      assert.equal(
        runs.filter((r) => r.group === GROUPS.proxPath).length,
        PATH_FRACTIONS.length * (preset === 'seed' ? 3 : 1),
      );
    });
  }

  it('the seed preset is the original setting: 1000 rows, labels ±1, random start', () => {
    const s = studySweep({ preset: 'seed', seeds: 3, lambdaMax: 0.1, data: 'a9a' }) as Record<string, unknown>;
    assert.deepEqual(s.datasets, [{ data: 'a9a', subset: 1000, labels: 'pm1' }]);
    assert.equal(s.init, 'randn');
  });
});

describe("the study's explicit gradient formula", () => {
  it('agrees with the stable derivative for small margins and breaks where float64 overflows', () => {
    // z = 0, y = 1: ℓ' = −2(1 − ½)·¼ = −¼
    assert.equal(studyDerivative(0, 1), -0.25);
    const rows = stabilityRows([0, 1]);
    assert.ok(maxErrorWithin(rows, 30) < 1e-12);
    // (1 + e^z)^3 overflows past z ≈ 236.6: the formula returns 0 where the true value is about 2e^{-2z} or 2e^{-z}
    assert.equal(Math.abs(studyDerivative(240, 1)), 0);
    // e^z · e^z overflows past 354.9 (y = 0: Inf/Inf), e^z itself past 709.8 (y = 1)
    assert.equal(firstNaN(rows, 'y = 0'), 355);
    assert.equal(firstNaN(rows, 'y = 1'), 710);
  });
});

describe('examples/', () => {
  it('every example sweep file is valid', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { readSweep } = await import('../../src/sweep/schema.js');
    const files = readdirSync('examples').filter((f) => /\.(ya?ml|json)$/.test(f));
    assert.ok(files.length > 0);
    for (const f of files) {
      const spec = readSweep(readFileSync(`examples/${f}`, 'utf8'), `examples/${f}`);
      assert.ok(expandSweep(spec).length > 0, f);
    }
  });
});
