#!/usr/bin/env node
/**
 * Run before `npm start` and `npm test` (prestart, pretest): what they need from the system, said once, and
 * the pinned dependencies installed when they are missing or stale, so both commands work right after
 * `git clone`, in either order.
 * - Node.js 20 or later (one line and exit 1 otherwise).
 * - node_modules installed from package-lock.json: `npm ci` runs when node_modules is missing, or when
 *   package-lock.json changed since the last install (by its SHA-256, recorded in node_modules/.optlab-deps).
 * - `--browser` (npm test): Debian's Chromium at /usr/bin/chromium for the browser tests; without it one line
 *   says they are skipped (or, with CI=true, that they will fail).
 * Uses Node's built-ins only: it runs before anything is installed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (m) => process.stderr.write(`optlab: ${m}\n`);

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  say(`Node.js 20 or later is required (this is ${process.version}); install it, then run the command again`);
  process.exit(1);
}

const lock = join(root, 'package-lock.json');
const modules = join(root, 'node_modules');
const stamp = join(modules, '.optlab-deps');
const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');

function installed() {
  if (!existsSync(join(modules, '.package-lock.json'))) return false;
  if (existsSync(stamp)) return readFileSync(stamp, 'utf8').trim() === hash;
  // installed by hand (npm ci / npm install): fresh if not older than the lock file
  return statSync(join(modules, '.package-lock.json')).mtimeMs >= statSync(lock).mtimeMs;
}

if (!installed()) {
  say(`installing the pinned dependencies (npm ci): node_modules is ${existsSync(modules) ? 'stale' : 'missing'}`);
  const npm = process.env.npm_execpath;
  const r = npm
    ? spawnSync(process.execPath, [npm, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    say('npm ci failed (see above); the npm registry (or a populated npm cache) must be reachable');
    process.exit(1);
  }
  writeFileSync(stamp, `${hash}\n`);
}

if (process.argv.includes('--browser') && !existsSync('/usr/bin/chromium')) {
  const ci = process.env.CI === 'true' || process.env.OPTLAB_REQUIRE_BROWSER === '1';
  say(
    `/usr/bin/chromium not found: the browser tests ${ci ? 'will fail (CI=true)' : 'are skipped'}; install Debian's Chromium with: apt-get install chromium`,
  );
}
