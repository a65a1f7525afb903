/**
 * Contract area: a queue's retention policy read back (`getRetention`, reads only) and carried by
 * an export: the queue line holds it when set, an import applies it as it applies the rest of the
 * queue line (whatever `onConflict` says), a line without it keeps the stored one, and a bad one
 * stops the import at its line with nothing of the line written.
 * @internal
 */
import { exportJobs, ImportAbortedError, importJobs, Queue, type RetentionPolicy, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { QUEUE, T0 } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { useLive } from '../live.js';

async function exported(s: Storage): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportJobs(s, { now: () => T0 })) lines.push(line);
  return lines;
}

const isQueueLine = (line: string) => line.startsWith('{"type":"queue"');

/** The lines with every queue line changed by `change`. */
function withQueueLines(lines: readonly string[], change: (line: Record<string, unknown>) => Record<string, unknown>): string[] {
  return lines.map((l) => (isQueueLine(l) ? JSON.stringify(change(JSON.parse(l) as Record<string, unknown>)) : l));
}

/** Registers the retention transfer area. */
export function describeRetentionTransfer(harness: StorageHarness): void {
  describe('retention in exports', () => {
    const live = useLive(harness);
    const policy: RetentionPolicy = { completed: { maxAgeMs: 60_000, maxCount: 3 }, cancelled: { maxCount: 0 } };

    it('getRetention reads the stored policy without taking the lease; null when none', async () => {
      const s = live.storage();
      expect(await s.getRetention(QUEUE)).toBeNull();
      await new Queue(s, QUEUE, { retention: { ...policy, failed: {} } }).ready();
      expect(await s.getRetention(QUEUE)).toEqual(policy);
      expect((await s.takeHousekeepingLease({ queue: QUEUE, holder: 'h', leaseMs: 30_000, now: T0 })).held).toBe(true);
      await s.setRetention({ queue: QUEUE, retention: null, now: T0 });
      expect(await s.getRetention(QUEUE)).toBeNull();
      expect(await s.getRetention('never-configured')).toBeNull();
    });

    it('the queue line carries it, and an import applies it (skip included); a line without it keeps the stored one', async () => {
      const s = live.storage();
      await new Queue(s, QUEUE, { retention: policy }).ready();
      await new Queue(s, 'plain').ready();
      const lines = await exported(s);
      const queues = lines.filter(isQueueLine).map((l) => JSON.parse(l) as { name: string; retention?: unknown });
      expect(queues.find((q) => q.name === QUEUE)?.retention).toEqual(policy);
      expect(queues.find((q) => q.name === 'plain')).not.toHaveProperty('retention');
      const target = await harness.create();
      try {
        await target.setRetention({ queue: QUEUE, retention: { failed: { maxCount: 1 } }, now: T0 });
        await target.setRetention({ queue: 'plain', retention: { failed: { maxCount: 2 } }, now: T0 });
        expect(await importJobs(target, lines, { onConflict: 'skip' })).toMatchObject({ queues: 2 });
        expect(await target.getRetention(QUEUE)).toEqual(policy);
        expect(await target.getRetention('plain')).toEqual({ failed: { maxCount: 2 } });
        const older = withQueueLines(lines, ({ retention: _r, ...rest }) => rest);
        await target.setRetention({ queue: QUEUE, retention: { failed: { maxCount: 1 } }, now: T0 });
        await importJobs(target, older, { onConflict: 'fail' });
        expect(await target.getRetention(QUEUE)).toEqual({ failed: { maxCount: 1 } });
        await importJobs(
          target,
          withQueueLines(lines, (q) => ({ ...q, retention: null })),
          { onConflict: 'fail' },
        );
        expect(await target.getRetention(QUEUE)).toBeNull();
      } finally {
        await target.close();
      }
    });

    it('a bad policy stops the import at its line, naming the field, with nothing of the line written', async () => {
      const s = live.storage();
      const [header] = await exported(s);
      const line = (name: string, retention: unknown) =>
        JSON.stringify({ type: 'queue', name, concurrency: null, maxSize: null, paused: false, maxStalls: 1, draining: false, retention });
      const bad: Array<[unknown, Array<string | number>]> = [
        [{ completed: { maxAgeMs: -1 } }, [3, 'retention', 'completed', 'maxAgeMs']],
        [{ failed: { maxCount: 1.5 } }, [3, 'retention', 'failed', 'maxCount']],
        [{ queued: { maxCount: 1 } }, [3, 'retention']],
        [{ cancelled: { maxAge: 1 } }, [3, 'retention', 'cancelled']],
      ];
      for (const [retention, path] of bad) {
        const err = await importJobs(s, [header as string, line('ok', null), line('bad', retention)], { onConflict: 'fail' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ImportAbortedError);
        expect(err).toMatchObject({ line: 3, reason: 'IMPORT_LINE', path });
        expect(await s.getQueue('bad')).toBeNull();
        expect(await s.getRetention('bad')).toBeNull();
      }
      expect(await s.getQueue('ok')).not.toBeNull();
    });
  });
}
