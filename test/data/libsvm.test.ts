import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { type Csr, makeCsr, nnz } from '../../src/data/csr.js';
import { type LibsvmOptions, LibsvmParser, type ParsedLibsvm, parseLibsvm } from '../../src/data/libsvm.js';
import { formatLibsvm, writeLibsvm } from '../../src/data/libsvm-write.js';
import { InputError } from '../../src/errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytesOf = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? enc(s) : s);

/** Parses `bytes` pushed as the given pieces (split at the positions in `cuts`, ascending). */
function parseSplit(bytes: Uint8Array, cuts: number[], opts: Partial<LibsvmOptions> = {}): ParsedLibsvm {
  const p = new LibsvmParser({ fileName: 'f', ...opts });
  let from = 0;
  for (const c of cuts) {
    p.push(bytes.subarray(from, c));
    from = c;
  }
  p.push(bytes.subarray(from));
  return p.finish();
}

/** Comparable plain form of a result (typed arrays as arrays; values compared bit for bit via Object.is). */
function plain(r: ParsedLibsvm) {
  return {
    rows: r.X.rows,
    cols: r.X.cols,
    rowPtr: Array.from(r.X.rowPtr),
    colIdx: Array.from(r.X.colIdx),
    values: r.X.values === null ? null : Array.from(r.X.values),
    labels: Array.from(r.labels),
    maxIndex: r.maxIndex,
    explicitZeros: r.explicitZeros,
    lines: r.lines,
  };
}

/** Parses `text` whole, and split once at every position: all results must be identical. */
function parseAll(text: string | Uint8Array, opts: Partial<LibsvmOptions> = {}): ParsedLibsvm {
  const bytes = bytesOf(text);
  const whole = parseLibsvm(bytes, { fileName: 'f', ...opts });
  const expected = plain(whole);
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepStrictEqual(plain(parseSplit(bytes, [cut], opts)), expected, `split at ${cut}`);
  }
  // and byte by byte
  const each = Array.from({ length: bytes.length }, (_, i) => i);
  assert.deepStrictEqual(plain(parseSplit(bytes, each, opts)), expected, 'byte by byte');
  return whole;
}

function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an InputError');
}

/**
 * Asserts that `text` is rejected at (line, column) with `reason`, whole and split at every position.
 * Returns the error.
 */
function rejects(
  text: string | Uint8Array,
  line: number,
  column: number,
  reason: string | RegExp,
  opts: Partial<LibsvmOptions> = {},
): InputError {
  const bytes = bytesOf(text);
  const e = errorOf(() => parseLibsvm(bytes, { fileName: 'f', ...opts }));
  assert.deepEqual([e.line, e.column], [line, column], e.message);
  if (typeof reason === 'string') assert.equal(e.reason, reason);
  else assert.match(e.reason, reason);
  assert.equal(e.file, 'f');
  assert.equal(e.message, `f:${line}:${column}: ${e.reason}`);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const s = errorOf(() => parseSplit(bytes, [cut], opts));
    assert.equal(s.message, e.message, `split at ${cut}`);
  }
  return e;
}

