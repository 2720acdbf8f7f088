import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_VISIBILITY_TIMEOUT_SECONDS, visibilityTimeoutSeconds } from '../../src/core/backoff.js';

const settings = { baseSeconds: 10, maxSeconds: 900 };

describe('visibilityTimeoutSeconds', () => {
  it('doubles with each receive, between half and all of the exponential value', () => {
    const low = (receiveCount: number) => visibilityTimeoutSeconds({ receiveCount, settings, random: 0 });
    const high = (receiveCount: number) =>
      visibilityTimeoutSeconds({ receiveCount, settings, random: 0.999999 });
    expect([1, 2, 3, 4].map(low)).toEqual([5, 10, 20, 40]);
    expect([1, 2, 3, 4].map(high)).toEqual([10, 20, 40, 80]);
  });

  it('is capped at maxSeconds', () => {
    expect(visibilityTimeoutSeconds({ receiveCount: 50, settings, random: 0.999999 })).toBe(900);
    expect(visibilityTimeoutSeconds({ receiveCount: 50, settings, random: 0 })).toBe(450);
    expect(visibilityTimeoutSeconds({ receiveCount: 1e9, settings, random: 0.5 })).toBe(675);
  });

  it('waits longer on the quota schedule', () => {
    const quota = { baseSeconds: 60, maxSeconds: 3600 };
    expect(visibilityTimeoutSeconds({ receiveCount: 1, settings: quota, random: 0 })).toBeGreaterThan(
      visibilityTimeoutSeconds({ receiveCount: 1, settings, random: 0.999999 }),
    );
  });

  it('treats a missing or invalid receive count as the first receive', () => {
    expect(visibilityTimeoutSeconds({ receiveCount: Number.NaN, settings, random: 0 })).toBe(5);
    expect(visibilityTimeoutSeconds({ receiveCount: 0, settings, random: 0 })).toBe(5);
  });

  it('reads a random number outside [0, 1) as its nearest end: not a number or negative is 0, above 1 is 1', () => {
    const at = (random: number) => visibilityTimeoutSeconds({ receiveCount: 1, settings, random });
    expect([Number.NaN, Number.NEGATIVE_INFINITY, -0.5, 2, Number.POSITIVE_INFINITY].map(at)).toEqual([
      5, 5, 5, 10, 5,
    ]);
  });

  it('stays within what SQS accepts, leaving room for the time since the message was received', () => {
    const big = { baseSeconds: 43_200, maxSeconds: 43_200 };
    expect(visibilityTimeoutSeconds({ receiveCount: 3, settings: big, random: 0.999999 })).toBe(42_000);
    expect(MAX_VISIBILITY_TIMEOUT_SECONDS).toBeLessThanOrEqual(43_200 - 15 * 60 - 5 * 60);
  });

  it('is always an integer in [0, 42000] and never above the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.integer({ min: 1, max: 43_200 }),
        fc.integer({ min: 0, max: 43_200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (receiveCount, baseSeconds, extra, random) => {
          const maxSeconds = Math.min(43_200, baseSeconds + extra);
          const value = visibilityTimeoutSeconds({
            receiveCount,
            settings: { baseSeconds, maxSeconds },
            random,
          });
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(maxSeconds);
        },
      ),
    );
  });
});
