/**
 * A queue's payload schema from any Standard Schema validator: zod 4 and 3, valibot, arktype. Each
 * stores what its schema outputs, refuses a bad payload with a ValidationError at the field's path
 * (writing nothing), and types the queue's payload from the schema.
 */
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod3';
import { MemoryStorage, Queue, type StandardSchemaV1, ValidationError } from '../src/index.js';

interface Meeting {
  meetingId: string;
  minutes: number;
}

const schemas: Array<[string, StandardSchemaV1<unknown, Meeting>]> = [
  ['zod 4', z.object({ meetingId: z.string(), minutes: z.number().positive() })],
  ['zod 3', z3.object({ meetingId: z3.string(), minutes: z3.number().positive() })],
  ['valibot', v.object({ meetingId: v.string(), minutes: v.pipe(v.number(), v.minValue(1)) })],
  ['arktype', type({ meetingId: 'string', minutes: 'number > 0' })],
];

describe.each(schemas)('a %s payload schema', (_name, schema) => {
  it('stores a valid payload, and refuses a bad one at its path, writing nothing', async () => {
    const storage = await MemoryStorage.open();
    const queue = new Queue(storage, 'meetings', { payload: schema });
    const job = await queue.add({ meetingId: 'm-1', minutes: 30 });
    expect((await queue.getJob(job.id))?.payload).toEqual({ meetingId: 'm-1', minutes: 30 });
    const refused = await queue.add({ meetingId: 'm-2', minutes: -5 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).path).toEqual(['payload', 'minutes']);
    const bulk = await queue
      .addBulk([{ payload: { meetingId: 'm-3', minutes: 1 } }, { payload: { meetingId: 7 as never, minutes: 1 } }])
      .catch((e: unknown) => e);
    expect((bulk as ValidationError).path).toEqual(['jobs', 1, 'payload', 'meetingId']);
    expect((await queue.listJobs()).items).toHaveLength(1);
    await storage.close();
  });
});

describe('payload schemas', () => {
  it('store what the schema outputs, transforms applied', async () => {
    const storage = await MemoryStorage.open();
    const queue = new Queue(storage, 'trimmed', { payload: z.object({ name: z.string().trim(), tries: z.number().default(1) }) });
    const job = await queue.add({ name: '  ada  ' } as never);
    expect((await queue.getJob(job.id))?.payload).toEqual({ name: 'ada', tries: 1 });
    await storage.close();
  });

  it('type the queue from the schema, whatever the validator', () => {
    const storage = new MemoryStorage();
    expectTypeOf(new Queue(storage, 'a', { payload: v.object({ n: v.number() }) })).toEqualTypeOf<Queue<{ n: number }>>();
    expectTypeOf(new Queue(storage, 'b', { payload: z3.object({ n: z3.number() }) })).toEqualTypeOf<Queue<{ n: number }>>();
  });

  it('refuse a schema that validates asynchronously, at the add, writing nothing', async () => {
    const storage = await MemoryStorage.open();
    const queue = new Queue(storage, 'async', { payload: z.object({ n: z.number() }).refine(async () => true) });
    const refused = await queue.add({ n: 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).message).toContain('synchronously');
    expect((await queue.listJobs()).items).toHaveLength(0);
    await storage.close();
  });

  it('refuse a payload option that is no Standard Schema, naming what is accepted', () => {
    const storage = new MemoryStorage();
    expect(() => new Queue(storage, 'x', { payload: { parse: () => 1 } as never })).toThrow(/Standard Schema/);
  });
});
