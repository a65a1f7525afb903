/**
 * Counts, from outside the measured process, how many Postgres connections a measurement holds:
 * every 10 ms, `pg_stat_activity` rows whose `application_name` matches the measured places of a
 * child (the runner names them; the systems' connection strings carry the name). Keeps the peak.
 */
import pg from 'pg';
import { PLACE_PREFIX, withAppName } from './places.js';

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class ConnectionWatcher {
  private client: pg.Client | undefined;

  constructor(private readonly url: string) {}

  private async connect(): Promise<pg.Client> {
    if (!this.client) {
      this.client = new pg.Client({ connectionString: withAppName(this.url, 'wlb-monitor') });
      await this.client.connect();
    }
    return this.client;
  }

  /** Starts watching the measured places of the child tagged `tag`; `stop()` returns the peak. */
  async watch(tag: string): Promise<{ stop: () => Promise<number> }> {
    const c = await this.connect();
    const like = `${likeEscape(`${PLACE_PREFIX}${tag}_m`)}%`;
    const sql = 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE $1';
    let peak = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        const n = ((await c.query(sql, [like])).rows[0] as { n: number }).n;
        if (n > peak) peak = n;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return peak;
      },
    };
  }

  async close(): Promise<void> {
    await this.client?.end();
    this.client = undefined;
  }
}
