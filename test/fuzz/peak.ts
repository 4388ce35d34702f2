/** Reads one file as optlab does and prints {outcome, ms, maxRssBytes} as JSON (run in a fresh process). */
import { readFileSync } from 'node:fs';
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
// VmHWM (the peak resident set of this address space): getrusage's maxrss may carry the parent's peak over exec
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
const maxRssBytes = hwm ? Number(hwm[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ outcome, ms, maxRssBytes })}\n`);
