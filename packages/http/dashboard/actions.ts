/**
 * The admin actions the dashboard's buttons call, each with the sentence it announces when done.
 * @module
 */
import { apiUrl, request } from './api.js';
import type { JobAction } from './jobs.js';
import type { QueueAction } from './queues.js';
import type { AdminJob, QueueConfig } from './types.js';

/** Runs a job action through its route; resolves to what to announce. */
export async function runJobAction(job: AdminJob, action: JobAction): Promise<string> {
  const at = ['jobs', job.queue, job.id];
  switch (action.kind) {
    case 'cancel': {
      const { job: after } = await request<{ job: AdminJob }>('POST', apiUrl([...at, 'cancel']));
      return after.state === 'cancelled' ? `Job ${job.id} cancelled.` : `Cancel requested: job ${job.id} stops at its next check.`;
    }
    case 'retry':
      await request<{ job: AdminJob }>('POST', apiUrl([...at, 'retry']));
      return `Job ${job.id} queued again.`;
    case 'promote':
      await request<{ job: AdminJob }>('POST', apiUrl([...at, 'promote']));
      return `Job ${job.id} is ready now.`;
    case 'priority':
      await request<{ job: AdminJob }>('PUT', apiUrl([...at, 'priority']), { priority: action.priority });
      return `Job ${job.id} now has priority ${action.priority}.`;
  }
}

/** Runs a queue action through its route; resolves to what to announce. */
export async function runQueueAction(queue: string, action: QueueAction): Promise<string> {
  const url = apiUrl(['queues', queue, action]);
  if (action === 'clear') {
    const { removed } = await request<{ removed: number }>('POST', url);
    return `Removed ${removed} waiting ${removed === 1 ? 'job' : 'jobs'} from queue ${queue}.`;
  }
  await request<{ config: QueueConfig }>('POST', url);
  const done = { pause: 'paused', resume: 'resumed', drain: 'draining: it takes no new job' } as const;
  return `Queue ${queue} ${done[action]}.`;
}
