/**
 * Waitline's main demo: meetings queued for transcription on embedded SQLite, no server.
 *
 *   pnpm example                      # from the repository root; the page is at http://127.0.0.1:3000/
 *   npx tsx src/main.ts --concurrency 2 --speed 16
 *   npx tsx src/main.ts --storage postgres://user@127.0.0.1:5432/test
 *   npx tsx src/main.ts --storage redis://127.0.0.1:6379
 *   npx tsx src/worker.ts --storage postgres://...   # a second worker process (another host)
 *
 * Several users submit recordings with mixed priorities; a worker transcribes them one at a time
 * (global concurrency 1); everyone watches their position, ETA and progress live. One download
 * arrives corrupt and is retried, one user cancels mid-way, and an urgent meeting arrives late and
 * goes to the front of the line. A web page (`web.ts`) shows the same meetings live, as an app's
 * page would, through `@waitline/http`'s public routes.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Queue, QueueStats, Storage } from '@waitline/core';
import { QueueEvents, Worker } from '@waitline/core';
import { createMeetingHandler, type MeetingPayload, type MeetingResult, SHARE, transcribeQueue } from './pipeline.js';
import { formatDuration, JobBoard, SHOW_CURSOR } from './render.js';
import { type Check, checkScenario, demoMeetings, groupMeetings, type MeetingPlan, recordMeetings, Users } from './scenario.js';
import { describeStorage, openStorage, parseStorage, resetStorage, type StorageSpec } from './storage.js';
import { VadTranscriber } from './transcriber.js';
import { DEFAULT_PORT, meetingsOf, PortInUseError, WebServer } from './web.js';

const EXAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const POLL_MS = 250;

interface Cli {
  concurrency: number;
  local: number;
  storage: StorageSpec;
  speed: number;
  storageGiven: boolean;
  port: number;
  portGiven: boolean;
  keepServing: boolean;
  /** Run the groups story instead of the default one. */
  groups: boolean;
}

const USAGE = `Usage: tsx src/main.ts [--concurrency N] [--speed X|max] [--storage PATH|URL] [--port N] [--keep-serving] [--groups]

  --concurrency N     jobs transcribed at once, across every worker (default 1)
  --local N           jobs this process's worker runs at once (default: --concurrency)
  --speed X           audio seconds processed per wall second (default 8); "max" runs flat out
  --storage PATH|URL  a SQLite file (default .data/demo.db in the example), a postgres:// URL
                      (schema "waitline_demo") or a redis:// URL (keys "waitline_demo..."); emptied at start
  --db PATH           the same as --storage PATH
  --port N            serve the live page on http://127.0.0.1:N/ (default ${DEFAULT_PORT}, or a free port
                      when ${DEFAULT_PORT} is busy; a busy --port is an error); 0 picks a free port
  --keep-serving      keep serving the page after the summary, until Ctrl-C
  --groups            the groups story: Alice submits five meetings, then Bob one; users take turns

Start more workers beside it (other terminals, other hosts on the same Postgres):
  tsx src/main.ts --storage postgres://... --concurrency 2 --local 1
  tsx src/worker.ts --storage postgres://... --concurrency 1`;

function parseCli(argv: string[]): Cli {
  const { values } = parseOrUsage(argv);
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return checkedCli(values);
}

/** The arguments as parseArgs reads them; an unknown option, a missing value or a stray word is a usage error (exit 2). */
function parseOrUsage(argv: string[]) {
  try {
    return parseCliArgs(argv);
  } catch (err) {
    return usageError((err as Error).message);
  }
}

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      concurrency: { type: 'string', default: '1' },
      local: { type: 'string' },
      speed: { type: 'string', default: '8' },
      db: { type: 'string' },
      storage: { type: 'string' },
      port: { type: 'string' },
      'keep-serving': { type: 'boolean', default: false },
      groups: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

