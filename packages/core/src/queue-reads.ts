/**
 * A queue's status and statistics reads, kept out of `queue.ts`: the storage read, the ETA
 * computed in core, and the calibration of its range on how this queue object's past ETAs turned
 * out (see `eta-calibration.ts`).
 * @module
 * @internal
 */
import type { Clock } from './clock.js';
import { estimateEtaParts } from './eta.js';
import { EtaCalibrator } from './eta-calibration.js';
import { calibrateAndRecord, learnOutcomes } from './eta-outcomes.js';
import { JobNotFoundError } from './errors.js';
import type { WaitlineEmitter } from './events.js';
import { type JobStatus, toJobStatus } from './job.js';
import type { JobId } from './job-record.js';
import { deriveStats, type QueueStats, STATS_SAMPLE_LIMIT, THROUGHPUT_WINDOWS_MS } from './stats.js';
import type { Storage } from './storage.js';

/** Jobs ahead listed one by one for the ETA's simulation; beyond it the work ahead comes in sums. */
const AHEAD_LIST_LIMIT = 200;
/**
 * How many of the jobs ahead a status read groups by name for the ETA: past it the mix of the
 * first ones stands for all of them, so a read at the back of 100,000 jobs costs about what it
 * costs at 1,000 (the position is still counted exactly).
 */
const AHEAD_WORK_LIMIT = 1_000;
/**
 * How many scheduled, higher-priority jobs a status read lists: those due before the job would
 * start go ahead of it in the ETA. Past the first 100 the estimate stops counting them.
 */
const DUE_AHEAD_LIMIT = 100;

/** What the reads need of their queue. @internal */
export interface ReadsHost {
  readonly storage: Storage;
  readonly name: string;
  readonly clock: Clock;
  readonly workerStaleMs: number;
}

/** One queue object's status and stats reads, with its ETA calibration. @internal */
export class QueueReads {
  private readonly calibration = new EtaCalibrator();
  private learning = false;

  /** `owner` is the queue object: the calibration's notifier listener lives no longer than it. */
  constructor(
    private readonly owner: ReadsHost,
    private readonly emitter: WaitlineEmitter,
  ) {}

  /** See `Queue.getStatus`. `id` is already validated. */
  async status<Result>(id: JobId): Promise<JobStatus<Result>> {
    const { storage, name, clock, workerStaleMs } = this.owner;
    const now = clock.now();
    const params = {
      queue: name,
      id,
      now,
      sampleLimit: STATS_SAMPLE_LIMIT,
      aheadListLimit: AHEAD_LIST_LIMIT,
      aheadWorkLimit: AHEAD_WORK_LIMIT,
      dueAheadLimit: DUE_AHEAD_LIMIT,
      workerStaleMs,
    };
    const inputs = await storage.getPositionInputs(params);
    if (!inputs || inputs.job.queue !== name) throw new JobNotFoundError(id);
    const position = inputs.ahead === null ? null : inputs.ahead + 1;
    if (!this.learning) {
      this.learning = true;
      learnOutcomes(this.owner, { emitter: this.emitter, notifier: storage.notifier, queue: name, clock }, this.calibration);
    }
    const { eta: estimated, floorMs } = estimateEtaParts(inputs, now);
    const eta = calibrateAndRecord(this.calibration, inputs.job, estimated, now, floorMs);
    return toJobStatus<Result>(inputs.job, position, eta, now);
  }

  /** See `Queue.getStats`. */
  async stats(): Promise<QueueStats> {
    const { storage, name, clock, workerStaleMs } = this.owner;
    const [raw, schedules] = await Promise.all([
      storage.getStats({ queue: name, now: clock.now(), windowsMs: [...THROUGHPUT_WINDOWS_MS], sampleLimit: STATS_SAMPLE_LIMIT, workerStaleMs }),
      storage.listSchedules({ queue: name }),
    ]);
    return deriveStats(name, raw, schedules.length);
  }
}
