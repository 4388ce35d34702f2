/**
 * JSON with typed arrays written as arrays, −0 written as 0 and non-finite numbers as null, so output is
 * byte-identical across runs and readable by any JSON parser.
 */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === 'number') return Object.is(v, -0) ? 0 : Number.isFinite(v) ? v : null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        return Array.from(v as unknown as ArrayLike<number>, (x) => (Object.is(x, -0) ? 0 : x));
      }
      return v;
    },
    indent,
  );
}
