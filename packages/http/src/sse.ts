/**
 * Server-Sent Events: each stream is a `ReadableStream` body, counted against a per-handler cap,
 * kept alive by a comment on one shared timer, released when the client goes away, and ended when
 * the client leaves more than `MAX_BUFFERED_BYTES` unread.
 * @module
 */
import { HttpError } from './errors.js';

/** What a stream's producer writes to. */
export interface SseSink {
  /** Sends one event whose data is `data` as JSON; ignored once closed. */
  send(event: string, data: unknown): void;
  /** Ends the stream (the client sees the end); runs the producer's cleanup. */
  close(): void;
  /** True once the stream ended, from either side. */
  readonly closed: boolean;
}

interface OpenStream {
  write(text: string): void;
  end(): void;
}

const encoder = new TextEncoder();

/**
 * The most bytes a stream holds for a client that does not read them: past this the stream ends,
 * so a stalled or far-too-slow client costs a bounded amount of memory. It reconnects after the
 * `retry` delay and starts again from a fresh snapshot, since every stream opens with one.
 */
export const MAX_BUFFERED_BYTES = 256 * 1024;

/** The open SSE streams of one handler, at most `maxStreams` at once. */
export class StreamRegistry {
  private readonly open = new Set<OpenStream>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly maxStreams: number,
    private readonly keepAliveMs: number,
  ) {}

  /** How many streams are open now. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Opens a stream. `start` wires the producer and returns its cleanup, called exactly once when
   * the stream ends, whoever ends it. Throws `HttpError` 503 `TOO_MANY_STREAMS` at the cap.
   */
  respond(request: Request, start: (sink: SseSink) => () => void): Response {
    if (this.open.size >= this.maxStreams) {
      throw new HttpError(503, 'TOO_MANY_STREAMS', `this process already serves ${this.maxStreams} event streams (maxStreams); retry later`);
    }
    let stream!: OpenStream;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          stream = this.track(controller, request, start);
        },
        cancel: () => stream.end(),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: MAX_BUFFERED_BYTES }),
    );
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      },
    });
  }

  private track(controller: ReadableStreamDefaultController<Uint8Array>, request: Request, start: (sink: SseSink) => () => void): OpenStream {
    let closed = false;
    let cleanup: (() => void) | undefined;
    const stream: OpenStream = {
      write: (text) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stream.end();
          return;
        }
        // The client has left MAX_BUFFERED_BYTES unread: end rather than buffer without bound.
        if ((controller.desiredSize ?? 1) <= 0) stream.end();
      },
      end: () => {
        if (closed) return;
        closed = true;
        this.release(stream);
        request.signal?.removeEventListener('abort', onAbort);
        try {
          controller.close();
        } catch {
          // already closed or cancelled by the client
        }
        cleanup?.();
      },
    };
    const onAbort = (): void => stream.end();
    this.open.add(stream);
    this.startTimer();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    // A client gone while the request was authorized and read: its signal fires no more events.
    if (request.signal?.aborted) queueMicrotask(onAbort);
    stream.write('retry: 2000\n\n');
    const sink: SseSink = {
      send: (event, data) => stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
      close: () => stream.end(),
      get closed() {
        return closed;
      },
    };
    cleanup = start(sink);
    if (closed) cleanup();
    return stream;
  }

  private release(stream: OpenStream): void {
    this.open.delete(stream);
    if (this.open.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const s of this.open) s.write(': keep-alive\n\n');
    }, this.keepAliveMs);
    this.timer.unref?.();
  }

  /** Ends every open stream (the handler is closing). */
  closeAll(): void {
    for (const s of [...this.open]) s.end();
  }
}
