/**
 * How a container's rate of one operation follows DataZone's answers: a cut to 0.6 of what it actually sent, once
 * per episode, then a climb back, a plateau near that ceiling and an accelerating probe above it.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveRate } from '../../src/datazone/adaptive-rate.js';

const T0 = 1_000_000;
/** Back at the ceiling this long after a cut: ((1 - 0.6) / 0.1)^(1/3) s. */
const TO_CEILING_MS = Math.cbrt(4) * 1000;

function adaptive(ratePerSecond: number, minRatePerSecond?: number) {
  const rate = new AdaptiveRate({
    ratePerSecond,
    ...(minRatePerSecond === undefined ? {} : { minRatePerSecond }),
  });
  return {
    at: (ms: number) => rate.perSecond(T0 + ms),
    /** A request sent at `sentMs` answered with a throttle at `answeredMs`. */
    throttle: (sentMs: number, answeredMs = sentMs) => rate.answered(T0 + sentMs, true, T0 + answeredMs),
    admit: (sentMs: number, answeredMs = sentMs) => rate.answered(T0 + sentMs, false, T0 + answeredMs),
    /** Admitted requests at `perSecond` from `fromMs` until before `toMs`, each answered when sent. */
    traffic(perSecond: number, fromMs: number, toMs: number) {
      for (let ms = fromMs; ms < toMs; ms += 1000 / perSecond) rate.answered(T0 + ms, false, T0 + ms);
    },
  };
}

describe('AdaptiveRate', () => {
  it('holds the configured rate until DataZone throttles, whatever it admits', () => {
    const { at, traffic } = adaptive(10);
    traffic(10, 0, 5000);
    expect(at(5000)).toBe(10);
  });

  it('cuts to 0.6 of the rate sent over the last second when that is the configured rate', () => {
    const { at, traffic, throttle } = adaptive(10);
    traffic(10, 0, 2000);
    throttle(2000);
    // Eleven requests went out in the second up to the throttle, more than the rate allows: the rate is the ceiling.
    expect(at(2000)).toBeCloseTo(6);
  });

  it('cuts from what the container actually sent when that is below its rate, as a container held back by its work', () => {
    const { at, traffic, throttle } = adaptive(1000);
    traffic(20, 0, 3000);
    throttle(3000);
    // 20 sent in the last second (and the throttled one): the ceiling is 21/s, not the configured 1000.
    expect(at(3000)).toBeCloseTo(0.6 * 21);
  });

  it('measures a fresh container over its short life, not a whole second, but over a quarter of one at least', () => {
    const young = adaptive(1000);
    young.traffic(100, 0, 500);
    young.throttle(500); // 51 requests in 0.5 s: 102/s
    expect(young.at(500)).toBeCloseTo(0.6 * 102);
    const newborn = adaptive(1000);
    for (let i = 0; i < 9; i++) newborn.admit(0, 5);
    newborn.throttle(0, 5); // ten at once, answered 5 ms later: counted over 250 ms, 40/s
    expect(newborn.at(5)).toBeCloseTo(0.6 * 40);
  });

  it('counts a burst of 429s for requests sent before the cut once', () => {
    const { at, traffic, throttle } = adaptive(10);
    const once = adaptive(10);
    for (const rate of [{ traffic, throttle }, once]) {
      rate.traffic(10, 0, 2000);
      rate.throttle(2000, 2020);
    }
    // Requests sent before the cut, answered after it: the same episode.
    throttle(2005, 2025);
    throttle(2019, 2030);
    expect(at(2030)).toBe(once.at(2030));
  });

  it('counts a request sent in the very millisecond of the cut as sent before it', () => {
    const { at, traffic, throttle } = adaptive(10);
    const once = adaptive(10);
    for (const rate of [{ traffic, throttle }, once]) {
      rate.traffic(10, 0, 2000);
      rate.throttle(1990, 2000);
    }
    throttle(2000, 2010);
    expect(at(2010)).toBe(once.at(2010));
  });

  it('cuts again for a request sent after the cut that is throttled too', () => {
    const { at, traffic, throttle } = adaptive(10);
    traffic(10, 0, 2000);
    throttle(2000);
    const rateThen = at(2100);
    throttle(2100);
    expect(at(2100)).toBeLessThan(rateThen);
  });

  it('climbs back to the ceiling, stays near it, and only then probes above it', () => {
    const { at, traffic, throttle } = adaptive(1000);
    traffic(100, 0, 2000);
    throttle(2000);
    const ceiling = 101; // the last second's 100 admitted and the throttled one
    expect(at(2000)).toBeCloseTo(0.6 * ceiling);
    expect(at(2000 + TO_CEILING_MS)).toBeCloseTo(ceiling);
    // The plateau: within 6 % of the ceiling for 1.6 s around it.
    for (const offset of [-800, -400, 400, 800]) {
      expect(Math.abs(at(2000 + TO_CEILING_MS + offset) / ceiling - 1)).toBeLessThan(0.06);
    }
    // Then the probe accelerates: +10 % of the ceiling 1 s past the plateau's middle, +80 % after 2 s.
    expect(at(2000 + TO_CEILING_MS + 1000) / ceiling).toBeCloseTo(1.1);
    expect(at(2000 + TO_CEILING_MS + 2000) / ceiling).toBeCloseTo(1.8);
  });

  it('never goes above the configured rate', () => {
    const { at, traffic, throttle } = adaptive(10);
    traffic(10, 0, 1000);
    throttle(1000);
    expect(at(60_000)).toBe(10);
  });

  it('never goes below the floor, 1/256 of the configured rate by default', () => {
    const { at, throttle } = adaptive(2560);
    throttle(1000); // one request in the first second (counted over 250 ms): the ceiling is 4/s, cut to 2.4
    expect(at(1000)).toBe(10);
    const floored = adaptive(2560, 40);
    floored.throttle(1000);
    expect(floored.at(1000)).toBe(40);
  });

  it('comes back from the floor with time alone, with no answer at all, in under 20 s', () => {
    const { at, throttle } = adaptive(1024);
    throttle(1000); // one request in the first second (counted over 250 ms): cut to 2.4, below the floor of 4
    expect(at(1000)).toBe(4);
    expect(at(11_000)).toBeLessThan(1024);
    expect(at(21_000)).toBe(1024);
  });

  it('is not moved by admitted answers', () => {
    const { at, traffic, throttle, admit } = adaptive(100);
    traffic(50, 0, 1000);
    throttle(1000);
    const before = at(1500);
    for (let i = 0; i < 100; i++) admit(1400, 1500);
    expect(at(1500)).toBe(before);
  });

  it('refuses a rate that cannot work', () => {
    expect(() => new AdaptiveRate({ ratePerSecond: 0 })).toThrow(/ratePerSecond/);
  });
});
