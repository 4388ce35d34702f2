/**
 * A CLI that starts at once: light commands load no heavy module (Vega, vega-lite, vega-embed, resvg, the
 * fonts, zod, yaml). Checked by the modules each command loads, not by a timing (see the report for those).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const HEAVY = ['vega', 'vega-lite', 'vega-embed', '@resvg', 'dejavu-fonts-ttf', 'zod', 'yaml'];

/** The npm packages a CLI call loads (from the module URLs seen by a resolve hook). */
function packagesLoaded(args: string[]): Set<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'optlab-loads-')), 'loads.txt');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', resolve('test/helpers/trace-loads.mjs'), resolve('src/cli/main.ts'), ...args],
    { encoding: 'utf8', env: { ...process.env, OPTLAB_TRACE_LOADS: file }, timeout: 120_000 },
  );
  assert.ok(r.status === 0 || r.status === 2, r.stderr);
  const out = new Set<string>();
  for (const url of readFileSync(file, 'utf8').split('\n')) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m && !m[1].startsWith('tsx') && m[1] !== 'esbuild' && m[1] !== 'get-tsconfig') out.add(m[1].split('/')[0]);
  }
  return out;
}

describe('CLI start-up', () => {
  it('--version and run (up to its first data access) load no heavy module', () => {
    for (const args of [['--version'], ['run', '--help'], ['run', '--data', '/no/such.svm', '--method', 'gd']]) {
      const loaded = packagesLoaded(args);
      assert.ok(loaded.has('commander'), `${args.join(' ')}: the hook sees packages (${[...loaded]})`);
      for (const h of HEAVY) assert.ok(!loaded.has(h), `${args.join(' ')} loads ${h}`);
    }
  });

  it('a command that needs them loads them (the check can fail)', () => {
    const loaded = packagesLoaded(['sweep', '/no/such.yaml']);
    assert.ok(loaded.has('zod') && loaded.has('yaml'), [...loaded].join(', '));
  });
});
