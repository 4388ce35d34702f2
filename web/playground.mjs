#!/usr/bin/env node
// `npm run playground [-- --port P --data-dir D]`: builds the playground when dist-web/ is missing or older
// than its sources (web/ and the core in src/), then runs `optlab serve` from source with the arguments given.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const built = join(repo, 'dist-web', 'index.html');

/** The newest modification time (ms) of the files under `dir`. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.isFile()) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

let builtAt = 0;
try {
  builtAt = statSync(built).mtimeMs;
} catch {}
const sources = Math.max(newest(join(repo, 'web')), newest(join(repo, 'src')));
if (builtAt < sources) {
  process.stderr.write(
    builtAt === 0 ? 'building the playground...\n' : 'sources changed: rebuilding the playground...\n',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const b = spawnSync(npm, ['run', 'build:web', '--silent'], { cwd: repo, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const child = spawn(
  process.execPath,
  ['--import', import.meta.resolve('tsx'), join(repo, 'src', 'cli', 'main.ts'), 'serve', ...process.argv.slice(2)],
  { cwd: process.cwd(), stdio: 'inherit' },
);
// Ctrl-C reaches the server too (same process group); wait for it to close, then exit with its code.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
