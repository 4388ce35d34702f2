import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { distIsFresh } from '../../scripts/ensure-build.mjs';
import { inRepo, REPO } from './repo.js';

/**
 * Where the tests' child processes find the CLI: the compiled dist/cli/main.js when dist/ is fresh (built from
 * the sources as they are: `npm test` builds it first, scripts/ensure-build.mjs), else the sources through tsx
 * (a test run by hand after an edit). Both are the same program; the compiled one starts without compiling
 * TypeScript in every process and worker thread. OPTLAB_TEST_CLI=source or =dist forces one.
 */
export const CLI_FROM: 'dist' | 'source' =
  process.env.OPTLAB_TEST_CLI === 'source' || process.env.OPTLAB_TEST_CLI === 'dist'
    ? process.env.OPTLAB_TEST_CLI
    : distIsFresh(REPO)
      ? 'dist'
      : 'source';

/** Node's arguments that start the CLI (`[process.execPath, ...CLI_ARGS, ...args]` is `optlab args`). */
export const CLI_ARGS: readonly string[] =
  CLI_FROM === 'dist' ? [inRepo('dist', 'cli', 'main.js')] : ['--import', 'tsx', inRepo('src', 'cli', 'main.ts')];

/**
 * How many times slower than a quiet machine this one is now: the processes wanting a core (the 1-minute load
 * average) per core, at least 1. On these shared 2-core machines it reaches 9 (load 18), and a test's work
 * then takes about that many times longer: limits are scaled by it, never fixed.
 */
export function slowdown(): number {
  return Math.max(1, loadavg()[0] / availableParallelism());
}

/**
 * A time limit (ms) for work that takes `quietMs` on a quiet machine: 10 times that (noise, a load that rises
 * after the limit was set), times {@link slowdown} now. A limit only catches a hang; it must never kill
 * legitimate work on a busy machine.
 */
export function limitFor(quietMs: number): number {
  return Math.ceil(10 * quietMs * slowdown());
}

/**
 * Milliseconds a CLI call may take unless its test passes its own budget: 5 minutes times {@link slowdown} at
 * the call, far above any call's time (the full study takes ~20 s of CPU), so that a loaded machine slows
 * tests down instead of killing them. OPTLAB_TEST_CLI_TIMEOUT_MS fixes it instead.
 */
export function defaultCliTimeoutMs(): number {
  const fixed = process.env.OPTLAB_TEST_CLI_TIMEOUT_MS;
  return fixed !== undefined ? Number(fixed) : Math.ceil(300_000 * slowdown());
}

/**
 * Runs the CLI (see {@link CLI_ARGS}), as a user would run `optlab ARGS`; returns code and outputs.
 * `timeoutMs`: the call's limit, from the calling test's own budget (default {@link defaultCliTimeoutMs}); a call
 * killed at its limit returns code −1 with the reason appended to stderr.
 */
export function optlab(
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
  options: { timeoutMs?: number } = {},
): { code: number; stdout: string; stderr: string } {
  const timeout = options.timeoutMs ?? defaultCliTimeoutMs();
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input,
    timeout,
    maxBuffer: 256 * 1024 * 1024,
  });
  const killed = r.error !== undefined || (r.status === null && r.signal !== null);
  const why = killed
    ? `\n[test helper] optlab ${args[0] ?? ''} stopped after ${timeout} ms (${r.error?.message ?? r.signal})\n`
    : '';
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${why}` };
}
