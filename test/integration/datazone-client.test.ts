/**
 * What the DataZone adapter sends and how it reads DataZone's answers, against an endpoint with canned answers:
 * complete ones, and the incomplete or endless ones the service should never give but the adapter must survive.
 */
import { DataZoneClient } from '@aws-sdk/client-datazone';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeadlineExceededError, ServiceError } from '../../src/core/errors.js';
import type { Clock, DataZoneSession, Deadline, StartRunRequest } from '../../src/core/ports.js';
import { DataZoneCalls, retryDelayMs } from '../../src/datazone/client.js';
import { oneBucketForAll, RequestBudget } from '../../src/datazone/request-budget.js';
import { TokenBucket } from '../../src/datazone/token-bucket.js';
import {
  type AdapterOptions,
  type ArrivedRequest,
  adapterParts,
  type CannedDataZone,
  startCannedDataZone,
} from '../support/canned-datazone.js';

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const ASSET = 'ayzstznnx4dxyf';
const PROJECT = '6oy92hwk937pgn';
const GLUE_TABLE = 'amazon.datazone.GlueTableAssetType';

let endpoint: CannedDataZone;
const finishers: (() => void)[] = [];

beforeAll(async () => {
  endpoint = await startCannedDataZone();
});
afterAll(() => endpoint.close());
afterEach(() => {
  for (const finish of finishers.splice(0)) finish();
  endpoint.requests.length = 0;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A session of the real adapter; `now` is the adapter's clock, the one that dates a start's request. */
function session(now: Clock = Date.now, options: AdapterOptions = {}): DataZoneSession {
  const { client, budget, deadline } = adapterParts(endpoint, options);
  finishers.push(() => deadline.finish());
  return new DataZoneCalls(client, budget, deadline, now).batch().session();
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

/** A deadline that has passed once `pass()` is called, while its abort (a timer, a moment later) has not fired. */
function deadlineToPass(): Deadline & { pass(): void } {
  let passed = false;
  return {
    at: Date.now() + 30_000,
    signal: new AbortController().signal,
    finalSignal: new AbortController().signal,
    expired: () => passed,
    pass: () => {
      passed = true;
    },
  };
}

/** The real adapter under `deadline`, its budget one bucket of the given rate for every operation. */
function callsUnder(
  deadline: Deadline,
  rate: { ratePerSecond: number; burst: number },
  options: AdapterOptions = {},
): DataZoneCalls {
  const parts = adapterParts(endpoint, options);
  finishers.push(() => parts.deadline.finish());
  const budget = new RequestBudget(oneBucketForAll(new TokenBucket(rate)), deadline, Date.now);
  return new DataZoneCalls(parts.client, budget, deadline);
}

const COMPLETE_ASSET = { id: ASSET, revision: '3', owningProjectId: PROJECT, typeIdentifier: GLUE_TABLE };

describe('the client', () => {
  it('must be one createDataZoneClient made: another would send unpaced', () => {
    const { budget, deadline } = adapterParts(endpoint);
    expect(() => new DataZoneCalls(new DataZoneClient({}), budget, deadline)).toThrow(
      'DataZoneCalls needs a client made by createDataZoneClient (it paces every request)',
    );
  });
});

describe('getAsset', () => {
  it('asks for the given revision', async () => {
    endpoint.answerWith(() => ({ body: COMPLETE_ASSET }));
    await session().getAsset(DOMAIN, ASSET, '2');
    expect(endpoint.requests).toMatchObject([
      { method: 'GET', path: `/v2/domains/${DOMAIN}/assets/${ASSET}` },
    ]);
    expect(endpoint.requests[0]?.query.get('revision')).toBe('2');
  });

  it('asks for the current revision when none is given', async () => {
    endpoint.answerWith(() => ({ body: COMPLETE_ASSET }));
    await session().getAsset(DOMAIN, ASSET, undefined);
    expect(endpoint.requests[0]?.query.has('revision')).toBe(false);
  });

  it.each([
    ['an active listing: listed', { listingId: 'l-1', listingStatus: 'ACTIVE' }, true],
    ['an inactive listing: not listed', { listingId: 'l-1', listingStatus: 'INACTIVE' }, false],
  ])('reads %s', async (_label, listing, listed) => {
    endpoint.answerWith(() => ({ body: { ...COMPLETE_ASSET, listing } }));
    expect(await session().getAsset(DOMAIN, ASSET, undefined)).toEqual({
      revision: '3',
      owningProjectId: PROJECT,
      typeIdentifier: GLUE_TABLE,
      listed,
    });
  });

  it('leaves listed undefined when the answer says nothing of a listing', async () => {
    endpoint.answerWith(() => ({ body: COMPLETE_ASSET }));
    const asset = await session().getAsset(DOMAIN, ASSET, undefined);
    expect(asset).toHaveProperty('listed', undefined);
  });

  it.each(['revision', 'owningProjectId', 'typeIdentifier'])(
    'fails as a transient service fault when the answer lacks %s',
    async (field) => {
      endpoint.answerWith(() => ({ body: { ...COMPLETE_ASSET, [field]: undefined } }));
      const error = await failure(session().getAsset(DOMAIN, ASSET, undefined));
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({
        kind: 'transient',
        name: 'IncompleteResponseError',
        message: 'GetAsset response lacks revision, owningProjectId or typeIdentifier',
      });
    },
  );
});

const START: StartRunRequest = {
  domainId: DOMAIN,
  assetId: ASSET,
  revision: '3',
  owningProjectId: PROJECT,
  generationTypes: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
  clientToken: 'token-client-test-1',
};

/** A run DataZone created at a whole second, as its JSON gives it (epoch seconds). */
const CREATED_AT_MS = 1_790_000_000_000;

describe('startMetadataGenerationRun', () => {
  it('sends the asset, its revision and project, the types and the worker’s client token', async () => {
    endpoint.answerWith(() => ({ body: { id: 'run-1', status: 'SUBMITTED' } }));
    expect(await session().startMetadataGenerationRun(START)).toEqual({
      runId: 'run-1',
      status: 'SUBMITTED',
      replayed: false,
    });
    expect(endpoint.requests).toMatchObject([
      {
        method: 'POST',
        path: `/v2/domains/${DOMAIN}/metadata-generation-runs`,
        query: new URLSearchParams(),
        body: {
          owningProjectIdentifier: PROJECT,
          target: { type: 'ASSET', identifier: ASSET, revision: '3' },
          types: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
          clientToken: 'token-client-test-1',
        },
      },
    ]);
  });

  it('fails as a transient service fault when the answer lacks the run id', async () => {
    endpoint.answerWith(() => ({ body: { status: 'SUBMITTED' } }));
    const error = await failure(session().startMetadataGenerationRun(START));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      kind: 'transient',
      name: 'IncompleteResponseError',
      message: 'StartMetadataGenerationRun response lacks the run id',
    });
  });

  it.each([
    ['created within the clock tolerance (2 s) before the request: fresh', CREATED_AT_MS + 2000, false],
    ['created more than 2 s before the request: replayed', CREATED_AT_MS + 2001, true],
    ['created after the request: fresh', CREATED_AT_MS - 500, false],
  ])('a run %s', async (_label, requestedAt, replayed) => {
    endpoint.answerWith(() => ({
      body: { id: 'run-1', status: 'IN_PROGRESS', createdAt: CREATED_AT_MS / 1000 },
    }));
    const started = await session(() => requestedAt).startMetadataGenerationRun(START);
    expect(started).toEqual({ runId: 'run-1', status: 'IN_PROGRESS', replayed });
  });
});

describe('listRuns', () => {
  const run = (id: string | undefined, revision: string) => ({
    id,
    status: 'SUCCEEDED',
    target: { type: 'ASSET', identifier: ASSET, revision },
    types: ['BUSINESS_NAMES'],
    createdAt: CREATED_AT_MS / 1000,
  });

  it('asks for the asset’s runs, 50 a page, and follows the pages to the last', async () => {
    endpoint.answerWith((request) =>
      request.query.get('nextToken') === 'page-2'
        ? { body: { items: [run('run-2', '2')] } }
        : { body: { items: [run('run-1', '1')], nextToken: 'page-2' } },
    );
    const runs = await session().listRuns(DOMAIN, ASSET);
    expect(runs.map((summary) => [summary.runId, summary.revision])).toEqual([
      ['run-1', '1'],
      ['run-2', '2'],
    ]);
    expect(runs[0]).toEqual({
      runId: 'run-1',
      status: 'SUCCEEDED',
      assetId: ASSET,
      revision: '1',
      types: ['BUSINESS_NAMES'],
      createdAt: CREATED_AT_MS,
    });
    expect(endpoint.requests.map((request) => [request.path, Object.fromEntries(request.query)])).toEqual([
      [`/v2/domains/${DOMAIN}/metadata-generation-runs`, { targetIdentifier: ASSET, maxResults: '50' }],
      [
        `/v2/domains/${DOMAIN}/metadata-generation-runs`,
        { targetIdentifier: ASSET, maxResults: '50', nextToken: 'page-2' },
      ],
    ]);
  });

  it('skips a listed run without an id', async () => {
    endpoint.answerWith(() => ({ body: { items: [run(undefined, '1'), run('run-2', '2')] } }));
    expect((await session().listRuns(DOMAIN, ASSET)).map((summary) => summary.runId)).toEqual(['run-2']);
  });

  it('reads a page without items as no runs', async () => {
    endpoint.answerWith(() => ({ body: {} }));
    expect(await session().listRuns(DOMAIN, ASSET)).toEqual([]);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('stops after five pages when the service never stops paging', async () => {
    let page = 0;
    endpoint.answerWith(() => {
      page += 1;
      return { body: { items: [run(`run-${page}`, '1')], nextToken: `after-${page}` } };
    });
    const runs = await session().listRuns(DOMAIN, ASSET);
    expect(runs.map((summary) => summary.runId)).toEqual(['run-1', 'run-2', 'run-3', 'run-4', 'run-5']);
    expect(endpoint.requests).toHaveLength(5);
  });
});

describe('getRun', () => {
  it('reads a run with its per-type results', async () => {
    endpoint.answerWith(() => ({
      body: {
        id: 'run-7',
        domainId: DOMAIN,
        owningProjectId: PROJECT,
        status: 'PARTIALLY_SUCCEEDED',
        target: { type: 'ASSET', identifier: ASSET, revision: '3' },
        types: ['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'],
        createdAt: CREATED_AT_MS / 1000,
        typeStats: [
          { type: 'BUSINESS_NAMES', status: 'SUCCEEDED' },
          { type: 'BUSINESS_DESCRIPTIONS', status: 'FAILED', errorMessage: 'no schema' },
        ],
      },
    }));
    expect(await session().getRun(DOMAIN, 'run-7')).toEqual({
      runId: 'run-7',
      domainId: DOMAIN,
      owningProjectId: PROJECT,
      status: 'PARTIALLY_SUCCEEDED',
      assetId: ASSET,
      revision: '3',
      types: ['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'],
      createdAt: CREATED_AT_MS,
      typeStats: [
        { type: 'BUSINESS_NAMES', status: 'SUCCEEDED', errorMessage: undefined },
        { type: 'BUSINESS_DESCRIPTIONS', status: 'FAILED', errorMessage: 'no schema' },
      ],
    });
    expect(endpoint.requests).toMatchObject([
      { method: 'GET', path: `/v2/domains/${DOMAIN}/metadata-generation-runs/run-7` },
    ]);
  });

  it('fills what a sparse answer leaves out from the request: the run id and the domain', async () => {
    endpoint.answerWith(() => ({ body: { status: 'SUBMITTED', typeStats: [{ status: 'FAILED' }] } }));
    expect(await session().getRun(DOMAIN, 'run-8')).toMatchObject({
      runId: 'run-8',
      domainId: DOMAIN,
      owningProjectId: undefined,
      typeStats: [{ type: 'UNKNOWN', status: 'FAILED', errorMessage: undefined }],
    });
  });

  it('reads no per-type results when the answer has none', async () => {
    endpoint.answerWith(() => ({ body: { id: 'run-9', status: 'SUBMITTED' } }));
    expect(await session().getRun(DOMAIN, 'run-9')).toMatchObject({ typeStats: [] });
  });
});

describe('a call that cannot go out', () => {
  it('fails before sending once the invocation deadline has passed, naming the operation', async () => {
    const expired = session(Date.now, { remainingMs: 0 });
    const error = await failure(expired.getRun(DOMAIN, 'run-1'));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ message: 'invocation deadline reached before GetMetadataGenerationRun' });
    expect(endpoint.requests).toEqual([]);
  });

  it('fails with the SDK’s own error, not the deadline’s, when the request cannot be built', async () => {
    const unbuildable = session();
    // A misconfigured endpoint: the SDK fails while building the request, before any attempt.
    vi.stubEnv('AWS_ENDPOINT_URL_DATAZONE', 'not a url');
    const error = await failure(unbuildable.getRun(DOMAIN, 'run-1'));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      kind: 'transient',
      name: 'TypeError',
      message: 'Invalid URL',
      operation: 'GetMetadataGenerationRun',
    });
    expect(endpoint.requests).toEqual([]);
  });

  it('fails with the service’s error, translated for the operation', async () => {
    endpoint.answerWith(() => ({
      status: 409,
      errorType: 'ConflictException',
      body: { message: 'a run is under way' },
    }));
    const error = await failure(session().startMetadataGenerationRun(START));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      kind: 'conflict',
      name: 'ConflictException',
      message: 'a run is under way',
      operation: 'StartMetadataGenerationRun',
    });
  });
});

