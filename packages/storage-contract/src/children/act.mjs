/**
 * Does one thing to a storage from another process, then exits (plain Node). Input as JSON in
 * argv[2]: { descriptor, queue, action: 'cancel' | 'add', id?, payload? }. Prints the job id.
 */
import { Queue } from '@waitline/core';
import { openFromDescriptor } from './common.mjs';

const input = JSON.parse(process.argv[2]);
const storage = await openFromDescriptor(input.descriptor);
const queue = new Queue(storage, input.queue);
const job = input.action === 'cancel' ? await queue.cancel(input.id) : (await queue.add(input.payload ?? {})).record;
process.stdout.write(job.id);
await storage.close();
