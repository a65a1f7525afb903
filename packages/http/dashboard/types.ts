/**
 * The JSON shapes the dashboard and the status page read. They come from the handler's own types
 * (inferred from the zod schemas it answers with) and core's, imported as types only: erased from
 * the bundle, and a change on the server side breaks the typecheck here.
 * @module
 */
import type { GroupCounts, JobProgress, JobState, QueueConfig, QueueStats } from '@waitline/core';
import type { AdminJob, History, PublicJobStatus } from '../src/index.js';

export type { AdminJob, GroupCounts, History, JobProgress, JobState, PublicJobStatus, QueueConfig, QueueStats };

/** `GET /queues/:queue/groups`. */
export interface GroupsPage {
  groups: GroupCounts[];
  nextAfter: string | null;
}

/** `GET /queues/:queue/jobs`. */
export interface JobsPage {
  jobs: AdminJob[];
  nextCursor: string | null;
}

/** The states the finished-jobs list can show. */
export type FinishedState = 'failed' | 'cancelled' | 'completed';
