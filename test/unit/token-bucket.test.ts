import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/datazone/token-bucket.js';
import { cutOnEveryThrottle } from '../support/rate-adaptation.js';

function bucket(ratePerSecond: number, burst: number) {
  let now = 1_000_000;
  const limiter = new TokenBucket({
    ratePerSecond,
    burst,
    adaptation: cutOnEveryThrottle(ratePerSecond),
    now: () => now,
  });
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

/** Waits equal to the microsecond: a rate of 6/s spaces slots by 166.67 ms. */
function expectMs(actual: number[] | undefined, expected: number[]) {
  expect(actual?.map((ms) => Math.round(ms * 1000) / 1000)).toEqual(
    expected.map((ms) => Math.round(ms * 1000) / 1000),
  );
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

  it('spaces new reservations at the rate the adaptation sets', () => {
    const { limiter, waits, advance, now } = bucket(10, 1);
    waits();
    advance(100);
    limiter.answered(now() - 50, true); // cut to 0.6 of 10
    expect(limiter.currentRatePerSecond).toBeCloseTo(6);
    expectMs(waits(2), [0, 1000 / 6]);
  });

  it('voids the slots promised before a cut: their debt is forgiven, with no new burst', () => {
    const { limiter, waits, advance, now } = bucket(10, 1);
    expect(waits(5)).toEqual([0, 100, 200, 300, 400]);
    const epoch = limiter.epoch;
    advance(50);
    limiter.answered(now() - 50, true);
    expect(limiter.epoch).toBe(epoch + 1);
    // The four slots still to come are void: the next reservation is the first at the new spacing, not after them.
    expectMs(waits(2), [1000 / 6, 2000 / 6]);
  });

  it('shrinks its burst with the rate: a cut rate does not let a whole batch out at once', () => {
    const { limiter, waits, advance, now } = bucket(1000, 50);
    limiter.answered(now(), true); // 600/s: a burst of 30
    advance(60_000);
    const slots = waits(31) ?? [];
    expect(slots.filter((ms) => ms === 0)).toHaveLength(30);
    expect(slots.at(-1)).toBeCloseTo(1000 / 600);
  });

  it('keeps the epoch when an answer does not cut the rate', () => {
    const { limiter, waits, now } = bucket(10, 1);
    waits(3);
    limiter.answered(now(), false);
    expect(limiter.epoch).toBe(0);
    expect(waits(1)).toEqual([300]);
  });

  it('tells the rate in force now, moved by time since the last answer', () => {
    let now = 1_000_000;
    const climbing = new TokenBucket({ ratePerSecond: 100, burst: 1, now: () => now });
    for (let i = 0; i < 50; i++) climbing.answered(now - 500 + i * 10, false);
    climbing.answered(now, true);
    const cut = climbing.currentRatePerSecond;
    now += 1000;
    expect(climbing.currentRatePerSecond).toBeGreaterThan(cut);
  });

  it('holds the floor it is given, below which no cut goes', () => {
    const floored = new TokenBucket({
      ratePerSecond: 256,
      burst: 1,
      minRatePerSecond: 100,
      now: () => 1_000_000,
    });
    floored.answered(1_000_000, true);
    expect(floored.currentRatePerSecond).toBe(100);
  });

  it('rejects a rate or burst that cannot work', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond/);
    // Whatever rate law it is given: the burst is scaled by the configured rate.
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1, adaptation: cutOnEveryThrottle(1) })).toThrow(
      /ratePerSecond/,
    );
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(/burst/);
  });
});
