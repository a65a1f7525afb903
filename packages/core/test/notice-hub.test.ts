/**
 * NoticeHub, the one notifier every storage builds on: local fan-out, the counts it reports to
 * its transport, echo filtering, and the event relay (events sent only while wanted elsewhere, in
 * order). Hubs are linked by a bus transport in this process: a broadcast medium with a listener
 * registry, which is what every storage's medium is.
 */
import { describe, expect, it } from 'vitest';
import { NoticeHub, type NoticeSink, type NoticeTransport, type StorageNotice } from '../src/index.js';

/** A broadcast medium shared by hubs, and a log of what the hub asked of each transport. */
class Bus {
  readonly sinks = new Set<NoticeSink>();
  readonly listeners = new Map<string, Set<string>>();
  readonly sent: StorageNotice[] = [];

  transport(log: string[] = []): NoticeTransport {
    let mine: NoticeSink | undefined;
    return {
      send: (notice, origin) => {
        this.sent.push(notice);
        for (const sink of this.sinks) sink.deliver(notice, origin);
      },
      wantedElsewhere: async (queue, origin) => [...(this.listeners.get(queue) ?? [])].some((o) => o !== origin),
      start: (sink) => {
        mine = sink;
        this.sinks.add(sink);
        log.push('start');
      },
      stop: () => {
        if (mine) this.sinks.delete(mine);
        log.push('stop');
      },
      listen: (channel) => log.push(`listen ${channel}`),
      unlisten: (channel) => log.push(`unlisten ${channel}`),
      listenRemote: (queue, origin) => this.listeners.set(queue, new Set([...(this.listeners.get(queue) ?? []), origin])),
      unlistenRemote: (queue, origin) => this.listeners.get(queue)?.delete(origin),
    };
  }
}

