/**
 * The built bin's views of a whole storage, on every storage: `stats` without a queue, `watch`
 * (redrawn on events: its safety refresh is set to an hour, so every frame after the first comes
 * from a notice) and `doctor` (its checks and its exit code); and Ctrl-C ending `watch` when its
 * storage stopped answering.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from '@waitline/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedStorage, PG_URL, testStorages } from '../../http/test/storages.js';
import { startWaitline, waitline } from './bin.js';

/** The same storage server under a name nothing was ever migrated into. */
function unmigratedUrl(db: OpenedStorage, kind: string): string {
  if (kind === 'sqlite') {
    // An empty file: the CLI refuses a path with no file at all before it opens anything.
    const path = join(mkdtempSync(join(tmpdir(), 'wl-cli-')), 'never.db');
    writeFileSync(path, '');
    return `sqlite:${path}`;
  }
  const param = kind === 'postgres' ? 'schema' : 'prefix';
  return db.url.replace(new RegExp(`${param}=[^&]+`), `${param}=wl_never_${Date.now()}`);
}

/** What the doctor should say of the shared Redis server's settings. */
async function redisFindings(): Promise<{ evicts: boolean; forgets: boolean }> {
  const client = new Redis({ host: '127.0.0.1', port: 6379 });
  try {
    const get = async (name: string) => ((await client.config('GET', name)) as string[])[1] ?? '';
    const [policy, aof, save] = await Promise.all([get('maxmemory-policy'), get('appendonly'), get('save')]);
    return { evicts: policy !== 'noeviction', forgets: aof !== 'yes' && save.trim() === '' };
  } finally {
    client.disconnect();
  }
}

for (const kind of await testStorages()) {
  describe(`waitline stats, watch and doctor on ${kind.name}`, () => {
    let db: OpenedStorage;
    const cli = (...args: string[]) => waitline(['--storage', db.url, ...args]);

    beforeAll(async () => {
      db = await kind.open();
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    it('stats without a queue shows every queue, as a table and as JSON', async () => {
      await new Queue(db.storage, 'mail').add({});
      await new Queue(db.storage, 'video').addBulk([{ payload: {} }, { payload: {}, options: { delayMs: 60_000 } }]);
      const text = await cli('stats');
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^queue\s+ready\s+scheduled\s+running/);
      expect(text.stdout).toMatch(/\nmail\s+1\s+0\s+0/);
      expect(text.stdout).toMatch(/\nvideo\s+1\s+1\s+0/);
      const json = JSON.parse((await cli('stats', '--json')).stdout);
      expect(json.map((s: { queue: string }) => s.queue)).toEqual(['mail', 'video']);
      expect(json[1].counts).toMatchObject({ queued: 2, ready: 1, scheduled: 1 });
    });

    it('watch redraws on events: a new job, its progress bar and stage, then exits 0 on Ctrl-C', async () => {
      const q = new Queue<{ n: number }>(db.storage, 'live');
      await q.add({ n: 0 }, { delayMs: 3_600_000 });
      const view = startWaitline(['--storage', db.url, 'watch', 'live', '--refresh', '1h']);
      try {
        await view.waitFor(/waiting \(1\)/);
        const mark = view.stdout().length;
        const waiting = await q.add({ n: 1 }, { priority: 7 });
        await view.waitFor(new RegExp(`#1\\s+${waiting.id}\\s+default\\s+7`), mark);
        let release!: () => void;
        const held = new Promise<void>((r) => {
          release = r;
        });
        const worker = new Worker(q, async (_job, ctx) => {
          await ctx.progress({ percent: 40, stage: 'decode' });
          await held;
        });
        try {
          await view.waitFor(new RegExp(`${waiting.id}\\s+default\\s+█{8}░{12}\\s+40%\\s+decode`), mark);
        } finally {
          release();
          await worker.close();
        }
        expect(view.stderr()).toBe('');
      } finally {
        expect(await view.stop('SIGINT')).toBe(0);
      }
    });

    it('watch --json shows running jobs as list does: no lease token, webhook tokens masked', async () => {
      // Failures only: the job completes, and no delivery job is left waiting for doctor to flag.
      const q = new Queue(db.storage, 'hooked', { webhook: { url: 'https://hooks.example.test/', token: 'SECRET-TOKEN-123', events: ['failed'] } });
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const worker = new Worker(q, () => held);
      const view = startWaitline(['--storage', db.url, '--json', 'watch', 'hooked', '--refresh', '1h']);
      try {
        await q.add({});
        const frame = JSON.parse(await view.waitFor(/\{"queue".*"running":\[\{.*\}\n/));
        expect(frame.queue.running[0]).not.toHaveProperty('leaseToken');
        expect(frame.queue.running[0].webhook.token).toBe('***');
        expect(view.stdout()).not.toContain('SECRET-TOKEN-123');
      } finally {
        release();
        await worker.close();
        expect(await view.stop('SIGTERM')).toBe(0);
        await q.clear();
      }
    });

    it('watch without a queue shows every queue, one JSON document per frame with --json', async () => {
      const view = startWaitline(['--storage', db.url, '--json', 'watch', '--refresh', '1h']);
      try {
        const first = JSON.parse(await view.waitFor(/^\{.*\}\n/));
        expect(first.overview.map((s: { queue: string }) => s.queue)).toContain('mail');
        const mark = view.stdout().length;
        await new Queue(db.storage, 'mail').add({});
        const next = JSON.parse(await view.waitFor(/\{"overview".*"ready":2.*\}\n/, mark));
        expect(next.overview.find((s: { queue: string }) => s.queue === 'mail').counts.ready).toBe(2);
      } finally {
        expect(await view.stop('SIGTERM')).toBe(0);
      }
    });

    it('doctor reports ready jobs with no worker and expired leases, and exits 1', async () => {
      const q = new Queue(db.storage, 'stuck');
      await q.add({});
      await q.add({});
      expect(await db.storage.claim({ queue: 'stuck', workerId: 'gone', limit: 1, leaseMs: 1, now: Date.now() })).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 20));
      const result = await cli('doctor');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/ok\s+storage\s+.* reachable/);
      expect(result.stdout).toMatch(/ok\s+schema\s+/);
      expect(result.stdout).toMatch(/warn\s+stuck: workers\s+1 ready job\(s\) and no live worker/);
      expect(result.stdout).toMatch(/warn\s+stuck: leases\s+1 running job\(s\) whose lease expired/);
      expect(result.stderr).toMatch(/^error NEEDS_ATTENTION: \d+ check\(s\) need attention\n$/);
      if (kind.name === 'redis') {
        const { evicts, forgets } = await redisFindings();
        if (forgets) expect(result.stdout).toMatch(/warn\s+server\s+.*persistence off/);
        if (evicts) expect(result.stdout).toMatch(/warn\s+server\s+.*maxmemory-policy/);
        if (!evicts && !forgets) expect(result.stdout).toMatch(/ok\s+server\s+/);
      }
      const json = JSON.parse((await cli('doctor', '--json')).stdout);
      expect(json.ok).toBe(false);
      expect(json.checks).toContainEqual(expect.objectContaining({ status: 'warn', check: 'stuck: leases' }));
    });

    it('doctor exits 0 when nothing needs attention, and fails a storage that was never migrated', async () => {
      await db.storage.reclaimExpired({ queue: 'stuck', now: Date.now(), error: { name: 'Stalled', message: 'test' } });
      for (const name of ['mail', 'video', 'stuck', 'live']) await db.storage.removeJobs({ queue: name, states: ['queued'], limit: 1_000 });
      const result = await cli('doctor', '--json');
      const checks = JSON.parse(result.stdout).checks as Array<{ status: string; check: string }>;
      const unwell = checks.filter((c) => c.status !== 'ok');
      const redisUnwell = kind.name === 'redis' && Object.values(await redisFindings()).some(Boolean);
      expect(unwell.every((c) => c.check === 'server')).toBe(true);
      expect(unwell.length > 0).toBe(redisUnwell);
      expect(result.code).toBe(redisUnwell ? 1 : 0);
      expect(checks).toContainEqual({ status: 'ok', check: 'stuck: leases', detail: 'no expired lease' });
      const never = await waitline(['--storage', unmigratedUrl(db, kind.name), 'doctor']);
      expect(never.code).toBe(1);
      expect(never.stdout).toMatch(/fail\s+schema\s+version 0, this code reads \d+: migrate it/);
    });
  });
}

