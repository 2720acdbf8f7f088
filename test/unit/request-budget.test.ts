/**
 * The request budget: a bucket per operation, a record's slots as a unit (given back when unused, reserved again
 * when a cut voids them), and the batch's breaker per operation.
 */
import { describe, expect, it } from 'vitest';
import {
  BatchDeferredError,
  DeadlineExceededError,
  RequestSlotUnavailableError,
  ServiceError,
} from '../../src/core/errors.js';
import type { Deadline } from '../../src/core/ports.js';
import type { Operation } from '../../src/datazone/errors.js';
import { bucketsPerOperation, oneBucketForAll, RequestBudget } from '../../src/datazone/request-budget.js';
import { TokenBucket } from '../../src/datazone/token-bucket.js';
import { cutOnEveryThrottle } from '../support/rate-adaptation.js';

const T0 = 1_000_000;
const OPERATIONS: Operation[] = [
  'GetAsset',
  'StartMetadataGenerationRun',
  'ListMetadataGenerationRuns',
  'GetMetadataGenerationRun',
];

/**
 * A bucket per operation (or one for all), a deadline far away unless told otherwise, on a clock that only moves
 * when the test moves it.
 */
function setup({
  ratePerSecond = 10,
  burst = 1,
  deadlineInMs = 60_000,
  maxWaitMs = Number.POSITIVE_INFINITY,
  shared = false,
} = {}) {
  let now = T0;
  const clock = () => now;
  const bucketOf = (): TokenBucket =>
    new TokenBucket({ ratePerSecond, burst, adaptation: cutOnEveryThrottle(ratePerSecond), now: clock });
  const buckets = shared
    ? oneBucketForAll(bucketOf())
    : Object.fromEntries(OPERATIONS.map((operation) => [operation, bucketOf()]));
  const bucket = (operation: Operation): TokenBucket => buckets[operation] as TokenBucket;
  const deadline: Deadline = {
    at: T0 + deadlineInMs,
    signal: new AbortController().signal,
    finalSignal: new AbortController().signal,
    expired: () => now >= T0 + deadlineInMs,
  };
  const budget = new RequestBudget(buckets, deadline, clock, maxWaitMs);
  return { budget, bucket, advance: (ms: number) => (now += ms) };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('a bucket per operation', () => {
  it('reserves the start’s slot with the GetAsset, each from its own operation’s bucket', () => {
    const { budget, bucket } = setup();
    const record = budget.openBatch().openRecord();
    expect(record.reserve('GetAsset').at).toBe(T0);
    expect(record.reserve('StartMetadataGenerationRun').at).toBe(T0);
    // One slot taken from each: the next caller of either comes after it.
    expect(bucket('GetAsset').reserve(1)).toEqual([T0 + 100]);
    expect(bucket('StartMetadataGenerationRun').reserve(1)).toEqual([T0 + 100]);
    expect(bucket('ListMetadataGenerationRuns').reserve(1)).toEqual([T0]);
  });

  it('does not slow one operation when another is throttled', () => {
    const { budget, bucket } = setup({ ratePerSecond: 10 });
    const record = budget.openBatch().openRecord();
    record.answered('GetAsset', T0, true);
    expect(bucket('GetAsset').currentRatePerSecond).toBeCloseTo(6);
    expect(bucket('StartMetadataGenerationRun').currentRatePerSecond).toBe(10);
  });

  it('draws every operation from one bucket when they share it (a backfill’s total rate)', () => {
    const { budget, bucket } = setup({ shared: true });
    const record = budget.openBatch().openRecord();
    expect(record.reserve('GetAsset').at).toBe(T0);
    expect(record.reserve('StartMetadataGenerationRun').at).toBe(T0 + 100);
    expect(bucket('Search').reserve(1)).toEqual([T0 + 200]);
  });

  it('names an operation without a bucket instead of calling it unpaced', () => {
    const budget = new RequestBudget({}, { at: T0, expired: () => false } as Deadline, () => T0);
    expect(() => budget.reserve(['Search'])).toThrow('no request budget configured for Search');
  });
});

describe('bucketsPerOperation', () => {
  it('builds each operation’s bucket at its own rate, with the rate law it is given', () => {
    const buckets = bucketsPerOperation(
      { GetAsset: { ratePerSecond: 10, burst: 1 }, Search: { ratePerSecond: 2, burst: 1 } },
      () => T0,
      cutOnEveryThrottle,
    );
    expect(Object.keys(buckets)).toEqual(['GetAsset', 'Search']);
    buckets.GetAsset?.answered(T0, true);
    // The given law's 0.6 of 10; the default law would cut from the one request sent (4/s) to 2.4.
    expect(buckets.GetAsset?.currentRatePerSecond).toBeCloseTo(6);
    expect(buckets.Search?.currentRatePerSecond).toBe(2);
  });
});

describe('a record’s slots', () => {
  it('gives an unused held slot back once, however often the record is closed', () => {
    const { budget, bucket } = setup({ burst: 3 });
    bucket('StartMetadataGenerationRun').reserve(2); // one token left
    const record = budget.openBatch().openRecord();
    record.reserve('GetAsset'); // holds the last one
    record.close();
    record.close();
    expect(bucket('StartMetadataGenerationRun').reserve(3)).toEqual([T0, T0 + 100, T0 + 200]);
  });

  it('reserves a start with a listing of runs, as with a GetAsset: a record lists runs before it starts one', () => {
    const { budget, bucket } = setup();
    budget.openBatch().openRecord().reserve('ListMetadataGenerationRuns');
    expect(bucket('StartMetadataGenerationRun').reserve(1)).toEqual([T0 + 100]);
  });

  it('names the first call when its slot and its start’s are equally far', () => {
    const { budget, bucket } = setup({ ratePerSecond: 1, maxWaitMs: 3000 });
    for (let i = 0; i < 4; i++) {
      bucket('GetAsset').reserve(1);
      bucket('StartMetadataGenerationRun').reserve(1);
    }
    expect(thrown(() => budget.openBatch().openRecord().reserve('GetAsset'))).toMatchObject({
      message: expect.stringMatching(/^the next GetAsset request slot is 4 s away/),
    });
  });

  it('does not give a used held slot back when the record closes', () => {
    const { budget, bucket } = setup();
    const record = budget.openBatch().openRecord();
    record.reserve('GetAsset');
    record.reserve('StartMetadataGenerationRun'); // the held slot, now used
    record.close();
    record.close();
    expect(bucket('StartMetadataGenerationRun').reserve(1)).toEqual([T0 + 100]);
  });

  it('does not reserve a start again for a record that already holds one', () => {
    const { budget, bucket } = setup();
    const record = budget.openBatch().openRecord();
    record.reserve('GetAsset'); // holds the start's slot at T0
    record.reserve('ListMetadataGenerationRuns'); // followed by a start: the held one
    expect(bucket('StartMetadataGenerationRun').reserve(1)).toEqual([T0 + 100]);
  });

  it('refuses a held slot’s call once the batch stopped that operation', () => {
    const { budget } = setup();
    const batch = budget.openBatch();
    const record = batch.openRecord();
    record.reserve('GetAsset');
    batch
      .openRecord()
      .callFailed('StartMetadataGenerationRun', new ServiceError('throttled', 'ThrottlingException', 'slow'));
    expect(thrown(() => record.reserve('StartMetadataGenerationRun'))).toBeInstanceOf(BatchDeferredError);
  });

  it('names what it refuses and why, with the operation and its rate', () => {
    const { budget, bucket } = setup({ ratePerSecond: 1.234, deadlineInMs: 500 });
    bucket('StartMetadataGenerationRun').reserve(1);
    expect(thrown(() => budget.openBatch().openRecord().reserve('StartMetadataGenerationRun'))).toMatchObject(
      {
        message:
          'no 1 StartMetadataGenerationRun request slot(s) before the invocation deadline at 1.23 requests/s',
        operation: 'StartMetadataGenerationRun',
      },
    );
    const late = setup({ deadlineInMs: 100 });
    late.advance(100);
    expect(thrown(() => late.budget.reserve(['GetAsset']))).toMatchObject({
      message: 'invocation deadline reached before reserving DataZone request slots',
    });
  });

  it('gives a retry a slot of its own, even once the batch stopped the operation (the call is under way)', async () => {
    const { budget, bucket } = setup();
    const batch = budget.openBatch();
    const record = batch.openRecord();
    record.reserve('GetMetadataGenerationRun');
    batch
      .openRecord()
      .callFailed('GetMetadataGenerationRun', new ServiceError('throttled', 'ThrottlingException', 'slow'));
    await record.beforeRetry('GetMetadataGenerationRun'); // the slot 100 ms away, waited for in real time
    expect(bucket('GetMetadataGenerationRun').reserve(1)).toEqual([T0 + 200]);
  });

  it('stops waiting for a slot when the deadline aborts', async () => {
    const controller = new AbortController();
    const deadline: Deadline = {
      at: T0 + 60_000,
      signal: controller.signal,
      finalSignal: new AbortController().signal,
      expired: () => false,
    };
    const budget = new RequestBudget({}, deadline, () => T0);
    const waiting = budget.waitUntil(T0 + 60_000);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('gives back the slot of a start that never came when the record closes', () => {
    const { budget, bucket } = setup();
    const record = budget.openBatch().openRecord();
    record.reserve('GetAsset');
    record.close();
    expect(bucket('StartMetadataGenerationRun').reserve(1)).toEqual([T0]);
  });

  it('reserves all or nothing: no GetAsset when its start could not follow before the deadline', () => {
    const { budget, bucket } = setup({ ratePerSecond: 1, deadlineInMs: 500 });
    bucket('StartMetadataGenerationRun').reserve(1); // the next start is 1 s away
    const record = budget.openBatch().openRecord();
    expect(() => record.reserve('GetAsset')).toThrow(RequestSlotUnavailableError);
    // Nothing was taken: a GetAsset still fits now.
    expect(bucket('GetAsset').reserve(1, T0 + 500)).toEqual([T0]);
  });

  it('refuses to reserve once the deadline has passed', () => {
    const { budget, advance } = setup({ deadlineInMs: 100 });
    advance(100);
    expect(() => budget.openBatch().openRecord().reserve('ListMetadataGenerationRuns')).toThrow(
      DeadlineExceededError,
    );
  });

  it('reserves again, at the new spacing, a slot that a cut voided while it waited', async () => {
    const { budget, bucket } = setup({ ratePerSecond: 1000 });
    const batch = budget.openBatch();
    // Promised at 1 ms spacing: the fifth record's slot is 4 ms away.
    const slots = [0, 1, 2, 3, 4].map(() => batch.openRecord().reserve('StartMetadataGenerationRun'));
    expect(slots.at(-1)?.at).toBe(T0 + 4);
    const record = batch.openRecord();
    const slot = record.reserve('StartMetadataGenerationRun');
    record.answered('StartMetadataGenerationRun', T0, true); // cut to 600/s: the promised slots are void
    expect(budget.voided(slot)).toBe(true);
    await record.beforeFirstAttempt(slot);
    // It took a fresh slot, the first at the new spacing: the next one comes after it.
    const [next] = bucket('StartMetadataGenerationRun').reserve(1) ?? [];
    expect(next).toBeCloseTo(T0 + 2000 / 600, 3);
  });

  it('gives a voided slot nothing back when its record closes: the cut forgave it', () => {
    const { budget, bucket } = setup({ ratePerSecond: 10 });
    const record = budget.openBatch().openRecord();
    record.reserve('GetAsset'); // holds a start slot at T0
    bucket('StartMetadataGenerationRun').answered(T0, true);
    record.close();
    // No token was returned for the voided slot: the bucket starts from zero at 6/s.
    expect(bucket('StartMetadataGenerationRun').reserve(1)?.[0]).toBeCloseTo(T0 + 1000 / 6, 3);
  });
});

describe('the batch breaker', () => {
  it.each([
    ['a throttle', 'throttled', false],
    ['a quota', 'quota', true],
  ] as const)(
    'stops the batch’s later calls of that operation after %s, with the matching schedule',
    (_label, kind, long) => {
      const { budget } = setup();
      const batch = budget.openBatch();
      batch.openRecord().callFailed('StartMetadataGenerationRun', new ServiceError(kind, 'X', 'pushed back'));
      const refused = thrown(() => batch.openRecord().reserve('StartMetadataGenerationRun'));
      expect(refused).toBeInstanceOf(BatchDeferredError);
      expect(refused).toMatchObject({ long });
      // A record that would need a start after its GetAsset is refused before the GetAsset.
      expect(thrown(() => batch.openRecord().reserve('GetAsset'))).toBeInstanceOf(BatchDeferredError);
      // Other operations go on, and another batch is not stopped.
      expect(() => batch.openRecord().reserve('GetMetadataGenerationRun')).not.toThrow();
      expect(() => budget.openBatch().openRecord().reserve('StartMetadataGenerationRun')).not.toThrow();
    },
  );

  it('names the first failure that stopped an operation, not a later one', () => {
    const { budget } = setup();
    const batch = budget.openBatch();
    batch
      .openRecord()
      .callFailed('StartMetadataGenerationRun', new ServiceError('throttled', 'ThrottlingException', 'a'));
    batch
      .openRecord()
      .callFailed(
        'StartMetadataGenerationRun',
        new ServiceError('quota', 'ServiceQuotaExceededException', 'b'),
      );
    expect(thrown(() => batch.openRecord().reserve('StartMetadataGenerationRun'))).toMatchObject({
      message:
        'not attempted: an earlier StartMetadataGenerationRun request of this batch got ThrottlingException',
      long: false,
      operation: 'StartMetadataGenerationRun',
    });
  });

  it('lets the starts of a batch go on when only its GetAssets are throttled', () => {
    const { budget } = setup();
    const batch = budget.openBatch();
    batch.openRecord().callFailed('GetAsset', new ServiceError('throttled', 'ThrottlingException', 'slow'));
    expect(thrown(() => batch.openRecord().reserve('GetAsset'))).toBeInstanceOf(BatchDeferredError);
    expect(() => batch.openRecord().reserve('StartMetadataGenerationRun')).not.toThrow();
  });

  it.each(['transient', 'permanent', 'conflict'] as const)('keeps calling after a %s failure', (kind) => {
    const { budget } = setup();
    const batch = budget.openBatch();
    batch.openRecord().callFailed('StartMetadataGenerationRun', new ServiceError(kind, 'X', 'failed'));
    expect(() => batch.openRecord().reserve('StartMetadataGenerationRun')).not.toThrow();
  });

  it('gives back the slot of a call that waited for it while the batch stopped', async () => {
    const { budget, bucket } = setup();
    const batch = budget.openBatch();
    const record = batch.openRecord();
    const slot = record.reserve('StartMetadataGenerationRun');
    batch
      .openRecord()
      .callFailed('StartMetadataGenerationRun', new ServiceError('throttled', 'ThrottlingException', 'slow'));
    await expect(record.beforeFirstAttempt(slot)).rejects.toBeInstanceOf(BatchDeferredError);
    expect(bucket('StartMetadataGenerationRun').reserve(1)).toEqual([T0]);
  });
});

describe('adaptation', () => {
  it('cuts an operation’s rate on a throttled attempt only', () => {
    const { budget, bucket } = setup({ ratePerSecond: 8 });
    const record = budget.openBatch().openRecord();
    record.answered('StartMetadataGenerationRun', T0, false);
    expect(bucket('StartMetadataGenerationRun').currentRatePerSecond).toBe(8);
    record.answered('StartMetadataGenerationRun', T0, true);
    expect(bucket('StartMetadataGenerationRun').currentRatePerSecond).toBeCloseTo(4.8);
  });
});

describe('no paid waiting', () => {
  it('hands a record whose slot is further than the limit back to the queue, for as long as the wait', () => {
    const { budget, bucket } = setup({ ratePerSecond: 1, maxWaitMs: 3000 });
    const batch = budget.openBatch();
    for (let record = 0; record < 4; record++) batch.openRecord().reserve('StartMetadataGenerationRun');
    // The fifth slot would come 4 s from now: not waited for in Lambda.
    const refused = thrown(() => batch.openRecord().reserve('StartMetadataGenerationRun'));
    expect(refused).toBeInstanceOf(RequestSlotUnavailableError);
    expect(refused).toMatchObject({ retryAfterSeconds: 4 });
    // Nothing was kept of the refused reservation.
    expect(bucket('StartMetadataGenerationRun').reserve(1)).toEqual([T0 + 4000]);
  });

  it('counts the furthest of a record’s slots: a near GetAsset does not hide a far start', () => {
    const { budget, bucket } = setup({ ratePerSecond: 1, maxWaitMs: 3000 });
    for (let i = 0; i < 4; i++) bucket('StartMetadataGenerationRun').reserve(1);
    const refused = thrown(() => budget.openBatch().openRecord().reserve('GetAsset'));
    expect(refused).toMatchObject({
      retryAfterSeconds: 4,
      message:
        'the next StartMetadataGenerationRun request slot is 4 s away at 1 requests/s: waiting in the queue',
      operation: 'StartMetadataGenerationRun',
    });
    expect(bucket('GetAsset').reserve(1)).toEqual([T0]);
  });

  it('counts the furthest slot when it is the first call’s: a far GetAsset with a near start', () => {
    const { budget, bucket } = setup({ ratePerSecond: 1, maxWaitMs: 3000 });
    for (let i = 0; i < 4; i++) bucket('GetAsset').reserve(1);
    const refused = thrown(() => budget.openBatch().openRecord().reserve('GetAsset'));
    expect(refused).toMatchObject({
      retryAfterSeconds: 4,
      message: expect.stringMatching(/^the next GetAsset /),
    });
  });

  it('waits in Lambda for a slot within the limit', () => {
    const { budget } = setup({ ratePerSecond: 1, maxWaitMs: 3000 });
    const batch = budget.openBatch();
    const slots = [0, 1, 2, 3].map(() => batch.openRecord().reserve('StartMetadataGenerationRun').at);
    expect(slots).toEqual([T0, T0 + 1000, T0 + 2000, T0 + 3000]);
  });
});
