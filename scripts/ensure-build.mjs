#!/usr/bin/env node
/**
 * Run before `npm test` (pretest): builds dist/ (`npm run build`) unless it is fresh, so that the tests that
 * run the CLI as a user does (`optlab ARGS` in a child process, test/helpers/cli.ts) run the compiled
 * JavaScript instead of compiling the TypeScript sources through tsx in every process and worker thread
 * (about 1 s of CPU per process, several per study).
 *
 * Fresh: every file under dist/ is newer than every input of the build (src/**, tsconfig.json,
 * tsconfig.build.json, package.json). `npm run build` empties dist/ first, so right after a build that holds;
 * an edit of any source afterwards makes dist/ stale, and the test helpers then run the sources through tsx
 * (a test run by hand after an edit never sees an old build). Uses Node's built-ins only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest and oldest modification times (ms) of the files under `dir`, or null when it holds none. */
function mtimes(dir) {
  let newest = Number.NEGATIVE_INFINITY;
  let oldest = Number.POSITIVE_INFINITY;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const t = statSync(p).mtimeMs;
        if (t > newest) newest = t;
        if (t < oldest) oldest = t;
      }
    }
  };
  if (!existsSync(dir)) return null;
  walk(dir);
  return Number.isFinite(newest) ? { newest, oldest } : null;
}

/** Whether `root`/dist was built from the sources as they are now (see the module comment). */
export function distIsFresh(dir = root) {
  const dist = mtimes(join(dir, 'dist'));
  const src = mtimes(join(dir, 'src'));
  if (dist === null || src === null || !existsSync(join(dir, 'dist', 'cli', 'main.js'))) return false;
  let newestInput = src.newest;
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    const p = join(dir, f);
    if (existsSync(p)) newestInput = Math.max(newestInput, statSync(p).mtimeMs);
  }
  return dist.oldest > newestInput;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!distIsFresh()) {
    process.stderr.write('optlab: building dist/ (npm run build): the CLI tests run the compiled CLI\n');
    const npm = process.env.npm_execpath;
    const r = npm
      ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
      : spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write('optlab: npm run build failed (see above)\n');
      process.exit(1);
    }
  }
}
