import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_TOKEN_BYTES,
  formatBytes,
  type LibsvmOptions,
  LibsvmParser,
  parseLibsvm,
} from '../../src/data/libsvm.js';
import { InputError, OptlabError } from '../../src/errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

const parse = (text: string, opts: Partial<LibsvmOptions> = {}) => parseLibsvm(enc(text), { fileName: 'f', ...opts });

describe('LIBSVM leniency: a leading + as strtol/strtod accept it', () => {
  it('reads `1 02:1 +3:1` as LIBSVM does (the hidden edge case)', () => {
    const r = parse('1 02:1 +3:1\n');
    assert.deepEqual(Array.from(r.X.colIdx), [1, 2]);
    assert.equal(r.maxIndex, 3);
  });

  it('accepts + on labels, indices and values together', () => {
    const r = parse('+1 +1:+2.5 +10:+1e+2\n-1 +2:-0.5\n');
    assert.deepEqual(Array.from(r.labels), [1, -1]);
    assert.deepEqual(Array.from(r.X.colIdx), [0, 9, 1]);
    assert.deepEqual(Array.from(r.X.values ?? []), [2.5, 100, -0.5]);
  });

  it('still refuses what LIBSVM would misread or reject', () => {
    assert.match(errorOf(() => parse('1 ++3:1\n')).message, /^f:1:3: feature index '\+\+3' is not a positive integer$/);
    assert.match(errorOf(() => parse('1 +-3:1\n')).message, /^f:1:3: feature index '\+-3'/);
    assert.match(errorOf(() => parse('1 +:1\n')).message, /^f:1:3: feature index '\+' is not a positive integer$/);
    assert.match(errorOf(() => parse('1 +0:1\n')).message, /^f:1:3: feature index 0 is not allowed/);
    assert.match(errorOf(() => parse('1 + 3:1\n')).message, /^f:1:3: expected INDEX:VALUE, found '\+'$/);
    assert.match(errorOf(() => parse('1 2:0x10\n')).message, /not a decimal number/);
    assert.match(errorOf(() => parse('1 2:inf\n')).message, /not finite/);
    assert.match(errorOf(() => parse('1 3:1 +2:1\n')).message, /^f:1:7: feature index 2 comes after 3/);
  });
});

describe('LIBSVM parser limits', () => {
  it('has documented defaults', () => {
    assert.equal(DEFAULT_MAX_LINE_BYTES, 64 * 2 ** 20);
    assert.equal(DEFAULT_MAX_TOKEN_BYTES, 4096);
    assert.equal(formatBytes(DEFAULT_MAX_LINE_BYTES), '64 MiB');
    assert.equal(formatBytes(1000), '1000 bytes');
  });

  it('refuses a line longer than maxLineBytes, whole or split across chunks, at the column past the limit', () => {
    const text = `1 1:1\n1 ${'2:1 '.repeat(30)}\n`; // line 2: 122 bytes
    const want = /^f:2:101: line longer than 100 bytes \(the longest line allowed; raise it with --max-line-bytes\)$/;
    assert.match(errorOf(() => parse(text, { maxLineBytes: 100 })).message, want);
    for (const cut of [0, 3, 8, 50, 110, 127]) {
      const p = new LibsvmParser({ fileName: 'f', maxLineBytes: 100 });
      const b = enc(text);
      const e = errorOf(() => {
        p.push(b.subarray(0, cut));
        p.push(b.subarray(cut));
        p.finish();
      });
      assert.match(e.message, want, `cut at ${cut}`);
    }
    // a line of exactly the limit is fine
    assert.equal(parse(`1 ${'1'.repeat(5)}:1\n`, { maxLineBytes: 9 }).X.rows, 1);
  });

  it('never carries more than the limit: an endless line without LF stops once the limit is passed', () => {
    const p = new LibsvmParser({ fileName: 'bomb', maxLineBytes: 4 * 2 ** 20 });
    const chunk = new Uint8Array(1 << 20).fill(0x20); // spaces, no newline
    let pushed = 0;
    const e = errorOf(() => {
      for (let i = 0; i < 1000; i++) {
        p.push(chunk);
        pushed += chunk.length;
      }
    });
    assert.equal(pushed, 4 * 2 ** 20, 'the error comes with the first byte past the limit');
    assert.equal(
      e.message,
      'bomb:1:4194305: line longer than 4 MiB (the longest line allowed; raise it with --max-line-bytes)',
    );
  });

  it('refuses a token longer than maxTokenBytes before converting it', () => {
    const digits = '1'.repeat(5000);
    assert.match(
      errorOf(() => parse(`${digits} 1:1\n`)).message,
      /^f:1:1: token longer than 4 KiB \(the longest token allowed; raise it with --max-token-bytes\)$/,
    );
    assert.match(errorOf(() => parse(`1 1:0.${digits}\n`)).message, /^f:1:5: token longer than 4 KiB/);
    assert.match(errorOf(() => parse(`1 ${digits}:1\n`)).message, /^f:1:3: token longer than 4 KiB/);
    // within a raised limit the same value is read
    const r = parse(`1 1:0.${digits}\n`, { maxTokenBytes: 6000 });
    assert.equal(r.X.values?.[0], Number(`0.${digits}`));
    // a short token is never refused by a small limit on long lines
    assert.equal(parse('1 1:1 2:1 3:1\n', { maxTokenBytes: 3 }).X.rows, 1);
    assert.match(errorOf(() => parse('1 1:1.25\n', { maxTokenBytes: 3 })).message, /^f:1:5: token longer than 3 bytes/);
  });

  it('validates the limit options', () => {
    assert.throws(() => new LibsvmParser({ fileName: 'f', maxLineBytes: 0 }), OptlabError);
    assert.throws(
      () => new LibsvmParser({ fileName: 'f', maxTokenBytes: 1.5 }),
      /maxTokenBytes must be a positive integer/,
    );
  });
});
