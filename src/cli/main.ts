#!/usr/bin/env node
/** The `optlab` executable: runs the program of src/cli/program.ts and sets the exit code. */
import { main } from './program.js';

// `optlab ... | head`: the reader has gone, so stop quietly (no EPIPE stack trace), as a Unix tool does
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') process.stderr.write(`optlab: cannot write the output: ${e.message}\n`);
  process.exit(e.code === 'EPIPE' ? Number(process.exitCode ?? 0) : 74);
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`optlab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