function checkedCli(values: ReturnType<typeof parseCliArgs>['values']): Cli {
  const concurrency = Number(values.concurrency);
  const speed = values.speed === 'max' ? Number.POSITIVE_INFINITY : Number(values.speed);
  if (!Number.isInteger(concurrency) || concurrency < 1) usageError(`--concurrency must be a positive integer, got "${values.concurrency}"`);
  if (!(speed > 0)) usageError(`--speed must be a positive number or "max", got "${values.speed}"`);
  const local = values.local === undefined ? concurrency : Number(values.local);
  if (!Number.isInteger(local) || local < 1) usageError(`--local must be a positive integer, got "${values.local}"`);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  const given = values.storage ?? values.db;
  const storage = parseStorage(given ?? join(EXAMPLE_DIR, '.data', 'demo.db'));
  const web = { port, portGiven: values.port !== undefined, keepServing: values['keep-serving'] };
  return { concurrency, local, speed, storage, storageGiven: given !== undefined, groups: values.groups, ...web };
}

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** Binds the page's server before anything else, so a busy `--port` stops the demo at once. */
async function openWeb(cli: Cli): Promise<WebServer> {
  try {
    return await WebServer.listen({ port: cli.port, strict: cli.portGiven });
  } catch (err) {
    if (err instanceof PortInUseError) usageError(`--port ${cli.port}: ${err.message}; choose another port or leave --port out`);
    throw err;
  }
}

function announceWeb(web: WebServer, board: JobBoard): void {
  if (web.busyPort !== null) board.log(`Port ${web.busyPort} is busy; the page is served on port ${web.port} instead.`);
  board.log(`Open ${web.url} to watch every meeting live`);
}

