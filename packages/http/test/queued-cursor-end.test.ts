/**
 * The queued listing ends where a cursor may reach (`MAX_WAITING_OFFSET`, the first 100,000
 * waiting jobs): its last page has no `nextCursor`, rather than one the next request refuses with
 * a 400. Real server on localhost, real SQLite file with 100,040 queued jobs.
 */
import { MAX_WAITING_OFFSET, Queue } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { call } from './serve.js';
import { useServedSqlite } from './served-sqlite.js';

describe('the queued listing at its depth limit', () => {
  const sqlite = useServedSqlite();

  it('hands out no cursor past the first 100,000 jobs', async () => {
    const queue = new Queue(sqlite.storage(), 'deep');
    for (let added = 0; added < MAX_WAITING_OFFSET + 40; added += 1_000) {
      await queue.addBulk(Array.from({ length: 1_000 }, (_, n) => ({ payload: { n: added + n } })));
    }
    const served = await sqlite.serve({ queues: [queue], authorize: () => true });
    const before = await call(`${served.url}/queues/deep/jobs?state=queued&limit=20&cursor=${MAX_WAITING_OFFSET - 20}`);
    expect(before.status).toBe(200);
    expect(before.body.nextCursor).toBe(String(MAX_WAITING_OFFSET));
    const last = await call(`${served.url}/queues/deep/jobs?state=queued&limit=20&cursor=${MAX_WAITING_OFFSET}`);
    expect(last.status).toBe(200);
    expect(last.body.jobs).toHaveLength(20);
    expect(last.body.nextCursor).toBeNull();
  }, 120_000);
});
