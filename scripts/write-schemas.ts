/**
 * Writes schema/*.schema.json from the zod schemas of src/sweep/results-schema.ts (the tests fail when the
 * files and the schemas disagree). Run: node --import tsx scripts/write-schemas.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rowJsonSchemas } from '../src/sweep/results-schema.js';

for (const [name, schema] of Object.entries(rowJsonSchemas())) {
  const path = join('schema', name);
  writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`${path}\n`);
}
