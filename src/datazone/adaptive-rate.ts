/**
 * How fast one container may call one DataZone operation, learned from DataZone's answers: a rate that settles
 * at the container's share of a quota it cannot see (shared with the rest of the fleet and with other callers),
 * never above the configured rate. A cubic law in the manner of TCP CUBIC and the AWS SDK's adaptive mode, but
 * scaled to the rate itself, so it behaves alike at 2 and at 2,000 requests per second:
 *
 * - a throttle cuts the rate to BETA of what it was (the last ceiling), once per episode: answers to requests
 *   sent before the last cut say nothing about the cut rate, so a burst of 429s counts once;
 * - then the rate climbs back towards the ceiling, flattens out near it (where the fleet was last admitted), and
 *   only then probes above it, faster the longer no throttle comes: the fleet stays near the quota instead of
 *   sawing between half of it and all of it, and still finds a quota that grew or a fleet that shrank;
 * - a ceiling lower than the one before means the share shrank: the next ceiling is set below it ("fast
 *   convergence"), which hands a shrinking share back to the containers that need it, so the fleet evens out.
 *
 * The rate moves with time, not with successes: a rate so low that no record's slots fit in an invocation makes
 * no calls at all, and time alone must bring it back.
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
  readonly minRatePerSecond?: number;
}

/** The share of the ceiling a throttle leaves. */
const BETA = 0.6;
/** The curve's scale, per second cubed, relative to the ceiling: back at the ceiling (1 - BETA)/C)^⅓ ≈ 1.6 s after a cut. */
const CUBIC_SCALE = 0.1;
const SECONDS_TO_CEILING = Math.cbrt((1 - BETA) / CUBIC_SCALE);

export class AdaptiveRate implements RateAdaptation {
  private ceiling: number;
  private cutAt = Number.NEGATIVE_INFINITY;
  private readonly minRate: number;

  constructor(private readonly options: AdaptiveRateOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be greater than 0');
    this.ceiling = options.ratePerSecond;
    this.minRate = Math.min(options.ratePerSecond, options.minRatePerSecond ?? options.ratePerSecond / 256);
  }

  perSecond(now: number): number {
    if (this.cutAt === Number.NEGATIVE_INFINITY) return this.options.ratePerSecond;
    const seconds = (now - this.cutAt) / 1000 - SECONDS_TO_CEILING;
    const rate = this.ceiling * (1 + CUBIC_SCALE * seconds ** 3);
    return Math.max(this.minRate, Math.min(this.options.ratePerSecond, rate));
  }

  answered(sentAt: number, throttled: boolean, now: number): void {
    if (!throttled || sentAt < this.cutAt) return;
    const rate = this.perSecond(now);
    this.ceiling = rate < this.ceiling ? (rate * (1 + BETA)) / 2 : rate;
    this.cutAt = now;
  }
}
