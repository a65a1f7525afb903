/**
 * Request lines a fetch Request cannot carry (TRACE, a target with user:pass@) are the client's
 * error (405, 400, not cached), not a 500 INTERNAL. Real node:http server, SQLite queue.
 */
import { connect } from 'node:net';
import { Queue } from '@waitline/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useServedSqlite } from './served-sqlite.js';

function raw(port: number, line: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(`${line}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
    let data = '';
    s.on('data', (c: Buffer) => (data += c.toString()));
    s.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body: rest.join('') });
    });
    s.on('error', reject);
  });
}

describe('toNodeListener and requests a fetch Request refuses', () => {
  const sqlite = useServedSqlite();
  let port: number;
  let id: string;

  beforeAll(async () => {
    const q = new Queue(sqlite.storage(), 'work');
    id = (await q.add({})).id;
    const served = await sqlite.serve({ queues: [q] });
    port = Number(new URL(served.url).port);
  });

  it('answers TRACE 405 and a target with credentials 400, typed and not cached', async () => {
    const trace = await raw(port, `TRACE /jobs/work/${id} HTTP/1.1`);
    const creds = await raw(port, `GET http://user:pass@127.0.0.1:${port}/jobs/work/${id} HTTP/1.1`);
    expect(trace.status).toBe(405);
    expect(trace.body).toContain('METHOD_NOT_ALLOWED');
    expect(creds.status).toBe(400);
    expect(creds.body).toContain('BAD_REQUEST');
    for (const r of [trace, creds]) expect(r.head.toLowerCase()).toContain('cache-control: no-store');
  });
});
