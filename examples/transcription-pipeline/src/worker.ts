/**
 * A second worker process for the demo: it joins the queue the main demo fills and transcribes
 * meetings beside it, as another host sharing one Postgres would. The queue's global concurrency
 * (set by the main demo) holds across both processes. Start the main demo first: it empties the
 * demo's storage when it starts, under any worker already running.
 *
 *   npx tsx src/main.ts --storage postgres://user@127.0.0.1:5432/test --concurrency 2
 *   npx tsx src/worker.ts --storage postgres://user@127.0.0.1:5432/test      # another terminal
 *
 * It stops on Ctrl-C or SIGTERM (handing back what it runs), or with --exit-when-idle N once the
 * queue has had nothing waiting or running for N seconds.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from '@waitline/core';
import { createMeetingHandler, SHARE, transcribeQueue } from './pipeline.js';
import { demoMeetings } from './scenario.js';
import { describeStorage, openStorage, parseStorage } from './storage.js';
import { VadTranscriber } from './transcriber.js';

const USAGE = `Usage: tsx src/worker.ts --storage PATH|URL [--concurrency N] [--speed X|max] [--exit-when-idle SECONDS]
Start the main demo (src/main.ts) first: it empties the demo's storage when it starts.`;

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function readArgs() {
  try {
    return parseArgs({
      options: {
        storage: { type: 'string' },
        concurrency: { type: 'string', default: '1' },
        speed: { type: 'string', default: '8' },
        'exit-when-idle': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    return usageError((err as Error).message);
  }
}

const values = readArgs();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.storage === undefined) usageError('--storage is required');
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) usageError(`--concurrency must be a positive integer, got "${values.concurrency}"`);
const speed = values.speed === 'max' ? Number.POSITIVE_INFINITY : Number(values.speed);
if (!(speed > 0)) usageError(`--speed must be a positive number or "max", got "${values.speed}"`);
const idleSeconds = values['exit-when-idle'] === undefined ? null : Number(values['exit-when-idle']);
if (idleSeconds !== null && !(idleSeconds >= 0)) usageError(`--exit-when-idle must be a number of seconds, got "${values['exit-when-idle']}"`);

const spec = parseStorage(values.storage);
const storage = await openStorage(spec);
const queue = transcribeQueue(storage);
const handler = createMeetingHandler({
  transcriber: new VadTranscriber({ realtimeFactor: speed / SHARE.transcribe }),
  speed,
  corruptFirstDownload: new Set(
    demoMeetings()
      .filter((p) => p.flakyDownload)
      .map((p) => p.meetingId),
  ),
});
const worker = new Worker(queue, handler, { concurrency, shutdownGraceMs: 1000 });
const me = `${hostname()}:${process.pid}`;
let lastBusy = Date.now();
worker.on('error', (err) => console.error(`[${me}] worker error: ${err.message}`));
queue.on('job:active', ({ jobId }) => console.log(`[${me}] started ${jobId}`));
queue.on('job:completed', ({ jobId }) => console.log(`[${me}] completed ${jobId}`));
// What went wrong is what an operator reads a worker's log for: each failure says why, and when
// the job runs again.
queue.on('job:retrying', ({ jobId, attempt, retryAt, error }) => {
  const inS = Math.max(0, Math.round((retryAt - Date.now()) / 1000));
  console.log(`[${me}] attempt ${attempt} of ${jobId} failed (${error.message}); retrying in ${inS}s`);
});
queue.on('job:failed', ({ jobId, error }) => console.log(`[${me}] failed ${jobId}: ${error.message}`));
queue.on('job:cancelled', ({ jobId }) => console.log(`[${me}] cancelled ${jobId}`));
queue.on('job:stalled', ({ jobId, attempt, state }) => {
  console.log(`[${me}] attempt ${attempt} of ${jobId} stalled (its worker stopped renewing the lease); now ${state}`);
});
console.log(`[${me}] working on queue "transcribe" in ${describeStorage(spec)}; Ctrl-C stops`);

const stop = async () => {
  await worker.close();
  await storage.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
if (idleSeconds !== null) {
  setInterval(async () => {
    try {
      const { counts } = await queue.getStats();
      if (counts.queued + counts.running > 0 || worker.running > 0) lastBusy = Date.now();
      else if (Date.now() - lastBusy > idleSeconds * 1000) void stop();
    } catch (err) {
      // A storage that is away for a moment: the worker reports it too; the next look may answer.
      console.error(`[${me}] idle check: ${(err as Error).message}`);
    }
  }, 500);
}
