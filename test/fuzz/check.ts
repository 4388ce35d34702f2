/**
 * The fuzz properties for one input: it loads, or it is refused with one `FILE:LINE:COL: reason` line
 * (`FILE: byte N: reason` for gzip and binary data), an InputError and never another error (no stack trace);
 * the arrays it keeps are bounded by the input's size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, OptlabError } from '../../src/errors.js';
import { readLibsvmFile } from '../../src/node/read-libsvm.js';
import type { FuzzCase } from './corpus.js';

export interface CaseOutcome {
  name: string;
  kind: string;
  bytes: number;
  outcome: 'loaded' | 'refused';
  message?: string;
  /** Bytes held by the result's arrays (their buffers), 0 when refused. */
  retained: number;
  ms: number;
  /** Why the case breaks a property (undefined when it holds). */
  failure?: string;
}

/** Retained memory allowed for an input of `bytes` bytes (inflated, for gzip: bounded by the ratio limit). */
export function retainedBound(bytes: number, ext: string): number {
  const text = ext === '.gz' ? bytes * 1100 : bytes; // deflate cannot exceed ~1032:1
  return 16 * text + 2 ** 20;
}

function positioned(message: string, name: string): boolean {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc}(:\\d+:\\d+|: byte \\d+): \\S`).test(message);
}

/** Writes the case to `dir` and reads it back as optlab would. */
export async function checkCase(c: FuzzCase, dir: string): Promise<CaseOutcome> {
  mkdirSync(dir, { recursive: true });
  const file = `${c.name}${c.ext}`;
  const path = join(dir, file);
  writeFileSync(path, c.bytes);
  const t0 = performance.now();
  const base = { name: file, kind: c.kind, bytes: c.bytes.length };
  try {
    const r = await readLibsvmFile(path, { displayName: file, cache: false, env: {} });
    const ms = performance.now() - t0;
    const buffers = new Set<ArrayBufferLike>([r.X.rowPtr.buffer, r.X.colIdx.buffer, r.labels.buffer]);
    if (r.X.values) buffers.add(r.X.values.buffer);
    let retained = 0;
    for (const b of buffers) retained += b.byteLength;
    const bound = retainedBound(c.bytes.length, c.ext);
    const failure =
      retained > bound ? `keeps ${retained} bytes for ${c.bytes.length} of input (bound ${bound})` : undefined;
    return { ...base, outcome: 'loaded', retained, ms, ...(failure ? { failure } : {}) };
  } catch (e) {
    const ms = performance.now() - t0;
    const message = e instanceof Error ? e.message : String(e);
    let failure: string | undefined;
    if (!(e instanceof OptlabError)) failure = `not a user error: ${e instanceof Error ? e.stack : String(e)}`;
    else if (!(e instanceof InputError)) failure = `an OptlabError without a position: ${message}`;
    else if (message.includes('\n')) failure = `more than one line: ${JSON.stringify(message)}`;
    else if (!positioned(message, file)) failure = `does not start with FILE:LINE:COL or FILE: byte N: ${message}`;
    return { ...base, outcome: 'refused', message, retained: 0, ms, ...(failure ? { failure } : {}) };
  }
}
