/**
 * The SQLite notice transport: every `SqliteStorage` opened on the same file in one process shares
 * one `NoticeHub`, so a worker wakes the moment a queue in the same process adds a job. Other
 * processes do not hear its notices; instead, while anyone subscribes, a `ChangeWatcher` sees
 * their commits and sends `changed` notices to every subscriber, then the queue events other
 * processes journaled for this one (`RemoteEvents`).
 * @module
 * @internal
 */
import { type NoticeSink, type NoticeTransport, type Notifier, NoticeHub } from '@waitline/core';
import { ChangeWatcher } from './change-watcher.js';
import { RemoteEvents } from './remote-events.js';

/** How often a subscribed process checks the file for other processes' commits. */
export const CHANGE_POLL_MS = 50;

interface SharedChannel {
  hub: NoticeHub;
  users: number;
}

/** One hub per resolved database path, alive while a storage on that path is open. */
const channels = new Map<string, SharedChannel>();

/** The change watcher and the event journal of one file, as a hub's transport. */
function fileTransport(path: string): NoticeTransport {
  const remote = new RemoteEvents(path);
  let sink: NoticeSink | undefined;
  const watcher = new ChangeWatcher(path, CHANGE_POLL_MS, () => {
    sink?.changed();
    for (const notice of remote.readNew()) sink?.deliver(notice);
  });
  return {
    sendBatch: (notices) => remote.write(notices),
    wantedElsewhere: (queue) => remote.listenedElsewhere(queue),
    start(to) {
      sink = to;
      watcher.start();
    },
    stop: () => watcher.stop(),
    listenRemote: (queue) => remote.listen(queue),
    unlistenRemote: (queue) => remote.unlisten(queue),
    refreshRemote: () => remote.refresh(),
    close() {
      watcher.stop();
      remote.close();
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
  if (key === null) return { notifier: new NoticeHub(), release: () => {} };
  let channel = channels.get(key);
  if (channel === undefined) {
    channel = { hub: new NoticeHub({ transport: fileTransport(key) }), users: 0 };
    channels.set(key, channel);
  }
  channel.users += 1;
  const shared = channel;
  let released = false;
  return {
    notifier: shared.hub,
    release() {
      if (released) return;
      released = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      void shared.hub.close();
      if (channels.get(key) === shared) channels.delete(key);
    },
  };
}
