/**
 * The dashboard's root: every queue's card, then the selected queue's live counts, its running,
 * waiting and finished jobs, its groups, and its last hour in charts. Errors from the API show in an alert;
 * what an action did is announced in a polite live region.
 * @module
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { runJobAction, runQueueAction } from './actions.js';
import { describeError } from './api.js';
import { HistoryCharts } from './charts.js';
import { type ConfirmRequest, ConfirmDialog } from './confirm.js';
import { LIST_LIMIT, type QueueDetail, useOverview, useQueueDetail } from './data.js';
import { GroupsTable } from './groups.js';
import { html } from './html.js';
import { busyKey, FinishedJobs, type JobAction, RunningJobs, WaitingJobs } from './jobs.js';
import type { LiveState } from './live.js';
import { countsSentence, type QueueAction, QueueCards } from './queues.js';
import type { AdminJob, FinishedState, QueueStats } from './types.js';

const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'live updates unavailable: refreshing every 5 s',
};

function selectedFromHash(): string | null {
  return new URLSearchParams(location.hash.slice(1)).get('queue');
}

/** Marks actions in flight, so their buttons are disabled until the answer comes. */
function useBusy() {
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const track = useCallback(async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    setBusy((s) => new Set(s).add(key));
    try {
      return await work();
    } finally {
      setBusy((s) => {
        const next = new Set(s);
        next.delete(key);
        return next;
      });
    }
  }, []);
  return { busy, track };
}

function ErrorBanner({ message, onDismiss }: { message: string | null; onDismiss?: () => void }) {
  if (!message) return null;
  return html`
    <div class="error-banner" role="alert">
      <p>${message}</p>
      ${onDismiss ? html`<button type="button" onClick=${onDismiss}>Dismiss</button>` : null}
    </div>
  `;
}

function ListHeading({ id, title, count, more }: { id: string; title: string; count: number; more: boolean }) {
  return html`<h3 id=${id}>${title} <span class="muted">(${count}${more ? '+' : ''})</span></h3>`;
}

function QueueDetails(props: {
  stats: QueueStats;
  detail: QueueDetail;
  finishedState: FinishedState;
  onFinishedState: (s: FinishedState) => void;
  busy: ReadonlySet<string>;
  onJobAction: (job: AdminJob, action: JobAction) => void;
}) {
  const { stats, detail, busy, onJobAction } = props;
  const list = { busy, onAction: onJobAction };
  return html`
    <section class="detail" aria-labelledby="detail-title">
      <div class="detail-head">
        <h2 id="detail-title">Queue ${stats.queue}</h2>
        <span class=${`live-badge live-${detail.live}`}>${LIVE_TEXT[detail.live]}</span>
      </div>
      <p class="live-counts" aria-live="polite" aria-atomic="true">${countsSentence(stats)}</p>
      <${ErrorBanner} message=${detail.error} />
      <section class="panel" aria-labelledby="running-title">
        <${ListHeading} id="running-title" title="Running" count=${detail.running.length} more=${detail.more.running} />
        <${RunningJobs} jobs=${detail.running} ...${list} />
      </section>
      <section class="panel waiting-panel" aria-labelledby="waiting-title">
        <${ListHeading} id="waiting-title" title="Waiting" count=${detail.waiting.length} more=${detail.more.waiting} />
        <${WaitingJobs} jobs=${detail.waiting} ...${list} />
        ${detail.more.waiting ? html`<p class="muted small">Showing the first ${LIST_LIMIT} in claim order.</p>` : null}
      </section>
      <section class="panel" aria-labelledby="finished-title">
        <${ListHeading} id="finished-title" title="Finished" count=${detail.finished.length} more=${detail.more.finished} />
        <${FinishedJobs} jobs=${detail.finished} state=${props.finishedState} onState=${props.onFinishedState} ...${list} />
      </section>
      ${
        detail.groups.length > 0
          ? html`<section class="panel" aria-labelledby="groups-title">
            <${ListHeading} id="groups-title" title="Groups" count=${detail.groups.length} more=${detail.more.groups} />
            <${GroupsTable} groups=${detail.groups} more=${detail.more.groups} />
          </section>`
          : null
      }
      <section class="panel wide" aria-labelledby="history-title">
        <h3 id="history-title">Last hour</h3>
        <${HistoryCharts} history=${detail.history} />
      </section>
    </section>
  `;
}

/** The queue shown in detail, kept in the address (`#queue=name`) so a reload or a link keeps it. */
function useSelection(): [string | null, (queue: string) => void] {
  const [selected, setSelected] = useState<string | null>(selectedFromHash());
  useEffect(() => {
    const onHash = () => setSelected(selectedFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const select = useCallback((queue: string) => {
    history.replaceState(null, '', `#${new URLSearchParams({ queue })}`);
    setSelected(queue);
  }, []);
  return [selected, select];
}

/** Runs the buttons' actions: marks them in flight, announces what they did or shows their error, then refetches. */
function useActions(afterwards: () => void) {
  const { busy, track } = useBusy();
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const act = async (key: string, work: () => Promise<string>) => {
    try {
      setNotice(await track(key, work));
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
    afterwards();
  };
  return {
    busy,
    notice,
    error,
    dismiss: () => setError(null),
    onJobAction: (job: AdminJob, action: JobAction) => void act(busyKey(job.id, action.kind), () => runJobAction(job, action)),
    onQueueAction: (queue: string, action: QueueAction) => void act(`queue:${queue}:${action}`, () => runQueueAction(queue, action)),
  };
}

/** The dashboard. */
export function App() {
  const overview = useOverview();
  const [selected, select] = useSelection();
  const [finishedState, setFinishedState] = useState<FinishedState>('failed');
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const queues = overview.queues ?? [];
  const current = queues.find((q) => q.queue === selected) ?? queues[0] ?? null;
  const detail = useQueueDetail(current?.queue ?? null, finishedState, overview.patch);
  const actions = useActions(() => {
    detail.refresh();
    void overview.reload();
  });
  const cards = html`<${QueueCards} queues=${queues} selected=${current?.queue ?? null} busy=${actions.busy}
    onSelect=${select} onAction=${actions.onQueueAction} onConfirm=${setConfirm} />`;
  return html`
    <header class="top">
      <h1>Waitline</h1>
      <p class="notice" role="status" aria-live="polite">${actions.notice}</p>
    </header>
    <main>
      <${ErrorBanner} message=${overview.error} />
      <${ErrorBanner} message=${actions.error} onDismiss=${actions.dismiss} />
      <section aria-labelledby="queues-title">
        <h2 id="queues-title">Queues</h2>
        ${overview.queues === null && !overview.error ? html`<p class="muted">Loading…</p>` : cards}
      </section>
      ${
        current
          ? html`<${QueueDetails} stats=${current} detail=${detail} finishedState=${finishedState}
              onFinishedState=${setFinishedState} busy=${actions.busy} onJobAction=${actions.onJobAction} />`
          : null
      }
    </main>
    <${ConfirmDialog} request=${confirm} onClose=${() => setConfirm(null)} />
  `;
}
