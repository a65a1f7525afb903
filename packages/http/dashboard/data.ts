/**
 * The dashboard's data: every queue's stats (polled while the page is visible), and the selected
 * queue's jobs, groups and history, refetched on its live events (throttled) and on a slow poll as a
 * fallback when the stream is down. Only the selected queue holds an EventSource: browsers allow
 * few connections per host over HTTP/1.1, and a stream per queue would starve the page's fetches.
 * @module
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiUrl, describeError, getJson, streamError } from './api.js';
import { everyWhileVisible, type LiveState, openStream, type StreamListeners, type Throttled, throttle } from './live.js';
import type { AdminJob, FinishedState, GroupsPage, History, JobProgress, JobsPage, QueueStats } from './types.js';

const OVERVIEW_POLL_MS = 5_000;
const LIST_THROTTLE_MS = 750;
const LIST_POLL_MS = 5_000;
const HISTORY_THROTTLE_MS = 10_000;
const HISTORY_POLL_MS = 30_000;
/** How many jobs each list shows (the handler's maximum page). */
export const LIST_LIMIT = 100;

/** Every queue's stats, polled; `patch` takes fresher stats of one queue (from its stream). */
export function useOverview() {
  const [queues, setQueues] = useState<QueueStats[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const body = await getJson<{ queues: QueueStats[] }>(['queues']);
      setQueues(body.queues);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
  }, []);
  useEffect(() => {
    void reload();
    return everyWhileVisible(() => void reload(), OVERVIEW_POLL_MS);
  }, [reload]);
  const patch = useCallback((stats: QueueStats) => {
    setQueues((list) => list?.map((q) => (q.queue === stats.queue ? stats : q)) ?? list);
  }, []);
  return { queues, error, reload, patch };
}

/** The selected queue's jobs, history and stream state. */
export interface QueueDetail {
  running: AdminJob[];
  waiting: AdminJob[];
  finished: AdminJob[];
  /** The first {@link LIST_LIMIT} named groups by name; empty for a queue without groups. */
  groups: GroupsPage['groups'];
  /** True when a list was cut at {@link LIST_LIMIT}. */
  more: { running: boolean; waiting: boolean; finished: boolean; groups: boolean };
  history: History | null;
  live: LiveState;
  error: string | null;
  /** Refetches the job lists now (after an action). */
  refresh: () => void;
}

const JOB_EVENTS = ['job:added', 'job:active', 'job:retrying', 'job:cancelled', 'job:stalled', 'queue:drained'];
const FINISH_EVENTS = ['job:completed', 'job:failed'];

type Lists = Pick<QueueDetail, 'running' | 'waiting' | 'finished' | 'groups' | 'more'>;

const EMPTY: Lists = { running: [], waiting: [], finished: [], groups: [], more: { running: false, waiting: false, finished: false, groups: false } };

/** Where {@link followQueue} puts what it reads. */
interface Sinks {
  lists(lists: Lists): void;
  progress(jobId: string, progress: JobProgress): void;
  history(history: History): void;
  error(message: string | null): void;
  stats(stats: QueueStats): void;
  live(state: LiveState): void;
  /** The state the finished list shows now. */
  finishedState(): FinishedState;
}

function listJobs(queue: string, state: string): Promise<JobsPage> {
  return getJson<JobsPage>(['queues', queue, 'jobs'], { state, limit: LIST_LIMIT });
}

/** The first page of the queue's groups; none on a storage without groups (the handler answers 400 there). */
function listGroups(queue: string): Promise<GroupsPage> {
  return getJson<GroupsPage>(['queues', queue, 'groups'], { limit: LIST_LIMIT }).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 400) return { groups: [], nextAfter: null };
    throw err;
  });
}

async function fetchLists(queue: string, finished: FinishedState): Promise<Lists> {
  const [r, w, f, g] = await Promise.all([listJobs(queue, 'running'), listJobs(queue, 'queued'), listJobs(queue, finished), listGroups(queue)]);
  const more = { running: r.nextCursor !== null, waiting: w.nextCursor !== null, finished: f.nextCursor !== null, groups: g.nextAfter !== null };
  return { running: r.jobs, waiting: w.jobs, finished: f.jobs, groups: g.groups, more };
}

