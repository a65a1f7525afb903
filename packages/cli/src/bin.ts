#!/usr/bin/env node
/**
 * The `waitline` executable. When the reader of its output goes away (`waitline list q | head`),
 * it stops quietly with exit 0, as Unix tools do, instead of failing on the broken pipe. Any other
 * failure to write its output (a full disk behind `waitline export > backup.jsonl`) ends it with
 * one `error OUTPUT_NOT_WRITABLE` line and exit 1, not an uncaught exception's stack trace.
 * @module
 */
import { run } from './program.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    if (stream === process.stdout) process.stderr.write(`error OUTPUT_NOT_WRITABLE: cannot write the output: ${err.message}\n`);
    process.exit(1);
  });
}

process.exitCode = await run(process.argv.slice(2));
