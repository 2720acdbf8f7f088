/**
 * How fast one container may call one DataZone operation, learned from DataZone's answers: a rate that settles
 * at the container's share of a quota it cannot see (shared with the rest of the fleet and with other callers),
 * never above the configured rate. A cubic law in the manner of TCP CUBIC and the AWS SDK's adaptive mode, but
 * scaled to the rate itself, so that it behaves alike at 2 and at 2,000 requests per second:
 *
 * - a throttle sets the ceiling to the rate the container actually sent over the last second (a container held
 *   back by its own work sends far below a rate configured ten times too high) and cuts to BETA of it, once per
 *   episode: answers to requests sent before the last cut say nothing about the cut rate, so a burst of 429s
 *   counts once;
 * - then the rate climbs back towards the ceiling, flattens out near it (where the fleet was last admitted), and
 *   only then probes above it, faster the longer no throttle comes: the fleet stays near the quota instead of
 *   sawing between half of it and all of it, and still finds a quota that grew or a fleet that shrank.
 *
 * The rate moves with time, not with successes: a rate so low that no record's slots fit in an invocation makes
 * no calls at all, and time alone must bring it back. The constants were chosen with the fleet benchmarks
 * (docs/benchmarks.md: a fleet sharing one quota, and the convergence study).
 */
export interface RateAdaptation {
  /** Requests per second in force at `now`. */
  perSecond(now: number): number;
  /** An attempt sent at `sentAt` was answered at `now`: throttled, or anything else (the service admitted it). */
  answered(sentAt: number, throttled: boolean, now: number): void;
}

export interface AdaptiveRateOptions {
  /** The configured, and highest, rate. */
  readonly ratePerSecond: number;
  /** Lowest rate throttling can bring it to. Default: 1/256 of ratePerSecond (a fleet ten times over is 1/40). */
  readonly minRatePerSecond?: number | undefined;
}

/** The share of the ceiling a throttle leaves. */
const BETA = 0.6;
/** The curve's scale per second cubed, relative to the ceiling: back at it ((1 - BETA) / CUBIC_SCALE)^⅓ ≈ 1.6 s after a cut. */
const CUBIC_SCALE = 0.1;
const SECONDS_TO_CEILING = Math.cbrt((1 - BETA) / CUBIC_SCALE);
/**
 * The window over which the rate actually sent is measured: the last second, or since the first request when
 * that is shorter (a fresh container's first second), but not shorter than a quarter of a second.
 */
const SENT_WINDOW_MS = 1000;
const SHORTEST_SENT_WINDOW_MS = 250;

export class AdaptiveRate implements RateAdaptation {
  private ceiling: number;
  private cutAt = Number.NEGATIVE_INFINITY;
  private readonly minRate: number;
  /** When the answered attempts went out, in the order answered; those before `first` are past the window. */
  private sentTimes: number[] = [];
  private first = 0;
  private firstSentAt = Number.POSITIVE_INFINITY;

  constructor(private readonly options: AdaptiveRateOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be greater than 0');
    this.ceiling = options.ratePerSecond;
    this.minRate = Math.min(options.ratePerSecond, options.minRatePerSecond ?? options.ratePerSecond / 256);
  }

  /** Before any cut, `cutAt` is -Infinity and the curve is above any rate: the configured one. */
  perSecond(now: number): number {
    const seconds = (now - this.cutAt) / 1000 - SECONDS_TO_CEILING;
    const rate = this.ceiling * (1 + CUBIC_SCALE * seconds ** 3);
    return Math.max(this.minRate, Math.min(this.options.ratePerSecond, rate));
  }

  answered(sentAt: number, throttled: boolean, now: number): void {
    this.sentTimes.push(sentAt);
    this.firstSentAt = Math.min(this.firstSentAt, sentAt);
    this.forgetBefore(now - SENT_WINDOW_MS);
    // A request sent in the very millisecond of the cut went out before the cut was known.
    if (!throttled || sentAt <= this.cutAt) return;
    this.ceiling = Math.min(this.perSecond(now), this.sentPerSecond(now));
    this.cutAt = now;
  }

  /**
   * What the container actually sent over the last second. A container held back by its own work (a batch of ten
   * records at a time) sends far below a rate configured ten times too high; cutting from the configured rate
   * would take many throttled episodes to reach what it sends, let alone its share.
   */
  private sentPerSecond(now: number): number {
    this.forgetBefore(now - SENT_WINDOW_MS);
    const windowMs = Math.max(SHORTEST_SENT_WINDOW_MS, Math.min(SENT_WINDOW_MS, now - this.firstSentAt));
    return ((this.sentTimes.length - this.first) * 1000) / windowMs;
  }

  private forgetBefore(since: number): void {
    // Past the end, `?? since` stops the loop.
    while ((this.sentTimes[this.first] ?? since) < since) this.first += 1;
    // Only memory: what is forgotten is dropped once it is most of the array.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,ArithmeticOperator,BlockStatement: memory only, entries before `first` are never read
    if (this.first > 1024 && this.first * 2 > this.sentTimes.length) {
      // Stryker disable next-line MethodExpression: memory only, entries before `first` are never read
      this.sentTimes = this.sentTimes.slice(this.first);
      this.first = 0;
    }
  }
}
