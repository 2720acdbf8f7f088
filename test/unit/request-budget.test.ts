/** The request budget: a record's slots as a unit, given back when unused, and the batch's breaker. */
import { describe, expect, it } from 'vitest';
import {
  BatchDeferredError,
  DeadlineExceededError,
  RequestSlotUnavailableError,
  ServiceError,
} from '../../src/core/errors.js';
import type { Deadline } from '../../src/core/ports.js';
import { RequestBudget } from '../../src/datazone/request-budget.js';
import { TokenBucket } from '../../src/datazone/token-bucket.js';

const T0 = 1_000_000;

/** A deadline far away unless told otherwise, on a clock that only moves when the test moves it. */
function setup({
  ratePerSecond = 10,
  burst = 1,
  deadlineInMs = 60_000,
  maxWaitMs = Number.POSITIVE_INFINITY,
} = {}) {
  let now = T0;
  const clock = () => now;
  const bucket = new TokenBucket({ ratePerSecond, burst, now: clock });
  const deadline: Deadline = {
    at: T0 + deadlineInMs,
    signal: new AbortController().signal,
    finalSignal: new AbortController().signal,
    expired: () => now >= T0 + deadlineInMs,
  };
  const budget = new RequestBudget(bucket, deadline, clock, maxWaitMs);
  return { budget, bucket, advance: (ms: number) => (now += ms) };
}

describe('a record’s slots', () => {
  it('reserves the start’s slot with the GetAsset, and uses it for the start', () => {
    const { budget, bucket } = setup();
    const record = budget.openBatch().openRecord();
    expect(record.reserve('GetAsset')).toBe(T0);
    expect(record.reserve('StartMetadataGenerationRun')).toBe(T0 + 100);
    // Two slots taken in all: the next caller's comes after them.
    expect(bucket.reserve(1)).toEqual([T0 + 200]);
  });

  it('gives back the slot of a start that never came when the record closes', () => {
    const { budget, bucket } = setup();
    const record = budget.openBatch().openRecord();
    record.reserve('GetAsset');
    record.close();
    expect(bucket.reserve(1)).toEqual([T0 + 100]);
  });

  it('reserves all or nothing: no GetAsset when its start could not follow before the deadline', () => {
    const { budget, bucket } = setup({ ratePerSecond: 1, deadlineInMs: 500 });
    const record = budget.openBatch().openRecord();
    expect(() => record.reserve('GetAsset')).toThrow(RequestSlotUnavailableError);
    // Nothing was taken: a single call still fits now.
    expect(bucket.reserve(1, T0 + 500)).toEqual([T0]);
  });

  it('refuses to reserve once the deadline has passed', () => {
    const { budget, advance } = setup({ deadlineInMs: 100 });
    advance(100);
    expect(() => budget.openBatch().openRecord().reserve('ListMetadataGenerationRuns')).toThrow(
      DeadlineExceededError,
    );
  });
});

describe('the batch breaker', () => {
  it.each([
    ['a throttle', 'throttled', false],
    ['a quota', 'quota', true],
  ] as const)('stops the batch’s later calls after %s, with the matching schedule', (_label, kind, long) => {
    const { budget } = setup();
    const batch = budget.openBatch();
    batch.openRecord().callFailed(new ServiceError(kind, 'X', 'pushed back'));
    const refused = (() => {
      try {
        batch.openRecord().reserve('StartMetadataGenerationRun');
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(BatchDeferredError);
    expect(refused).toMatchObject({ long });
    // Another batch is not stopped.
    expect(() => budget.openBatch().openRecord().reserve('StartMetadataGenerationRun')).not.toThrow();
  });

  it.each(['transient', 'permanent', 'conflict'] as const)('keeps calling after a %s failure', (kind) => {
    const { budget } = setup();
    const batch = budget.openBatch();
    batch.openRecord().callFailed(new ServiceError(kind, 'X', 'failed'));
    expect(() => batch.openRecord().reserve('StartMetadataGenerationRun')).not.toThrow();
  });

  it('gives back the slot of a call that waited for it while the batch stopped', async () => {
    const { budget, bucket } = setup();
    const batch = budget.openBatch();
    const record = batch.openRecord();
    const slotAt = record.reserve('StartMetadataGenerationRun');
    batch.openRecord().callFailed(new ServiceError('throttled', 'ThrottlingException', 'slow down'));
    await expect(record.beforeFirstAttempt(slotAt)).rejects.toBeInstanceOf(BatchDeferredError);
    expect(bucket.reserve(1)).toEqual([T0]);
  });
});

describe('adaptation', () => {
  it('halves the rate on a throttled attempt only', () => {
    const { budget, bucket } = setup({ ratePerSecond: 8 });
    const record = budget.openBatch().openRecord();
    record.attempted(false);
    expect(bucket.currentRatePerSecond).toBe(8);
    record.attempted(true);
    expect(bucket.currentRatePerSecond).toBe(4);
  });
});

describe('no paid waiting', () => {
  it('hands a record whose first slot is further than the limit back to the queue, for as long as the wait', () => {
    const { budget, bucket } = setup({ ratePerSecond: 1, maxWaitMs: 3000 });
    const batch = budget.openBatch();
    for (let record = 0; record < 4; record++) batch.openRecord().reserve('StartMetadataGenerationRun');
    // The fifth slot would come 4 s from now: not waited for in Lambda.
    let refused: unknown;
    try {
      batch.openRecord().reserve('StartMetadataGenerationRun');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RequestSlotUnavailableError);
    expect(refused).toMatchObject({ retryAfterSeconds: 4 });
    // Nothing was kept of the refused reservation.
    expect(bucket.reserve(1)).toEqual([T0 + 4000]);
  });

  it('waits in Lambda for a slot within the limit', () => {
    const { budget } = setup({ ratePerSecond: 1, maxWaitMs: 3000 });
    const batch = budget.openBatch();
    const slots = [0, 1, 2, 3].map(() => batch.openRecord().reserve('StartMetadataGenerationRun'));
    expect(slots).toEqual([T0, T0 + 1000, T0 + 2000, T0 + 3000]);
  });
});