describe('a call cut short', () => {
  it('fails with the deadline, naming the operation, when the deadline aborts its only attempt', async () => {
    endpoint.answerWith(() => ({ body: COMPLETE_ASSET, delayMs: 3000 }));
    const error = await failure(session(Date.now, { remainingMs: 200 }).getAsset(DOMAIN, ASSET, undefined));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ message: 'invocation deadline reached during GetAsset' });
  });

  it.each([
    ['ListMetadataGenerationRuns', (calls: DataZoneSession) => calls.listRuns(DOMAIN, ASSET)],
    ['GetMetadataGenerationRun', (calls: DataZoneSession) => calls.getRun(DOMAIN, 'run-1')],
  ])('stops waiting for %s when the deadline aborts it in flight', async (operation, call) => {
    endpoint.answerWith(() => ({ body: {}, delayMs: 3000 }));
    const error = await failure(call(session(Date.now, { remainingMs: 200 })));
    expect(error).toMatchObject({ message: `invocation deadline reached during ${operation}` });
  });

  it('keeps what the SDK said when the deadline cut its attempt', async () => {
    endpoint.answerWith(() => ({ body: COMPLETE_ASSET, delayMs: 3000 }));
    const error = await failure(session(Date.now, { remainingMs: 200 }).getAsset(DOMAIN, ASSET, undefined));
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('fails with the attempt’s failure when its retry finds no slot before the deadline', async () => {
    // One request a second, 700 ms left: the retry's slot would come after the deadline.
    endpoint.answerWith(() => ({
      status: 500,
      errorType: 'InternalServerException',
      body: { message: 'try again' },
    }));
    const short = session(Date.now, { remainingMs: 700, maxAttempts: 3, ratePerSecond: 1, burst: 1 });
    const error = await failure(short.getRun(DOMAIN, 'run-1'));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ kind: 'transient', name: 'InternalServerException', message: 'try again' });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('fails with the attempt’s failure when the deadline has passed by the time the SDK retries it', async () => {
    // The deadline passes as the first attempt fails, before its abort fires (a timer, a moment later).
    const deadline = deadlineToPass();
    endpoint.answerWith(() => {
      deadline.pass();
      return { status: 500, errorType: 'InternalServerException', body: { message: 'try again' } };
    });
    const calls = callsUnder(deadline, { ratePerSecond: 1000, burst: 50 }, { maxAttempts: 3 });
    const error = await failure(calls.batch().session().getRun(DOMAIN, 'run-1'));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ kind: 'transient', name: 'InternalServerException', message: 'try again' });
    expect(endpoint.requests).toHaveLength(1);
  });
  it('fails with the attempt’s failure when the deadline passes during the backoff before its retry', async () => {
    // Backoffs of 99 and 199 ms (jitter 0.999); the deadline, 150 ms away, falls in the second one.
    endpoint.answerWith(() => ({
      status: 500,
      errorType: 'InternalServerException',
      body: { message: 'try again' },
    }));
    const short = session(Date.now, { remainingMs: 150, maxAttempts: 3, random: () => 0.999 });
    const started = Date.now();
    const error = await failure(short.getRun(DOMAIN, 'run-1'));
    expect(error).toMatchObject({ kind: 'transient', name: 'InternalServerException', message: 'try again' });
    expect(endpoint.requests).toHaveLength(2);
    // Not held until the backoff's end, 298 ms after the first attempt.
    expect(Date.now() - started).toBeLessThan(280);
  });

  it('fails with the throttle at the deadline when the SDK would wait for its Retry-After beyond it', async () => {
    endpoint.answerWith(() => ({
      status: 429,
      errorType: 'ThrottlingException',
      headers: { 'retry-after': '3' },
      body: { message: 'slow down' },
    }));
    const short = session(Date.now, { remainingMs: 300, maxAttempts: 3 });
    const started = Date.now();
    const error = await failure(short.getRun(DOMAIN, 'run-1'));
    expect(error).toMatchObject({ kind: 'throttled', name: 'ThrottlingException' });
    expect(endpoint.requests).toHaveLength(1);
    // The SDK would wait the 3 s it was told before retrying.
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('keeps every attempt of a call under the signal of the invocation it started in', async () => {
    let answered = 0;
    endpoint.answerWith(() =>
      answered++ === 0
        ? { status: 500, errorType: 'InternalServerException', body: { message: 'try again' } }
        : { body: { id: 'run-1', status: 'SUBMITTED' } },
    );
    const parts = adapterParts(endpoint, { maxAttempts: 2, random: () => 0.999 });
    finishers.push(() => parts.deadline.finish());
    const signals: (AbortSignal | undefined)[] = [];
    const handle = NodeHttpHandler.prototype.handle;
    vi.spyOn(NodeHttpHandler.prototype, 'handle').mockImplementation(function (
      this: NodeHttpHandler,
      ...args
    ) {
      signals.push(args[1]?.abortSignal as AbortSignal | undefined);
      return handle.apply(this, args);
    });
    // The next invocation starts while the call waits 99 ms to retry: its deadline is not this call's.
    setTimeout(() => parts.deadline.start(30_000, 0), 20);
    await new DataZoneCalls(parts.client, parts.budget, parts.deadline)
      .batch()
      .session()
      .getRun(DOMAIN, 'run-1');
    expect(signals).toHaveLength(2);
    expect(signals[1]).toBe(signals[0]);
    expect(signals[0]).not.toBe(parts.deadline.signal);
  });

  it('fails with the deadline when a call’s slot, voided by a cut while it waited, cannot be taken again', async () => {
    // Another batch's call is throttled while this one waits for its slot: the cut voids the slot, and by then
    // the deadline has passed (its abort not fired yet). Nothing was sent for this call: no failure to report.
    const deadline = deadlineToPass();
    endpoint.answerWith(() => {
      deadline.pass();
      return { status: 429, errorType: 'ThrottlingException', body: { message: 'slow down' } };
    });
    const calls = callsUnder(deadline, { ratePerSecond: 10, burst: 1 });
    const [throttled, waiting] = await Promise.all([
      failure(calls.batch().session().getRun(DOMAIN, 'run-1')),
      failure(calls.batch().session().getRun(DOMAIN, 'run-2')),
    ]);
    expect(throttled).toMatchObject({ kind: 'throttled', name: 'ThrottlingException' });
    expect(waiting).toBeInstanceOf(DeadlineExceededError);
    expect(endpoint.requests).toHaveLength(1);
  });
});

