/** Reads one file as optlab does and prints {outcome, ms, maxRssBytes} as JSON (run in a fresh process). */
import { readLibsvmFile } from '../../src/node/read-libsvm.js';

const path = process.argv[2];
const t0 = performance.now();
let outcome = 'loaded';
if (path !== undefined) {
  try {
    await readLibsvmFile(path, { cache: false, env: {} });
  } catch {
    outcome = 'refused';
  }
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ outcome, ms, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
