/**
 * The admin projection of a job against the schema the OpenAPI document publishes: every field a
 * `JobRecord` holds is either left out on purpose or declared, so real answers validate against
 * `GET /openapi.json` (a field added to `JobRecord` later fails here first).
 */
import type { JobRecord } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { toAdminJob } from '../src/projections.js';
import { AdminJobSchema } from '../src/schemas.js';

const T = 1_700_000_000_000;

const record: Required<JobRecord> = {
  id: 'j1',
  queue: 'work',
  name: 'transcribe',
  payload: { file: 'a.wav' },
  state: 'completed',
  priority: 2,
  runAt: T,
  seq: 7,
  attempt: 1,
  maxAttempts: 3,
  stalls: 0,
  backoff: { kind: 'fixed', delayMs: 1_000 },
  timeoutMs: 60_000,
  size: 12,
  idempotencyKey: 'k',
  createdAt: T,
  startedAt: T + 1,
  finishedAt: T + 2,
  leaseToken: 'token',
  leaseExpiresAt: T + 30_000,
  workerId: 'w1',
  cancelRequested: false,
  progress: { percent: 100, stage: 'done', data: null, updatedAt: T + 2 },
  result: { text: 'hi' },
  error: null,
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  webhook: { url: 'https://example.test/hook', events: ['completed'], token: 'secret', includePayload: false, progressIntervalMs: 5_000 },
  group: null,
};

describe('toAdminJob', () => {
  it('answers exactly the fields AdminJobSchema declares, secrets and storage-local fields left out', () => {
    const shown = toAdminJob(record, 3, null);
    expect(() => AdminJobSchema.strict().parse(shown)).not.toThrow();
    expect(shown).toMatchObject({ traceparent: record.traceparent, position: 3 });
    expect(JSON.stringify(shown)).not.toContain('secret');
    expect(shown).not.toHaveProperty('leaseToken');
  });
});
