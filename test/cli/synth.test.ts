import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeCsrBinary } from '../../src/data/csr-binary.js';
import { parseLibsvm } from '../../src/data/libsvm.js';
import { synthesize } from '../../src/data/synth.js';
import { optlab } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-cli-synth-'));
after(() => rmSync(dir, { recursive: true, force: true }));
/** Every run gets a cache inside the temporary folder, so the real cache is never touched. */
const env = { XDG_CACHE_HOME: join(dir, 'xdg') };

const SIZE = ['--rows', '1500', '--features', '300', '--nnz-per-row', '12', '--seed', '5'];

function inspectJson(file: string): Record<string, unknown> {
  const r = optlab(['inspect', '--data', file, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('optlab synth', () => {
  it('writes LIBSVM text (by default) that inspect reads back with the right shape', () => {
    const out = join(dir, 'synth.svm');
    const r = optlab(['synth', ...SIZE, '--out', out], env);
    assert.equal(r.code, 0, r.stderr);
    const bytes = statSync(out).size;
    assert.equal(
      r.stdout.replace(/ in [^\n]*\n$/, ''),
      `wrote ${out} (libsvm): 1500 rows, 300 features, 18000 non-zeros (binary), ${bytes} bytes`,
    );
    const text = readFileSync(out);
    const expected = synthesize({ rows: 1500, features: 300, nnzPerRow: 12, seed: 5 });
    const parsed = parseLibsvm(text, { fileName: out });
    assert.deepStrictEqual(parsed.X.colIdx, expected.X.colIdx);
    assert.deepStrictEqual(parsed.labels, expected.labels);
    assert.match(text.toString('latin1', 0, 3), /^[+-]1 /);

    const info = inspectJson(out);
    assert.equal(info.rows, 1500);
    assert.equal(info.nnz, 18000);
    assert.equal(info.binary, true);
    // LIBSVM text has no width of its own: the largest column used (299 of 0..299, surely drawn).
    assert.equal(info.features, 300);
    assert.deepEqual(readdirSync(dir).sort(), ['synth.svm'], 'no temporary file left, nothing cached (small)');
  });

  it('writes a binary CSR file for .csr (and by --format), read by inspect without parsing', () => {
    const out = join(dir, 'synth.csr');
    const r = optlab(['synth', ...SIZE, '--values', '--noise', '0.1', '--out', out, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.format, 'csr');
    assert.equal(info.binary, false);
    assert.equal(info.nnz, 18000);
    // header 128 + rowPtr 4·1501 → 6008 + colIdx 72000 + values 144000 + labels 12000
    assert.equal(info.bytes, 128 + 6008 + 72000 + 144000 + 12000);
    assert.equal(statSync(out).size, info.bytes);
    const d = decodeCsrBinary(readFileSync(out));
    const expected = synthesize({ rows: 1500, features: 300, nnzPerRow: 12, seed: 5, binary: false, noise: 0.1 });
    assert.deepStrictEqual(Array.from(d.X.values!), Array.from(expected.X.values!));
    assert.deepStrictEqual(Array.from(d.labels), Array.from(expected.labels));

    const seen = inspectJson(out);
    assert.equal(seen.rows, 1500);
    assert.equal(seen.features, 300);
    assert.equal(seen.nnz, 18000);
    assert.equal(seen.binary, false);

    const forced = join(dir, 'forced.bin');
    assert.equal(optlab(['synth', ...SIZE, '--format', 'csr', '--out', forced], env).code, 0);
    assert.equal(readFileSync(forced).toString('latin1', 0, 10), 'OPTLABCSR1');
    assert.equal(inspectJson(forced).nnz, 18000);
  });

  it('refuses impossible sizes with one clear line', () => {
    const r = optlab(['synth', '--rows', '10', '--features', '5', '--nnz-per-row', '6', '--out', join(dir, 'x')], env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'optlab: synth: non-zeros per row (6) must not exceed the number of features (5)\n');
    const r2 = optlab(['synth', '--rows', '10', '--features', '5', '--out', join(dir, 'x')], env);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /required option '--nnz-per-row <k>' not specified/);
  });
});
