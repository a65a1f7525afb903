/**
 * The admin routes on every storage: refused without authorize, each control of a job and of a
 * queue, the typed error answers, and the job list in claim order.
 */
import { Queue, type Storage, Worker } from '@waitline/core';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../src/index.js';
import { call, type Served, serve } from './serve.js';
import { testStorages } from './storages.js';

const ADMIN = { authorization: 'Bearer admin' };
const WORK_ONLY = { authorization: 'Bearer work-only' };

for (const kind of await testStorages()) {
  describe(`admin routes on ${kind.name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let open: Served;
    let locked: Served;
    let q: Queue<{ n: number }>;
    let other: Queue;
    const asked: string[] = [];

    beforeAll(async () => {
      ({ storage, cleanup } = await kind.open());
      q = new Queue(storage, 'work', { payload: z.object({ n: z.number().int() }), maxSize: 50 });
      other = new Queue(storage, 'other');
      open = await serve({
        queues: [q, other],
        allowAdd: true,
        maxBodyBytes: 2_048,
        authorize: (request, action) => {
          asked.push(`${action.name}:${action.queue ?? ''}:${action.jobId ?? ''}`);
          if (request.headers.get('authorization') === null) throw new HttpError(401, 'UNAUTHORIZED', 'sign in first');
          // One tenant: the dashboard's queue-less read, and anything on its own queue.
          if (request.headers.get('authorization') === WORK_ONLY.authorization)
            return action.queue === undefined ? action.name === 'queues.read' : action.queue === 'work';
          return request.headers.get('authorization') === ADMIN.authorization;
        },
      });
      locked = await serve({ queues: [q, other] });
    });
    afterAll(async () => {
      await open?.close();
      await locked?.close();
      await cleanup?.();
    });

    it('refuses every admin route without authorize, saying how to allow them', async () => {
      const job = await q.add({ n: 1 });
      for (const [method, path] of [
        ['GET', '/queues'],
        ['GET', '/queues/work/jobs'],
        ['GET', '/queues/work/events'],
        ['POST', `/jobs/work/${job.id}/cancel`],
        ['POST', '/queues/work/pause'],
        ['POST', '/queues/work/clear'],
        ['PUT', '/queues/work/rate-limit'],
        ['PUT', '/queues/work/group-limits'],
        ['PUT', '/queues/work/groups/premium'],
        ['DELETE', '/queues/work/groups/premium'],
      ] as const) {
        const { status, body } = await call(`${locked.url}${path}`, { method });
        expect(status, `${method} ${path}`).toBe(403);
        expect(body.error.code).toBe('FORBIDDEN');
        expect(body.error.message).toContain('authorize');
      }
      expect((await q.getJob(job.id))?.state).toBe('queued');
      expect((await q.getConfig()).paused).toBe(false);
      await q.clear();
    });

    it('answers 401 when authorize throws it and 403 when it says no, before naming the queue', async () => {
      expect((await call(`${open.url}/queues/work`)).status).toBe(401);
      const denied = await call(`${open.url}/queues/nope`, { headers: { authorization: 'Bearer someone' } });
      expect(denied.status).toBe(403);
      const allowed = await call(`${open.url}/queues/nope`, { headers: ADMIN });
      expect(allowed.status).toBe(404);
      expect(allowed.body.error.code).toBe('QUEUE_NOT_FOUND');
      expect(asked).toContain('queues.read:nope:');
    });

    it('reads stats of every queue and of one', async () => {
      await q.add({ n: 1 });
      const all = await call(`${open.url}/queues`, { headers: ADMIN });
      expect(all.status).toBe(200);
      expect(all.body.queues.map((s: { queue: string }) => s.queue).sort()).toEqual(['other', 'work']);
      const one = await call(`${open.url}/queues/work`, { headers: ADMIN });
      expect(one.body.stats).toMatchObject({ queue: 'work', counts: { queued: 1, ready: 1 }, schedules: 0 });
      const tenant = await call(`${open.url}/queues`, { headers: WORK_ONLY });
      expect(tenant.body.queues.map((s: { queue: string }) => s.queue)).toEqual(['work']);
      expect((await call(`${open.url}/queues/other`, { headers: WORK_ONLY })).status).toBe(403);
      await q.clear();
    });

    it('lists queued jobs in claim order with exact positions, and pages with a cursor', async () => {
      const low = await q.add({ n: 1 }, { priority: 1 });
      const mid = await q.add({ n: 2 }, { priority: 10 });
      const high = await q.add({ n: 3 }, { priority: 100, webhook: { url: 'https://hooks.example.test/', token: 'secret-token' } });
      const later = await q.add({ n: 4 }, { delayMs: 60_000 });
      const first = await call(`${open.url}/queues/work/jobs?state=queued&limit=2`, { headers: ADMIN });
      expect(first.status).toBe(200);
      expect(first.body.jobs.map((j: { id: string }) => j.id)).toEqual([high.id, mid.id]);
      expect(first.body.jobs.map((j: { position: number }) => j.position)).toEqual([1, 2]);
      expect(first.body.jobs[0]).not.toHaveProperty('leaseToken');
      expect(first.body.jobs[0]).not.toHaveProperty('webhook');
      expect(JSON.stringify(first.body)).not.toContain('secret-token');
      const second = await call(`${open.url}/queues/work/jobs?state=queued&limit=2&cursor=${first.body.nextCursor}`, { headers: ADMIN });
      expect(second.body.jobs.map((j: { id: string }) => j.id)).toEqual([low.id, later.id]);
      expect(second.body.jobs[1].position).toBeNull();
      expect(second.body.nextCursor).toBeNull();
      const bad = await call(`${open.url}/queues/work/jobs?limit=0`, { headers: ADMIN });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION', path: ['query', 'limit'] });
      const past = await call(`${open.url}/queues/work/jobs?cursor=9999999999999999`, { headers: ADMIN });
      expect(past.status).toBe(400);
      expect(past.body.error).toMatchObject({ code: 'VALIDATION', path: ['query', 'cursor'] });
      await q.clear();
    });

    it('lists queued jobs in claim order beyond the oldest thousand', async () => {
      const many = new Queue(storage, 'many');
      await many.addBulk(Array.from({ length: 1_005 }, (_, n) => ({ payload: { n } })));
      const urgent = await many.add({ n: -1 }, { priority: 1_000 });
      const served = await serve({ queues: [many], authorize: () => true });
      try {
        const first = await call(`${served.url}/queues/many/jobs?state=queued&limit=2`);
        expect(first.body.jobs.map((j: { id: string; position: number }) => [j.id, j.position])).toEqual([
          [urgent.id, 1],
          [expect.any(String), 2],
        ]);
        const deep = await call(`${served.url}/queues/many/jobs?state=queued&limit=3&cursor=1003`);
        expect(deep.body.jobs.map((j: { position: number }) => j.position)).toEqual([1_004, 1_005, 1_006]);
        expect(deep.body.nextCursor).toBeNull();
        const tooDeep = await call(`${served.url}/queues/many/jobs?state=queued&cursor=100001`);
        expect(tooDeep.status).toBe(400);
        expect(tooDeep.body.error.path).toEqual(['query', 'cursor']);
      } finally {
        await served.close();
        await many.clear();
      }
    });

    it('pages newest-first listings by the last job, so jobs added between pages are neither repeated nor skipped', async () => {
      const first = await q.addBulk([1, 2, 3].map((n) => ({ payload: { n } })));
      const page1 = await call(`${open.url}/queues/work/jobs?limit=2`, { headers: ADMIN });
      expect(page1.body.jobs.map((j: { id: string }) => j.id)).toEqual([first[2]!.id, first[1]!.id]);
      await q.addBulk([4, 5].map((n) => ({ payload: { n } }))); // newer: before page 1, not in page 2
      const page2 = await call(`${open.url}/queues/work/jobs?limit=2&cursor=${page1.body.nextCursor}`, { headers: ADMIN });
      expect(page2.body.jobs.map((j: { id: string }) => j.id)).toEqual([first[0]!.id]);
      expect(page2.body.nextCursor).toBeNull();
      await q.clear();
    });

    it('cancels, changes priority and promotes a job; refuses what its state does not allow', async () => {
      const later = await q.add({ n: 5 }, { delayMs: 60_000 });
      const promoted = await call(`${open.url}/jobs/work/${later.id}/promote`, { method: 'POST', headers: ADMIN });
      expect(promoted.status).toBe(200);
      expect(promoted.body.job.position).toBe(1);
      const moved = await call(`${open.url}/jobs/work/${later.id}/priority`, { method: 'PUT', headers: ADMIN, json: { priority: 7 } });
      expect(moved.body.job.priority).toBe(7);
      const outOfRange = await call(`${open.url}/jobs/work/${later.id}/priority`, { method: 'PUT', headers: ADMIN, json: { priority: 5000 } });
      expect(outOfRange.status).toBe(400);
      expect(outOfRange.body.error).toMatchObject({ code: 'VALIDATION', path: ['body', 'priority'] });
      const missing = await call(`${open.url}/jobs/work/${later.id}/priority`, { method: 'PUT', headers: ADMIN, json: {} });
      expect(missing.body.error).toMatchObject({ code: 'VALIDATION', path: ['body', 'priority'] });
      const cancelled = await call(`${open.url}/jobs/work/${later.id}/cancel`, { method: 'POST', headers: ADMIN });
      expect(cancelled.body.job.state).toBe('cancelled');
      const again = await call(`${open.url}/jobs/work/${later.id}/priority`, { method: 'PUT', headers: ADMIN, json: { priority: 3 } });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('INVALID_TRANSITION');
      const retried = await call(`${open.url}/jobs/work/${later.id}/retry`, { method: 'POST', headers: ADMIN });
      expect(retried.body.job).toMatchObject({ state: 'queued', position: 1 });
      const crossed = await call(`${open.url}/jobs/other/${later.id}/cancel`, { method: 'POST', headers: ADMIN });
      expect(crossed.status).toBe(404);
      expect((await q.getJob(later.id))?.state).toBe('queued');
      await q.clear();
    });

    it('refuses a retry the queue cannot admit: 409 while draining, the job left as it was', async () => {
      const job = await other.add({ n: 1 });
      await other.cancel(job.id);
      await storage.upsertQueue({ name: 'other', draining: true, now: Date.now() });
      try {
        const refused = await call(`${open.url}/jobs/other/${job.id}/retry`, { method: 'POST', headers: ADMIN });
        expect(refused.status).toBe(409);
        expect(refused.body.error).toMatchObject({ code: 'QUEUE_DRAINING', path: [] });
        expect((await other.getJob(job.id))?.state).toBe('cancelled');
      } finally {
        await other.resume();
      }
      const retried = await call(`${open.url}/jobs/other/${job.id}/retry`, { method: 'POST', headers: ADMIN });
      expect(retried.body.job.state).toBe('queued');
      await other.clear();
    });

    it('pauses, resumes, drains, clears and cleans a queue', async () => {
      const paused = await call(`${open.url}/queues/work/pause`, { method: 'POST', headers: ADMIN });
      expect(paused.body.config.paused).toBe(true);
      const resumed = await call(`${open.url}/queues/work/resume`, { method: 'POST', headers: ADMIN });
      expect(resumed.body.config.paused).toBe(false);
      await q.add({ n: 1 });
      await q.add({ n: 2 });
      const cleared = await call(`${open.url}/queues/work/clear`, { method: 'POST', headers: ADMIN });
      expect(cleared.body).toEqual({ removed: 2 });
      const draining = await call(`${open.url}/queues/work/drain`, { method: 'POST', headers: ADMIN });
      expect(draining.status).toBe(202);
      expect(draining.body.config.draining).toBe(true);
      const refused = await call(`${open.url}/queues/work/jobs`, { method: 'POST', headers: ADMIN, json: { payload: { n: 1 } } });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('QUEUE_DRAINING');
      await call(`${open.url}/queues/work/resume`, { method: 'POST', headers: ADMIN });
      const w = new Worker(q, async () => 'ok');
      const done = await q.add({ n: 3 });
      await q.finished(done.id, { timeoutMs: 15_000 });
      await w.close();
      const badClean = await call(`${open.url}/queues/work/clean`, { method: 'POST', headers: ADMIN, json: { state: 'done' } });
      expect(badClean.status).toBe(400);
      expect(badClean.body.error.path).toEqual(['body', 'state']);
      const cleaned = await call(`${open.url}/queues/work/clean`, { method: 'POST', headers: ADMIN, json: { state: 'completed', olderThanMs: 0 } });
      expect(cleaned.body.removed).toBeGreaterThanOrEqual(1);
      expect(await q.getJob(done.id)).toBeNull();
    });

    it('sets and removes the rate limit; a bad value is 400 at its body path and writes nothing', async () => {
      const set = await call(`${open.url}/queues/work/rate-limit`, { method: 'PUT', headers: ADMIN, json: { rateLimit: { max: 5, intervalMs: 1_000 } } });
      expect(set.status).toBe(200);
      expect(set.body.config.rateLimit).toEqual({ max: 5, intervalMs: 1_000 });
      expect((await q.getConfig()).rateLimit).toEqual({ max: 5, intervalMs: 1_000 });
      const bad = await call(`${open.url}/queues/work/rate-limit`, { method: 'PUT', headers: ADMIN, json: { rateLimit: { max: 0, intervalMs: 1_000 } } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.path).toEqual(['body', 'rateLimit', 'max']);
      const shapeless = await call(`${open.url}/queues/work/rate-limit`, { method: 'PUT', headers: ADMIN, json: { max: 3 } });
      expect(shapeless.status).toBe(400);
      expect((await q.getConfig()).rateLimit).toEqual({ max: 5, intervalMs: 1_000 });
      const off = await call(`${open.url}/queues/work/rate-limit`, { method: 'PUT', headers: ADMIN, json: { rateLimit: null } });
      expect(off.status).toBe(200);
      expect((await q.getConfig()).rateLimit ?? null).toBeNull();
    });

    it('sets and removes the group caps; a full group answers 429 GROUP_FULL and writes nothing', async () => {
      const url = `${open.url}/queues/work/group-limits`;
      const set = await call(url, { method: 'PUT', headers: ADMIN, json: { groupConcurrency: 2, groupMaxWaiting: 1 } });
      expect(set.status).toBe(200);
      expect(set.body.config).toMatchObject({ groupConcurrency: 2, groupMaxWaiting: 1 });
      const add = () => call(`${open.url}/queues/work/jobs`, { method: 'POST', headers: ADMIN, json: { payload: { n: 1 }, options: { group: 'tenant-7' } } });
      const first = await add();
      expect(first.status).toBe(201);
      const full = await add();
      expect(full.status).toBe(429);
      expect(full.body.error).toMatchObject({ code: 'GROUP_FULL', path: ['body', 'options', 'group'] });
      const bad = await call(url, { method: 'PUT', headers: ADMIN, json: { groupConcurrency: 0 } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.path).toEqual(['body', 'groupConcurrency']);
      expect((await call(url, { method: 'PUT', headers: ADMIN, json: { cap: 3 } })).status).toBe(400);
      expect((await q.getConfig()).groupConcurrency).toBe(2);
      const off = await call(url, { method: 'PUT', headers: ADMIN, json: { groupConcurrency: null, groupMaxWaiting: null } });
      expect(off.status).toBe(200);
      expect([off.body.config.groupConcurrency ?? null, off.body.config.groupMaxWaiting ?? null]).toEqual([null, null]);
      expect(asked).toContain('queue.groupLimits:work:');
      await q.cancel(first.body.id);
    });

    it('sets and removes the group rate limit; a bad one is 400 at its body path with nothing written', async () => {
      const url = `${open.url}/queues/work/group-limits`;
      const set = await call(url, { method: 'PUT', headers: ADMIN, json: { groupRateLimit: { max: 5, intervalMs: 60_000 } } });
      expect([set.status, set.body.config.groupRateLimit]).toEqual([200, { max: 5, intervalMs: 60_000 }]);
      const bad = await call(url, { method: 'PUT', headers: ADMIN, json: { groupRateLimit: { max: 0, intervalMs: 60_000 } } });
      expect([bad.status, bad.body.error.path]).toEqual([400, ['body', 'groupRateLimit', 'max']]);
      expect((await q.getConfig()).groupRateLimit).toEqual({ max: 5, intervalMs: 60_000 });
      const off = await call(url, { method: 'PUT', headers: ADMIN, json: { groupRateLimit: null } });
      expect([off.status, off.body.config.groupRateLimit ?? null]).toEqual([200, null]);
    });

    it('gives a group its weight, lists the weights, and removes one; a bad weight is 400 in the body', async () => {
      const url = `${open.url}/queues/work/groups/premium`;
      const set = await call(url, { method: 'PUT', headers: ADMIN, json: { weight: 2 } });
      expect(set).toMatchObject({ status: 200, body: { group: { group: 'premium', weight: 2 } } });
      expect((await call(`${open.url}/queues/work/groups`, { headers: ADMIN })).body).toEqual({
        groups: [{ group: 'premium', weight: 2, ready: 0, scheduled: 0, running: 0 }],
        nextAfter: null,
      });
      const bad = await call(url, { method: 'PUT', headers: ADMIN, json: { weight: 0 } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.path).toEqual(['body', 'weight']);
      expect((await call(url, { method: 'PUT', headers: ADMIN, json: { weight: 2, more: 1 } })).status).toBe(400);
      const long = await call(`${open.url}/queues/work/groups/${'g'.repeat(129)}`, { method: 'PUT', headers: ADMIN, json: { weight: 2 } });
      expect(long.body.error.path).toEqual(['params', 'group']);
      const off = await call(url, { method: 'DELETE', headers: ADMIN });
      expect(off).toMatchObject({ status: 200, body: { group: { group: 'premium', weight: 1 } } });
      expect(await q.listGroupSettings()).toEqual([]);
      expect(asked).toContain('queue.groups:work:');
    });

    it('lists the groups with their jobs a page at a time; a bad query is 400 at its path', async () => {
      const jobs = await q.addBulk([
        { payload: { n: 1 }, options: { group: 'tenant-b' } },
        { payload: { n: 2 }, options: { group: 'tenant-a' } },
        { payload: { n: 3 }, options: { group: 'tenant-a', delayMs: 60_000 } },
      ]);
      const first = await call(`${open.url}/queues/work/groups?limit=1`, { headers: ADMIN });
      expect(first.body).toEqual({ groups: [{ group: 'tenant-a', weight: 1, ready: 1, scheduled: 1, running: 0 }], nextAfter: 'tenant-a' });
      const next = await call(`${open.url}/queues/work/groups?limit=1&after=tenant-a`, { headers: ADMIN });
      expect(next.body).toEqual({ groups: [{ group: 'tenant-b', weight: 1, ready: 1, scheduled: 0, running: 0 }], nextAfter: null });
      const bad = await call(`${open.url}/queues/work/groups?limit=0`, { headers: ADMIN });
      expect([bad.status, bad.body.error.path]).toEqual([400, ['query', 'limit']]);
      const control = await call(`${open.url}/queues/work/groups?after=%07`, { headers: ADMIN });
      expect([control.status, control.body.error.path]).toEqual([400, ['query', 'after']]);
      for (const job of jobs) await q.cancel(job.id);
    });

    it('submits a job validated by the queue’s schema, and answers 429 when the queue is full', async () => {
      const added = await call(`${open.url}/queues/work/jobs`, { method: 'POST', headers: ADMIN, json: { payload: { n: 9 }, options: { priority: 5 } } });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ position: 1 });
      expect(added.headers.get('location')).toBe(`/jobs/work/${added.body.id}`);
      const invalid = await call(`${open.url}/queues/work/jobs`, { method: 'POST', headers: ADMIN, json: { payload: { n: 'nine' } } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error).toMatchObject({ code: 'VALIDATION', path: ['body', 'payload', 'n'] });
      const before = (await q.getStats()).counts.queued;
      await q.addBulk(Array.from({ length: 50 - before }, (_, n) => ({ payload: { n } })));
      const full = await call(`${open.url}/queues/work/jobs`, { method: 'POST', headers: ADMIN, json: { payload: { n: 1 } } });
      expect(full.status).toBe(429);
      expect(full.body.error.code).toBe('QUEUE_FULL');
      expect((await q.getStats()).counts.queued).toBe(50);
      await q.clear();
    });

    it('refuses bodies that are too large, not JSON, or malformed, writing nothing', async () => {
      const huge = await call(`${open.url}/queues/work/jobs`, { method: 'POST', headers: ADMIN, json: { payload: { n: 1, pad: 'x'.repeat(5_000) } } });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('BODY_TOO_LARGE');
      const text = await call(`${open.url}/queues/work/jobs`, { method: 'POST', headers: { ...ADMIN, 'content-type': 'text/plain' }, body: 'n=1' });
      expect(text.status).toBe(415);
      const broken = await call(`${open.url}/queues/work/jobs`, {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: '{"payload":',
      });
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('BAD_REQUEST');
      expect((await q.getStats()).counts.queued).toBe(0);
    });

    it('submits jobs in groups, and lists them in turns with exact positions', async (ctx) => {
      if (!storage.capabilities.groups) return ctx.skip();
      const add = (n: number, group: string) =>
        call(`${open.url}/queues/other/jobs`, { method: 'POST', headers: ADMIN, json: { payload: { n }, options: { group } } });
      for (const n of [1, 2, 3]) expect((await add(n, 'alice')).status).toBe(201);
      const bob = await add(4, 'bob');
      expect(bob.body).toMatchObject({ position: 2 });
      const bad = await add(5, 'a\u0000b');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION', path: ['body', 'options', 'group'] });
      const list = await call(`${open.url}/queues/other/jobs?state=queued`, { headers: ADMIN });
      const shown = list.body.jobs.map((j: { payload: { n: number }; group: string; position: number }) => [j.payload.n, j.group, j.position]);
      expect(shown).toEqual([
        [1, 'alice', 1],
        [4, 'bob', 2],
        [2, 'alice', 3],
        [3, 'alice', 4],
      ]);
      await other.clear();
    });
  });
}
