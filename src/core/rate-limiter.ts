/**
 * A token bucket that hands out reservations: a caller learns at once when its slots come, so it can decline
 * slots that would arrive after the invocation's deadline instead of waiting and being cut off, and can reserve
 * several at once (all or none) for work that needs them all.
 * Reservations are granted in call order and spaced 1/rate apart once the burst is used, which keeps a fleet of
 * N containers at N × rate requests per second at most.
 */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Bucket size: requests allowed back to back after an idle period. */
  readonly burst: number;
  readonly now?: () => number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be greater than 0');
    if (!(options.burst >= 1)) throw new RangeError('burst must be at least 1');
    this.now = options.now ?? Date.now;
    this.tokens = options.burst;
    this.updatedAt = this.now();
  }

  /**
   * Reserves the next `count` slots, all or none, and returns when each may be used (epoch milliseconds, in
   * order), or undefined (reserving nothing) if the last one would come after `notAfter`.
   */
  reserve(count = 1, notAfter = Number.POSITIVE_INFINITY): number[] | undefined {
    const now = this.now();
    const { ratePerSecond, burst } = this.options;
    this.tokens = Math.min(burst, this.tokens + ((now - this.updatedAt) * ratePerSecond) / 1000);
    this.updatedAt = now;
    const slotAt = (index: number) => now + (Math.max(0, index + 1 - this.tokens) * 1000) / ratePerSecond;
    if (slotAt(count - 1) > notAfter) return undefined;
    const slots = Array.from({ length: count }, (_, index) => slotAt(index));
    // The balance may go negative: it is the queue of reservations already promised.
    this.tokens -= count;
    return slots;
  }
}
