import { describe, expect, it } from 'vitest';
import { rateLimitedLogger } from '../src/logger.js';

describe('rateLimitedLogger', () => {
  it('passes at most maxPerWindow lines per window and says how many it held back', () => {
    let t = 0;
    const lines: string[] = [];
    const log = rateLimitedLogger({ warn: (m) => lines.push(m) }, { maxPerWindow: 2, windowMs: 1_000, now: () => t });
    for (let i = 0; i < 5; i++) log.warn(`e${i}`);
    expect(lines).toEqual(['e0', 'e1']);
    t = 1_000;
    log.warn('e5');
    expect(lines).toEqual(['e0', 'e1', 'e5 (3 similar messages suppressed)']);
    log.warn('e6');
    expect(lines.at(-1)).toBe('e6');
  });

  it('never throws, even when its target does', () => {
    const log = rateLimitedLogger({
      warn: () => {
        throw new Error('broken sink');
      },
    });
    expect(() => log.warn('x', new Error('y'))).not.toThrow();
  });
});
