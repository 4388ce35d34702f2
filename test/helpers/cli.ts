import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Runs the CLI from source (node + tsx), as a user would run `optlab ARGS`; returns code and outputs. */
export function optlab(
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): { code: number; stdout: string; stderr: string } {
  const main = resolve('src/cli/main.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input,
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
