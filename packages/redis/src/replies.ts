/**
 * The reply shapes several scripts share, named for their `@returns` tags (`@use ... from replies`);
 * a shape one script alone returns is written in its header. Each is what ioredis gives for
 * the script's Lua value: a string stays a string, a Lua number becomes an integer (a number), a
 * table an array, and Lua false (or nil inside a table) becomes null.
 * @module
 * @internal
 */

/** A hash as HGETALL returns it inside a script: field, value, field, value, ... @internal */
export type HashFields = string[];

/**
 * A job hash as the scripts return it (lib/common.lua `record`): a JSON object of the fields not
 * stored as JSON (field to stored string), then each JSON-text field present (payload, result,
 * ...) as name, value; rows.ts reads it into a `JobRecord`. @internal
 */
export type JobHash = [fields: string, ...jsonFields: string[]];

/**
 * The reply of lib/enqueue.lua (enqueue.lua, and schedule-fire.lua on a fired tick): per job of
 * an 'ok' batch, its new seq or the stored job its idempotency key matched. @internal
 */
export type EnqueueReply =
  | [tag: 'ok', outcome: Array<number | JobHash>]
  | [tag: 'duplicate', id: string]
  | [tag: 'full', maxSize: string]
  | [tag: 'groupFull', detail: [group: string, groupMaxWaiting: string, index: number]]
  | [tag: 'draining', detail: ''];

/** A running job's sample (lib/samples.lua runningSamples). @internal */
export type RunningSampleRow = [id: string, name: string, size: string | null, startedAt: string, progress: string | null];

/**
 * A finished job's sample fields (lib/samples.lua recentFinished), an HMGET of name, size, runAt,
 * startedAt, finishedAt, seq, priority, createdAt: null where the job hash has no such field. @internal
 */
export type FinishedSampleRow = Array<string | null>;