/** `--keep-serving`: the page stays up (statuses read from the still-open storage) until Ctrl-C. */
async function keepServing(web: WebServer): Promise<void> {
  console.log(`\nStill serving ${web.url} (--keep-serving). Ctrl-C stops.`);
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

/** Everything the demo runs on, opened in order and closed in reverse. */
interface Demo {
  storage: Storage;
  queue: Queue<MeetingPayload, MeetingResult>;
  worker: Worker<MeetingPayload, MeetingResult>;
  users: Users;
  events: QueueEvents;
}

async function openDemo(cli: Cli, plans: MeetingPlan[], board: JobBoard): Promise<Demo> {
  await resetStorage(cli.storage);
  const files = await recordMeetings(join(EXAMPLE_DIR, '.data', 'audio'), plans);
  const speedText = Number.isFinite(cli.speed) ? `${cli.speed}× real time` : 'flat out';
  board.log(`Recorded ${plans.length} meetings (${plans.reduce((s, p) => s + p.audioSeconds, 0)} s of audio) · ${describeStorage(cli.storage)}`);
  board.log(`Queue "transcribe": concurrency ${cli.concurrency}, processing at ${speedText}`);

  const storage = await openStorage(cli.storage);
  const queue = transcribeQueue(storage, cli.concurrency);
  const handler = createMeetingHandler({
    transcriber: new VadTranscriber({ realtimeFactor: cli.speed / SHARE.transcribe }),
    speed: cli.speed,
    corruptFirstDownload: new Set(plans.filter((p) => p.flakyDownload).map((p) => p.meetingId)),
  });
  const worker = new Worker(queue, handler, { concurrency: cli.local, shutdownGraceMs: 1000 });
  worker.on('error', (err) => board.log(`worker error: ${err.message}`));
  const users = new Users(queue, plans, files, { speed: cli.speed, log: (m) => board.log(m) });
  // QueueEvents, not queue.on: a retry may happen in another worker process.
  const events = new QueueEvents(storage, 'transcribe');
  events.on('job:retrying', ({ jobId, retryAt, attempt, error }) => {
    const t = users.noteRetry(jobId);
    const id = t?.plan.meetingId ?? jobId;
    board.log(`${id} attempt ${attempt} failed: ${error.message}. Waitline retries it in ${formatDuration(retryAt - Date.now())}`);
  });
  return { storage, queue, worker, users, events };
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  const tty = process.stdout.isTTY === true;
  const board = new JobBoard(process.stdout, tty, { color: tty && !process.env.NO_COLOR, columns: process.stdout.columns });
  if (tty) process.once('exit', () => process.stdout.write(SHOW_CURSOR));
  const web = await openWeb(cli);
  const started = Date.now();
  const demo = await openDemo(cli, cli.groups ? groupMeetings() : demoMeetings(), board);
  web.mount(demo.queue, () => meetingsOf(demo.users.tracked));
  announceWeb(web, board);
  const run: { failure: unknown } = { failure: null };
  const onSigint = () => {
    run.failure = new Error('interrupted');
  };
  process.once('SIGINT', onSigint);
  // docker stop, systemd and kill send SIGTERM: the same clean stop, so no job is left leased.
  process.once('SIGTERM', onSigint);
  try {
    demo.users.start((err) => {
      run.failure ??= err;
    });
    await watch(demo.users, board, () => run.failure !== null, started, web.url);
  } finally {
    board.release();
    demo.users.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  const stats = await demo.queue.getStats();
  await demo.worker.close();
  demo.events.close();
  const code = run.failure ? stopped(run.failure) : printSummary(demo.users, stats, Date.now() - started, cli);
  if (cli.keepServing && !run.failure) await keepServing(web);
  await web.close();
  await demo.storage.close();
  return code;
}

function stopped(failure: unknown): number {
  const why = failure instanceof Error ? failure.message : String(failure);
  console.error(`\nDemo stopped: ${why}`);
  return failure instanceof Error && failure.message === 'interrupted' ? 130 : 1;
}

/** Polls every job's status, lets the users react, redraws; until every job is final. */
async function watch(users: Users, board: JobBoard, stop: () => boolean, started: number, url: string): Promise<void> {
  while (!stop()) {
    await users.poll();
    const rows = users.rows();
    const running = rows.filter((r) => r.status?.state === 'running').length;
    const waiting = rows.filter((r) => r.status?.state === 'queued').length;
    board.render(rows, Date.now(), `${formatDuration(Date.now() - started)} · ${running} running, ${waiting} waiting · Ctrl-C stops · live page: ${url}`);
    if (users.allFinal()) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function printSummary(users: Users, stats: QueueStats, elapsedMs: number, cli: Cli): number {
  const states = users.tracked.map((t) => t.status?.state);
  const count = (s: string) => states.filter((x) => x === s).length;
  const out: string[] = [''];
  out.push(`Finished in ${formatDuration(elapsedMs)}: ${count('completed')} completed, ${count('failed')} failed, ${count('cancelled')} cancelled.`);
  out.push(...statsLines(stats));
  const sample = users.tracked.find((t) => t.status?.state === 'completed' && t.plan.voices.length > 1);
  const result = sample?.status?.result as MeetingResult | null | undefined;
  if (sample && result) {
    out.push(`Transcript of ${sample.plan.meetingId} (first lines):`);
    for (const seg of result.transcript.slice(0, 4)) out.push(`  S${seg.speaker ?? '?'}  ${seg.text}`);
  }
  const checks = checkScenario(users.tracked);
  out.push('Scenario checks:', ...checks.map((c: Check) => `  ${c.ok ? '✓' : '✗'} ${c.text}`));
  const ok = checks.every((c) => c.ok);
  out.push(ok ? 'All as expected.' : 'The scenario did NOT go as expected.');
  if (cli.storageGiven) out.push(`Jobs kept in ${describeStorage(cli.storage)}.`);
  console.log(out.join('\n'));
  return ok ? 0 : 1;
}

function statsLines(stats: QueueStats): string[] {
  const c = stats.counts;
  const ms = (v: number | null) => (v === null ? '–' : formatDuration(v));
  const t = stats.throughput[0];
  return [
    `Queue stats: ${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled, ${c.ready} ready, ${c.scheduled} scheduled, ${c.running} running`,
    `  run time  mean ${ms(stats.runTimeMs.mean)}, p50 ${ms(stats.runTimeMs.p50)}, p95 ${ms(stats.runTimeMs.p95)}`,
    `  wait time mean ${ms(stats.waitTimeMs.mean)}, p50 ${ms(stats.waitTimeMs.p50)}, p95 ${ms(stats.waitTimeMs.p95)}`,
    t ? `  throughput ${t.completedPerMinute.toFixed(1)} jobs/min over the last ${formatDuration(t.windowMs)}` : '',
  ].filter(Boolean);
}

main().then(
  (code) => {
    process.exitCode = code;
    // Anything still holding the event loop open after a clean close should not hang the demo.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err) => {
    // A storage refusing (a role that does not exist, a server not running) says so in a line; a bug keeps its stack.
    const known = typeof (err as { code?: unknown } | null)?.code === 'string';
    console.error(known ? `error: ${(err as Error).message}` : err);
    process.exit(1);
  },
);