describe('parseLibsvm: accepted input', () => {
  it('builds the CSR arrays, zero-based columns, raw labels', () => {
    const r = parseAll('+1 1:0.5 3:2\n-1 2:1\n+1 1:1 2:1 3:-4\n');
    assert.equal(r.X.rows, 3);
    assert.equal(r.X.cols, 3);
    assert.deepEqual(Array.from(r.X.rowPtr), [0, 2, 3, 6]);
    assert.deepEqual(Array.from(r.X.colIdx), [0, 2, 1, 0, 1, 2]);
    assert.deepEqual(Array.from(r.X.values!), [0.5, 2, 1, 1, 1, -4]);
    assert.deepEqual(Array.from(r.labels), [1, -1, 1]);
    assert.equal(r.maxIndex, 3);
    assert.equal(r.explicitZeros, 0);
    assert.equal(r.lines, 3);
  });

  it('keeps values null for binary data', () => {
    const r = parseAll('1 2:1 5:1\n0 1:1\n');
    assert.equal(r.X.values, null);
    assert.equal(nnz(r.X), 3);
    assert.equal(r.X.cols, 5);
    // a first value other than 1 after many ones keeps the earlier ones
    const ones = Array.from({ length: 40000 }, (_, j) => `${j + 1}:1`).join(' ');
    const m = parseLibsvm(enc(`1 ${ones}\n-1 2:1 7:-3.5 9:1\n`), { fileName: 'f' });
    assert.equal(m.X.values!.length, 40003);
    assert.deepEqual(Array.from(m.X.values!.subarray(39990)), [...Array(11).fill(1), -3.5, 1]);
    assert.equal(
      m.X.values!.reduce((a, b) => a + b, 0),
      40002 - 3.5,
    );
  });

  it('reads labels +1, 1, -1, 0, +01e0 and decimals', () => {
    const r = parseAll('+1 1:1\n1 1:1\n-1 1:1\n0 1:1\n+01e0 1:1\n2.5 1:1\n-0.25e1\n.5\n-0\n');
    assert.deepEqual(Array.from(r.labels), [1, 1, -1, 0, 1, 2.5, -2.5, 0.5, -0]);
    assert.ok(Object.is(r.labels[8], -0));
  });

  it('reads values in decimal and scientific notation, correctly rounded', () => {
    const vals = [
      '.5',
      '5.',
      '1e-3',
      '1E+3',
      '-2.5',
      '0.1',
      '+7',
      '0.30000000000000004',
      '123456789012345678',
      '1.7976931348623157e308',
      '5e-324',
      '2.2250738585072014e-308',
      '9007199254740993',
      '1e22',
      '1e23',
      '-0.000001234',
      '3.14159265358979323846264338327950288',
    ];
    const line = `1 ${vals.map((v, i) => `${i + 1}:${v}`).join(' ')}\n`;
    const r = parseAll(line);
    assert.deepEqual(
      Array.from(r.X.values!),
      vals.map((v) => Number(v)),
    );
    assert.equal(r.X.values![0], 0.5);
    assert.equal(r.X.values![2], 0.001);
    assert.equal(r.X.values![3], 1000);
    assert.equal(r.X.values![5], 0.1);
  });

  it('skips blank lines and comments, counting physical lines', () => {
    const r = parseAll('# header\n\n1 1:1 # trailing comment\n   \n\t\n-1 2:1#tight comment\n1 # only a label\n');
    assert.equal(r.X.rows, 3);
    assert.equal(r.lines, 7);
    assert.deepEqual(Array.from(r.labels), [1, -1, 1]);
    assert.deepEqual(Array.from(r.X.rowPtr), [0, 1, 2, 2]);
  });

  it('accepts CRLF, tabs, runs of spaces, leading and trailing spaces', () => {
    const r = parseAll('1\t1:2  3:4 \r\n  -1   2:5\t\r\n\r\n');
    assert.deepEqual(plain(r), {
      rows: 2,
      cols: 3,
      rowPtr: [0, 2, 3],
      colIdx: [0, 2, 1],
      values: [2, 4, 5],
      labels: [1, -1],
      maxIndex: 3,
      explicitZeros: 0,
      lines: 3,
    });
  });

  it('accepts a UTF-8 byte order mark and a missing final newline', () => {
    const r = parseAll('\ufeff1 1:1\n-1 2:1');
    assert.equal(r.X.rows, 2);
    assert.equal(r.lines, 2);
    assert.deepEqual(Array.from(r.X.colIdx), [0, 1]);
    // a BOM alone on line 1
    assert.equal(parseAll('\ufeff\n1 1:1\n').X.rows, 1);
  });

  it('accepts rows with no features', () => {
    const r = parseAll('1\n-1 1:1\n-1\n');
    assert.deepEqual(Array.from(r.X.rowPtr), [0, 0, 1, 1]);
    assert.equal(r.X.cols, 1);
    const empty = parseAll('1\n0\n');
    assert.equal(empty.X.cols, 0);
    assert.equal(empty.maxIndex, 0);
    assert.equal(nnz(empty.X), 0);
  });

  it('ignores qid after the label with one warning per file', () => {
    const warnings: string[] = [];
    const r = parseLibsvm(enc('3 qid:1 1:1 2:0.5\n2 qid:1 1:0.5\n1 qid:2 2:1\n'), {
      fileName: 'rank',
      onWarning: (m) => warnings.push(m),
    });
    assert.deepEqual(warnings, ['rank:1:3: qid fields are ignored (reported once per file)']);
    assert.deepEqual(Array.from(r.labels), [3, 2, 1]);
    assert.deepEqual(Array.from(r.X.colIdx), [0, 1, 0, 1]);
    assert.equal(parseAll('3 qid:1 1:1\n').X.rows, 1);
  });

  it('counts explicit zeros toward maxIndex and cols without storing them', () => {
    const r = parseAll('-1 1:1 6:1 123:0\n+1 2:1 7:0 9:1\n');
    assert.equal(r.X.cols, 123);
    assert.equal(r.maxIndex, 123);
    assert.equal(r.explicitZeros, 2);
    assert.deepEqual(Array.from(r.X.colIdx), [0, 5, 1, 8]);
    assert.equal(r.X.values, null);
    // 0.0, -0 and 0e5 are zeros too
    assert.equal(parseAll('1 1:0.0 2:-0 3:0e5 4:2\n').explicitZeros, 3);
  });

  it('takes cols = max(maxIndex, features) and accepts the largest index', () => {
    assert.equal(parseAll('1 3:1\n', { features: 10 }).X.cols, 10);
    assert.equal(parseAll('1 10:1\n', { features: 10 }).X.cols, 10);
    const big = parseLibsvm(enc('1 2147483647:1\n'), { fileName: 'f' });
    assert.equal(big.X.cols, 2147483647);
    assert.equal(big.X.colIdx[0], 2147483646);
    assert.equal(parseAll('1 0007:1\n').X.colIdx[0], 6);
    assert.throws(() => new LibsvmParser({ fileName: 'f', features: 1.5 }), {
      name: 'OptlabError',
      message: 'f: the declared number of features must be an integer in [0, 2^31-1]',
    });
  });
});

