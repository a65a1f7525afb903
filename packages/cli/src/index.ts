/**
 * `@waitline/cli`: the `waitline` command (`waitline stats|list|show|cancel|retry|promote|priority|
 * pause|resume|drain|clear|clean|rate-limit`), and `run(argv)` to embed it.
 * @packageDocumentation
 */
export { run } from './program.js';
export type { Out } from './output.js';
export { parseStorage, type StorageSpec } from './storage-url.js';
export { parseDuration } from './duration.js';
