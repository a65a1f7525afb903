/**
 * Runs the embedded Lua scripts by SHA-1 (EVALSHA) and sends the source again (EVAL, which also
 * caches it) when the server answers NOSCRIPT: after a restart, a failover or SCRIPT FLUSH.
 *
 * Specific to Redis, so a module of its own: the other storages prepare SQL statements in context.ts.
 * @module
 * @internal
 */
import { LUA, type ScriptName } from './generated/lua.js';
import type { RedisClient } from './connection.js';
import { isNoScriptError } from './errors.js';

/** A script argument: Redis receives every argument as a string. @internal */
export type ScriptArg = string | number;

/**
 * Runs `name` with `keys` and `args`: one round trip while the server has the script cached, two
 * after it lost its cache.
 * @internal
 */
export async function runScript(client: RedisClient, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  const script = LUA[name];
  try {
    return await client.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (err) {
    if (!isNoScriptError(err)) throw err;
    return await client.eval(script.source, keys.length, ...keys, ...args);
  }
}
