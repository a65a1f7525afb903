/**
 * The HTTP row, Waitline systems only, each with 10·n waiting jobs (100,000 at the default n) and
 * a real server in the measuring process (`createHandler` with default options through
 * `toNodeListener` on `node:http`), loaded from a second process on localhost (load.ts):
 * - HTTP: `GET /jobs/:queue/:id` latency for jobs at the front, the middle and the back of the
 *   queue, `httpConcurrency` requests in flight, each answer's position checked;
 * - SSE: `sseSubscribers` streams `GET /jobs/:queue/:id/events` on as many different waiting jobs,
 *   held open: the server's memory per subscriber (RSS and heap after GC, before and after), the
 *   storage subscriptions held (counted by wrapping the storage notifier's `subscribe`), the
 *   server's CPU while they are held, and that every stream and subscription is released after.
 */
import { budget, fill, type Metrics, onFreshPlace, type ScenarioDef, type ScenarioParams, sleep } from '../kit.js';
import { median, nowMs, percentile } from '../stats.js';
import type { BenchSystem, Payload, Place } from '../systems/types.js';
import type { Queue } from '@waitline/core';
import type { LoadReply, StatusGroup } from './protocol.js';
import { countSubscriptions, LoadProcess, memoryAfterGc, type Served, type SubscriptionCount, serve } from './server.js';

const fmtInt = (v: number): string => v.toLocaleString('en-US');
/** The status target: p50 at or under this, at every region of the queue. */
const TARGET_P50_MS = 10;
/** How long the streams are held open: longer than the hub's idle re-read (5 s), so one is included. */
const HOLD_MS = 6_000;
/** Streams opened at once by the load generator. */
const OPEN_CONCURRENCY = 50;
/** Fewest status requests per region, even past the time budget. */
const MIN_SAMPLES = 20;
/** The opening of the streams stops starting new ones after this many time budgets. */
const OPEN_BUDGETS = 6;

function queueOf(s: BenchSystem): Queue<Payload> {
  if (!s.waitlineQueue) throw new Error(`${s.name} has no Waitline queue to serve`);
  return s.waitlineQueue();
}

interface Served10n {
  ids: string[];
  queue: Queue<Payload>;
  served: Served;
  load: LoadProcess;
  subs: SubscriptionCount;
}

/**
 * Sets up a fresh place with 10·n waiting jobs, counts the storage subscriptions from then on,
 * serves the queue, starts the load generator, runs `fn`, and stops all of it again.
 */
async function withServedQueue(s: BenchSystem, p: ScenarioParams, place: () => Place, fn: (ctx: Served10n) => Promise<Metrics>): Promise<Metrics> {
  return onFreshPlace(s, place, async () => {
    const ids = (await fill(s, 0, p.n * 10)).map(String);
    const queue = queueOf(s);
    const subs = countSubscriptions(queue);
    const served = await serve(queue);
    const load = new LoadProcess();
    try {
      return await fn({ ids, queue, served, load, subs });
    } finally {
      await load.stop();
      await served.close();
      subs.restore();
    }
  });
}

function region(name: string, ids: string[], from: number, count: number): StatusGroup {
  const picked = ids.slice(from, from + count);
  return { name, ids: picked, positions: picked.map((_, k) => from + k + 1) };
}

async function statusLatency(s: BenchSystem, p: ScenarioParams, place: () => Place): Promise<Metrics> {
  return withServedQueue(s, p, place, async ({ ids, queue, served, load }) => {
    const k = Math.min(p.latencyIters, Math.floor(ids.length / 3));
    const groups = [region('front', ids, 0, k), region('middle', ids, Math.floor((ids.length - k) / 2), k), region('back', ids, ids.length - k, k)];
    const url = `${served.url}/jobs/${queue.name}`;
    const r = (await load.request({
      kind: 'status',
      url,
      groups,
      concurrency: p.httpConcurrency,
      warmup: Math.min(50, k),
      budgetMs: p.budgetMs,
      minSamples: MIN_SAMPLES,
    })) as Extract<LoadReply, { kind: 'status-done' }>;
    const out: Metrics = { wrong: 0, failed: 0, done: k };
    for (const g of r.groups) {
      out[`${g.name}P50`] = median(g.times);
      out[`${g.name}P99`] = percentile(g.times, 99);
      out.wrong = (out.wrong ?? 0) + g.wrong;
      out.failed = (out.failed ?? 0) + g.errors.length;
      out.done = Math.min(out.done ?? g.times.length, g.times.length);
      if (g.errors.length) process.stderr.write(`! HTTP ${g.name}: ${g.errors[0]}\n`);
    }
    return out;
  });
}

