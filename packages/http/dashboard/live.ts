/**
 * Live updates: an EventSource with its connection state, and a throttle so a burst of events
 * becomes at most one refetch per interval (one in flight at a time, the last trigger never lost).
 * @module
 */

/** Where a stream stands: `closed` when the browser gave up (a 403 or 503 answer, say). */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** Listeners by SSE event name; each gets the event's parsed JSON data. */
export type StreamListeners = Record<string, (data: unknown) => void>;

/**
 * Opens `url` as an EventSource and calls the listener of each named event with its parsed data.
 * A stream the browser gave up on is opened again after `retryClosedMs`. Returns a function that
 * closes it for good.
 */
export function openStream(url: string, listeners: StreamListeners, onState: (state: LiveState) => void, retryClosedMs = 15_000): () => void {
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const connect = () => {
    onState('connecting');
    const es = new EventSource(url);
    source = es;
    es.addEventListener('open', () => onState('live'));
    es.addEventListener('error', () => {
      if (stopped) return;
      if (es.readyState !== EventSource.CLOSED) return onState('reconnecting');
      onState('closed');
      retry = setTimeout(connect, retryClosedMs);
    });
    for (const [name, listener] of Object.entries(listeners)) {
      es.addEventListener(name, (event) => {
        const data = parseData((event as MessageEvent<string>).data);
        if (data !== undefined) listener(data);
      });
    }
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
  };
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** A throttled async task: see {@link throttle}. */
export interface Throttled {
  /** Asks for a run: at once when the last run is older than the interval, else once it is over. */
  trigger(): void;
  /** Drops any run not yet started. */
  cancel(): void;
}

/**
 * Runs `task` at most once per `intervalMs`, never twice at once; a trigger while a run is in
 * flight or waiting is folded into the next run, so the last state is always fetched.
 */
export function throttle(task: () => Promise<void>, intervalMs: number): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let pending = false;
  let cancelled = false;
  const fire = async () => {
    timer = undefined;
    running = true;
    pending = false;
    last = Date.now();
    try {
      await task();
    } finally {
      running = false;
      if (pending) schedule();
    }
  };
  const schedule = () => {
    if (cancelled) return;
    pending = true;
    if (running || timer !== undefined) return;
    timer = setTimeout(fire, Math.max(0, last + intervalMs - Date.now()));
  };
  return {
    trigger: schedule,
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/** Calls `fn` every `ms` while the page is visible (and once when it becomes visible again). Returns a stop function. */
export function everyWhileVisible(fn: () => void, ms: number): () => void {
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') fn();
  }, ms);
  const onVisible = () => {
    if (document.visibilityState === 'visible') fn();
  };
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
