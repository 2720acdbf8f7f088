import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/core/rate-limiter.js';

function bucket(ratePerSecond: number, burst: number) {
  let now = 1_000_000;
  const limiter = new TokenBucket({ ratePerSecond, burst, now: () => now });
  return {
    limiter,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then spaces reservations 1/rate apart', () => {
    const { limiter } = bucket(4, 2);
    expect([0, 1, 2, 3, 4].map(() => limiter.reserve())).toEqual([0, 0, 250, 500, 750]);
  });

  it('refills with time, never above the burst', () => {
    const { limiter, advance } = bucket(10, 3);
    limiter.reserve();
    limiter.reserve();
    limiter.reserve();
    advance(100);
    expect(limiter.reserve()).toBe(0);
    expect(limiter.reserve()).toBeCloseTo(100);
    advance(60_000);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([
      0, 0, 0, 100,
    ]);
  });

  it('declines, without reserving, a slot that would come after the deadline', () => {
    const { limiter, now } = bucket(1, 1);
    expect(limiter.reserve(now() + 10)).toBe(0);
    expect(limiter.reserve(now() + 500)).toBeUndefined();
    // The declined call took nothing: the next slot is still one second away, not two.
    expect(limiter.reserve(now() + 1000)).toBe(1000);
  });

  it('holds a long-run rate: n reservations span (n - burst) / rate seconds', () => {
    const { limiter } = bucket(5, 1);
    let last = 0;
    for (let i = 0; i < 101; i++) last = limiter.reserve() ?? Number.NaN;
    expect(last).toBeCloseTo(20_000);
  });

  it('rejects a rate or burst that cannot work', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond/);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(/burst/);
  });
});
