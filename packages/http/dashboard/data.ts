/**
 * The dashboard's data: every queue's stats (polled while the page is visible), and the selected
 * queue's jobs and history, refetched on its live events (throttled) and on a slow poll as a
 * fallback when the stream is down. Only the selected queue holds an EventSource: browsers allow
 * few connections per host over HTTP/1.1, and a stream per queue would starve the page's fetches.
 * @module
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { apiUrl, describeError, getJson, streamError } from './api.js';
import { everyWhileVisible, type LiveState, openStream, type StreamListeners, throttle } from './live.js';
import type { AdminJob, FinishedState, History, JobProgress, JobsPage, QueueStats } from './types.js';

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
  /** True when a list was cut at {@link LIST_LIMIT}. */
  more: { running: boolean; waiting: boolean; finished: boolean };
  history: History | null;
  live: LiveState;
  error: string | null;
  /** Refetches the job lists now (after an action). */
  refresh: () => void;
}

const JOB_EVENTS = ['job:added', 'job:active', 'job:retrying', 'job:cancelled', 'job:stalled', 'queue:drained'];
const FINISH_EVENTS = ['job:completed', 'job:failed'];

function listJobs(queue: string, state: string): Promise<JobsPage> {
  return getJson<JobsPage>(['queues', queue, 'jobs'], { state, limit: LIST_LIMIT });
}

function withProgress(jobs: AdminJob[], jobId: string, progress: JobProgress): AdminJob[] {
  return jobs.map((j) => (j.id === jobId ? { ...j, progress } : j));
}

/** Loads and keeps live one queue's jobs and history; `onStats` gets its stats from the stream. */
export function useQueueDetail(queue: string | null, finishedState: FinishedState, onStats: (stats: QueueStats) => void): QueueDetail {
  const [lists, setLists] = useState<Pick<QueueDetail, 'running' | 'waiting' | 'finished' | 'more'>>({
    running: [],
    waiting: [],
    finished: [],
    more: { running: false, waiting: false, finished: false },
  });
  const [history, setHistory] = useState<History | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const stateRef = useRef(finishedState);
  stateRef.current = finishedState;
  const refreshRef = useRef<() => void>(() => undefined);
  const statsRef = useRef(onStats);
  statsRef.current = onStats;

  useEffect(() => {
    if (queue === null) return;
    let gone = false;
    const loadLists = throttle(async () => {
      try {
        const [r, w, f] = await Promise.all([listJobs(queue, 'running'), listJobs(queue, 'queued'), listJobs(queue, stateRef.current)]);
        if (gone) return;
        setLists({
          running: r.jobs,
          waiting: w.jobs,
          finished: f.jobs,
          more: { running: r.nextCursor !== null, waiting: w.nextCursor !== null, finished: f.nextCursor !== null },
        });
        setError(null);
      } catch (err) {
        if (!gone) setError(describeError(err));
      }
    }, LIST_THROTTLE_MS);
    const loadHistory = throttle(async () => {
      try {
        const body = await getJson<History>(['queues', queue, 'history']);
        if (!gone) setHistory(body);
      } catch (err) {
        if (!gone) setError(describeError(err));
      }
    }, HISTORY_THROTTLE_MS);
    refreshRef.current = loadLists.trigger;
    const listeners: StreamListeners = {
      stats: (data) => statsRef.current(data as QueueStats),
      // The handler's own `error` event (a storage failure behind the stream), not a connection error.
      error: (data) => {
        const err = streamError(data);
        if (err && !gone) setError(describeError(err));
      },
      'job:progress': (data) => {
        const { jobId, progress } = data as { jobId: string; progress: JobProgress };
        setLists((l) => ({ ...l, running: withProgress(l.running, jobId, progress) }));
      },
    };
    for (const name of JOB_EVENTS) listeners[name] = () => loadLists.trigger();
    for (const name of FINISH_EVENTS) {
      listeners[name] = () => {
        loadLists.trigger();
        loadHistory.trigger();
      };
    }
    setHistory(null);
    loadLists.trigger();
    loadHistory.trigger();
    const close = openStream(apiUrl(['queues', queue, 'events']), listeners, setLive);
    const stopLists = everyWhileVisible(loadLists.trigger, LIST_POLL_MS);
    const stopHistory = everyWhileVisible(loadHistory.trigger, HISTORY_POLL_MS);
    return () => {
      gone = true;
      loadLists.cancel();
      loadHistory.cancel();
      close();
      stopLists();
      stopHistory();
    };
  }, [queue]);

  useEffect(() => refreshRef.current(), [finishedState]);
  const refresh = useCallback(() => refreshRef.current(), []);
  return { ...lists, history, live, error, refresh };
}
