import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseLibsvm } from '../../src/data/libsvm.js';
import { InputError } from '../../src/errors.js';
import { optlab } from '../helpers/cli.js';
import { inRepo } from '../helpers/repo.js';
import { checkCase } from './check.js';
import { fuzzCase, HEAVY_KINDS, MAKERS } from './corpus.js';

/** A short, fixed run of the seeded corpus (`npm run fuzz` runs long ones): every kind, heavy kinds once. */
const SEED = 1;
const LIGHT = Object.keys(MAKERS).filter((k) => !HEAVY_KINDS.has(k));
const CASES = 320;

const dir = mkdtempSync(join(tmpdir(), 'optlab-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));
/** The kept failures (`npm run fuzz` writes them there). */
const fixtures = inRepo('test', 'fuzz', 'fixtures');

describe('fuzz: the seeded corpus loads or is refused with one FILE:LINE:COL line', () => {
  it(`${CASES} light cases of ${LIGHT.length} kinds`, async () => {
    const failures: string[] = [];
    const counts = { loaded: 0, refused: 0 };
    for (let i = 0; i < CASES; i++) {
      const out = await checkCase(fuzzCase(SEED, i, LIGHT), dir);
      counts[out.outcome]++;
      if (out.failure) failures.push(`${out.name}: ${out.failure}`);
    }
    assert.deepEqual(failures, []);
    // the corpus exercises both sides (a generator that only made valid or only broken input would prove little)
    assert.ok(counts.loaded > 40 && counts.refused > 100, JSON.stringify(counts));
  });

  for (const kind of HEAVY_KINDS) {
    it(`a heavy case: ${kind}`, async () => {
      const out = await checkCase(fuzzCase(SEED, 0, [kind]), dir);
      assert.equal(out.failure, undefined, out.failure);
      if (kind === 'longLine') assert.match(out.message ?? '', /line longer than 64 MiB/);
      if (kind === 'gzipBomb') assert.match(out.message ?? '', /decompression bomb/);
      if (kind === 'longToken') assert.match(out.message ?? '', /token longer than 4 KiB/);
    });
  }

  it('every kept fixture (failures found by earlier runs) holds the properties', async () => {
    const names = readdirSync(fixtures).filter((f) => /\.(svm|gz|csr)$/.test(f));
    for (const name of names) {
      const bytes = readFileSync(join(fixtures, name));
      const ext = extname(name);
      const out = await checkCase({ name: name.slice(0, -ext.length), kind: 'fixture', bytes, ext }, dir);
      assert.equal(out.failure, undefined, `${name}: ${out.failure}`);
    }
  });
});

describe('fuzz: fast-check over line-structured text', () => {
  const token = fc.oneof(
    fc.constantFrom('1', '-1', '+1', '0', '1e5', '-0', '.5', 'nan', 'inf', '1e400', '0x1', ''),
    fc
      .tuple(
        fc.constantFrom('1', '2', '3', '+4', '0', '-2', '2147483648', '9007199254740993', 'qid', ''),
        fc.constantFrom('1', '0', '-2.5', '1e-320', 'x', ''),
      )
      .map(([i, v]) => `${i}:${v}`),
    fc.constantFrom('#', '# c', '\t', '\r', '\x00', '\u00e9', '\ufeff', ':', '::'),
  );
  const line = fc
    .tuple(fc.array(token, { maxLength: 8 }), fc.constantFrom(' ', '  ', '\t'))
    .map(([t, sep]) => t.join(sep));
  it('parses or refuses with one positioned line, never another error', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const text = new TextEncoder().encode(lines.join(eol));
        try {
          const r = parseLibsvm(text, { fileName: 'p' });
          assert.equal(r.labels.length, r.X.rows);
        } catch (e) {
          assert.ok(e instanceof InputError, String(e));
          assert.match(e.message, /^p:\d+:\d+: \S[^\n]*$/);
        }
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});

describe('fuzz: the CLI prints one line and no stack trace', () => {
  it('for a bomb, a forged .csr and garbage after gzip data', () => {
    const cases = [
      fuzzCase(SEED, 3, ['csrField']),
      fuzzCase(SEED, 2, ['gzipTrailing']),
      fuzzCase(SEED, 1, ['longToken']),
    ];
    let refused = 0;
    for (const c of cases) {
      const path = join(dir, `cli-${c.name}${c.ext}`);
      writeFileSync(path, c.bytes);
      const r = optlab(['inspect', '--data', path]);
      if (r.code === 0) continue;
      refused++;
      assert.equal(r.code, 2, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.match(r.stderr, /^optlab: (warning: [^\n]*\n)*[^\n]+\n$/);
    }
    assert.ok(refused >= 2, `only ${refused} of the CLI cases were refused`);
  });
});
