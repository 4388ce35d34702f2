import { OptlabError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_TOKEN_BYTES } from './libsvm.js';

/**
 * The input limits that keep optlab's memory bounded by its input, whatever the file holds. Each has a default,
 * a command-line flag and an environment variable (for sweeps and studies, which take no data flags):
 *
 * | limit | default | flag | environment |
 * |---|---|---|---|
 * | longest line | 64 MiB | `--max-line-bytes` | `OPTLAB_MAX_LINE_BYTES` |
 * | longest token | 4 KiB | `--max-token-bytes` | `OPTLAB_MAX_TOKEN_BYTES` |
 * | gzip inflation ratio (past the first 64 MiB) | 200 | `--max-inflate-ratio` | `OPTLAB_MAX_INFLATE_RATIO` |
 * | gzip inflated size | 16 GiB | `--max-inflated-bytes` | `OPTLAB_MAX_INFLATED_BYTES` |
 * | dense memory of a run (vectors of length d) | 2 GiB | `--max-dense-bytes` | `OPTLAB_MAX_DENSE_BYTES` |
 *
 * Sizes accept a unit: `64MiB`, `64M`, `2GiB`, `2G`, `4096` (bytes; K, M, G, T are binary units).
 */
export interface InputLimits {
  maxLineBytes: number;
  maxTokenBytes: number;
  /** Largest ratio of inflated to compressed bytes, checked once more than {@link RATIO_FREE_BYTES} inflated. */
  maxInflateRatio: number;
  maxInflatedBytes: number;
  /** Largest memory a run's dense vectors (x, gradients, curvature pairs, ...) may take together. */
  maxDenseBytes: number;
}

/** Inflated bytes below which the ratio is not checked (64 MiB): small, repetitive files compress very well. */
export const RATIO_FREE_BYTES = 64 * 2 ** 20;

export const DEFAULT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  maxTokenBytes: DEFAULT_MAX_TOKEN_BYTES,
  maxInflateRatio: 200,
  maxInflatedBytes: 16 * 2 ** 30,
  maxDenseBytes: 2 * 2 ** 30,
});

/** Each limit's flag and environment variable (the names errors cite). */
export const LIMIT_NAMES: Record<keyof InputLimits, { flag: string; env: string; size: boolean }> = {
  maxLineBytes: { flag: '--max-line-bytes', env: 'OPTLAB_MAX_LINE_BYTES', size: true },
  maxTokenBytes: { flag: '--max-token-bytes', env: 'OPTLAB_MAX_TOKEN_BYTES', size: true },
  maxInflateRatio: { flag: '--max-inflate-ratio', env: 'OPTLAB_MAX_INFLATE_RATIO', size: false },
  maxInflatedBytes: { flag: '--max-inflated-bytes', env: 'OPTLAB_MAX_INFLATED_BYTES', size: true },
  maxDenseBytes: { flag: '--max-dense-bytes', env: 'OPTLAB_MAX_DENSE_BYTES', size: true },
};

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Parses a byte size such as `64MiB`, `64M`, `2g` or `4096`; throws an OptlabError naming `what`. */
export function parseByteSize(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const v = m ? Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]) : Number.NaN;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new OptlabError(`${what}: expected a size in bytes such as 4096, 64MiB or 2G, got '${text}'`);
  }
  return v;
}

/** Parses a positive number (the inflation ratio). */
function parseRatio(text: string, what: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < 1) throw new OptlabError(`${what}: expected a number >= 1, got '${text}'`);
  return v;
}

/** Parses one limit's text value (from a flag or the environment). */
export function parseLimit(key: keyof InputLimits, text: string, what = LIMIT_NAMES[key].flag): number {
  return LIMIT_NAMES[key].size ? parseByteSize(text, what) : parseRatio(text, what);
}

/** The limits: explicit values over the environment's `OPTLAB_MAX_*` over the defaults. */
export function resolveLimits(
  given: Partial<InputLimits> = {},
  env: Record<string, string | undefined> = {},
): InputLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_NAMES) as Array<keyof InputLimits>) {
    const v = given[key];
    if (v !== undefined) out[key] = v;
    else {
      const e = env[LIMIT_NAMES[key].env];
      if (e !== undefined && e !== '') out[key] = parseLimit(key, e, LIMIT_NAMES[key].env);
    }
  }
  return out;
}

/**
 * Refuses, before anything is allocated, dense state of `vectors` float64 vectors of length `d` (plus
 * `extraBytes`) that would take more than `maxBytes`. The message gives the estimate and the flag that
 * raises the limit.
 */
export function checkDenseMemory(
  what: string,
  d: number,
  vectors: number,
  maxBytes: number = DEFAULT_LIMITS.maxDenseBytes,
  extraBytes = 0,
): void {
  const bytes = 8 * d * vectors + extraBytes;
  if (bytes > maxBytes) {
    throw new OptlabError(
      `${what} needs about ${formatSize(bytes)} (${bytes} bytes) of dense memory, more than the ${formatSize(maxBytes)} allowed; raise the limit with ${LIMIT_NAMES.maxDenseBytes.flag} (or ${LIMIT_NAMES.maxDenseBytes.env}) if the machine has the memory`,
    );
  }
}

/** A size for a message in the largest binary unit it reaches: `2 GiB`, `6.3 GiB`, `597.2 KiB`, `100 bytes`. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
