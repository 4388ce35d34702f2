/**
 * The playground's build (dist-web/, `vite build --config web/vite.config.ts`, as prepack and `npm run build:web`
 * run it), made once for the test files that need it (test/web/playground.test.ts, test/package/pack.test.ts).
 *
 * Fresh: every file under dist-web/ is newer than every input (web/, src/, package.json, package-lock.json);
 * Vite empties dist-web/ first, so right after a build that holds and any later edit makes it stale. A fresh
 * build is reused; a stale one is rebuilt under a lock (a directory made with mkdir, which only one process
 * can create), so that two test files running at once wait for one build instead of building twice, and never
 * pack or serve a folder that the other is emptying. A lock whose owner process is gone is taken over.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './repo.js';

const repo = REPO;
export const WEB_OUT = join(repo, 'dist-web');
const INPUTS = ['web', 'src', 'package.json', 'package-lock.json'].map((p) => join(repo, p));
const LOCK = join(repo, 'node_modules', '.cache', 'optlab-web-build.lock');

/** Newest and oldest modification time (ms) and the count of the files under `paths` (node_modules left out). */
export function mtimes(paths: string[]): { newest: number; oldest: number; files: number } {
  let newest = 0;
  let oldest = Number.POSITIVE_INFINITY;
  let files = 0;
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules') visit(join(p, e));
    } else {
      files++;
      newest = Math.max(newest, st.mtimeMs);
      oldest = Math.min(oldest, st.mtimeMs);
    }
  };
  for (const p of paths) if (existsSync(p)) visit(p);
  return { newest, oldest, files };
}

/** Whether dist-web/ was built from the inputs as they are now (see the module comment). */
export function webBuildIsFresh(): boolean {
  const out = mtimes([WEB_OUT]);
  return out.files > 0 && existsSync(join(WEB_OUT, 'index.html')) && out.oldest > mtimes(INPUTS).newest;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Whether process `pid` is alive (signal 0 checks without sending). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (waiting for its holder while that process lives); returns the function that releases it. */
function lock(): () => void {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    // a holder that died (a killed test run) leaves its folder: take it over when its pid is gone, or when
    // it has had no pid for 30 s (killed between making the folder and writing the pid)
    let abandoned = false;
    try {
      const owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      abandoned = Number.isInteger(owner) && owner > 0 && !alive(owner);
    } catch {
      try {
        abandoned = Date.now() - statSync(LOCK).mtimeMs > 30_000;
      } catch {
        continue; // released meanwhile
      }
    }
    if (abandoned) rmSync(LOCK, { recursive: true, force: true });
    else sleep(200);
  }
}

/**
 * Makes dist-web/ fresh: reuses it when it is, else builds it with Vite's CLI (under the lock; a build made
 * meanwhile by another test file is reused). Returns whether it was reused; throws with Vite's output when
 * the build fails.
 */
export function ensureWebBuild(): 'reused' | 'built' {
  if (webBuildIsFresh()) return 'reused';
  const release = lock();
  try {
    if (webBuildIsFresh()) return 'reused';
    const vite = join(repo, 'node_modules/vite/bin/vite.js');
    const r = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: repo,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`vite build --config web/vite.config.ts failed:\n${r.stdout}${r.stderr}`);
    return 'built';
  } finally {
    release();
  }
}