const event = (data: number): StorageNotice => ({ queue: 'q', kind: 'event', event: 'job:progress', data });
const settle = () => new Promise((r) => setTimeout(r, 20));
/** Resolves once `check` holds; fails after two seconds. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('NoticeHub', () => {
  it('delivers a published notice to its queue and to every-queue subscribers, once, here', () => {
    const hub = new NoticeHub();
    const q: StorageNotice[] = [];
    const all: StorageNotice[] = [];
    const stop = hub.subscribe('q', (n) => q.push(n));
    hub.subscribe('*', (n) => all.push(n));
    hub.publish({ queue: 'q', kind: 'added' });
    hub.publish({ queue: 'other', kind: 'added' });
    stop();
    stop();
    hub.publish({ queue: 'q', kind: 'cancel', jobId: 'j' });
    expect(q).toEqual([{ queue: 'q', kind: 'added' }]);
    expect(all.map((n) => n.queue)).toEqual(['q', 'other', 'q']);
  });

  it('tells its transport of the first and last subscriber and of each channel', () => {
    const log: string[] = [];
    const hub = new NoticeHub({ transport: new Bus().transport(log) });
    const a = hub.subscribe('q', () => undefined);
    const b = hub.subscribe('q', () => undefined);
    const c = hub.subscribe('*', () => undefined);
    a();
    b();
    c();
    hub.subscribe('q', () => undefined);
    expect(log).toEqual(['start', 'listen q', 'listen *', 'unlisten q', 'unlisten *', 'stop', 'start', 'listen q']);
  });

  it('hears other hubs and not its own echo; drops kinds the writes carry', () => {
    const bus = new Bus();
    const a = new NoticeHub({ transport: bus.transport() });
    const b = new NoticeHub({ transport: { ...bus.transport(), carriedByWrites: ['added'] } });
    const heardA: StorageNotice[] = [];
    const heardB: StorageNotice[] = [];
    a.subscribe('q', (n) => heardA.push(n));
    b.subscribe('q', (n) => heardB.push(n));
    a.publish({ queue: 'q', kind: 'added', jobId: '1' });
    b.publish({ queue: 'q', kind: 'added', jobId: '2' });
    b.publish({ queue: 'q', kind: 'cancel', jobId: '3' });
    expect(heardA.map((n) => n.jobId)).toEqual(['1', '3']);
    expect(heardB.map((n) => n.jobId)).toEqual(['1', '3']);
  });

  it('sends events only while another hub listens remotely, in publication order', async () => {
    const bus = new Bus();
    const publisher = new NoticeHub({ transport: bus.transport() });
    const own: unknown[] = [];
    publisher.subscribe('q', (n) => own.push(n.data), { remote: true });
    for (let i = 0; i < 3; i++) publisher.publish(event(i));
    await settle();
    expect(bus.sent).toEqual([]);
    expect(own).toEqual([0, 1, 2]);
    await new Promise((r) => setTimeout(r, 550)); // past the publisher's cached "no"
    const listener = new NoticeHub({ transport: bus.transport() });
    const heard: unknown[] = [];
    const off = listener.subscribe('q', (n) => heard.push(n.data), { remote: true });
    for (let i = 3; i < 8; i++) publisher.publish(event(i));
    await settle();
    expect(heard).toEqual([3, 4, 5, 6, 7]);
    off();
    expect(bus.listeners.get('q')?.has(listener.origin)).toBe(false);
    await Promise.all([publisher.close(), listener.close()]);
  });

  it('hands a batching transport what was sent in one turn of the event loop, in order, once', async () => {
    const batches: number[][] = [];
    const hub = new NoticeHub({
      transport: {
        sendBatch: (notices) => {
          batches.push(notices.map((n) => n.data as number));
        },
      },
    });
    for (let i = 0; i < 3; i++) hub.publish(event(i));
    await settle();
    hub.publish(event(3));
    await settle();
    expect(batches).toEqual([[0, 1, 2], [3]]);
  });

  it('hands a batching transport its next batch only once the last one is written, so overlapping writes keep their order', async () => {
    // A medium whose writes may overlap and land out of order (a connection pool): the first write is slow.
    const stored: number[] = [];
    let calls = 0;
    const sendBatch = (notices: StorageNotice[]): Promise<void> => {
      // Slow enough that 1 and 2 are both published while it lasts, on a loaded machine too.
      const delay = calls++ === 0 ? 500 : 0;
      return new Promise((r) => setTimeout(r, delay)).then(() => {
        stored.push(...notices.map((n) => n.data as number));
      });
    };
    const hub = new NoticeHub({ transport: { sendBatch } });
    hub.publish(event(0));
    await settle();
    hub.publish(event(1));
    await settle();
    hub.publish(event(2));
    await until(() => stored.length === 3);
    expect(stored).toEqual([0, 1, 2]);
    expect(calls).toBe(2); // 1 and 2 waited for the slow write and left together
  });

  it('sends, before its transport closes, what was published before close, even while "wanted elsewhere" is being asked', async () => {
    const log: string[] = [];
    const transport: NoticeTransport = {
      wantedElsewhere: () => new Promise((r) => setTimeout(() => r(true), 30)),
      sendBatch: (notices) => new Promise<void>((r) => setTimeout(r, 30)).then(() => void log.push(`stored ${notices.map((n) => n.data).join(',')}`)),
      close: () => void log.push('close'),
    };
    const hub = new NoticeHub({ transport });
    hub.publish(event(0));
    hub.publish(event(1));
    await hub.close();
    hub.publish(event(2));
    await settle();
    expect(log).toEqual(['stored 0,1', 'close']);
  });

  it('reports the reset listener it was given, and nothing after close', async () => {
    const resets: unknown[] = [];
    const hub = new NoticeHub({
      onReset: (l) => {
        resets.push(l);
        return () => undefined;
      },
    });
    expect(new NoticeHub().onReset).toBeUndefined();
    hub.onReset?.(() => undefined);
    expect(resets).toHaveLength(1);
    const heard: StorageNotice[] = [];
    hub.subscribe('q', (n) => heard.push(n));
    await hub.close();
    hub.publish({ queue: 'q', kind: 'added' });
    expect(heard).toEqual([]);
  });
});
