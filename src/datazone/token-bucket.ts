/**
 * A token bucket that hands out reservations: a caller learns at once when its slots come, so it can decline
 * slots that would arrive after the invocation's deadline instead of waiting and being cut off, and can reserve
 * several at once (all or none) for work that needs them all.
 * Reservations are granted in call order and spaced 1/rate apart once the burst is used, which keeps a fleet of
 * N containers at N × rate requests per second at most. The rate is the adaptation's (adaptive-rate.ts): it
 * follows DataZone's answers, never above the configured rate.
 */
import { AdaptiveRate, type RateAdaptation } from './adaptive-rate.js';

export interface TokenBucketOptions {
  /** Tokens added per second: the configured, and highest, rate. */
  readonly ratePerSecond: number;
  /** Bucket size: requests allowed back to back after an idle period. */
  readonly burst: number;
  /** Lowest rate throttling can bring it to (AdaptiveRate's default when absent). */
  readonly minRatePerSecond?: number;
  /** How answers move the rate; default AdaptiveRate at ratePerSecond. */
  readonly adaptation?: RateAdaptation;
  readonly now?: () => number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private cuts = 0;
  private rate: number;
  private readonly adaptation: RateAdaptation;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be greater than 0');
    if (!(options.burst >= 1)) throw new RangeError('burst must be at least 1');
    this.now = options.now ?? Date.now;
    this.adaptation =
      options.adaptation ??
      new AdaptiveRate({ ratePerSecond: options.ratePerSecond, minRatePerSecond: options.minRatePerSecond });
    this.tokens = options.burst;
    this.updatedAt = this.now();
    this.rate = this.adaptation.perSecond(this.updatedAt);
  }

  /**
   * How many times the rate has been cut. A slot reserved before a cut and not yet used is void: the cut
   * forgave the debt it stood for, and its holder reserves again at the new rate (see `answered`).
   */
  get epoch(): number {
    return this.cuts;
  }

  /** The rate in force now, in requests per second. */
  get currentRatePerSecond(): number {
    this.refill();
    return this.rate;
  }

  /**
   * Reserves the next `count` slots, all or none, and returns when each may be used (epoch milliseconds, in
   * order), or undefined (reserving nothing) if the last one would come after `notAfter`.
   */
  reserve(count = 1, notAfter = Number.POSITIVE_INFINITY): number[] | undefined {
    const now = this.refill();
    const slotAt = (index: number) => now + (Math.max(0, index + 1 - this.tokens) * 1000) / this.rate;
    if (slotAt(count - 1) > notAfter) return undefined;
    const slots = Array.from({ length: count }, (_, index) => slotAt(index));
    // The balance may go negative: it is the queue of reservations already promised.
    this.tokens -= count;
    return slots;
  }

  /** Gives back reserved slots that will not be used (a record deferred, skipped or sharing a call). */
  release(count: number): void {
    this.refill();
    this.tokens = Math.min(this.burst, this.tokens + count);
  }

  /**
   * An attempt sent at `sentAt` (its slot) was answered: the adaptation moves the rate. A cut also voids the
   * slots promised at the old spacing (the debt they stand for is forgiven, with no new burst): sent as promised
   * they would meet the same throttling that caused the cut.
   */
  answered(sentAt: number, throttled: boolean): void {
    const now = this.refill();
    const before = this.rate;
    this.adaptation.answered(sentAt, throttled, now);
    this.rate = this.adaptation.perSecond(now);
    if (this.rate < before) {
      this.cuts += 1;
      this.tokens = Math.max(0, this.tokens);
    }
  }

  /**
   * The burst shrinks with the rate: a burst sized for the configured rate, let out at a rate cut to a fortieth of
   * it, would send a whole batch at once into the throttling that caused the cut.
   */
  private get burst(): number {
    return Math.max(1, (this.options.burst * this.rate) / this.options.ratePerSecond);
  }

  /** Adds the tokens earned since the last update at the rate in force during that time. */
  private refill(): number {
    const now = this.now();
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.rate) / 1000);
    this.rate = this.adaptation.perSecond(now);
    this.updatedAt = now;
    return now;
  }
}
