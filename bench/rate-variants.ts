/**
 * The rate adaptations the convergence study compares with the worker's own (src/datazone/adaptive-rate.ts):
 * the rule it replaced, two textbook AIMD variants and the AWS SDK's adaptive retry mode (its CUBIC rate law,
 * re-stated from @smithy/core's DefaultRateLimiter with the same constants). Each is a RateAdaptation over the
 * same token bucket, so only the rate law differs. The real fleet's variants (fleet-variants.ts) use them too.
 */
import { AdaptiveRate, type RateAdaptation } from '../src/datazone/adaptive-rate.js';

export const RATE_VARIANTS = ['worker', 'before', 'aimd-half', 'aimd-gentle', 'sdk-cubic'] as const;
export type RateVariant = (typeof RATE_VARIANTS)[number];

export const VARIANT_NAMES: Readonly<Record<RateVariant, string>> = {
  worker: 'the worker: cut to 0.6 × what it sent over the last second, cubic climb to it, plateau, probe',
  before: 'before: halve once per second, +1/32 per success',
  'aimd-half': 'AIMD: halve per episode, +1 request/s per second',
  'aimd-gentle': 'AIMD: ×0.8 per episode, +1 request/s per second',
  'sdk-cubic': "the SDK's adaptive mode: CUBIC, β 0.7 of its measured rate, 1 s throttle backoff",
};

/** A rate that never moves: the worker's bucket left at its configured rate, for a variant paced by the SDK alone. */
export function fixedRate(ratePerSecond: number): RateAdaptation {
  return { perSecond: () => ratePerSecond, answered: () => undefined };
}

export function rateVariant(variant: RateVariant, ratePerSecond: number): RateAdaptation {
  switch (variant) {
    case 'worker':
      return new AdaptiveRate({ ratePerSecond });
    case 'before':
      return new HalvingRate(ratePerSecond);
    case 'aimd-half':
      return new Aimd(ratePerSecond, 0.5);
    case 'aimd-gentle':
      return new Aimd(ratePerSecond, 0.8);
    case 'sdk-cubic':
      return new SdkCubic(ratePerSecond);
  }
}

/** The worker's rule before per-operation budgets: halve at most once per second, grow 1/32 per success. */
class HalvingRate implements RateAdaptation {
  private rate: number;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private updatedAt = Number.NEGATIVE_INFINITY;
  constructor(private readonly configured: number) {
    this.rate = configured;
  }
  perSecond(now: number): number {
    if (this.updatedAt === Number.NEGATIVE_INFINITY || this.rate >= this.configured) return this.rate;
    return Math.min(this.configured, this.rate * 2 ** ((now - this.updatedAt) / 30_000));
  }
  answered(_sentAt: number, throttled: boolean, now: number): void {
    this.rate = this.perSecond(now);
    this.updatedAt = now;
    if (!throttled) {
      this.rate = Math.min(this.configured, this.rate * (1 + 1 / 32));
    } else if (now - this.lastCutAt >= 1000) {
      this.lastCutAt = now;
      this.rate = Math.max(this.configured / 64, this.rate / 2);
    }
  }
}

/** Additive increase in time, multiplicative decrease once per episode (answers to older requests ignored). */
class Aimd implements RateAdaptation {
  private rate: number;
  private cutAt = Number.NEGATIVE_INFINITY;
  private updatedAt: number | undefined;
  constructor(
    private readonly configured: number,
    private readonly keep: number,
  ) {
    this.rate = configured;
  }
  perSecond(now: number): number {
    const elapsed = this.updatedAt === undefined ? 0 : (now - this.updatedAt) / 1000;
    return Math.min(this.configured, this.rate + elapsed * 1);
  }
  answered(sentAt: number, throttled: boolean, now: number): void {
    this.rate = this.perSecond(now);
    this.updatedAt = now;
    if (throttled && sentAt >= this.cutAt) {
      this.cutAt = now;
      this.rate = Math.max(this.configured / 256, this.rate * this.keep);
    }
  }
}

/**
 * DefaultRateLimiter's rate law (@smithy/core, util-retry): unlimited until the first throttle, then β × the
 * measured rate and a cubic climb back to it, never above twice the measured rate. The rate measured is of answers
 * (it counts in updateClientSendingRate), smoothed over half-second buckets. Its clock starts at construction, as
 * the SDK's (lastThrottleTime, lastTxRateBucket); the study's containers are built at time 0.
 */
class SdkCubic implements RateAdaptation {
  private static readonly BETA = 0.7;
  private static readonly SCALE = 0.4;
  private static readonly SMOOTH = 0.8;
  private enabled = false;
  private fillRate = 0.5;
  private lastMaxRate = 0;
  private lastThrottleS = 0;
  private measuredTxRate = 0;
  private requestCount = 0;
  private lastTxRateBucket = 0;
  constructor(private readonly configured: number) {}
  perSecond(): number {
    return this.enabled ? Math.min(this.configured, this.fillRate) : this.configured;
  }
  answered(_sentAt: number, throttled: boolean, now: number): void {
    const t = now / 1000;
    this.measure(t);
    const window = Math.cbrt((this.lastMaxRate * (1 - SdkCubic.BETA)) / SdkCubic.SCALE);
    let calculated: number;
    if (throttled) {
      const rateToUse = this.enabled ? Math.min(this.measuredTxRate, this.fillRate) : this.measuredTxRate;
      this.lastMaxRate = rateToUse;
      this.lastThrottleS = t;
      calculated = rateToUse * SdkCubic.BETA;
      this.enabled = true;
    } else {
      calculated = SdkCubic.SCALE * (t - this.lastThrottleS - window) ** 3 + this.lastMaxRate;
    }
    this.fillRate = Math.max(0.5, Math.min(calculated, 2 * this.measuredTxRate));
  }
  private measure(t: number): void {
    const bucket = Math.floor(t * 2) / 2;
    this.requestCount += 1;
    if (bucket > this.lastTxRateBucket) {
      const current = this.requestCount / (bucket - this.lastTxRateBucket);
      this.measuredTxRate = current * SdkCubic.SMOOTH + this.measuredTxRate * (1 - SdkCubic.SMOOTH);
      this.requestCount = 0;
      this.lastTxRateBucket = bucket;
    }
  }
}
