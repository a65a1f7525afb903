/**
 * Runs the embedded Lua scripts by SHA-1 (EVALSHA) and sends the source again (EVAL, which also
 * caches it) when the server answers NOSCRIPT: after a restart, a failover or SCRIPT FLUSH.
 *
 * Specific to Redis, so a module of its own: the other storages prepare SQL statements in context.ts.
 * @module
 * @internal
 */
import { type EmbeddedScript, LUA, type LuaTypes, type ScriptName } from './generated/lua.js';
import type { RedisClient } from './connection.js';
import { isNoScriptError } from './errors.js';

/** A script argument: Redis receives every argument as a string. @internal */
export type ScriptArg = string | number;

/** What a script replies, as its header's `@returns` declares it. @internal */
export type ScriptReply<N extends ScriptName> = LuaTypes[N]['reply'];

/**
 * Runs `name` with `keys` and `args`: one round trip while the server has the script cached, two
 * after it lost its cache. The reply is typed by the script's `@returns` tag: ioredis types every
 * EVAL reply `unknown`, so this is the one place that says what a script returns.
 * @internal
 */
export async function runScript<N extends ScriptName>(
  client: RedisClient,
  name: N,
  keys: readonly string[],
  args: readonly ScriptArg[],
): Promise<ScriptReply<N>> {
  return (await evaluate(client, LUA[name], keys, args)) as ScriptReply<N>;
}

async function evaluate(client: RedisClient, script: EmbeddedScript, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  // One array, which ioredis flattens into the command: spreading keys and args into the call
  // overflowed the stack for a bulk add of 10,000 jobs (about 20 arguments a job).
  const argv = [...keys, ...args.map(String)];
  try {
    return await client.evalsha(script.sha1, keys.length, argv);
  } catch (err) {
    if (!isNoScriptError(err)) throw err;
    return await client.eval(script.source, keys.length, argv);
  }
}