function withProgress(jobs: AdminJob[], jobId: string, progress: JobProgress): AdminJob[] {
  return jobs.map((j) => (j.id === jobId ? { ...j, progress } : j));
}

function streamListeners(sinks: Sinks, lists: Throttled, history: Throttled): StreamListeners {
  const listeners: StreamListeners = {
    stats: (data) => sinks.stats(data as QueueStats),
    'job:progress': (data) => {
      const { jobId, progress } = data as { jobId: string; progress: JobProgress };
      sinks.progress(jobId, progress);
    },
    // The handler's `failure` event (a storage failure behind the stream; `error` is EventSource's own).
    failure: (data) => {
      const err = streamError(data);
      if (err) sinks.error(describeError(err));
    },
  };
  for (const name of JOB_EVENTS) listeners[name] = lists.trigger;
  for (const name of FINISH_EVENTS) {
    listeners[name] = () => {
      lists.trigger();
      history.trigger();
    };
  }
  return listeners;
}

/**
 * Follows one queue: its job lists and history now, again on its events (throttled) and on slow
 * polls; nothing reaches `sinks` after `stop`.
 */
function followQueue(queue: string, target: Sinks): { refresh: () => void; stop: () => void } {
  let gone = false;
  const alive =
    <A extends unknown[]>(sink: (...args: A) => void) =>
    (...args: A) => {
      if (!gone) sink(...args);
    };
  const sinks: Sinks = {
    lists: alive(target.lists),
    progress: alive(target.progress),
    history: alive(target.history),
    error: alive(target.error),
    stats: alive(target.stats),
    live: alive(target.live),
    finishedState: target.finishedState,
  };
  const fail = (err: unknown) => sinks.error(describeError(err));
  const loaded = (l: Lists) => {
    sinks.lists(l);
    sinks.error(null);
  };
  const lists = throttle(() => fetchLists(queue, sinks.finishedState()).then(loaded, fail), LIST_THROTTLE_MS);
  const history = throttle(() => getJson<History>(['queues', queue, 'history']).then(sinks.history, fail), HISTORY_THROTTLE_MS);
  const close = openStream(apiUrl(['queues', queue, 'events']), streamListeners(sinks, lists, history), sinks.live);
  lists.trigger();
  history.trigger();
  const polls = [everyWhileVisible(lists.trigger, LIST_POLL_MS), everyWhileVisible(history.trigger, HISTORY_POLL_MS)];
  const stop = () => {
    gone = true;
    lists.cancel();
    history.cancel();
    close();
    for (const p of polls) p();
  };
  return { refresh: lists.trigger, stop };
}

/** Loads and keeps live one queue's jobs and history; `onStats` gets its stats from the stream. */
export function useQueueDetail(queue: string | null, finishedState: FinishedState, onStats: (stats: QueueStats) => void): QueueDetail {
  const [lists, setLists] = useState<Lists>(EMPTY);
  const [history, setHistory] = useState<History | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const stateRef = useRef(finishedState);
  stateRef.current = finishedState;
  const statsRef = useRef(onStats);
  statsRef.current = onStats;
  const following = useRef<{ refresh: () => void } | null>(null);

  useEffect(() => {
    if (queue === null) return;
    setLists(EMPTY);
    setHistory(null);
    const follow = followQueue(queue, {
      lists: setLists,
      progress: (jobId, progress) => setLists((l) => ({ ...l, running: withProgress(l.running, jobId, progress) })),
      history: setHistory,
      error: setError,
      stats: (stats) => statsRef.current(stats),
      live: setLive,
      finishedState: () => stateRef.current,
    });
    following.current = follow;
    return follow.stop;
  }, [queue]);

  useEffect(() => following.current?.refresh(), [finishedState]);
  const refresh = useCallback(() => following.current?.refresh(), []);
  return { ...lists, history, live, error, refresh };
}
