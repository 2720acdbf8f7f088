/**
 * The DataZone request rate of one container, the one place that paces calls: every HTTP attempt (SDK retries
 * included) waits for a slot of the token bucket, each answer adapts the rate, and once a call of a batch ends
 * throttled or over the quota the batch stops calling (its records are handed back with backoff instead).
 *
 * A record's calls are paced as a unit: its first call reserves slots for itself and for the calls that follow it
 * in a record's life (a GetAsset is followed by a start), all or none, before the invocation's deadline. A record
 * that starts can finish; one that cannot is handed back untouched, rather than every record of a batch taking a
 * GetAsset slot and leaving none for the starts. Slots a record did not use are given back when it closes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchDeferredError,
  DeadlineExceededError,
  RequestSlotUnavailableError,
  ServiceError,
} from '../core/errors.js';
import type { Deadline } from '../core/ports.js';
import type { Operation } from './errors.js';
import type { TokenBucket } from './token-bucket.js';

/** The calls that follow a call in a record's life, reserved with it. */
const FOLLOWED_BY: Readonly<Record<Operation, readonly Operation[]>> = {
  GetAsset: ['StartMetadataGenerationRun'],
  StartMetadataGenerationRun: [],
  // A record lists runs before it starts one (a redelivery's check, a failed run's next attempt).
  ListMetadataGenerationRuns: ['StartMetadataGenerationRun'],
  GetMetadataGenerationRun: [],
  Search: [],
};

export class RequestBudget {
  constructor(
    private readonly bucket: TokenBucket,
    private readonly deadline: Deadline,
    private readonly now: () => number,
    /** A record's first slot further away than this is not waited for in Lambda (billed) but in the queue. */
    private readonly maxWaitMs = Number.POSITIVE_INFINITY,
  ) {}

  openBatch(): BatchBudget {
    return new BatchBudget(this);
  }

  /** Slot times for `count` calls, all or none, before the deadline. */
  reserve(count: number): number[] {
    if (this.deadline.expired()) {
      throw new DeadlineExceededError('invocation deadline reached before reserving DataZone request slots');
    }
    const slots = this.bucket.reserve(count, this.deadline.at);
    const rate = this.bucket.currentRatePerSecond;
    if (slots === undefined) {
      throw new RequestSlotUnavailableError(
        `no ${count} DataZone request slot(s) before the invocation deadline at ${rate} requests/s`,
      );
    }
    const waitMs = (slots[0] ?? 0) - this.now();
    if (waitMs > this.maxWaitMs) {
      this.bucket.release(count);
      throw new RequestSlotUnavailableError(
        `the next DataZone request slot is ${Math.ceil(waitMs / 1000)} s away at ${rate} requests/s: waiting in the queue`,
        Math.ceil(waitMs / 1000),
      );
    }
    return slots;
  }

  release(count: number): void {
    if (count > 0) this.bucket.release(count);
  }

  /** Waits until a slot's time; aborted by the deadline. */
  async waitUntil(slotAt: number): Promise<void> {
    const waitMs = slotAt - this.now();
    if (waitMs > 0) await sleep(waitMs, undefined, { signal: this.deadline.signal });
  }

  /** Each attempt's answer adapts the rate: a throttle slows the container down, a success brings it back. */
  attempted(throttled: boolean): void {
    if (throttled) this.bucket.throttled();
    else this.bucket.succeeded();
  }
}

/** One batch's records: the breaker that stops them calling once DataZone pushes back. */
export class BatchBudget {
  private trippedBy: ServiceError | undefined;

  constructor(readonly budget: RequestBudget) {}

  openRecord(): RecordBudget {
    return new RecordBudget(this);
  }

  /** A call's final error (after the SDK's retries): a throttle or a quota stops the batch's later calls. */
  callFailed(error: unknown): void {
    if (error instanceof ServiceError && (error.kind === 'throttled' || error.kind === 'quota')) {
      this.trippedBy ??= error;
    }
  }

  refuseIfTripped(): void {
    if (this.trippedBy === undefined) return;
    throw new BatchDeferredError(
      `not attempted: an earlier request of this batch got ${this.trippedBy.name}`,
      this.trippedBy.kind === 'quota',
    );
  }
}

/** One record's calls: the slots it holds for the calls still to come. */
export class RecordBudget {
  private readonly held = new Map<Operation, number>();

  constructor(private readonly batch: BatchBudget) {}

  /**
   * A call's first slot, before the call is sent: held for it, or reserved now with those of the calls that follow
   * it. Throws (reserving nothing) when the batch stopped calling, the deadline passed or no slot comes before it.
   */
  reserve(operation: Operation): number {
    this.batch.refuseIfTripped();
    const slotAt = this.held.get(operation) ?? this.reserveWithFollowers(operation);
    this.held.delete(operation);
    return slotAt;
  }

  /** Right before the first attempt goes out: the wait for its slot. A batch that stopped meanwhile cancels it. */
  async beforeFirstAttempt(slotAt: number): Promise<void> {
    await this.batch.budget.waitUntil(slotAt);
    try {
      this.batch.refuseIfTripped();
    } catch (error) {
      this.batch.budget.release(1);
      throw error;
    }
  }

  /** Before an SDK retry: a slot of its own, so that retries cannot bypass the rate. */
  async beforeRetry(): Promise<void> {
    const [slotAt] = this.batch.budget.reserve(1);
    if (slotAt !== undefined) await this.batch.budget.waitUntil(slotAt);
  }

  attempted(throttled: boolean): void {
    this.batch.budget.attempted(throttled);
  }

  callFailed(error: unknown): void {
    this.batch.callFailed(error);
  }

  /** The record is done: slots held for calls it did not make go back to the bucket. */
  close(): void {
    this.batch.budget.release(this.held.size);
    this.held.clear();
  }

  private reserveWithFollowers(operation: Operation): number {
    const followers = FOLLOWED_BY[operation].filter((next) => !this.held.has(next));
    const [slotAt = 0, ...rest] = this.batch.budget.reserve(1 + followers.length);
    followers.forEach((next, index) => {
      this.held.set(next, rest[index] ?? slotAt);
    });
    return slotAt;
  }
}