describe('parseLibsvm: rejected input (line and column of the offending token)', () => {
  it('rejects index 0, negative and non-integer indices', () => {
    const e = rejects('1 1:1\n1 0:1\n', 2, 3, 'feature index 0 is not allowed (indices are one-based)');
    assert.equal(e.message, 'f:2:3: feature index 0 is not allowed (indices are one-based)');
    rejects('+1 1:1\n-1 -3:1', 2, 4, 'feature index -3 is negative (indices are one-based)');
    rejects('1 2.0:1\n', 1, 3, 'feature index 2.0 is not an integer');
    rejects('1 x:1\n', 1, 3, "feature index 'x' is not a positive integer");
  });

  it('rejects indices that do not increase, pointing at the later one', () => {
    rejects('1 3:1 2:1\n', 1, 7, 'feature index 2 comes after 3 (indices must increase within a row)');
    rejects('1 1:1  3:1 3:2\n', 1, 12, 'feature index 3 is repeated (indices must increase within a row)');
    rejects('1 5:0 5:1\n', 1, 7, /repeated/);
  });

  it('rejects indices beyond 2^31-1 or beyond the declared feature count', () => {
    rejects('1 2147483648:1\n', 1, 3, 'feature index 2147483648 exceeds the maximum 2^31-1');
    rejects('1 1:1 99999999999999999999:1\n', 1, 7, /exceeds the maximum/);
    rejects('1 1:1\n1 11:1\n', 2, 3, 'feature index 11 exceeds the declared number of features 10', { features: 10 });
    rejects('1 1:1 124:0\n', 1, 7, /declared number of features 123/, { features: 123 });
  });

  it('rejects a missing index or value', () => {
    rejects('1 :1\n', 1, 3, "missing feature index before ':' in ':1'");
    rejects('1 2:\n', 1, 3, "missing value after '2:'");
    rejects('1 2: 3:1\n', 1, 3, "missing value after '2:'");
    rejects('1 1:1 2:#c\n', 1, 7, "missing value after '2:'");
  });

  it('rejects values that are not plain decimal numbers', () => {
    rejects('1 2:0x10\n', 1, 5, "value '0x10' is not a decimal number");
    rejects('1 2:1_000\n', 1, 5, "value '1_000' is not a decimal number");
    rejects('1 2:1abc\n', 1, 5, "value '1abc' is not a decimal number");
    rejects('1 1:2:3\n', 1, 5, "value '2:3' is not a decimal number");
    rejects('1 2:.\n', 1, 5, "value '.' is not a decimal number");
    rejects('1 2:1e\n', 1, 5, "value '1e' is not a decimal number");
    rejects('1 2:1e+\n', 1, 5, "value '1e+' is not a decimal number");
    rejects('1 2:--1\n', 1, 5, "value '--1' is not a decimal number");
    rejects('1 2:1,5\n', 1, 5, "value '1,5' is not a decimal number");
    rejects('1 2:1.2.3\n', 1, 5, "value '1.2.3' is not a decimal number");
  });

  it('rejects non-finite values', () => {
    rejects('1 2:Infinity\n', 1, 5, "value 'Infinity' is not finite");
    rejects('1 2:nan\n', 1, 5, "value 'nan' is not finite");
    rejects('1 1:1 2:-inf\n', 1, 9, "value '-inf' is not finite");
    rejects('1 2:1e400\n', 1, 5, "value '1e400' overflows (not finite)");
    rejects('1 2:-1.8e308\n', 1, 5, "value '-1.8e308' overflows (not finite)");
  });

  it('rejects a token without a colon after the label', () => {
    rejects('1 5\n', 1, 3, "expected INDEX:VALUE, found '5'");
    rejects('1 1:1 abc\n', 1, 7, "expected INDEX:VALUE, found 'abc'");
  });

  it('rejects a missing or non-numeric label', () => {
    rejects('1:1 2:1\n', 1, 1, "missing label: the row starts with the feature '1:1'");
    rejects('1 1:1\nabc 1:1\n', 2, 1, "label 'abc' is not a number");
    rejects('nan 1:1\n', 1, 1, "label 'nan' is not a number");
    rejects('  1,2 1:1\n', 1, 3, "label '1,2' is not a number");
    rejects('1e400 1:1\n', 1, 1, "label '1e400' is not finite");
  });

  it('rejects a qid anywhere but right after the label', () => {
    rejects('1 1:1 qid:3\n', 1, 7, 'a qid field must come right after the label');
  });

  it('rejects a bare CR', () => {
    rejects('1 1:1\r2 1:1\n', 1, 6, 'bare CR line ending (a CR not followed by LF)');
    rejects('1 1:1\n-1 2:1\r', 2, 7, 'bare CR line ending (a CR not followed by LF)');
    rejects('1 1:1\r\r\n', 1, 6, /bare CR/);
    rejects('1 1:1\n\r1 1:1\n', 2, 1, /bare CR/);
    rejects('# comment\rmore\n1 1:1\n', 1, 10, /bare CR/);
  });

  it('rejects NUL and other control bytes as binary input', () => {
    rejects('1 1:1\x00\n', 1, 6, 'NUL byte: the input looks binary, not LIBSVM text');
    rejects('1 1:1 \x00\n', 1, 7, /NUL byte/);
    rejects('\x00\x00\x00\x00', 1, 1, /NUL byte/);
    rejects('1 1:1 # comment \x00\n', 1, 17, /NUL byte/);
    rejects('1 1:\x01\n', 1, 5, 'control byte 0x01: the input looks binary, not LIBSVM text');
    rejects('1 1:1\n\x7fELF\n', 2, 1, /control byte 0x7f/);
  });

  it('rejects compressed and UTF-16 input by its magic bytes', () => {
    rejects('BZh91AY&SY\n', 1, 1, 'bzip2-compressed input is not supported; decompress it first');
    rejects(gzipSync(enc('1 1:1\n')), 1, 1, 'the input is gzip-compressed: decompress it first');
    rejects(new Uint8Array([0x1f, 0x8b]), 1, 1, /gzip-compressed/);
    rejects(new Uint8Array([0xff, 0xfe, 0x31, 0x00]), 1, 1, /UTF-16/);
  });

  it('rejects input with no data rows', () => {
    rejects('', 1, 1, 'no data rows (the input is empty or holds only comments and blank lines)');
    rejects('# only a comment\n\n   \n', 1, 1, /no data rows/);
    rejects('\ufeff', 1, 1, /no data rows/);
  });

  it('does not accept pushes after an error', () => {
    const p = new LibsvmParser({ fileName: 'f' });
    assert.throws(() => p.push(enc('1 0:1\n')), InputError);
    assert.throws(() => p.push(enc('1 1:1\n')), /called after an error/);
  });
});

