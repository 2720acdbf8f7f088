/**
 * A token bucket that hands out reservations: a caller learns at once when its slots come, so it can decline
 * slots that would arrive after the invocation's deadline instead of waiting and being cut off, and can reserve
 * several at once (all or none) for work that needs them all.
 * Reservations are granted in call order and spaced 1/rate apart once the burst is used, which keeps a fleet of
 * N containers at N × rate requests per second at most.
 *
 * The rate adapts below the configured one: a throttled request halves it, at most once per second, and every
 * successful request raises it by a thirty-second of itself. Growth is clocked by successes, so it is slow
 * where the service admits little and quick where it admits much (about 22 successes double the rate).
 * A quota shared with other callers, or a fleet configured above it, then settles near what the service admits
 * instead of spending its retries on throttles. Time alone also doubles it every RECOVERY_DOUBLING_MS: a rate
 * so low that a record's slots no longer fit in an invocation makes no calls, so no success would ever raise
 * it again. The rate never exceeds the configured one.
 */
export interface TokenBucketOptions {
  /** Tokens added per second: the configured, and highest, rate. */
  readonly ratePerSecond: number;
  /** Bucket size: requests allowed back to back after an idle period. */
  readonly burst: number;
  /** Lowest rate throttling can bring it to. Default: a sixty-fourth of ratePerSecond (six halvings). */
  readonly minRatePerSecond?: number;
  readonly now?: () => number;
}

/** Each success raises the rate by this fraction of itself. */
const GROWTH_PER_SUCCESS = 1 / 32;
/** One throttle episode halves the rate once, however many requests of the burst it throttled. */
const DECREASE_INTERVAL_MS = 1000;
/**
 * Without successes, the rate still doubles this often: from the floor back to the configured rate in three
 * minutes. Slow enough that under sustained throttling the halvings (once per second) still dominate.
 */
const RECOVERY_DOUBLING_MS = 30_000;

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private rate: number;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly minRate: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be greater than 0');
    if (!(options.burst >= 1)) throw new RangeError('burst must be at least 1');
    this.now = options.now ?? Date.now;
    this.tokens = options.burst;
    this.updatedAt = this.now();
    this.rate = options.ratePerSecond;
    this.minRate = Math.min(options.ratePerSecond, options.minRatePerSecond ?? options.ratePerSecond / 64);
  }

  /** The rate in force now, in requests per second. */
  get currentRatePerSecond(): number {
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
    this.tokens = Math.min(this.options.burst, this.tokens + count);
  }

  /** A request was throttled: halve the rate, once per episode. */
  throttled(): void {
    const now = this.refill();
    if (now - this.lastDecreaseAt < DECREASE_INTERVAL_MS) return;
    this.lastDecreaseAt = now;
    this.rate = Math.max(this.minRate, this.rate / 2);
  }

  /** A request went through: climb back towards the configured rate. */
  succeeded(): void {
    this.refill();
    this.rate = Math.min(this.options.ratePerSecond, this.rate * (1 + GROWTH_PER_SUCCESS));
  }

  /**
   * Adds the tokens earned since the last update, at the rate in force during that time, then lets that time
   * raise the rate (a throttle in between has already halved it).
   */
  private refill(): number {
    const now = this.now();
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.options.burst, this.tokens + (elapsedMs * this.rate) / 1000);
    if (this.rate < this.options.ratePerSecond) {
      this.rate = Math.min(this.options.ratePerSecond, this.rate * 2 ** (elapsedMs / RECOVERY_DOUBLING_MS));
    }
    this.updatedAt = now;
    return now;
  }
}
