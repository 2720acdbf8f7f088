/**
 * The DataZone request rates of one container, the one place that paces calls. AWS sets DataZone's quotas per
 * operation, so each operation has its own token bucket and adaptation: a throttled GetAsset slows GetAssets, not
 * the starts. Every HTTP attempt (SDK retries included) waits for a slot of its operation's bucket, each answer
 * adapts that bucket's rate, and once a call of a batch ends throttled or over the quota the batch stops making
 * that operation's calls (its records are handed back with backoff instead).
 *
 * A record's calls are paced as a unit: its first call reserves slots for itself and for the calls that follow it
 * in a record's life (a GetAsset is followed by a start), all or none, before the invocation's deadline and within
 * the longest wait worth paying for. A record that starts can finish; one that cannot is handed back untouched.
 * Slots a record did not use are given back when it closes. A slot voided by a cut of its bucket's rate is
 * reserved again at the new rate before the call goes out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchDeferredError,
  DeadlineExceededError,
  RequestSlotUnavailableError,
  ServiceError,
} from '../core/errors.js';
import type { Deadline } from '../core/ports.js';
import type { RateAdaptation } from './adaptive-rate.js';
import { OPERATIONS, type Operation } from './errors.js';
import { TokenBucket } from './token-bucket.js';

/** The calls that follow a call in a record's life, reserved with it. */
const FOLLOWED_BY: Readonly<Record<Operation, readonly Operation[]>> = {
  GetAsset: ['StartMetadataGenerationRun'],
  StartMetadataGenerationRun: [],
  // A record lists runs before it starts one (a redelivery's check, a failed run's next attempt).
  ListMetadataGenerationRuns: ['StartMetadataGenerationRun'],
  GetMetadataGenerationRun: [],
  Search: [],
};

/** The bucket of each operation; operations may share one (a backfill's single total rate). */
export type OperationBuckets = Readonly<Partial<Record<Operation, TokenBucket>>>;

/** A bucket of its own for each operation, at its own rate (adapted by AdaptiveRate unless told otherwise). */
export function bucketsPerOperation(
  rates: Readonly<Partial<Record<Operation, { readonly ratePerSecond: number; readonly burst: number }>>>,
  now: () => number,
  adaptation?: (ratePerSecond: number) => RateAdaptation,
): OperationBuckets {
  return Object.fromEntries(
    Object.entries(rates).map(([operation, rate]) => [
      operation,
      new TokenBucket({
        ...rate,
        now,
        ...(adaptation === undefined ? {} : { adaptation: adaptation(rate.ratePerSecond) }),
      }),
    ]),
  );
}

/** One bucket every operation draws from: a single total rate. */
export function oneBucketForAll(bucket: TokenBucket): OperationBuckets {
  return Object.fromEntries(OPERATIONS.map((operation) => [operation, bucket]));
}

/** A reserved slot: when its call may go out, and the bucket's epoch it was reserved in. */
export interface Slot {
  readonly operation: Operation;
  readonly at: number;
  readonly epoch: number;
}

export class RequestBudget {
  constructor(
    private readonly buckets: OperationBuckets,
    private readonly deadline: Deadline,
    private readonly now: () => number,
    /** A record's slots further away than this are not waited for in Lambda (billed) but in the queue. */
    private readonly maxWaitMs = Number.POSITIVE_INFINITY,
  ) {}

  openBatch(): BatchBudget {
    return new BatchBudget(this);
  }

  /** One slot per operation, in order, all or none, before the deadline and within the longest wait. */
  reserve(operations: readonly Operation[]): Slot[] {
    if (this.deadline.expired()) {
      throw new DeadlineExceededError('invocation deadline reached before reserving DataZone request slots');
    }
    const slots: Slot[] = [];
    for (const [bucket, wanted] of this.byBucket(operations)) {
      const epoch = bucket.epoch;
      const times = bucket.reserve(wanted.length, this.deadline.at);
      if (times === undefined) {
        this.release(slots);
        throw new RequestSlotUnavailableError(
          `no ${wanted.length} ${wanted[0]} request slot(s) before the invocation deadline at ` +
            `${rounded(bucket.currentRatePerSecond)} requests/s`,
          { operation: wanted[0] },
        );
      }
      wanted.forEach((operation, index) => {
        slots.push({ operation, at: times[index] ?? this.now(), epoch });
      });
    }
    const last = slots.reduce((latest, slot) => (slot.at > latest.at ? slot : latest));
    const waitMs = last.at - this.now();
    if (waitMs > this.maxWaitMs) {
      this.release(slots);
      throw new RequestSlotUnavailableError(
        `the next ${last.operation} request slot is ${Math.ceil(waitMs / 1000)} s away at ` +
          `${rounded(this.bucketOf(last.operation).currentRatePerSecond)} requests/s: waiting in the queue`,
        { retryAfterSeconds: Math.ceil(waitMs / 1000), operation: last.operation },
      );
    }
    return operations.map((operation) => slots.find((slot) => slot.operation === operation) as Slot);
  }

