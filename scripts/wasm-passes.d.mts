// Types of what tests import from scripts/wasm-passes.mjs (the generator of the WebAssembly passes).
/** Entries of exp's table (points 2^(j/N) per octave). */
export const EXP_N: number;
/** Byte address of exp's table; each entry [tail, bits of head − (j << 45) + ((128 − LOG_OFFSET/N) << 52)]. */
export const TABLE_BASE: number;
/** Byte address of log1p's table (entry i at LOG_TABLE_BASE + 16 (i − LOG_LOW)). */
export const LOG_TABLE_BASE: number;
/** log1p's table covers exp's ki ∈ [−LOG_KI, 0]. */
export const LOG_KI: number;
/** The offset exp's shifter adds to ki. */
export const LOG_OFFSET: number;
/** Index of log1p's entry for every ki below −LOG_KI. */
export const LOG_LOW: number;
/** log(1 + M/2^q), correctly rounded. */
export function log1pExact(M: number | bigint, q: number): number;
/** log1p's table: [E/(1 + E), log(1 + E)] for entries LOG_LOW..LOG_OFFSET. */
export function logTable(): [number, number][];
/** WAT module fields of every generated pass. */
export function passes(): string;
