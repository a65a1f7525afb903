/**
 * A second worker process for the demo: it joins the queue the main demo fills and transcribes
 * meetings beside it, as another host sharing one Postgres would. The queue's global concurrency
 * (set by the main demo) holds across both processes.
 *
 *   npx tsx src/main.ts --storage postgres://user@127.0.0.1:5432/test --concurrency 2
 *   npx tsx src/worker.ts --storage postgres://user@127.0.0.1:5432/test      # another terminal
 *
 * It stops on Ctrl-C, or with --exit-when-idle N once the queue has had nothing waiting or
 * running for N seconds.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from '@waitline/core';
import { createMeetingHandler, SHARE, transcribeQueue } from './pipeline.js';
import { demoMeetings } from './scenario.js';
import { describeStorage, openStorage, parseStorage } from './storage.js';
import { VadTranscriber } from './transcriber.js';

const { values } = parseArgs({
  options: {
    storage: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
    speed: { type: 'string', default: '8' },
    'exit-when-idle': { type: 'string' },
  },
});
if (values.storage === undefined) {
  console.error('Usage: tsx src/worker.ts --storage PATH|URL [--concurrency N] [--speed X] [--exit-when-idle SECONDS]');
  process.exit(2);
}
const spec = parseStorage(values.storage);
const speed = values.speed === 'max' ? Number.POSITIVE_INFINITY : Number(values.speed);
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
const worker = new Worker(queue, handler, { concurrency: Number(values.concurrency), shutdownGraceMs: 1000 });
const me = `${hostname()}:${process.pid}`;
let lastBusy = Date.now();
worker.on('error', (err) => console.error(`[${me}] worker error: ${err.message}`));
queue.on('job:active', ({ jobId }) => console.log(`[${me}] started ${jobId}`));
queue.on('job:completed', ({ jobId }) => console.log(`[${me}] completed ${jobId}`));
console.log(`[${me}] working on queue "transcribe" in ${describeStorage(spec)}; Ctrl-C stops`);

const stop = async () => {
  await worker.close();
  await storage.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
const idleLimitMs = values['exit-when-idle'] === undefined ? null : Number(values['exit-when-idle']) * 1000;
if (idleLimitMs !== null) {
  setInterval(async () => {
    const { counts } = await queue.getStats();
    if (counts.queued + counts.running > 0 || worker.running > 0) lastBusy = Date.now();
    else if (Date.now() - lastBusy > idleLimitMs) void stop();
  }, 500);
}
