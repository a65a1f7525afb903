import { describe, expect, it } from 'vitest';
import { startAfterDueAhead } from '../src/eta-due.js';
import type { DueAhead } from '../src/storage.js';
import { NOW } from './fixtures/eta-inputs.js';

const due = (inMs: number, name = 'default'): DueAhead => ({ name, size: null, runAt: NOW + inMs });
const minute = () => 60_000;

describe('startAfterDueAhead', () => {
  it('pushes the start back by each job due before it, in runAt order, as the start moves', () => {
    // Starts in 100 s; the first comes due at 30 s (start 160 s), which lets the one at 150 s in too (220 s).
    expect(startAfterDueAhead(100_000, [due(30_000), due(150_000), due(300_000)], minute, 1, NOW)).toBe(220_000);
  });

  it('spreads a job due ahead over the slots', () => {
    expect(startAfterDueAhead(100_000, [due(30_000)], minute, 2, NOW)).toBe(130_000);
  });

  it('leaves a job that starts at once (an idle slot) or before the first is due alone', () => {
    expect(startAfterDueAhead(0, [due(1)], minute, 1, NOW)).toBe(0);
    expect(startAfterDueAhead(10_000, [due(10_001)], minute, 1, NOW)).toBe(10_000);
  });

  it('counts a job due the moment a slot frees: it is ready then, and outranks', () => {
    expect(startAfterDueAhead(10_000, [due(10_000)], minute, 1, NOW)).toBe(70_000);
  });

  it('leaves the start alone without a bounded capacity', () => {
    expect(startAfterDueAhead(100_000, [due(1)], minute, Number.POSITIVE_INFINITY, NOW)).toBe(100_000);
  });
});