async function until(what: string, check: () => boolean, ms = 120_000): Promise<void> {
  const b = budget(ms);
  while (!check()) {
    if (b.over()) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Holds the open streams for HOLD_MS and returns the server's CPU share meanwhile (% of one core). */
async function holdCpu(): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = nowMs();
  await sleep(HOLD_MS);
  const d = process.cpuUsage(c0);
  return ((d.user + d.system) / 1000 / (nowMs() - t0)) * 100;
}

async function sseSubscribers(s: BenchSystem, p: ScenarioParams, place: () => Place): Promise<Metrics> {
  return withServedQueue(s, p, place, async ({ ids, queue, served, load, subs }) => {
    const count = Math.min(p.sseSubscribers, ids.length);
    const picked = Array.from({ length: count }, (_, k) => ids[Math.floor(((k + 0.5) * ids.length) / count)] as string);
    const before = await memoryAfterGc();
    const url = `${served.url}/jobs/${queue.name}`;
    const opened = (await load.request({ kind: 'open-sse', url, ids: picked, concurrency: OPEN_CONCURRENCY, budgetMs: p.budgetMs * OPEN_BUDGETS })) as Extract<
      LoadReply,
      { kind: 'sse-open' }
    >;
    if (opened.failed) process.stderr.write(`! SSE: ${opened.failed} streams failed to open: ${opened.errors[0]}\n`);
    const streamsOpen = served.handler.openStreams;
    const holdCpuPct = await holdCpu();
    const after = await memoryAfterGc();
    const heldSubs = subs.live();
    await load.request({ kind: 'close-sse' });
    await until('every stream to be released', () => served.handler.openStreams === 0);
    await until('every storage subscription to be released', () => subs.live() === 0).catch(() => undefined);
    const per = Math.max(1, opened.opened);
    return {
      subscribers: opened.opened,
      failed: opened.failed,
      streamsOpen,
      rssKiBPerSub: (after.rss - before.rss) / 1024 / per,
      heapKiBPerSub: (after.heapUsed - before.heapUsed) / 1024 / per,
      externalKiBPerSub: (after.external - before.external) / 1024 / per,
      storageSubs: Math.max(heldSubs, subs.peak()),
      subsLeft: subs.live(),
      holdCpuPct,
      openMs: opened.openMs,
    };
  });
}

const isServable = (s: BenchSystem): boolean => typeof s.waitlineQueue === 'function';

export const HTTP_STATUS: ScenarioDef = {
  id: 'HTTP',
  title: 'HTTP job status (GET /jobs/:queue/:id)',
  describe: (p) =>
    `${fmtInt(Math.min(p.latencyIters, Math.floor((p.n * 10) / 3)))} requests for different jobs in each region of ${fmtInt(p.n * 10)} waiting jobs ` +
    `(front, middle, back; none started after ${p.budgetMs / 1000} s per region once ${MIN_SAMPLES} did), ${p.httpConcurrency} in flight, from a second process over loopback to node:http + toNodeListener(createHandler()) ` +
    "with default options; each answer's position checked; time = request sent to JSON body read",
  metrics: [
    { key: 'frontP50', label: 'front p50', unit: 'ms', better: 'lower' },
    { key: 'frontP99', label: 'front p99', unit: 'ms', better: 'lower' },
    { key: 'middleP50', label: 'middle p50', unit: 'ms', better: 'lower' },
    { key: 'middleP99', label: 'middle p99', unit: 'ms', better: 'lower' },
    { key: 'backP50', label: 'back p50', unit: 'ms', better: 'lower' },
    { key: 'backP99', label: 'back p99', unit: 'ms', better: 'lower' },
    { key: 'wrong', label: 'wrong positions', unit: 'count', better: 'lower' },
    { key: 'failed', label: 'failed requests', unit: 'count', better: 'lower' },
  ],
  applies: isServable,
  onlyWhereApplies: true,
  noRatios: true,
  notes: (_p, cells) =>
    cells.map(({ name, median: m }) => {
      const p50s = ['front', 'middle', 'back'].map((r) => m(`${r}P50`));
      if (p50s.some((v) => v === undefined)) return `${name}: p50 ≤ ${TARGET_P50_MS} ms target not measured.`;
      const worst = Math.max(...(p50s as number[]));
      return `${name}: target p50 ≤ ${TARGET_P50_MS} ms in every region: ${worst <= TARGET_P50_MS ? '**met**' : 'not met'} (worst region p50 ${worst.toFixed(2)} ms).`;
    }),
  run: statusLatency,
};

export const HTTP_SSE: ScenarioDef = {
  id: 'SSE',
  title: 'HTTP SSE subscribers (GET /jobs/:queue/:id/events)',
  describe: (p) =>
    `${fmtInt(Math.min(p.sseSubscribers, p.n * 10))} streams on as many different jobs spread through ${fmtInt(p.n * 10)} waiting jobs, opened ` +
    `${OPEN_CONCURRENCY} at a time from a second process (none started after ${(p.budgetMs * OPEN_BUDGETS) / 1000} s), each counted once its first \`status\` event arrived, then held ${HOLD_MS / 1000} s; ` +
    'memory = server process after full GCs, (held − before) ÷ streams: RSS (noisy: the allocator may keep or reuse freed pages), JS heap, ' +
    'and external (buffers outside the heap); storage subs = live `notifier.subscribe` calls while held (wrapped in the server process); ' +
    'CPU = server process while held, % of one core; subs after close should be 0',
  metrics: [
    { key: 'heapKiBPerSub', label: 'heap/sub', unit: 'KiB', better: 'lower' },
    { key: 'externalKiBPerSub', label: 'external/sub', unit: 'KiB', better: 'lower' },
    { key: 'rssKiBPerSub', label: 'RSS/sub', unit: 'KiB', better: 'lower' },
    { key: 'subscribers', label: 'streams', unit: 'count', better: 'higher' },
    { key: 'storageSubs', label: 'storage subs', unit: 'count', better: 'lower' },
    { key: 'subsLeft', label: 'subs after close', unit: 'count', better: 'lower' },
    { key: 'holdCpuPct', label: 'CPU while held', unit: '%', better: 'lower' },
    { key: 'openMs', label: 'open all', unit: 'ms', better: 'lower' },
    { key: 'failed', label: 'failed opens', unit: 'count', better: 'lower' },
  ],
  applies: isServable,
  onlyWhereApplies: true,
  noRatios: true,
  notes: (p, cells) =>
    cells.flatMap(({ name, median: m }) => {
      const subs = m('storageSubs');
      const opened = m('subscribers');
      const wanted = Math.min(p.sseSubscribers, p.n * 10);
      const short =
        opened !== undefined && opened < wanted
          ? [
              `${name}: a median ${Math.round(opened)} of ${wanted} streams opened before the opening stopped (${(p.budgetMs * OPEN_BUDGETS) / 1000} s); the figures are per stream opened.`,
            ]
          : [];
      return [
        ...short,
        `${name}: one storage subscription for the queue however many streams: ${subs === 1 ? '**met**' : subs === undefined ? 'not measured' : `not met (${subs})`}.`,
      ];
    }),
  run: sseSubscribers,
};
