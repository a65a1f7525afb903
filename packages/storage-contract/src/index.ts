/**
 * The contract every Waitline storage passes. An adapter's test file is a few lines:
 *
 * ```ts
 * import { describeStorageContract } from '@waitline/storage-contract';
 * describeStorageContract(sqliteHarness);
 * ```
 *
 * The suite talks to the `Storage` seam directly, one `describe` per area, every test on its own
 * storage and with an explicit `now`.
 * @packageDocumentation
 */
import { afterAll, describe } from 'vitest';
import { describeCancel } from './areas/cancel.js';
import { describeClaimOrdering } from './areas/claim-ordering.js';
import { describeConcurrency } from './areas/concurrency.js';
import { describeConcurrencyProcesses } from './areas/concurrency-processes.js';
import { describeControl } from './areas/control.js';
import { describeDrain } from './areas/drain.js';
import { describeEnqueue } from './areas/enqueue.js';
import { describeGroups } from './areas/groups.js';
import { describeGroupLimits } from './areas/groups-limits.js';
import { describeGroupWeights } from './areas/groups-weights.js';
import { describeGroupRate } from './areas/groups-rate.js';
import { describeGroupList } from './areas/groups-list.js';
import { describeGroupPositions } from './areas/groups-position.js';
import { describeGroupsRandomised } from './areas/groups-randomised.js';
import { describeImport } from './areas/import.js';
import { describeImportLines } from './areas/import-lines.js';
import { describeIsolation } from './areas/isolation.js';
import { describeLease } from './areas/lease.js';
import { describeList } from './areas/list.js';
import { describeMigrate } from './areas/migrate.js';
import { describePosition } from './areas/position.js';
import { describePositionDue } from './areas/position-due.js';
import { describePositionSkew } from './areas/position-skew.js';
import { describeWaitingOrder } from './areas/waiting-order.js';
import { describeRateLimit } from './areas/rate-limit.js';
import { describeReclaim } from './areas/reclaim.js';
import { describeStalls } from './areas/stalls.js';
import { describeRetry } from './areas/retry.js';
import { describeRetryAdmission } from './areas/retry-admission.js';
import { describeRetention } from './areas/retention.js';
import { describeRetentionTransfer } from './areas/retention-transfer.js';
import { describeSchedules } from './areas/schedules.js';
import { describeScheduleWorkers } from './areas/schedule-workers.js';
import { describeRoundTrip } from './areas/round-trip.js';
import { describeTracing } from './areas/tracing.js';
import { describeTransactionalEnqueue } from './areas/transactional-enqueue.js';
import { describeValidation } from './areas/validation.js';
import { describeWorkersStats } from './areas/workers-stats.js';
import { describeWebhookDelivery } from './areas/webhook-delivery.js';
import { describeWebhookField } from './areas/webhook-field.js';
import { describeCrossProcess } from './areas/cross-process.js';
import { describeMultiProcess, type MultiProcessOptions } from './areas/multi-process.js';
import { describeQueueApi } from './areas/queue-api.js';
import { describeWorkerControl } from './areas/worker-control.js';
import { describeWorkerErrors } from './areas/worker-errors.js';
import { describeWorkerProcesses } from './areas/worker-process.js';
import { describeWorkerRun } from './areas/worker-run.js';
import { describeWorkerEdges } from './areas/worker-edges.js';
import { describeWorkerPrefetch } from './areas/worker-prefetch.js';
import { describeWorkerHeldControl } from './areas/worker-held-control.js';
import type { StorageHarness } from './harness.js';

export type { HarnessTransaction, StorageHarness } from './harness.js';
/** The suite's fixtures, for an adapter's own tests: a `NewJob` factory, the times and names it uses, and a seeded generator. */
export { LEASE_MS, newJob, QUEUE, seededRandom, T0, WORKER } from './fixtures.js';
export type { MultiProcessOptions } from './areas/multi-process.js';

/** Options of the suite. */
export interface ContractOptions {
  /** The size of the multi-process drain; defaults to 3 processes × concurrency 5 over 2,000 jobs, global limit 8. */
  multiProcess?: Partial<MultiProcessOptions>;
}

const MULTI_PROCESS_DEFAULTS: MultiProcessOptions = {
  processes: 3,
  concurrencyPerProcess: 5,
  queueConcurrency: 8,
  jobs: 2_000,
  handlerMs: 1,
  timeoutMs: 120_000,
};

/**
 * Registers the whole contract for `harness`: the Storage seam area by area, then `Queue` and
 * `Worker` driven on the storage in real time, then worker processes sharing one database.
 * Removes the harness's databases afterwards.
 */
export function describeStorageContract(harness: StorageHarness, options: ContractOptions = {}): void {
  describe(`storage contract: ${harness.name}`, () => {
    // Dropping what a whole run created (hundreds of Postgres schemas) can pass the 30 s default.
    afterAll(() => harness.cleanup(), 120_000);
    describeEnqueue(harness);
    describeClaimOrdering(harness);
    describePosition(harness);
    describePositionDue(harness);
    describePositionSkew(harness);
    describeWaitingOrder(harness);
    describeGroups(harness);
    describeGroupPositions(harness);
    describeGroupsRandomised(harness);
    describeGroupLimits(harness);
    describeGroupWeights(harness);
    describeGroupRate(harness);
    describeGroupList(harness);
    describeConcurrency(harness);
    describeConcurrencyProcesses(harness);
    describeRateLimit(harness);
    describeLease(harness);
    describeReclaim(harness);
    describeCancel(harness);
    describeControl(harness);
    describeDrain(harness);
    describeRetry(harness);
    describeRetryAdmission(harness);
    describeIsolation(harness);
    describeImport(harness);
    describeImportLines(harness);
    describeList(harness);
    describeWorkersStats(harness);
    describeSchedules(harness);
    describeRetention(harness);
    describeRetentionTransfer(harness);
    describeMigrate(harness);
    describeQueueApi(harness);
    describeValidation(harness);
    describeRoundTrip(harness);
    describeWebhookField(harness);
    describeTransactionalEnqueue(harness);
    describeWorkerRun(harness);
    describeWorkerPrefetch(harness);
    describeWorkerHeldControl(harness);
    describeWorkerEdges(harness);
    describeWorkerControl(harness);
    describeWorkerErrors(harness);
    describeStalls(harness);
    describeTracing(harness);
    describeWebhookDelivery(harness);
    describeScheduleWorkers(harness);
    describeWorkerProcesses(harness);
    describeCrossProcess(harness);
    describeMultiProcess(harness, { ...MULTI_PROCESS_DEFAULTS, ...options.multiProcess });
  });
}
