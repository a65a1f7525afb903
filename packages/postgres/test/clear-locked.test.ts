/**
 * `clear()` (and `clean()`) on Postgres while another transaction holds a lock on one of the
 * jobs they select (an operator's cancel or priority change in flight): the job is removed once
 * that transaction ends, as every other storage does, not left queued after `clear()` resolved.
 */
import { Queue } from '@waitline/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { dropSchemas, freshSchema } from './harness.js';
import { PG_URL, RUN_PG_TESTS } from './server.js';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describe.runIf(RUN_PG_TESTS)('postgres clear() beside a row lock', () => {
  it('removes a queued job another transaction holds a lock on, once that transaction ends', async () => {
    const schema = freshSchema('clear');
    schemas.push(schema);
    const storage = await PostgresStorage.open({ connectionString: PG_URL, schema });
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    try {
      const q = new Queue<{ n: number }>(storage, 'q');
      const jobs = await q.addBulk(Array.from({ length: 5 }, (_, n) => ({ payload: { n } })));
      await other.query('BEGIN');
      await other.query(`SELECT id FROM "${schema}".jobs WHERE id = $1 FOR UPDATE`, [jobs[2]?.id]);
      const clearing = q.clear();
      await new Promise((r) => setTimeout(r, 300));
      await other.query('COMMIT');
      expect(await clearing).toBe(5);
      expect((await q.listJobs({ states: ['queued'] })).items).toEqual([]);
    } finally {
      await other.end();
      await storage.close();
    }
  });
});
