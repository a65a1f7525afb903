/**
 * The load generator of the HTTP scenarios: a process of its own on the same machine as the
 * server (the bench child), driven over IPC (protocol.ts). Plain `fetch` (Node's undici, keep-alive)
 * with a bounded number of requests in flight; SSE streams are read with a minimal parser that
 * only needs to see each stream's first `status` event. Exits when told to or when its parent goes.
 */
import { performance } from 'node:perf_hooks';
import type { LoadCommand, LoadReply, StatusGroup } from './protocol.js';

const reply = (r: LoadReply): void => {
  process.send?.(r);
};

/**
 * Runs up to `count` tasks with at most `concurrency` in flight; no task starts after `budgetMs`
 * once `minTasks` have started (those in flight finish).
 */
async function lanes(count: number, concurrency: number, task: (k: number) => Promise<void>, budgetMs = Number.POSITIVE_INFINITY, minTasks = 0): Promise<void> {
  const end = performance.now() + budgetMs;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count && (next < minTasks || performance.now() < end)) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

async function getStatus(url: string): Promise<{ ms: number; status: number; position: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = (await res.json()) as { position?: unknown };
  return { ms: performance.now() - t0, status: res.status, position: body.position };
}

async function statusGroup(
  base: string,
  g: StatusGroup,
  concurrency: number,
  budgetMs?: number,
  minSamples?: number,
): Promise<{ name: string; times: number[]; wrong: number; errors: string[] }> {
  const times: number[] = [];
  const errors: string[] = [];
  let wrong = 0;
  const run = async (k: number): Promise<void> => {
    try {
      const r = await getStatus(`${base}/${encodeURIComponent(g.ids[k] as string)}`);
      times.push(r.ms);
      if (r.status !== 200 || r.position !== g.positions[k]) wrong++;
    } catch (e) {
      errors.push(String(e));
    }
  };
  await lanes(g.ids.length, concurrency, run, budgetMs, minSamples);
  return { name: g.name, times, wrong, errors: errors.slice(0, 3) };
}

async function status(c: Extract<LoadCommand, { kind: 'status' }>): Promise<LoadReply> {
  // Warm this process's fetch and the connections up on the first group, unmeasured.
  const first = c.groups[0];
  if (first) await statusGroup(c.url, { ...first, ids: first.ids.slice(0, c.warmup), positions: first.positions.slice(0, c.warmup) }, c.concurrency);
  const groups = [];
  for (const g of c.groups) groups.push(await statusGroup(c.url, g, c.concurrency, c.budgetMs, c.minSamples));
  return { kind: 'status-done', groups };
}

const streams = new AbortController();
let events = 0;

/** Opens one stream and resolves once its first `status` event arrived; it is then read on until aborted. */
async function openStream(url: string): Promise<void> {
  const res = await fetch(url, { signal: streams.signal, headers: { accept: 'text/event-stream' } });
  if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let seen = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended before its first status event');
    seen += decoder.decode(value, { stream: true });
    if (/(^|\n)event: status\n/.test(seen)) break;
  }
  events++;
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events += (decoder.decode(value, { stream: true }).match(/(^|\n)event: status\n/g) ?? []).length;
      }
    } catch {
      // aborted
    }
  })();
}

async function openSse(c: Extract<LoadCommand, { kind: 'open-sse' }>): Promise<LoadReply> {
  const t0 = performance.now();
  let opened = 0;
  const errors: string[] = [];
  const open = async (k: number): Promise<void> => {
    try {
      await openStream(`${c.url}/${encodeURIComponent(c.ids[k] as string)}/events`);
      opened++;
    } catch (e) {
      errors.push(String(e));
    }
  };
  await lanes(c.ids.length, c.concurrency, open, c.budgetMs);
  return { kind: 'sse-open', opened, failed: errors.length, errors: errors.slice(0, 3), openMs: performance.now() - t0 };
}

process.on('message', (m: LoadCommand) => {
  const run = async (): Promise<LoadReply | undefined> => {
    if (m.kind === 'status') return status(m);
    if (m.kind === 'open-sse') return openSse(m);
    if (m.kind === 'close-sse') {
      streams.abort();
      return { kind: 'sse-closed', events };
    }
    process.exit(0);
  };
  run().then(
    (r) => r && reply(r),
    (e: unknown) => reply({ kind: 'error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