describe('parseLibsvm: chunk boundaries', () => {
  const fixture = enc(
    '\ufeff# comment\r\n+1 qid:7 1:0.5 3:1e-3\r\n\r\n-1\t2:-2.5E+2  4:0 # c\n+01e0 5:.25\n0 6:123456789.123456789',
  );

  it('gives identical results for every single split and byte-by-byte', () => {
    const r = parseAll(fixture);
    assert.deepEqual(plain(r), {
      rows: 4,
      cols: 6,
      rowPtr: [0, 2, 3, 4, 5],
      colIdx: [0, 2, 1, 4, 5],
      values: [0.5, 0.001, -250, 0.25, 123456789.12345679],
      labels: [1, -1, 1, 0],
      maxIndex: 6,
      explicitZeros: 1,
      lines: 6,
    });
  });

  it('gives identical results for random multi-way splits (property)', () => {
    const expected = plain(parseLibsvm(fixture, { fileName: 'f' }));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: fixture.length }), { maxLength: 12 }), (cuts) => {
        cuts.sort((a, b) => a - b);
        assert.deepStrictEqual(plain(parseSplit(fixture, cuts)), expected);
      }),
      { numRuns: 300 },
    );
  });
});

/** A random sparse matrix with raw labels, values null or finite non-zero doubles (tiny, huge, negative). */
const sparseData = fc
  .record({
    cols: fc.integer({ min: 1, max: 40 }),
    rows: fc.integer({ min: 1, max: 25 }),
    binary: fc.boolean(),
    labelPair: fc.constantFrom([-1, 1], [0, 1], [1, 2], [-0.5, 3.25]),
  })
  .chain(({ cols, rows, binary, labelPair }) =>
    fc.record({
      cols: fc.constant(cols),
      binary: fc.constant(binary),
      rows: fc.array(
        fc.record({
          positive: fc.boolean(),
          entries: fc.uniqueArray(
            fc.tuple(
              fc.integer({ min: 0, max: cols - 1 }),
              fc.oneof(
                fc.double({ noNaN: true, noDefaultInfinity: true }),
                fc.double({ min: -1e-300, max: 1e-300, noNaN: true }),
                fc.constantFrom(1, -1, 0.1, 1e-320, 5e-324, -Number.MAX_VALUE, 1e21, 123456789.98765433),
              ),
            ),
            { selector: ([j]) => j, maxLength: cols },
          ),
        }),
        { minLength: rows, maxLength: rows },
      ),
      labelPair: fc.constant(labelPair),
    }),
  );

