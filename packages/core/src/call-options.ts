/**
 * Validation of the arguments of `Queue` and `Worker` calls other than job and queue options:
 * list, clean and wait options, the shape of `add`/`addBulk` arguments, and the objects handed to
 * constructors (a storage, a queue, a handler). Each throws a `ValidationError` with the path of
 * the offending value before anything touches the storage.
 * @internal
 * @module
 */
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { MAX_DELAY_MS, MAX_LIST_LIMIT, MAX_LIST_OFFSET } from './limits.js';
import { isPlainObject, notAnObject, parseOptions, timerMs } from './options.js';
import { JOB_STATES, type JobState } from './state.js';
import type { Storage } from './storage.js';

/** Options of `queue.listJobs`, as validated. @internal */
export interface ListOptions {
  states?: JobState[];
  limit: number;
  offset?: number;
  order?: 'asc' | 'desc';
  afterSeq?: number;
}

const pageFields = {
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  offset: z.number().int().min(0).max(MAX_LIST_OFFSET).optional(),
};

const listSchema = z
  .object({
    ...pageFields,
    states: z.array(z.enum(JOB_STATES)).min(1).max(JOB_STATES.length).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    afterSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

const pageSchema = z.object(pageFields).strict();

/** The default page size of a listing. @internal */
export const DEFAULT_LIST_LIMIT = 100;

/** Validates `listJobs` options: `limit` 1-1000 (default 100), `offset` ≥ 0, known `states`, `order`, `afterSeq` ≥ 0. @internal */
export function parseListOptions(value: unknown): ListOptions {
  const o = parseOptions(listSchema, value, 'list options', ['options']);
  const out: ListOptions = { limit: o.limit ?? DEFAULT_LIST_LIMIT };
  if (o.states !== undefined) out.states = [...new Set(o.states)];
  if (o.offset !== undefined) out.offset = o.offset;
  if (o.order !== undefined) out.order = o.order;
  if (o.afterSeq !== undefined) out.afterSeq = o.afterSeq;
  return out;
}

/** Validates `listFailed` options: `limit` and `offset` only. @internal */
export function parsePageOptions(value: unknown): { limit?: number | undefined; offset?: number | undefined } {
  return parseOptions(pageSchema, value, 'list options', ['options']);
}

/** The states `clean` removes from. */
export type CleanState = 'completed' | 'failed' | 'cancelled' | 'queued';

const cleanSchema = z
  .object({
    state: z.enum(['completed', 'failed', 'cancelled', 'queued']),
    olderThanMs: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
  })
  .strict();

/** Validates `clean` options: a `state` is required; `olderThanMs` an integer from 0 to `MAX_DELAY_MS`. @internal */
export function parseCleanOptions(value: unknown): { state: CleanState; olderThanMs?: number | undefined } {
  if (value === undefined) throw new ValidationError('invalid clean options: give { state } (and olderThanMs)', [{ path: ['options'], message: 'required' }]);
  return parseOptions(cleanSchema, value, 'clean options', ['options']);
}

const waitSchema = z.object({ timeoutMs: timerMs().optional(), pollMs: timerMs().optional() }).strict();

/** Validates `finished`/`drain` options: `timeoutMs` and `pollMs` integers from 1 to `MAX_TIMER_MS`. @internal */
export function parseWaitOptions(value: unknown): { timeoutMs?: number | undefined; pollMs?: number | undefined } {
  return parseOptions(waitSchema, value, 'wait options', ['options']);
}

const drainSchema = waitSchema.extend({ wait: z.boolean().optional() }).strict();

/** Validates `drain` options: those of `whenIdle`, and `wait` (false: return once the queue is stored as draining). @internal */
export function parseDrainOptions(value: unknown): { timeoutMs?: number | undefined; pollMs?: number | undefined; wait?: boolean | undefined } {
  return parseOptions(drainSchema, value, 'drain options', ['options']);
}

/** Validates the options argument of `add` (job options plus `tx`) as an object; fields are checked later. @internal */
export function splitAddOptions(value: unknown): { tx: unknown; job: Record<string, unknown> | undefined } {
  if (value === undefined) return { tx: undefined, job: undefined };
  if (!isPlainObject(value)) throw notAnObject('job options', value, ['options']);
  const { tx, ...job } = value;
  return { tx, job };
}

/** Validates the options argument of `addBulk`: only `tx`. @internal */
export function parseBulkAddOptions(value: unknown): { tx?: unknown } {
  return parseOptions(z.object({ tx: z.unknown().optional() }).strict(), value, 'add options', ['options']);
}

const bulkEntrySchema = z.object({ payload: z.unknown().optional(), options: z.unknown().optional() }).strict();

/** Validates the shape of `addBulk`'s array: an array of `{ payload, options? }` plain objects. @internal */
export function parseBulkJobs(value: unknown): ReadonlyArray<{ payload: unknown; options?: unknown }> {
  if (!Array.isArray(value)) {
    const got = value === null ? 'null' : typeof value;
    throw new ValidationError(`invalid jobs: expected an array of { payload, options }, got ${got}`, [
      { path: ['jobs'], message: `expected an array, got ${got}` },
    ]);
  }
  for (const [i, entry] of value.entries()) parseOptions(bulkEntrySchema, entry ?? null, 'bulk job', ['jobs', i]);
  return value as ReadonlyArray<{ payload: unknown; options?: unknown }>;
}

/** What any storage must offer; checked structurally so a storage from another copy of core passes. */
const STORAGE_METHODS = ['upsertQueue', 'enqueue', 'claim', 'settle', 'getJob', 'listJobs', 'removeJobs', 'close'] as const;

function notA(what: string, path: string, got: unknown): ValidationError {
  const kind = got === null ? 'null' : Array.isArray(got) ? 'an array' : typeof got;
  const message = `expected ${what}, got ${kind}`;
  return new ValidationError(`invalid ${path}: ${message}`, [{ path: [path], message }]);
}

/** Throws a `ValidationError` at `storage` unless `value` looks like a `Storage` (its methods and capabilities). @internal */
export function checkStorage(value: unknown): void {
  const o = value as Record<string, unknown> | null;
  const ok =
    typeof o === 'object' &&
    o !== null &&
    typeof o.capabilities === 'object' &&
    o.capabilities !== null &&
    STORAGE_METHODS.every((m) => typeof o[m] === 'function');
  if (!ok) throw notA('a Storage (from SqliteStorage.open, PostgresStorage.open or RedisStorage.open)', 'storage', value);
}

/** Throws a `ValidationError` at `queue` unless `value` looks like a `Queue`. @internal */
export function checkQueue(value: unknown): void {
  const o = value as Record<string, unknown> | null;
  const ok = typeof o === 'object' && o !== null && typeof o.name === 'string' && typeof o.ready === 'function' && typeof o.emit === 'function';
  if (!ok) throw notA('a Queue', 'queue', value);
}

/** Throws a `ValidationError` at `handler` unless `value` is a function. @internal */
export function checkHandler(value: unknown): void {
  if (typeof value !== 'function') throw notA('a function (job, ctx) => result', 'handler', value);
}

/** Refuses `options.tx` for a storage that cannot join the caller's transaction. @internal */
export function checkTx(storage: Pick<Storage, 'capabilities'>, tx: unknown): void {
  if (tx === undefined || storage.capabilities.transactionalEnqueue) return;
  const message = 'this storage cannot add jobs inside your transaction (capabilities.transactionalEnqueue is false)';
  throw new ValidationError(message, [{ path: ['options', 'tx'], message }]);
}
