/**
 * A small JSON Schema (draft 2020-12) validator for the keywords optlab's published schemas use: type,
 * properties, required, additionalProperties, propertyNames, items, anyOf, enum, minLength, maxLength,
 * minimum. Any other validation keyword throws, so a schema cannot silently outgrow the checks.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default', '$id']);
const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'anyOf',
  'enum',
  'minLength',
  'maxLength',
  'minimum',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The problems of `value` against `schema` (empty when valid), each with its JSON path. */
export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  for (const k of Object.keys(schema)) {
    if (!ANNOTATIONS.has(k) && !KNOWN.has(k)) throw new Error(`${path}: keyword ${k} is not supported`);
  }
  const out: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const ok = types.some((x) => x === t || (x === 'number' && t === 'integer'));
    if (!ok) return [`${path}: expected ${types.join('|')}, got ${t}`];
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value)) out.push(`${path}: not in enum`);
  if (schema.anyOf !== undefined && !(schema.anyOf as Schema[]).some((s) => validate(s, value, path).length === 0)) {
    out.push(`${path}: matches no alternative of anyOf`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) out.push(`${path}: too short`);
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) out.push(`${path}: too long`);
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    out.push(`${path}: below ${schema.minimum}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [i, v] of value.entries()) out.push(...validate(schema.items as Schema, v, `${path}[${i}]`));
  }
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) out.push(`${path}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema.propertyNames !== undefined) out.push(...validate(schema.propertyNames as Schema, k, `${path}.${k}`));
      if (k in props) out.push(...validate(props[k], v, `${path}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${path}.${k}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') {
        out.push(...validate(schema.additionalProperties as Schema, v, `${path}.${k}`));
      }
    }
  }
  return out;
}