/** The time a SigV4 request was signed at (x-amz-date: 20261130T101500Z), to the second. */
function signedAt(request: ArrivedRequest | undefined): number {
  const stamp = String(request?.headers['x-amz-date']);
  const iso = stamp.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  return Date.parse(iso);
}

describe('pacing', () => {
  it('keeps an operation’s rate when its attempts are answered, or fail without a throttle', async () => {
    let answered = 0;
    endpoint.answerWith(() =>
      answered++ === 0
        ? { status: 500, errorType: 'InternalServerException', body: { message: 'try again' } }
        : { body: { id: 'run-1', status: 'SUBMITTED' } },
    );
    const parts = adapterParts(endpoint, { maxAttempts: 2 });
    finishers.push(() => parts.deadline.finish());
    const bucket = new TokenBucket({ ratePerSecond: 40, burst: 1 });
    const budget = new RequestBudget(oneBucketForAll(bucket), parts.deadline, Date.now);
    await new DataZoneCalls(parts.client, budget, parts.deadline).batch().session().getRun(DOMAIN, 'run-1');
    expect(endpoint.requests).toHaveLength(2);
    expect(bucket.currentRatePerSecond).toBe(40);
  });

  it('signs a request when it goes out, after the wait for its slot', async () => {
    endpoint.answerWith(() => ({ body: { id: 'run-1', status: 'SUBMITTED' } }));
    // 0.4 requests a second, burst 1: the second call waits 2.5 s for its slot.
    const paced = session(Date.now, { ratePerSecond: 0.4, burst: 1 });
    await paced.getRun(DOMAIN, 'run-1');
    await paced.getRun(DOMAIN, 'run-1');
    const second = endpoint.requests[1];
    // Signed at most a second (the stamp's precision) before it arrived; signed before the wait, 2.5 s.
    expect((second?.receivedAt ?? 0) - signedAt(second)).toBeLessThan(1800);
  });
});

describe('the SDK’s retries', () => {
  it.each([
    [1, 0.5, 50],
    [2, 0.5, 100],
    [3, 0.5, 200],
    [8, 0.5, 6400],
    [9, 0.5, 10_000],
    [1, 0.999, 99],
    [1, 0, 0],
  ])(
    'wait before retry %i, at a jitter of %f, %i ms: up to 100 ms, doubling, at most 20 s',
    (retry, jitter, waitMs) => {
      expect(retryDelayMs(retry, () => jitter)).toBe(waitMs);
    },
  );

  it('wait as long as that before retrying a failed attempt', async () => {
    let answered = 0;
    endpoint.answerWith(() =>
      answered++ < 2
        ? { status: 500, errorType: 'InternalServerException', body: { message: 'try again' } }
        : { body: { id: 'run-1', status: 'SUBMITTED' } },
    );
    await session(Date.now, { maxAttempts: 3, random: () => 0.999 }).getRun(DOMAIN, 'run-1');
    const arrivals = endpoint.requests.map((request) => request.receivedAt);
    expect(arrivals).toHaveLength(3);
    // At least the 99 and 199 ms of the two retries' waits (a lower bound: a busy machine only adds to it).
    expect((arrivals[2] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(99 + 199);
  });
});