  /** Gives back slots that will not be used; a voided slot's debt is already forgiven. */
  release(slots: readonly Slot[]): void {
    for (const slot of slots) {
      if (!this.voided(slot)) this.bucketOf(slot.operation).release(1);
    }
  }

  voided(slot: Slot): boolean {
    return this.bucketOf(slot.operation).epoch !== slot.epoch;
  }

  /** Waits until a slot's time; aborted by the deadline. */
  async waitUntil(slotAt: number): Promise<void> {
    const waitMs = slotAt - this.now();
    if (waitMs > 0) await sleep(waitMs, undefined, { signal: this.deadline.signal });
  }

  /** Each attempt's answer adapts its operation's rate: a throttle slows that operation down. */
  answered(operation: Operation, sentAt: number, throttled: boolean): void {
    this.bucketOf(operation).answered(sentAt, throttled);
  }

  private bucketOf(operation: Operation): TokenBucket {
    const bucket = this.buckets[operation];
    if (bucket === undefined) throw new Error(`no request budget configured for ${operation}`);
    return bucket;
  }

  /** Operations grouped by the bucket they draw from, in order of first appearance. */
  private byBucket(operations: readonly Operation[]): Map<TokenBucket, Operation[]> {
    const groups = new Map<TokenBucket, Operation[]>();
    for (const operation of operations) {
      const bucket = this.bucketOf(operation);
      groups.set(bucket, [...(groups.get(bucket) ?? []), operation]);
    }
    return groups;
  }
}

const rounded = (rate: number): number => Math.round(rate * 100) / 100;

/** One batch's records: the breakers that stop an operation's calls once DataZone pushes back on it. */
export class BatchBudget {
  private readonly trippedBy = new Map<Operation, ServiceError>();

  constructor(readonly budget: RequestBudget) {}

  openRecord(): RecordBudget {
    return new RecordBudget(this);
  }

  /** A call's final error (after the SDK's retries): a throttle or a quota stops the batch's later such calls. */
  callFailed(operation: Operation, error: unknown): void {
    if (error instanceof ServiceError && (error.kind === 'throttled' || error.kind === 'quota')) {
      if (!this.trippedBy.has(operation)) this.trippedBy.set(operation, error);
    }
  }

  refuseIfTripped(operations: readonly Operation[]): void {
    for (const operation of operations) {
      const error = this.trippedBy.get(operation);
      if (error === undefined) continue;
      throw new BatchDeferredError(
        `not attempted: an earlier ${operation} request of this batch got ${error.name}`,
        error.kind === 'quota',
        operation,
      );
    }
  }
}

/** One record's calls: the slots it holds for the calls still to come. */
export class RecordBudget {
  private readonly held = new Map<Operation, Slot>();

  constructor(private readonly batch: BatchBudget) {}

  private get budget(): RequestBudget {
    return this.batch.budget;
  }

  /**
   * A call's first slot, before the call is sent: held for it, or reserved now with those of the calls that follow
   * it. Throws (reserving nothing) when the batch stopped such calls, the deadline passed or no slot comes in time.
   */
  reserve(operation: Operation): Slot {
    const held = this.held.get(operation);
    if (held !== undefined) {
      this.batch.refuseIfTripped([operation]);
      this.held.delete(operation);
      return held;
    }
    const operations = [operation, ...FOLLOWED_BY[operation].filter((next) => !this.held.has(next))];
    this.batch.refuseIfTripped(operations);
    const [slot, ...followers] = this.budget.reserve(operations);
    for (const follower of followers) this.held.set(follower.operation, follower);
    return slot as Slot;
  }

  /** Right before the first attempt goes out: the wait for its slot. A batch that stopped such calls cancels it. */
  async beforeFirstAttempt(slot: Slot): Promise<void> {
    await this.waitFor(slot, true);
  }

  /** Before an SDK retry: a slot of its own, so that retries cannot bypass the rate. */
  async beforeRetry(operation: Operation): Promise<void> {
    const [slot] = this.budget.reserve([operation]) as [Slot];
    await this.waitFor(slot, false);
  }

  /** Waits for a slot, and for a fresh one when a cut of its bucket's rate voided it meanwhile. */
  private async waitFor(slot: Slot, refuseIfTripped: boolean): Promise<void> {
    let current = slot;
    for (;;) {
      await this.budget.waitUntil(current.at);
      if (refuseIfTripped) {
        try {
          this.batch.refuseIfTripped([current.operation]);
        } catch (error) {
          this.budget.release([current]);
          throw error;
        }
      }
      if (!this.budget.voided(current)) return;
      [current] = this.budget.reserve([current.operation]) as [Slot];
    }
  }

  answered(operation: Operation, sentAt: number, throttled: boolean): void {
    this.budget.answered(operation, sentAt, throttled);
  }

  callFailed(operation: Operation, error: unknown): void {
    this.batch.callFailed(operation, error);
  }

  /** The record is done: slots held for calls it did not make go back to their buckets. */
  close(): void {
    this.budget.release([...this.held.values()]);
    this.held.clear();
  }
}
