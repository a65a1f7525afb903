/**
 * What every operation module needs: the client, the key space, the queue names, and a way to
 * run a per-queue script.
 * @module
 * @internal
 */
import type { RedisClient } from './connection.js';
import type { QueueNames } from './queue-names.js';
import type { ScriptName } from './generated/lua.js';
import type { KeySpace } from './keys.js';
import { runScript, type ScriptArg, type ScriptReply } from './scripts.js';

/** The shared state of one open storage. @internal */
export class RedisContext {
  constructor(
    readonly client: RedisClient,
    readonly keys: KeySpace,
    readonly queueNames: QueueNames,
  ) {}

  /**
   * Runs a per-queue script: KEYS are the queue's ten keys (then `extraKeys`, all of the queue's
   * hash slot), ARGV[1] its job key prefix. The reply is typed by the script's `@returns` tag.
   */
  onQueue<N extends ScriptName>(name: N, queue: string, args: readonly ScriptArg[], extraKeys: readonly string[] = []): Promise<ScriptReply<N>> {
    const k = this.keys.queue(queue);
    return runScript(this.client, name, [...k.keys, ...extraKeys], [k.jobPrefix, ...args]);
  }

  /** Runs a script on the given keys (the prefix-wide ones). */
  onKeys<N extends ScriptName>(name: N, keys: readonly string[], args: readonly ScriptArg[]): Promise<ScriptReply<N>> {
    return runScript(this.client, name, keys, args);
  }
}

/** A nullable number as a script argument: '' for null. @internal */
export function optionalArg(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
