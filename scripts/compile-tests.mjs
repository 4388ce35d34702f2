#!/usr/bin/env node
/**
 * Run before `npm test` (pretest, after ensure-build.mjs): compiles the TypeScript of src/, test/ and
 * web/src/ (tests import the playground's code) to JavaScript in node_modules/.cache/optlab-tests/ with
 * esbuild, file by file (no bundling, no type check: `npm run typecheck` is the type check), keeping the
 * layout (…/src/…, …/test/…, …/web/src/…), so that `npm test` runs plain JavaScript instead of compiling
 * every file through tsx in every test process and worker thread (about half of the tests' CPU).
 *
 * The folder is emptied first: a deleted or renamed test never keeps running from an old output. What the
 * compiled files reach by a path relative to themselves and is not TypeScript is linked, not copied, to the
 * repository's own (Node resolves a module's symbolic links to the real file): scripts/ (tests import
 * scripts/*.mjs), bench/ (src/node/compare.ts starts bench/python/bench_server.py), dist-web/
 * (src/node/serve.ts), and test/helpers/*.mjs. Bare imports (vega, …) resolve from the repository's
 * node_modules/, an ancestor of the folder. Tests that name the repository's files (to start `tsx` or the CLI
 * in a child process, to read schema/ or examples/) take them from test/helpers/repo.ts, which finds the
 * repository from the working folder (npm runs the tests from its root).
 */
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(root, 'node_modules', '.cache', 'optlab-tests');

/** The .ts files under `dir` (relative to the root), .d.ts excluded. */
function tsFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

/** A symbolic link at OUT/`rel` to the repository's `rel` (relative, so that the tree may move). */
function link(rel) {
  const at = join(OUT, rel);
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(relative(dirname(at), join(root, rel)), at);
}

const t = performance.now();
rmSync(OUT, { recursive: true, force: true });
const entryPoints = ['src', 'test', 'web/src'].flatMap(tsFiles);
const result = buildSync({
  entryPoints,
  outdir: OUT,
  outbase: root,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
for (const rel of ['scripts', 'bench', 'dist-web']) link(rel);
for (const f of readdirSync(join(root, 'test', 'helpers'))) if (f.endsWith('.mjs')) link(join('test', 'helpers', f));
if (process.env.OPTLAB_VERBOSE)
  process.stderr.write(`compiled ${entryPoints.length} files in ${Math.round(performance.now() - t)} ms\n`);
