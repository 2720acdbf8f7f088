import type { RateAdaptation } from '../../src/datazone/adaptive-rate.js';

/**
 * A rate adaptation for tests of what uses one: every throttled answer cuts the rate to 0.6 of itself, nothing
 * else moves it. The real law (adaptive-rate.ts) has tests of its own.
 */
export function cutOnEveryThrottle(ratePerSecond: number): RateAdaptation {
  let rate = ratePerSecond;
  return {
    perSecond: () => rate,
    answered: (_sentAt, throttled) => {
      if (throttled) rate *= 0.6;
    },
  };
}
