import { DefaultRateLimiter } from '@smithy/core/retry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixedRate, rateVariant } from '../../bench/rate-variants.js';

const fillRateOf = (limiter: DefaultRateLimiter) => (limiter as unknown as { fillRate: number }).fillRate;
const enabledOf = (limiter: DefaultRateLimiter) => (limiter as unknown as { enabled: boolean }).enabled;
const THROTTLE = { errorType: 'THROTTLING' } as const;

/** Answers every 10 ms for 3 s, throttled from 0.8 s to 1.0 s and at 2.2 s: a burst of 429s, then a lone one. */
const ANSWERS = Array.from({ length: 300 }, (_, index) => {
  const ms = 5 + index * 10;
  return { ms, throttled: (ms >= 800 && ms < 1000) || ms === 2205 };
});

describe('bench rate variants: the SDK adaptive mode re-stated', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("follows @smithy/core's DefaultRateLimiter answer for answer", () => {
    // The SDK's limiter reads Date.now: the test's clock starts at 0, as the study's containers do.
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    const limiter = new DefaultRateLimiter();
    const configured = 10_000;
    const law = rateVariant('sdk-cubic', configured);

    for (const { ms, throttled } of ANSWERS) {
      vi.setSystemTime(ms);
      limiter.updateClientSendingRate(throttled ? THROTTLE : {});
      law.answered(ms - 20, throttled, ms);

      const sdkRate = enabledOf(limiter) ? fillRateOf(limiter) : configured;
      expect(law.perSecond(ms)).toBeCloseTo(sdkRate, 4);
    }
  });

  it('falls to half a request per second on a throttle before a rate was ever measured, as the SDK does', () => {
    const law = rateVariant('sdk-cubic', 1000);

    law.answered(0, true, 100);

    expect(law.perSecond(100)).toBe(0.5);
  });
});

describe('bench rate variants: AIMD', () => {
  it('cuts once per episode: answers to requests sent before the cut do not cut again', () => {
    const law = rateVariant('aimd-half', 100);

    law.answered(0, true, 20);
    law.answered(10, true, 25);

    expect(law.perSecond(25)).toBeCloseTo(50.005);
  });

  it('climbs back one request per second per second, never above the configured rate', () => {
    const law = rateVariant('aimd-gentle', 100);
    law.answered(0, true, 0);

    expect(law.perSecond(5000)).toBeCloseTo(85);
    expect(law.perSecond(60_000)).toBe(100);
  });
});

describe('bench rate variants: a fixed rate', () => {
  it('never moves, whatever the answers', () => {
    const law = fixedRate(10_000);
    law.answered(0, true, 10);

    expect(law.perSecond(10)).toBe(10_000);
  });
});
