/**
 * `watch [queue]`: a live view, redrawn when the storage reports a change (see `watch/watcher.ts`).
 * On a terminal the frame is redrawn in place; piped, each frame is appended after a `---` line;
 * with `--json`, one JSON document per line. Ctrl-C (or SIGTERM) ends it with exit code 0.
 * @module
 */
import { MAX_TIMER_MS, Queue, ValidationError } from '@waitline/core';
import { createLogUpdate } from 'log-update';
import type { Ctx } from '../context.js';
import { parseDuration } from '../duration.js';
import { errorLine } from '../output.js';
import { renderOverview, renderQueueFrame } from '../watch/frame.js';
import { type WatchFrame, Watcher } from '../watch/watcher.js';

/** `watch`'s own options, as commander gives them. */
export interface WatchOptions {
  rows?: string;
  refresh?: string;
}

function parseRows(value: string | undefined): number {
  const rows = value === undefined ? 5 : Number(value);
  if (!Number.isInteger(rows) || rows < 1 || rows > 100) {
    throw new ValidationError(`--rows must be an integer from 1 to 100, not "${value}"`, [{ path: ['rows'], message: 'out of range' }]);
  }
  return rows;
}

function frameText(frame: WatchFrame): string {
  const body = 'queue' in frame ? renderQueueFrame(frame.queue) : renderOverview(frame.overview);
  return `waitline watch · ${new Date().toISOString().slice(11, 19)}Z · Ctrl-C to quit\n\n${body}`;
}

/** A drawer for the context's output: in place on a TTY, appended otherwise, JSON lines with --json. */
function drawer(ctx: Ctx): { draw(frame: WatchFrame): void; done(): void } {
  if (ctx.json) return { draw: (frame) => ctx.out.write(`${JSON.stringify(frame)}\n`), done: () => undefined };
  if (ctx.out.tty) {
    const update = createLogUpdate(process.stdout);
    return { draw: (frame) => update(frameText(frame)), done: () => update.done() };
  }
  return { draw: (frame) => ctx.out.write(`---\n${frameText(frame)}`), done: () => undefined };
}

/** How long the clean-up after Ctrl-C may take before the process ends anyway (exit 0). */
const CLEANUP_MS = 2_000;

/**
 * `signalled` resolves on the first SIGINT or SIGTERM. The listener stays until `release()`, after
 * the clean-up: on a terminal, log-update's signal-exit also listens, and re-raises the signal
 * (ending the process by it, before any clean-up) once it finds itself the only listener left.
 * The clean-up gets {@link CLEANUP_MS}: closing a storage that stopped answering waits for its
 * read in flight, which may never end, and Ctrl-C must end `watch` all the same.
 */
function interruption(): { signalled: Promise<void>; release(): void } {
  let resolve = (): void => undefined;
  const signalled = new Promise<void>((done) => {
    resolve = done;
  });
  const on = () => {
    setTimeout(() => process.exit(0), CLEANUP_MS).unref();
    resolve();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signalled,
    release: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** `watch [queue] [--rows n] [--refresh 5s]`: runs until Ctrl-C. */
export async function watch(ctx: Ctx, queueName: string | undefined, options: WatchOptions): Promise<void> {
  const rows = parseRows(options.rows);
  const refreshMs = options.refresh === undefined ? 5_000 : parseDuration(options.refresh, ['refresh']);
  if (refreshMs < 100) throw new ValidationError('--refresh must be at least 100ms', [{ path: ['refresh'], message: 'too short' }]);
  // A timer longer than 2^31-1 ms fires at once in Node (it would redraw nine times a second).
  if (refreshMs > MAX_TIMER_MS)
    throw new ValidationError(`--refresh must be at most ${MAX_TIMER_MS}ms (about 24.8 days)`, [{ path: ['refresh'], message: 'too long' }]);
  const queue = queueName === undefined ? undefined : await ctx.queue(queueName);
  const view = drawer(ctx);
  const watcher = new Watcher(
    { storage: ctx.storage, ...(queue ? { queue } : {}), rows, draw: (frame) => view.draw(frame), failed: (error) => ctx.out.error(`${errorLine(error)}\n`) },
    { minRedrawMs: 100, refreshMs },
    (name) => new Queue(ctx.storage, name),
  );
  const stop = interruption();
  try {
    await watcher.start();
    await stop.signalled;
  } finally {
    watcher.stop();
    view.done();
    stop.release();
  }
}