describe('waitline watch on a terminal', () => {
  it('redraws in place (erasing the last frame, no appended frames) and exits 0 on Ctrl-C', async () => {
    const [sqlite] = await testStorages();
    const db = await sqlite!.open();
    try {
      const q = new Queue(db.storage, 'tty');
      await q.add({});
      const view = startWaitline(['--storage', db.url, 'watch', 'tty', '--refresh', '1h'], { tty: true });
      try {
        await view.waitFor(/waiting \(1\)/);
        const mark = view.stdout().length;
        await q.add({});
        await view.waitFor(/waiting \(2\)/, mark);
        // log-update erases the previous frame line by line (ESC [2K, then ESC [1A) before drawing.
        expect(view.stdout().slice(mark)).toContain('\u001b[2K');
        expect(view.stdout()).not.toContain('---');
      } finally {
        expect(await view.stop('SIGINT')).toBe(0);
      }
    } finally {
      await db.cleanup();
    }
  });
});

describe('waitline watch on a storage that stops answering', () => {
  it('still ends on the first Ctrl-C, with exit 0', async (ctx) => {
    const postgres = (await testStorages()).find((k) => k.name === 'postgres');
    if (!postgres) return ctx.skip();
    const db = await postgres.open();
    const server = new URL(PG_URL);
    // A relay to the server that, once silent, forwards nothing and closes nothing: a server
    // that hangs, or a network that drops every packet.
    let silent = false;
    let sentWhileSilent = 0;
    const sockets: Socket[] = [];
    const relay = createServer((client) => {
      const upstream = connect(Number(server.port || 5432), server.hostname);
      client.on('data', (d: Buffer) => (silent ? (sentWhileSilent += d.length) : upstream.write(d)));
      upstream.on('data', (d: Buffer) => silent || client.write(d));
      for (const socket of [client, upstream]) socket.on('error', () => undefined);
      sockets.push(client, upstream);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const url = new URL(db.url);
    url.host = `127.0.0.1:${(relay.address() as { port: number }).port}`;
    await new Queue(db.storage, 'hang').add({});
    const view = startWaitline(['--storage', url.toString(), 'watch', 'hang', '--refresh', '200ms']);
    try {
      await view.waitFor(/waiting \(1\)/);
      silent = true;
      // A refresh's read has gone out and will never be answered.
      for (const deadline = Date.now() + 20_000; sentWhileSilent === 0; await new Promise((r) => setTimeout(r, 25))) {
        if (Date.now() > deadline) throw new Error('no read reached the silent relay');
      }
      const ended = view.stop('SIGINT');
      const late = new Promise<string>((resolve) => setTimeout(() => resolve('still running 15 s after Ctrl-C'), 15_000).unref());
      expect(await Promise.race([ended, late])).toBe(0);
    } finally {
      await view.stop('SIGKILL');
      for (const socket of sockets) socket.destroy();
      relay.close();
      await db.cleanup();
    }
  });
});
