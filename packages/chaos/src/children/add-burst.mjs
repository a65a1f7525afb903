/**
 * A producer process for the SQLite kill -9 scenario (plain Node). Input as JSON in argv[2]:
 *   { descriptor, queue, bulk }
 * Adds jobs as fast as it can (one `add`, then one `addBulk` of `bulk` jobs, in turn) and reports
 * each acknowledged add to the parent over IPC the moment `add` resolves: { type: 'ack', ids }.
 * It never stops by itself: the parent SIGKILLs it mid-burst.
 */
import { Queue } from '@waitline/core';

const input = JSON.parse(process.argv[2]);
const mod = await import(input.descriptor.moduleUrl);
const storage = await mod[input.descriptor.exportName].fromDescriptor(input.descriptor.options);
const queue = new Queue(storage, input.queue);
process.send({ type: 'ready' });
let n = 0;
for (;;) {
  const single = await queue.add({ n: n++, pad: 'x'.repeat(200) });
  process.send({ type: 'ack', ids: [single.id] });
  const jobs = await queue.addBulk(Array.from({ length: input.bulk }, () => ({ payload: { n: n++, pad: 'y'.repeat(200) } })));
  process.send({ type: 'ack', ids: jobs.map((j) => j.id) });
}
