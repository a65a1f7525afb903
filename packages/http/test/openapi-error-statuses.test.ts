/**
 * Every real answer checked against the served OpenAPI document: its status is documented (the
 * errors every route may give through `default`) and its JSON body is valid against the documented
 * schema. Real server on localhost, real SQLite file.
 */
import { Queue, Worker } from '@waitline/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../src/index.js';
import { call, type Json, type Served, until } from './serve.js';
import { useServedSqlite } from './served-sqlite.js';

describe('answers vs the served OpenAPI document', () => {
  const sqlite = useServedSqlite();
  let served: Served;
  let q: Queue;
  let doc: Json;
  const problems: string[] = [];

  beforeAll(async () => {
    q = new Queue(sqlite.storage(), 'work');
    served = await sqlite.serve({
      queues: [q],
      allowAdd: true,
      maxBodyBytes: 1024,
      expose: { work: { result: true, error: true, payload: true, progressData: true } },
      authorize: (request) => {
        const a = request.headers.get('authorization');
        if (a === null) throw new HttpError(401, 'UNAUTHORIZED', 'sign in');
        return a === 'Bearer admin';
      },
    });
    doc = (await call(`${served.url}/openapi.json`)).body;
  });

  const ajv = new Ajv2020({ strict: false, allErrors: true });

  function opFor(method: string, path: string): { op: Json; template: string } | null {
    for (const [template, ops] of Object.entries<Json>(doc.paths)) {
      const re = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
      if (re.test(path) && ops[method.toLowerCase()]) return { op: ops[method.toLowerCase()], template };
    }
    return null;
  }

  async function check(method: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: Json }> {
    const headers = { authorization: 'Bearer admin', ...((init.headers as Record<string, string>) ?? {}) };
    const res = await call(`${served.url}${path}`, { ...init, method, headers });
    const found = opFor(method, path.split('?')[0]!);
    const label = `${method} ${path} -> ${res.status}`;
    if (!found) {
      problems.push(`${label}: no operation in the document`);
      return res;
    }
    const answer = found.op.responses[String(res.status)] ?? found.op.responses.default;
    if (!answer) {
      problems.push(`${label}: status not documented for ${method} ${found.template} (documented: ${Object.keys(found.op.responses).join(',')})`);
      return res;
    }
    const ct = res.headers.get('content-type') ?? '';
    const media = answer.content && Object.keys(answer.content)[0];
    if (media === 'application/json') {
      if (!ct.startsWith('application/json')) problems.push(`${label}: content-type ${ct}, documented ${media}`);
      const schema = { ...answer.content[media].schema, components: doc.components };
      const validate = ajv.compile(schema);
      if (!validate(res.body)) problems.push(`${label}: body invalid: ${ajv.errorsText(validate.errors)} body=${JSON.stringify(res.body).slice(0, 300)}`);
    }
    return res;
  }

  it('every answer is documented and valid', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = new Worker(
      q,
      async (job, { progress }) => {
        const p = job.payload as { kind: string };
        if (p.kind === 'fail') throw new Error('boom');
        if (p.kind === 'block') {
          await progress({ percent: 10, stage: 's', data: { x: 1 } });
          await gate;
        }
        return { ok: true };
      },
      { concurrency: 1 },
    );
    const done = await q.add({ kind: 'ok' });
    await q.finished(done.id, { timeoutMs: 10_000 });
    const failed = await q.add({ kind: 'fail' }, { attempts: 1 });
    await q.finished(failed.id, { timeoutMs: 10_000 }).catch(() => undefined);
    const blocker = await q.add({ kind: 'block' });
    await until(async () => (await q.getStatus(blocker.id)).state === 'running');
    const queued = await q.add({ kind: 'ok' });
    const later = await q.add({ kind: 'ok' }, { delayMs: 600_000 });

    await check('GET', '/health');
    for (const id of [done.id, failed.id, blocker.id, queued.id, later.id]) await check('GET', `/jobs/work/${id}`);
    await check('GET', '/jobs/work/j_nope');
    await check('GET', '/jobs/nope/j_nope');
    await check('GET', `/jobs/work/${'x'.repeat(300)}`);
    await check('GET', '/queues');
    await check('GET', '/queues/work');
    await check('GET', '/queues/nope');
    await check('GET', '/queues/work/history');
    for (const s of ['', '?state=queued', '?state=running', '?state=completed', '?state=failed', '?limit=1']) await check('GET', `/queues/work/jobs${s}`);
    await check('GET', '/queues/work/jobs?limit=0');
    await check('GET', '/queues/nope/jobs');
    await check('GET', '/queues/work', { headers: { authorization: 'Bearer nobody' } });
    await check('GET', '/queues/work/jobs', { headers: { authorization: '' } });
    await check('POST', `/jobs/work/${queued.id}/promote`);
    await check('POST', `/jobs/work/${later.id}/promote`);
    await check('PUT', `/jobs/work/${queued.id}/priority`, { json: { priority: 5 } });
    await check('PUT', `/jobs/work/${done.id}/priority`, { json: { priority: 5 } });
    await check('PUT', `/jobs/work/${queued.id}/priority`, { body: 'x', headers: { 'content-type': 'text/plain' } });
    await check('PUT', `/jobs/work/${queued.id}/priority`, { json: { priority: 'x'.repeat(2000) } });
    await check('POST', `/jobs/work/${queued.id}/cancel`);
    await check('POST', `/jobs/work/${done.id}/cancel`);
    await check('POST', `/jobs/work/${queued.id}/retry`);
    await check('POST', '/jobs/work/j_nope/retry');
    await check('POST', '/queues/work/pause');
    await check('POST', '/queues/work/resume');
    await check('PUT', '/queues/work/rate-limit', { json: { rateLimit: { max: 10, intervalMs: 1000 } } });
    await check('PUT', '/queues/work/rate-limit', { json: { rateLimit: null } });
    await check('PUT', '/queues/work/group-limits', { json: { groupConcurrency: 2 } });
    await check('GET', '/queues/work/groups');
    await check('PUT', '/queues/work/groups/g1', { json: { weight: 3 } });
    await check('DELETE', '/queues/work/groups/g1');
    await check('POST', '/queues/work/jobs', { json: { payload: { kind: 'ok' } } });
    await check('POST', '/queues/work/clean', { json: { state: 'completed' } });
    await check('POST', '/queues/work/drain');
    await check('POST', '/queues/work/jobs', { json: { payload: { kind: 'ok' } } });
    await check('POST', '/queues/work/resume');
    await check('POST', '/queues/work/clear');
    release();
    await w.close();
    expect(problems).toEqual([]);
  });
});
