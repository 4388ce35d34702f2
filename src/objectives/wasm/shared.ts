import { kernelBytes, kernelModule } from './layout.js';

/** The largest 32-bit WebAssembly memory, in 64 KiB pages (4 GiB). */
export const MAX_PAGES = 65536;

/** The exports of the kernels module (layout.ts drives them). */
export type KernelExports = Record<string, (...a: number[]) => number>;

/**
 * The kernels instantiated over a shared `WebAssembly.Memory` (`shared: true`), so that several threads
 * run the same code on one copy of the data. Every thread instantiates the module itself (a module instance
 * belongs to one thread) over the memory it was given; each instantiation writes the module's constants
 * (the same bytes) below KERNELS_X_BASE.
 */
export function instantiateShared(memory: WebAssembly.Memory): KernelExports {
  const module = sharedModule();
  if (module === null) throw new Error('WebAssembly SIMD kernels are not available in this thread');
  return new WebAssembly.Instance(module, { env: { memory } }).exports as KernelExports;
}

/**
 * A shared memory of `bytes` bytes (rounded up to pages, fixed size), or null where WebAssembly or shared
 * memory is unavailable (no cross-origin isolation in a browser) or the size exceeds 4 GiB.
 */
export function createSharedMemory(bytes: number): WebAssembly.Memory | null {
  if (typeof WebAssembly === 'undefined' || typeof SharedArrayBuffer === 'undefined') return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (pages > MAX_PAGES) return null;
  try {
    if (sharedModule() === null) return null; // fails here, not in a worker, where SIMD is missing
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
}

let compiled: WebAssembly.Module | null | undefined;

/** The module with a shared memory import (null without WebAssembly SIMD), compiled once per thread. */
function sharedModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = kernelModule() === null ? null : new WebAssembly.Module(withSharedMemoryImport(kernelBytes()));
  }
  return compiled;
}

/**
 * The same module binary with its memory import declared shared, with maximum 4 GiB.
 *
 * Whether a memory is shared is part of an import's type (WebAssembly threads proposal, "limits" flags
 * 0x00 = min, 0x01 = min max, 0x03 = min max shared), so kernels.wat's `(memory 1)` cannot link a shared
 * memory. The functions use plain loads and stores, valid on a shared memory, so only the import changes:
 * the import section (id 2) is rebuilt with the memory's limits re-encoded, every other byte is kept. A
 * provided memory matches when its maximum is at most the declared one, so any shared memory up to 4 GiB
 * links. (Binary format: WebAssembly Core Specification 2.0, §5.5.10 Import Section, §5.3.7 Limits.)
 */
export function withSharedMemoryImport(bytes: Uint8Array): Uint8Array {
  let p = 8; // magic and version
  while (p < bytes.length) {
    const id = bytes[p];
    const [size, sizeLen] = readLeb(bytes, p + 1);
    const body = p + 1 + sizeLen;
    const end = body + size;
    if (id === 2) {
      let q = body;
      const [count, countLen] = readLeb(bytes, q);
      q += countLen;
      for (let i = 0; i < count; i++) {
        for (let name = 0; name < 2; name++) {
          const [len, lenLen] = readLeb(bytes, q);
          q += lenLen + len;
        }
        const kind = bytes[q++];
        if (kind === 0)
          q += readLeb(bytes, q)[1]; // function: type index
        else if (kind === 1)
          q = skipLimits(bytes, q + 1); // table: element type, limits
        else if (kind === 3)
          q += 2; // global: value type, mutability
        else if (kind === 2) {
          const flags = bytes[q];
          if (flags === 3) return bytes; // already shared
          const [min, minLen] = readLeb(bytes, q + 1);
          const max = flags === 1 ? readLeb(bytes, q + 1 + minLen)[0] : MAX_PAGES;
          const limits = [3, ...leb(min), ...leb(max)];
          const after = skipLimits(bytes, q);
          const content = concat([bytes.subarray(body, q), Uint8Array.from(limits), bytes.subarray(after, end)]);
          return concat([bytes.subarray(0, p), Uint8Array.of(2, ...leb(content.length)), content, bytes.subarray(end)]);
        } else throw new Error(`unexpected import kind ${kind} in the kernels module`);
      }
    }
    p = end;
  }
  throw new Error('the kernels module imports no memory');
}

function skipLimits(bytes: Uint8Array, q: number): number {
  const flags = bytes[q++];
  q += readLeb(bytes, q)[1];
  if (flags & 1) q += readLeb(bytes, q)[1];
  return q;
}

/** Unsigned LEB128 at `p`: [value, bytes read]. */
function readLeb(bytes: Uint8Array, p: number): [number, number] {
  let value = 0;
  let shift = 0;
  let n = 0;
  for (;;) {
    const b = bytes[p + n++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, n];
    shift += 7;
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, a) => s + a.length, 0));
  let at = 0;
  for (const a of parts) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
