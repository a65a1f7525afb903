/**
 * The database server's clock, read locally: `Date.now()` plus an offset measured against the
 * server, so every host using one database stamps and compares times from one source even when
 * their own clocks disagree.
 *
 * Specific to Postgres, so a module of its own: SQLite runs on one host's clock, and Redis takes
 * every time from the caller (`now`).
 * @module
 * @internal
 */
import type { Clock } from '@waitline/core';
import type pg from 'pg';

/** Round trips per measurement; the one with the shortest round trip wins. */
const SAMPLES = 3;
/** How often the offset is measured again (clocks drift; NTP steps them). */
export const REMEASURE_MS = 60_000;

const SERVER_MS = 'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms';

/** The offset (server ms - local ms) from the sample with the shortest round trip. */
async function measureOffset(pool: pg.Pool): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < SAMPLES; i++) {
    const sent = Date.now();
    const { rows } = await pool.query(SERVER_MS);
    const received = Date.now();
    const rtt = received - sent;
    if (rtt < best.rtt) best = { rtt, offset: (rows[0] as { ms: number }).ms - (sent + received) / 2 };
  }
  return Math.round(best.offset);
}

/**
 * A {@link Clock} on the database's time: the offset is measured at {@link start} and every
 * {@link REMEASURE_MS} after (a failed re-measurement keeps the last offset). `now()` never goes
 * backwards within the process, even when a new offset is smaller.
 * @internal
 */
export class DatabaseClock implements Clock {
  private offset = 0;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /** Measures the offset once (errors propagate: the server is unreachable) and keeps it fresh. */
  async start(): Promise<void> {
    this.offset = await measureOffset(this.pool);
    this.timer = setInterval(() => {
      measureOffset(this.pool).then(
        (offset) => {
          this.offset = offset;
        },
        () => undefined,
      );
    }, REMEASURE_MS);
    this.timer.unref?.();
  }

  /** The server's time in ms since the epoch, as estimated here. */
  now(): number {
    this.last = Math.max(this.last, Date.now() + this.offset);
    return this.last;
  }

  /** The current offset in ms (server - local). */
  get offsetMs(): number {
    return this.offset;
  }

  /** Stops re-measuring. */
  stop(): void {
    clearInterval(this.timer);
  }
}
