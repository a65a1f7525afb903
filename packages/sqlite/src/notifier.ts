/**
 * The in-process notifier: every `SqliteStorage` opened on the same file in one process shares
 * it, so a worker wakes the moment a queue in the same process adds a job. Other processes do not
 * hear its notices (`crossProcessEvents: false`); instead, while anyone subscribes, a
 * `ChangeWatcher` sees their commits and sends `changed` notices to every subscriber.
 * @module
 * @internal
 */
import { EventEmitter } from 'node:events';
import { deliverNotice, type Notifier, type StorageNotice } from '@waitline/core';
import { ChangeWatcher } from './change-watcher.js';
import { RemoteEvents } from './remote-events.js';

/** How often a subscribed process checks the file for other processes' commits. */
export const CHANGE_POLL_MS = 50;

/** Subscribers of every queue listen on this channel. */
const ALL_QUEUES = '*';

interface SharedChannel {
  emitter: EventEmitter;
  users: number;
  watcher: ChangeWatcher | null;
  remote: RemoteEvents | null;
}

/** One channel per resolved database path, alive while a storage on that path is open. */
const channels = new Map<string, SharedChannel>();

/** Sends a `changed` notice to the subscribers of every queue, then the events other processes journaled. */
function broadcastChange(emitter: EventEmitter, remote: RemoteEvents | null): void {
  for (const name of emitter.eventNames()) deliverNotice(emitter, String(name), { queue: String(name), kind: 'changed' });
  for (const notice of remote?.readNew() ?? []) deliverToQueue(emitter, notice);
}

/** Delivers a notice to its queue's subscribers and to those of every queue. */
function deliverToQueue(emitter: EventEmitter, notice: StorageNotice): void {
  deliverNotice(emitter, notice.queue, notice);
  if (notice.queue !== ALL_QUEUES) deliverNotice(emitter, ALL_QUEUES, notice);
}

/** Starts the channel's watcher with its first subscriber and stops it with its last. */
function watchWhileSubscribed(channel: SharedChannel): void {
  const count = channel.emitter.eventNames().reduce((n, e) => n + channel.emitter.listenerCount(e), 0);
  if (count > 0 && channel.users > 0) channel.watcher?.start();
  else channel.watcher?.stop();
}

function notifierOf(emitter: EventEmitter, channel?: SharedChannel): Notifier {
  return {
    publish(notice) {
      deliverToQueue(emitter, notice);
      channel?.remote?.publish(notice);
    },
    subscribe(queue, listener, options) {
      emitter.on(queue, listener);
      const remote = options?.remote && channel?.users ? channel.remote : null;
      remote?.listen(queue);
      if (channel) watchWhileSubscribed(channel);
      return () => {
        emitter.off(queue, listener);
        remote?.unlisten(queue);
        if (channel) watchWhileSubscribed(channel);
      };
    },
  };
}

/** A notifier and the function that gives it back when its storage closes. @internal */
export interface NotifierLease {
  notifier: Notifier;
  release(): void;
}

/**
 * Returns the notifier shared by every storage open on `key` (a resolved file path) in this
 * process, or a private one when `key` is null (`:memory:`: each connection is its own database).
 * @internal
 */
export function acquireNotifier(key: string | null): NotifierLease {
  if (key === null) return { notifier: notifierOf(newEmitter()), release: () => {} };
  let channel = channels.get(key);
  if (channel === undefined) {
    const emitter = newEmitter();
    const remote = new RemoteEvents(key);
    channel = { emitter, users: 0, remote, watcher: new ChangeWatcher(key, CHANGE_POLL_MS, () => broadcastChange(emitter, remote)) };
    channels.set(key, channel);
  }
  channel.users += 1;
  const shared = channel;
  let released = false;
  return {
    notifier: notifierOf(shared.emitter, shared),
    release() {
      if (released) return;
      released = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      shared.watcher?.stop();
      shared.remote?.close();
      if (channels.get(key) === shared) channels.delete(key);
    },
  };
}

function newEmitter(): EventEmitter {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one listener per worker and per QueueEvents: no leak warning
  return emitter;
}
