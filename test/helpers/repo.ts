import { join, resolve } from 'node:path';

/**
 * The repository's root, for the tests that name its files. npm runs the tests from it, compiled into
 * node_modules/.cache/optlab-tests/ (scripts/compile-tests.mjs), so a test's own URL lies outside the
 * source tree and cannot locate it; the working folder does.
 */
export const REPO = resolve('.');

/** A path inside the repository: `inRepo('dist', 'cli', 'main.js')`. */
export const inRepo = (...parts: string[]): string => join(REPO, ...parts);
