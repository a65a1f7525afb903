/**
 * Paced: never two runs at once, a request during a run served once after it, requests while one
 * is pending collapsed, the gap measured from the end of the last run, and `runNow` ignoring the
 * gap but not a run in flight.
 */
import { expect, it } from 'vitest';
import { Paced } from '../src/paced.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function counter(runMs: number) {
  const log = { runs: 0, inFlight: 0, most: 0, ends: [] as number[] };
  const job = async () => {
    log.runs++;
    log.inFlight++;
    log.most = Math.max(log.most, log.inFlight);
    await sleep(runMs);
    log.inFlight--;
    log.ends.push(Date.now());
  };
  return { log, job };
}

it('collapses requests, serves one asked during a run after it, never runs two at once', async () => {
  const { log, job } = counter(30);
  const paced = new Paced(() => 0, job);
  for (let i = 0; i < 5; i++) paced.request();
  await sleep(10);
  expect(log.runs).toBe(1);
  for (let i = 0; i < 5; i++) paced.request();
  // The second run starts on a timer set when the first ends: wait for it rather than assume it
  // comes within a fixed sleep (a stalled process fires this test's timer first), then give a
  // wrongly uncollapsed third run the time to start.
  await expect.poll(() => log.runs, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
  await sleep(120);
  expect(log.runs).toBe(2);
  expect(log.most).toBe(1);
  paced.stop();
});

it('waits the gap from the end of the last run; runNow does not, but joins a run in flight', async () => {
  const { log, job } = counter(5);
  const paced = new Paced(() => 200, job);
  await paced.runNow();
  const firstEnd = log.ends[0] as number;
  paced.request();
  await sleep(50);
  expect(log.runs).toBe(1);
  await paced.runNow();
  expect(log.runs).toBe(2);
  expect(log.ends[1]).toBeGreaterThanOrEqual(firstEnd);
  const second = counter(40);
  const slow = new Paced(() => 0, second.job);
  const a = slow.runNow();
  await slow.runNow();
  await a;
  expect(second.log.runs).toBe(1);
  await sleep(100);
  expect(second.log.runs).toBe(2);
  expect(second.log.most).toBe(1);
  paced.stop();
});

it('a run whose job rejects does not stop later runs', async () => {
  let n = 0;
  const paced = new Paced(
    () => 0,
    async () => {
      n++;
      if (n === 1) throw new Error('boom');
    },
  );
  await paced.runNow();
  await paced.runNow();
  expect(n).toBe(2);
});
