#!/usr/bin/env node
/**
 * The `waitline` executable. When the reader of its output goes away (`waitline list q | head`),
 * it stops quietly with exit 0, as Unix tools do, instead of failing on the broken pipe.
 * @module
 */
import { run } from './program.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
}

process.exitCode = await run(process.argv.slice(2));
