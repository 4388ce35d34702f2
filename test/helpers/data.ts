import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';

/**
 * Where tests find real data sets (a9a, a9a.t, ...): the folder in env OPTLAB_DATA (resolved against the
 * current directory), else `../shared/data` (relative to the repository root, where tests run).
 */
export function dataDir(): string {
  return resolve(process.env.OPTLAB_DATA ?? '../shared/data');
}

/** The path of data file `name` if it exists, else undefined. */
export function findDataFile(name: string): string | undefined {
  const path = join(dataDir(), name);
  return existsSync(path) ? path : undefined;
}

/**
 * The path of data file `name`; when it is missing, fails the test if OPTLAB_REQUIRE_DATA=1, else skips it
 * with a visible message and returns undefined (the caller then returns).
 */
export function requireDataFile(t: TestContext, name: string): string | undefined {
  const path = findDataFile(name);
  if (path !== undefined) return path;
  const where = join(dataDir(), name);
  if (process.env.OPTLAB_REQUIRE_DATA === '1') assert.fail(`${name} not found at ${where} (OPTLAB_REQUIRE_DATA=1)`);
  t.skip(`${name} not found at ${where}; set OPTLAB_DATA to the data folder`);
  return undefined;
}
