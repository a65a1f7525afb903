/**
 * Where a queue object learns how its ETAs turned out: the `job:completed`, `job:failed` and
 * `job:cancelled` events of this process (a worker on the same queue object, or another queue
 * object through the storage's notifier), taken as they arrive; and any status read of a
 * finished job. It never asks other processes for their events (`remote`): on storages that carry
 * them only on request, every worker elsewhere would then write each job's events for it.
 * @internal
 * @module
 */
import type { Clock } from './clock.js';
import type { Eta } from './eta.js';
import type { EtaCalibrator } from './eta-calibration.js';
import type { WaitlineEmitter, WaitlineEventName } from './events.js';
import type { JobId, JobRecord } from './job-record.js';
import type { Notifier } from './storage-notify.js';

/** Unsubscribes the notifier listener of a queue object that was garbage-collected. */
const collected = new FinalizationRegistry<() => void>((off) => off());

/** The part of a queue object whose events teach its calibrator. @internal */
export interface OutcomeSource {
  emitter: WaitlineEmitter;
  notifier: Notifier | undefined;
  queue: string;
  clock: Clock;
}

/** Scores or forgets `jobId`'s predictions on one final event, at the time it is heard. */
function onEvent(calibrator: EtaCalibrator | undefined, clock: Clock, event: string | undefined, jobId: JobId | undefined): void {
  if (!calibrator || jobId === undefined) return;
  if (event === 'job:completed') calibrator.complete(jobId, clock.now());
  else if (event === 'job:failed' || event === 'job:cancelled') calibrator.forget(jobId);
}

const FINAL: WaitlineEventName[] = ['job:completed', 'job:failed', 'job:cancelled'];

/**
 * Feeds `calibrator` the outcomes `source` hears of, for as long as `owner` lives, and never keeps
 * `owner` (nor the calibrator) alive through the notifier. The finish time of a job is when its
 * event is heard: close to its real finish wherever the notifier delivers promptly.
 * @internal
 */
export function learnOutcomes(owner: object, source: OutcomeSource, calibrator: EtaCalibrator): void {
  const { clock } = source;
  for (const event of FINAL) source.emitter.on(event, (p: unknown) => onEvent(calibrator, clock, event, (p as { jobId?: JobId }).jobId));
  if (source.notifier) collected.register(owner, listenWeakly(source.notifier, source.queue, clock, new WeakRef(calibrator)));
}

/** Subscribes to `queue`'s event notices for the calibrator `ref` holds (in its own scope, so only weakly). */
function listenWeakly(notifier: Notifier, queue: string, clock: Clock, ref: WeakRef<EtaCalibrator>): () => void {
  return notifier.subscribe(queue, (n) => {
    if (n.kind === 'event') onEvent(ref.deref(), clock, n.event, n.jobId ?? (n.data as { jobId?: JobId } | undefined)?.jobId);
  });
}

/**
 * What a status read does with the calibrator: a finished job's record scores (or forgets) its
 * predictions, since a notice may have been lost; a waiting or running job's ETA, computed at
 * `now`, gets the calibrated range (not below `floorMs`, the certain part of its start) and is
 * remembered. Returns the ETA to report.
 * @internal
 */
export function calibrateAndRecord(calibrator: EtaCalibrator, record: JobRecord, eta: Eta | null, now: number, floorMs = 0): Eta | null {
  if (record.state === 'completed' && record.finishedAt !== null) calibrator.complete(record.id, record.finishedAt);
  else if (record.state === 'failed' || record.state === 'cancelled') calibrator.forget(record.id);
  const calibrated = calibrator.calibrate(eta, floorMs);
  calibrator.record(record.id, calibrated, now);
  return calibrated;
}
