/**
 * One dedicated connection that LISTENs on a schema's channel, and reconnects when it drops.
 * @module
 * @internal
 */
import pg from 'pg';

/** Reconnect delays grow from the first to the last, then stay there. */
const RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/** What a {@link ListenConnection} reports. @internal */
export interface ListenHandlers {
  /** One NOTIFY payload on the channel. */
  onPayload(payload: string): void;
  /**
   * The connection is (again) listening. `reconnected` is true after a drop: anything sent
   * meanwhile was missed, so the caller catches up by reading what it waits for.
   */
  onListening(reconnected: boolean): void;
}

/**
 * Keeps one `pg.Client` LISTENing on `channel` until {@link close}: when the connection fails or
 * ends, it waits (100 ms growing to 5 s) and connects again, as long as it is not closed.
 * @internal
 */
export class ListenConnection {
  private client: pg.Client | null = null;
  private closed = false;
  private attempts = 0;
  private everListened = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly handlers: ListenHandlers,
  ) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    this.client = client;
    client.on('notification', (m) => {
      if (m.channel === this.channel && m.payload !== undefined) this.handlers.onPayload(m.payload);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replaceAll('"', '""')}"`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.closed || this.client !== client) return;
    const reconnected = this.everListened;
    this.everListened = true;
    this.attempts = 0;
    this.handlers.onListening(reconnected);
  }

  /** Drops `client` (once) and schedules the next attempt. */
  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    if (this.closed) return;
    const delay = RETRY_MS[Math.min(this.attempts, RETRY_MS.length - 1)] as number;
    this.attempts += 1;
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref?.();
  }

  /** Stops listening and ends the connection; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