function buildCsr(d: {
  cols: number;
  binary: boolean;
  rows: { positive: boolean; entries: [number, number][] }[];
  labelPair: readonly number[];
}): { X: Csr; labels: Float64Array } {
  const rowPtr = new Int32Array(d.rows.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  d.rows.forEach((row, i) => {
    const entries = row.entries.filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
    for (const [j, v] of entries) {
      idx.push(j);
      val.push(d.binary ? 1 : v);
    }
    rowPtr[i + 1] = idx.length;
  });
  const X = makeCsr(d.rows.length, d.cols, rowPtr, Int32Array.from(idx), Float64Array.from(val));
  const labels = Float64Array.from(d.rows, (r) => (r.positive ? d.labelPair[1] : d.labelPair[0]));
  return { X, labels };
}

describe('libsvm-write round trip', () => {
  it('writes a small matrix as expected', () => {
    const X = makeCsr(
      3,
      4,
      Int32Array.from([0, 2, 2, 3]),
      Int32Array.from([0, 3, 1]),
      Float64Array.from([0.5, -2, 1e-7]),
    );
    assert.equal(formatLibsvm(X, [1, -1, 1], { plusSign: true }), '+1 1:0.5 4:-2\n-1\n+1 2:1e-7\n');
    const B = makeCsr(1, 2, Int32Array.from([0, 2]), Int32Array.from([0, 1]), null);
    assert.equal(formatLibsvm(B, [-0], { comment: 'made by a test' }), '# made by a test\n-0 1:1 2:1\n');
    assert.throws(() => formatLibsvm(X, [1, 2]), /2 labels for 3 rows/);
    assert.throws(() => formatLibsvm(X, [1, Number.NaN, 1]), /non-finite label/);
  });

  it('reads back what it writes, bit for bit (property)', () => {
    fc.assert(
      fc.property(sparseData, fc.boolean(), (d, plusSign) => {
        const { X, labels } = buildCsr(d);
        const r = parseLibsvm(writeLibsvm(X, labels, { plusSign }), { fileName: 'rt', features: X.cols });
        assert.equal(r.X.rows, X.rows);
        assert.equal(r.X.cols, X.cols);
        assert.deepStrictEqual(r.X.rowPtr, X.rowPtr);
        assert.deepStrictEqual(r.X.colIdx, X.colIdx);
        if (X.values === null) assert.equal(r.X.values, null);
        else {
          assert.ok(r.X.values !== null);
          const a = new Uint8Array(r.X.values.buffer, r.X.values.byteOffset, r.X.values.byteLength);
          const b = new Uint8Array(X.values.buffer, X.values.byteOffset, X.values.byteLength);
          assert.deepStrictEqual(a, b);
        }
        assert.deepStrictEqual(r.labels, labels);
        assert.equal(r.explicitZeros, 0);
      }),
      { numRuns: 300 },
    );
  });
});
