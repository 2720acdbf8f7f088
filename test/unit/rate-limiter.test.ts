import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/datazone/token-bucket.js';

function bucket(ratePerSecond: number, burst: number) {
  let now = 1_000_000;
  const limiter = new TokenBucket({ ratePerSecond, burst, now: () => now });
  return {
    limiter,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    /** Milliseconds from now until each slot of one reservation. */
    waits: (count = 1, notAfter?: number) => limiter.reserve(count, notAfter)?.map((at) => at - now),
  };
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then spaces reservations 1/rate apart', () => {
    const { waits } = bucket(4, 2);
    expect([0, 1, 2, 3, 4].map(() => waits()?.[0])).toEqual([0, 0, 250, 500, 750]);
  });

  it('refills with time, never above the burst', () => {
    const { waits, advance } = bucket(10, 3);
    waits(3);
    advance(100);
    expect(waits()).toEqual([0]);
    expect(waits()?.[0]).toBeCloseTo(100);
    advance(60_000);
    expect(waits(4)).toEqual([0, 0, 0, 100]);
  });

  it('reserves several slots at once, in order, after those already promised', () => {
    const { waits } = bucket(10, 1);
    expect(waits(2)).toEqual([0, 100]);
    expect(waits(2)).toEqual([200, 300]);
  });

  it('declines, without reserving anything, slots that would come after the deadline', () => {
    const { waits, now } = bucket(1, 1);
    expect(waits(1, now() + 10)).toEqual([0]);
    expect(waits(1, now() + 500)).toBeUndefined();
    // All or none: the second of two slots would be late, so neither is taken.
    expect(waits(2, now() + 1500)).toBeUndefined();
    // Nothing was taken by the declined calls: the next slot is still one second away, not more.
    expect(waits(1, now() + 1000)).toEqual([1000]);
  });

  it('holds a long-run rate: n reservations span (n - burst) / rate seconds', () => {
    const { waits } = bucket(5, 1);
    let last = 0;
    for (let i = 0; i < 101; i++) last = waits()?.[0] ?? Number.NaN;
    expect(last).toBeCloseTo(20_000);
  });

  it('takes back released slots, up to the burst', () => {
    const { limiter, waits } = bucket(10, 2);
    waits(4); // two from the burst, two promised at 100 and 200 ms
    limiter.release(2);
    expect(waits(1)).toEqual([100]);
    limiter.release(50);
    expect(waits(3)).toEqual([0, 0, 100]);
  });

  it('halves the rate on a throttle, once per second, never below the minimum', () => {
    const { limiter, advance } = bucket(16, 1);
    limiter.throttled();
    expect(limiter.currentRatePerSecond).toBe(8);
    limiter.throttled(); // the same episode: a burst of 429s counts once
    expect(limiter.currentRatePerSecond).toBe(8);
    for (let i = 0; i < 10; i++) {
      advance(1000);
      limiter.throttled();
    }
    expect(limiter.currentRatePerSecond).toBe(0.25); // a sixty-fourth of 16
  });

  it('spaces new reservations at the lowered rate', () => {
    const { limiter, waits, advance } = bucket(10, 1);
    waits();
    advance(100);
    limiter.throttled();
    expect(waits(2)).toEqual([0, 200]);
  });

  it('recovers with time alone: a rate too low for a record to make its calls does not stay there', () => {
    const { limiter, advance, waits, now } = bucket(1, 1);
    for (let i = 0; i < 8; i++) {
      limiter.throttled();
      advance(1000);
    }
    // Near the floor, a sixty-fourth of the rate: a record's two slots would not fit in a 57 s budget, so the
    // record makes no call, and no success could ever raise the rate again.
    limiter.throttled();
    expect(limiter.currentRatePerSecond).toBeLessThan(1 / 32);
    expect(waits(2, now() + 57_000)).toBeUndefined();
    // Time does: it doubles every 30 s, back to the configured rate (never above it) within three minutes.
    advance(30_000);
    waits(0);
    expect(limiter.currentRatePerSecond).toBeLessThan(1 / 16);
    expect(limiter.currentRatePerSecond).toBeGreaterThan(1 / 64);
    advance(180_000);
    expect(waits(2, now() + 57_000)).toEqual([0, 1000]);
    expect(limiter.currentRatePerSecond).toBe(1);
  });

  it('climbs back to the configured rate with successes, and never above it', () => {
    const { limiter } = bucket(10, 1);
    limiter.throttled();
    expect(limiter.currentRatePerSecond).toBe(5);
    for (let i = 0; i < 22; i++) limiter.succeeded();
    expect(limiter.currentRatePerSecond).toBeCloseTo(5 * (33 / 32) ** 22);
    expect(limiter.currentRatePerSecond).toBeLessThan(10);
    limiter.succeeded();
    expect(limiter.currentRatePerSecond).toBe(10);
  });

  it('rejects a rate or burst that cannot work', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond/);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(/burst/);
  });
});
