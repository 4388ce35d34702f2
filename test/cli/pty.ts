/**
 * Runs a shell command with a pseudo-terminal as its stderr, as a user's terminal would be: util-linux's
 * `script -qfec` (Debian's bsdutils, always installed), or else python3's pty module. The command redirects
 * its own stdout to a file, so the transcript holds exactly what the terminal would show from stderr.
 */
import { spawnSync } from 'node:child_process';
import { defaultCliTimeoutMs } from '../helpers/cli.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

/** Which pseudo-terminal runner is here: 'script', 'python3', or undefined (neither). */
export const PTY_RUNNER: 'script' | 'python3' | undefined = has('script')
  ? 'script'
  : has('python3') && spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0
    ? 'python3'
    : undefined;

/** A single-quoted shell word. */
export const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `command` (a shell command line) on a pseudo-terminal; returns its exit code and the terminal's bytes. */
export function underPty(command: string): { code: number; transcript: string } {
  const args =
    PTY_RUNNER === 'script'
      ? ['script', ['-qfec', command, '/dev/null']]
      : [
          'python3',
          [
            '-c',
            'import os, pty, sys; s = pty.spawn(["sh", "-c", sys.argv[1]]); sys.exit(os.waitstatus_to_exitcode(s))',
            command,
          ],
        ];
  if (PTY_RUNNER === undefined) throw new Error('no pseudo-terminal runner (script or python3)');
  const [bin, argv] = args as [string, string[]];
  // stdin is not a terminal here: script then gives the pty no size, and the CLI sees 80 columns
  const r = spawnSync(bin, argv, {
    encoding: 'utf8',
    timeout: defaultCliTimeoutMs(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status ?? -1, transcript: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
