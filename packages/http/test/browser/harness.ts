/**
 * What the browser tests run against: a real node:http server around `createHandler` on a SQLite
 * file, a real Worker whose jobs the test releases one by one (so no step depends on timing), and
 * Debian's chromium driven by playwright-core.
 * @internal
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createHandler, type HandlerOptions, toNodeListener, type WaitlineHandler } from '../../src/index.js';
import { until as untilCondition } from '../serve.js';

/** The repository's root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Debian's chromium, or the one `WAITLINE_CHROMIUM` names. */
export const CHROMIUM = process.env.WAITLINE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether the browser suites can run. Without chromium they are skipped with a loud warning, and
 * under `CI=true` they fail instead.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`chromium is missing at ${CHROMIUM}: the browser tests cannot run (CI=true)`);
  console.warn(`\n!!!!! chromium is missing at ${CHROMIUM}: SKIPPING the browser tests (a failure under CI=true)\n`);
  return false;
}

/** Launches the headless browser the brief names. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** What a job's payload asks the test worker to do. */
export interface TestPayload {
  /** `gate`: report progress, then wait for `release(id)`; `failOnce`: throw on the first run only; `ok`: finish at once. */
  mode: 'gate' | 'failOnce' | 'ok';
}

/** A served queue with a worker the test drives. */
export interface TestApp {
  url: string;
  queue: Queue<TestPayload, unknown>;
  handler: WaitlineHandler;
  /** Lets a gated job finish. */
  release(jobId: string): void;
  /** Resolves once `jobId` has run its handler (reported its progress, for a gated job). */
  started(jobId: string): Promise<void>;
  close(): Promise<void>;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** One deferred per job id, made on first use; `all` lists them (to open every gate at the end). */
function gates() {
  const map = new Map<string, ReturnType<typeof deferred>>();
  const get = (id: string) => {
    let d = map.get(id);
    if (!d) map.set(id, (d = deferred()));
    return d;
  };
  return Object.assign(get, { all: () => [...map.values()] });
}

function abortable(gate: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    void gate.then(resolve);
  });
}

async function listen(handler: WaitlineHandler): Promise<{ server: Server; port: number }> {
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Starts a SQLite-backed queue `transcribe` (one job at a time) with its worker, a second queue
 * `embed` with none, and the handler serving both on localhost.
 */
export async function startApp(options: Partial<Omit<HandlerOptions, 'queues'>> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'wl-browser-'));
  const storage = await SqliteStorage.open({ path: join(dir, 'jobs.db') });
  const queue = new Queue<TestPayload, unknown>(storage, 'transcribe', { concurrency: 1, retry: { attempts: 1 } });
  const idle = new Queue(storage, 'embed', { concurrency: 4 });
  const release = gates();
  const start = gates();
  const failed = new Set<string>();
  const worker = new Worker(
    queue,
    async (job, ctx) => {
      if (job.payload.mode === 'failOnce' && !failed.has(job.id)) {
        failed.add(job.id);
        throw new Error('the audio could not be decoded');
      }
      if (job.payload.mode === 'gate') {
        await ctx.progress({ percent: 40, stage: 'transcribing' });
        start(job.id).resolve();
        await abortable(release(job.id).promise, ctx.signal);
      }
      start(job.id).resolve();
      return { ok: true };
    },
    { pollIntervalMs: 100 },
  );
  const handler = createHandler({ queues: [queue, idle], authorize: () => true, ...options });
  const { server, port } = await listen(handler);
  return {
    url: `http://127.0.0.1:${port}${options.basePath ?? ''}`,
    queue,
    handler,
    release: (id) => release(id).resolve(),
    started: (id) => start(id).promise,
    async close() {
      for (const gate of release.all()) gate.resolve(); // a failed test leaves no worker waiting
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await worker.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects the page's uncaught errors and console errors (a CSP violation included), to assert there are none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

/** Where screenshots go: `.vitest/artifacts` under the repository root (created). */
export function artifactPath(name: string): string {
  const dir = join(REPO_ROOT, '.vitest', 'artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** Waits, polling, until `check` holds (the HTTP tests' `until`, with the browser tests' argument order). */
export function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  return untilCondition(check, timeoutMs, what);
}
