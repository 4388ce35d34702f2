import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The folder named by `$OPTLAB_DATA` (read before the cache), resolved against the working directory. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const d = env.OPTLAB_DATA;
  return d ? resolve(d) : undefined;
}

/** The download cache: `$XDG_CACHE_HOME/optlab`, else `~/.cache/optlab`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return xdg ? join(resolve(xdg), 'optlab') : join(homedir(), '.cache', 'optlab');
}
