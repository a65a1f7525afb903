/**
 * The queue cards: counts by state, utilisation, the limits the queue holds its jobs to (its
 * concurrency, rate limit and per-group caps), paused and draining badges, and the queue's
 * controls (pause or resume, drain, clear). Drain and clear ask for confirmation first.
 * @module
 */
import type { ConfirmRequest } from './confirm.js';
import { formatPercent, limitsText } from './format.js';
import { html } from './html.js';
import type { QueueStats } from './types.js';

/** A queue-level action, named as its route. */
export type QueueAction = 'pause' | 'resume' | 'drain' | 'clear';

/** What the cards need from the app. */
export interface QueueCardsProps {
  queues: QueueStats[];
  selected: string | null;
  busy: ReadonlySet<string>;
  onSelect: (queue: string) => void;
  onAction: (queue: string, action: QueueAction) => void;
  onConfirm: (request: ConfirmRequest) => void;
}

const COUNTS: { key: keyof QueueStats['counts']; label: string }[] = [
  { key: 'ready', label: 'waiting' },
  { key: 'scheduled', label: 'scheduled' },
  { key: 'running', label: 'running' },
  { key: 'completed', label: 'completed' },
  { key: 'failed', label: 'failed' },
  { key: 'cancelled', label: 'cancelled' },
];

/** One line for screen readers and the live region: "2 running, 5 waiting, 1 failed". */
export function countsSentence(stats: QueueStats): string {
  const c = stats.counts;
  return `${c.running} running, ${c.ready} waiting, ${c.scheduled} scheduled, ${c.failed} failed`;
}

function Utilisation({ stats }: { stats: QueueStats }) {
  const id = `util-${stats.queue}`;
  const text =
    stats.capacity > 0
      ? `${stats.counts.running} of ${stats.capacity} slots busy (${formatPercent(stats.utilisation)})`
      : stats.workers.length === 0
        ? 'no live worker'
        : 'no free slot';
  return html`
    <div class="utilisation">
      <label for=${id}>Utilisation</label>
      <meter id=${id} min="0" max="1" low="0.5" high="0.9" optimum="0.6" value=${Math.min(1, stats.utilisation)}>${text}</meter>
      <span class="muted">${text}</span>
    </div>
  `;
}

function Controls({ stats, busy, onAction, onConfirm }: { stats: QueueStats } & Pick<QueueCardsProps, 'busy' | 'onAction' | 'onConfirm'>) {
  const q = stats.queue;
  const { paused, draining } = stats.config;
  const isBusy = (a: QueueAction) => busy.has(`queue:${q}:${a}`);
  const drain = () =>
    onConfirm({
      title: `Drain queue ${q}?`,
      message: `Queue ${q} will refuse new jobs until it is resumed; workers finish the ${stats.counts.queued} queued.`,
      confirmLabel: 'Drain',
      onConfirm: () => onAction(q, 'drain'),
    });
  const clear = () =>
    onConfirm({
      title: `Clear queue ${q}?`,
      message: `This removes the ${stats.counts.queued} waiting jobs of queue ${q} for good. Running jobs go on.`,
      confirmLabel: 'Remove waiting jobs',
      onConfirm: () => onAction(q, 'clear'),
    });
  return html`
    <div class="actions" role="group" aria-label=${`Controls of queue ${q}`}>
      ${
        paused || draining
          ? html`<button type="button" disabled=${isBusy('resume')} onClick=${() => onAction(q, 'resume')}>Resume</button>`
          : html`<button type="button" disabled=${isBusy('pause')} onClick=${() => onAction(q, 'pause')}>Pause</button>`
      }
      <button type="button" disabled=${draining || isBusy('drain')} onClick=${drain}>Drain…</button>
      <button type="button" class="danger" disabled=${isBusy('clear')} onClick=${clear}>Clear…</button>
    </div>
  `;
}

function QueueCard(props: { stats: QueueStats } & Omit<QueueCardsProps, 'queues'>) {
  const { stats, selected, onSelect } = props;
  const q = stats.queue;
  const isSelected = selected === q;
  return html`
    <li class=${`queue-card${isSelected ? ' selected' : ''}`} data-queue=${q}>
      <h3>
        <button type="button" class="link" aria-pressed=${isSelected} onClick=${() => onSelect(q)}>${q}</button>
        ${stats.config.paused ? html`<span class="badge paused">paused</span>` : null}
        ${stats.config.draining ? html`<span class="badge draining">draining</span>` : null}
      </h3>
      <dl class="counts">
        ${COUNTS.map(({ key, label }) => html`<div class=${`count count-${label}`} key=${key}><dt>${label}</dt><dd>${stats.counts[key]}</dd></div>`)}
      </dl>
      <${Utilisation} stats=${stats} />
      ${limitsText(stats.config) ? html`<p class="muted small limits">${limitsText(stats.config)}</p>` : null}
      <p class="muted small">
        ${stats.workers.length} ${stats.workers.length === 1 ? 'worker' : 'workers'}
        ${stats.successRate === null ? '' : ` · ${formatPercent(stats.successRate)} succeeded recently`}
      </p>
      <${Controls} ...${props} />
    </li>
  `;
}

/** Every queue as a card; the selected one's details show below the cards. */
export function QueueCards(props: QueueCardsProps) {
  if (props.queues.length === 0) return html`<p class="muted">No queue to show.</p>`;
  return html`<ul class="queue-cards">${props.queues.map((stats) => html`<${QueueCard} key=${stats.queue} stats=${stats} ...${props} />`)}</ul>`;
}
