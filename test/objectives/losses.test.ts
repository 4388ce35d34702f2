import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logistic, sigmoidLsq } from '../../src/objectives/losses.js';

describe('margin losses (smoke)', () => {
  it('sigmoid-lsq at z = 0 is (y - 1/2)^2', () => {
    assert.equal(sigmoidLsq.value(0, 1), 0.25);
    assert.equal(sigmoidLsq.value(0, 0), 0.25);
    assert.equal(sigmoidLsq.value(0, -1), 2.25);
  });
  it('logistic at z = 0 is log 2', () => {
    assert.equal(logistic.value(0, 1), Math.LN2);
  });
});
