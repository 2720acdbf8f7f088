/** How a container's rate of one operation follows DataZone's answers: cut on throttles, climb, plateau, probe. */
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
    rate,
    at: (ms: number) => rate.perSecond(T0 + ms),
    /** A request sent at `sentMs` answered with a throttle at `answeredMs`. */
    throttle: (sentMs: number, answeredMs = sentMs) => rate.answered(T0 + sentMs, true, T0 + answeredMs),
    admit: (sentMs: number, answeredMs = sentMs) => rate.answered(T0 + sentMs, false, T0 + answeredMs),
  };
}

describe('AdaptiveRate', () => {
  it('holds the configured rate until DataZone throttles, whatever it admits', () => {
    const { at, admit } = adaptive(10);
    for (let ms = 0; ms < 5000; ms += 100) admit(ms);
    expect(at(5000)).toBe(10);
  });

  it('cuts to 0.6 of the rate on a throttle, once for a burst of 429s sent before the cut', () => {
    const { at, throttle } = adaptive(10);
    const once = adaptive(10);
    throttle(0, 20);
    once.throttle(0, 20);
    expect(at(20)).toBeCloseTo(6);
    // Requests sent before the cut, answered after it: the same episode.
    throttle(5, 25);
    throttle(19, 30);
    expect(at(30)).toBe(once.at(30));
  });

  it('cuts again for a request sent after the cut that is throttled too', () => {
    const { at, throttle } = adaptive(100);
    throttle(0);
    throttle(50, 60);
    // Below the last ceiling, so the new ceiling is set lower still: (rate × 1.6) / 2 of the rate at the cut.
    const rateAtCut = 100 * (1 + 0.1 * (0.06 - TO_CEILING_MS / 1000) ** 3);
    expect(at(60)).toBeCloseTo(0.6 * ((rateAtCut * 1.6) / 2), 1);
  });

  it('climbs back to the ceiling, stays near it, and only then probes above it', () => {
    const { at, throttle } = adaptive(1000);
    // Four episodes in a row bring the ceiling well below the configured rate, so that the probe shows.
    for (const ms of [0, 100, 200]) throttle(ms);
    const rateAtCut = at(300);
    throttle(300);
    const ceiling = (rateAtCut * 1.6) / 2;
    expect(ceiling).toBeLessThan(500);
    expect(at(300)).toBeCloseTo(0.6 * ceiling);
    expect(at(300 + TO_CEILING_MS)).toBeCloseTo(ceiling);
    // The plateau: within 6 % of the ceiling for 1.6 s around it.
    for (const offset of [-800, -400, 400, 800]) {
      expect(Math.abs(at(300 + TO_CEILING_MS + offset) / ceiling - 1)).toBeLessThan(0.06);
    }
    // Then the probe accelerates: +10 % of the ceiling 1 s past the plateau's middle, +80 % after 2 s.
    expect(at(300 + TO_CEILING_MS + 1000) / ceiling).toBeCloseTo(1.1);
    expect(at(300 + TO_CEILING_MS + 2000) / ceiling).toBeCloseTo(1.8);
  });

  it('never goes above the configured rate', () => {
    const { at, throttle } = adaptive(10);
    throttle(0);
    expect(at(60_000)).toBe(10);
  });

  it('never goes below the floor, 1/256 of the configured rate by default', () => {
    const { at, throttle } = adaptive(256);
    for (let ms = 0; ms < 2000; ms += 10) throttle(ms);
    expect(at(2000)).toBe(1);
    const floored = adaptive(256, 4);
    for (let ms = 0; ms < 2000; ms += 10) floored.throttle(ms);
    expect(floored.at(2000)).toBe(4);
  });

  it('comes back from the floor with time alone, with no answer at all, in under 20 s', () => {
    const { at, throttle } = adaptive(256);
    for (let ms = 0; ms < 2000; ms += 10) throttle(ms);
    expect(at(2000)).toBe(1);
    expect(at(12_000)).toBeLessThan(256);
    expect(at(22_000)).toBe(256);
  });

  it('is not moved by admitted answers', () => {
    const { at, throttle, admit } = adaptive(100);
    throttle(0);
    const before = at(500);
    for (let i = 0; i < 100; i++) admit(400, 500);
    expect(at(500)).toBe(before);
  });

  it('refuses a rate that cannot work', () => {
    expect(() => new AdaptiveRate({ ratePerSecond: 0 })).toThrow(/ratePerSecond/);
  });
});
