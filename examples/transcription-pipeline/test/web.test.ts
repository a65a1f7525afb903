/**
 * The example's web server around a real SQLite queue: the page, its files, /meetings.json, the
 * SSE routes the page opens, the admin routes (loopback only), the port fallback, and `--port`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job, Queue } from '@waitline/core';
import type { WaitlineHandler } from '@waitline/http';
import { SqliteStorage } from '@waitline/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeetingPayload, type MeetingResult, transcribeQueue } from '../src/pipeline.js';
import { isLoopback, type MeetingEntry, type MeetingList, PortInUseError, WebServer } from '../src/web.js';
import { eventsUrl } from '../web/status.js';

let dir: string;
let storage: SqliteStorage;
let queue: Queue<MeetingPayload, MeetingResult>;
let web: WebServer;
let handler: WaitlineHandler;
const entries: MeetingEntry[] = [];
let complete = false;

async function submit(meetingId: string, user: string, audioSeconds: number, priority: string): Promise<Job<MeetingPayload, MeetingResult>> {
  const job = await queue.add({ meetingId, user, file: join(dir, `${meetingId}.wav`), audioSeconds }, { size: audioSeconds });
  entries.push({ meetingId, jobId: job.id, user, audioSeconds, priority });
  return job;
}

/** Reads an SSE answer until its first `status` event. */
async function firstStatus(url: string): Promise<{ type: string | null; status: Record<string, unknown> }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before a status: ${text}`);
      text += value;
      const match = /event: status\ndata: (.*)\n\n/.exec(text);
      if (match) return { type: response.headers.get('content-type'), status: JSON.parse(match[1]!) };
    }
  } finally {
    controller.abort();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waitline-web-'));
  storage = await SqliteStorage.open({ path: join(dir, 'jobs.db') });
  queue = transcribeQueue(storage, 1);
  web = await WebServer.listen({ port: 0, strict: true });
});

afterAll(async () => {
  await web?.close();
  await storage?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the example web server', () => {
  it('answers 400 to a request target the URL parser refuses, and goes on serving', async () => {
    const { hostname, port } = new URL(web.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.end('GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect((await fetch(web.url)).status).toBe(503);
  });

  it('answers 503 until the queue is mounted, then serves the page and its files', async () => {
    expect((await fetch(web.url)).status).toBe(503);
    handler = web.mount(queue, () => ({ meetings: [...entries], complete }));

    const page = await fetch(web.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/meetings.js"></script>');
    expect(html).toContain('<progress max="100"');
    expect(html).toContain('role="status"');
    for (const file of ['meetings.js', 'status.js']) {
      const r = await fetch(new URL(file, web.url));
      expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await r.text()).toBe(await readFile(new URL(`../web/${file}`, import.meta.url), 'utf8'));
    }
    expect((await fetch(new URL('style.css', web.url))).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(new URL('nope', web.url))).status).toBe(404);
    const post = await fetch(new URL('meetings.json', web.url), { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('lists the meetings as they are submitted', async () => {
    const list = async () => (await (await fetch(new URL('meetings.json', web.url))).json()) as MeetingList;
    expect(await list()).toEqual({ api: '/waitline', queue: 'transcribe', meetings: [], complete: false });
    await submit('m-1', 'alice', 45, 'normal');
    await submit('m-2', 'bob', 62, 'high');
    await submit('m-3', 'carol', 30, 'low');
    complete = true;
    const body = await list();
    expect(body.complete).toBe(true);
    expect(body.meetings).toEqual(entries);
    expect(body.meetings.map((m) => m.meetingId)).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('serves the SSE route the page builds for each meeting, with its status', async () => {
    const { api, queue: name, meetings } = (await (await fetch(new URL('meetings.json', web.url))).json()) as MeetingList;
    for (const [i, m] of meetings.entries()) {
      const url = new URL(eventsUrl(api, name, m.jobId), web.url).href;
      expect(url).toBe(`${web.url}waitline/jobs/transcribe/${m.jobId}/events`);
      const { type, status } = await firstStatus(url);
      expect(type).toBe('text/event-stream; charset=utf-8');
      // No worker runs: every meeting waits, in submission order, for a worker.
      expect(status).toMatchObject({ id: m.jobId, state: 'queued', position: i + 1, eta: { basis: 'no-workers' } });
      expect(status).toHaveProperty('error', null); // exposed for "Failed: …"
      expect(status).not.toHaveProperty('result'); // transcripts stay private
      expect(status).not.toHaveProperty('payload');
    }
    // Released when each socket's close reaches the server, which a loaded machine may delay past a second.
    await expect.poll(() => handler.openStreams, { timeout: 10_000 }).toBe(0);
  });

  it('allows the admin routes to loopback peers only', async () => {
    const r = await fetch(new URL('waitline/queues', web.url));
    expect(r.status).toBe(200);
    expect(((await r.json()) as { queues: unknown[] }).queues[0]).toMatchObject({ queue: 'transcribe' });
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '::2', '128.0.0.1', undefined].map(isLoopback)).toEqual([false, false, false, false, false]);
  });
});

describe('the port', () => {
  let blocker: Server;
  let busy: number;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    busy = (blocker.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((done) => blocker.close(done));
  });

  it('falls back to a free port when the default one is busy, and says which was busy', async () => {
    const fallback = await WebServer.listen({ port: busy, strict: false });
    try {
      expect(fallback.busyPort).toBe(busy);
      expect(fallback.port).not.toBe(busy);
      expect(fallback.url).toBe(`http://127.0.0.1:${fallback.port}/`);
    } finally {
      await fallback.close();
    }
  });

  it('refuses a busy port that was asked for', async () => {
    await expect(WebServer.listen({ port: busy, strict: true })).rejects.toBeInstanceOf(PortInUseError);
  });

  it('makes a busy --port a usage error of the demo (exit 2) before it starts', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', String(busy)], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((done) => child.on('exit', done));
    expect(code).toBe(2);
    expect(stderr).toContain(`--port ${busy}: port ${busy} is not available (EADDRINUSE)`);
    expect(stderr).toContain('Usage:');
  });
});
