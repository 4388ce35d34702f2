import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { base64, cspHash, sha256 } from '../../src/report/sha256.js';

describe('sha256 (CSP hashes)', () => {
  it('agrees with node:crypto at every padding boundary and on multi-byte text', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const t = 'é✓a'.repeat(n).slice(0, n);
      assert.equal(cspHash(t), `'sha256-${createHash('sha256').update(t, 'utf8').digest('base64')}'`, `length ${n}`);
    }
    assert.equal(base64(sha256(new TextEncoder().encode('abc'))), 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });

  it('agrees with node:crypto on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const want = createHash('sha256').update(bytes).digest('base64');
        assert.equal(base64(sha256(bytes)), want);
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});
