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
import { runScript, type ScriptArg } from './scripts.js';

/** The shared state of one open storage. @internal */
export class RedisContext {
  constructor(
    readonly client: RedisClient,
    readonly keys: KeySpace,
    readonly queueNames: QueueNames,
  ) {}

  /**
   * Runs a per-queue script: KEYS are the queue's ten keys (then `extraKeys`, all of the queue's
   * hash slot), ARGV[1] its job key prefix.
   */
  onQueue<T = unknown>(name: ScriptName, queue: string, args: readonly ScriptArg[], extraKeys: readonly string[] = []): Promise<T> {
    const k = this.keys.queue(queue);
    return runScript(this.client, name, [...k.keys, ...extraKeys], [k.jobPrefix, ...args]) as Promise<T>;
  }

  /** Runs a script on the given keys (the prefix-wide ones). */
  onKeys<T = unknown>(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<T> {
    return runScript(this.client, name, keys, args) as Promise<T>;
  }
}

/** A script reply tagged with its outcome in the first element: `['ok', ...]`, `['missing']`, ... @internal */
export type Tagged = [string, ...unknown[]];

/** A nullable number as a script argument: '' for null. @internal */
export function optionalArg(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
