/** The DataZone adapter over the real SDK wire, against the local DataZone endpoint. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BatchDeferredError,
  DeadlineExceededError,
  RequestSlotUnavailableError,
  ServiceError,
} from '../../src/core/errors.js';
import type { DataZonePort, DataZoneSession, StartRunRequest } from '../../src/core/ports.js';
import { createDataZoneClient, DataZoneCalls } from '../../src/datazone/client.js';
import {
  bucketsPerOperation,
  type OperationBuckets,
  oneBucketForAll,
  RequestBudget,
} from '../../src/datazone/request-budget.js';
import { TokenBucket } from '../../src/datazone/token-bucket.js';
import { InvocationDeadline } from '../../src/runtime/deadline.js';
import { startLocalDataZone } from '../../tools/local/datazone/server.js';
import type { LocalDataZone } from '../../tools/local/datazone/types.js';

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
let server: LocalDataZone;

beforeAll(async () => {
  server = await startLocalDataZone({ seed: 3 });
});
afterAll(() => server.close());
afterEach(() => {
  server.clearFaults();
  vi.unstubAllEnvs();
});

/** Every operation from one bucket, so that the spacing of a record's calls shows in one place. */
function adapter(ratePerSecond: number, burst: number, remainingMs = 30_000, marginMs = 0) {
  return adapterWith(new TokenBucket({ ratePerSecond, burst }), remainingMs, marginMs);
}

function adapterWith(rateLimit: TokenBucket | OperationBuckets, remainingMs = 30_000, marginMs = 0) {
  vi.stubEnv('AWS_ENDPOINT_URL_DATAZONE', server.url);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  const deadline = new InvocationDeadline();
  deadline.start(remainingMs, marginMs);
  const gateway = new DataZoneCalls(
    createDataZoneClient(5000),
    new RequestBudget(
      rateLimit instanceof TokenBucket ? oneBucketForAll(rateLimit) : rateLimit,
      deadline,
      Date.now,
    ),
    deadline,
  );
  const batch = gateway.batch();
  // One session per call, as one record per call would have.
  const datazone = {
    getAsset: (...args: Parameters<DataZonePort['getAsset']>) =>
      once(batch.session(), (s) => s.getAsset(...args)),
    startMetadataGenerationRun: (request: StartRunRequest) =>
      once(batch.session(), (s) => s.startMetadataGenerationRun(request)),
    listRuns: (...args: Parameters<DataZonePort['listRuns']>) =>
      once(batch.session(), (s) => s.listRuns(...args)),
    getRun: (...args: Parameters<DataZonePort['getRun']>) => once(batch.session(), (s) => s.getRun(...args)),
  };
  return { datazone, batch, deadline };
}

async function once<T>(session: DataZoneSession, call: (session: DataZoneSession) => Promise<T>): Promise<T> {
  try {
    return await call(session);
  } finally {
    session.close();
  }
}

const lastArrival = () => server.requests.at(-1)?.receivedAt ?? 0;
const adapterSession = (batch: { session(): DataZoneSession }) => {
  const session = batch.session();
  return {
    listRuns: (...args: Parameters<DataZonePort['listRuns']>) => once(session, (s) => s.listRuns(...args)),
  };
};
const requestsSince = (seq: number) => server.requests.filter((request) => request.seq > seq);
const lastSeq = () => server.requests.at(-1)?.seq ?? 0;

describe('DataZoneAdapter over the wire', () => {
  it('reads an asset and starts a run with the given client token', async () => {
    const { datazone, deadline } = adapter(100, 10);
    const asset = await datazone.getAsset(DOMAIN, 'ayzstznnx4dxyf', undefined);
    expect(asset).toEqual({
      revision: '3',
      owningProjectId: '6oy92hwk937pgn',
      typeIdentifier: 'amazon.datazone.GlueTableAssetType',
    });
    const request = {
      domainId: DOMAIN,
      assetId: 'ayzstznnx4dxyf',
      revision: '3',
      owningProjectId: '6oy92hwk937pgn',
      generationTypes: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const,
      clientToken: 'token-adapter-test-1',
    };
    const first = await datazone.startMetadataGenerationRun(request);
    const again = await datazone.startMetadataGenerationRun(request);
    expect(again.runId).toBe(first.runId);
    expect(server.runsFor(DOMAIN, 'ayzstznnx4dxyf', '3').map((run) => run.clientToken)).toEqual([
      'token-adapter-test-1',
    ]);
    deadline.finish();
  });

  it('spaces every HTTP attempt, SDK retries included, by the client-side rate', async () => {
    const { datazone, deadline } = adapter(20, 1);
    // Each asset fails once with a 500 that the SDK retries: 2 attempts per call.
    server.setFaults({
      forceErrors: {
        c1u9e5y8b2m6qa: { name: 'InternalServerException', times: 1 },
        d4r7t1w9k3p5zn: { name: 'InternalServerException', times: 1 },
      },
    });
    const since = lastSeq();
    const start = Date.now();
    await Promise.all([
      datazone.getAsset(DOMAIN, 'c1u9e5y8b2m6qa', undefined),
      datazone.getAsset(DOMAIN, 'd4r7t1w9k3p5zn', undefined),
      datazone.getAsset(DOMAIN, 'ayzstznnx4dxyf', undefined),
      datazone.getAsset(DOMAIN, 'e8n2v6c4x1q7jm', undefined),
    ]);
    const arrivals = requestsSince(since).map((request) => request.receivedAt);
    expect(arrivals).toHaveLength(6);
    // 20 requests per second, burst 1: the i-th request cannot arrive before start + i × 50 ms. (A lower bound:
    // a loaded machine may delay arrivals, never advance them.)
    arrivals.forEach((arrival, index) => {
      expect(arrival).toBeGreaterThanOrEqual(start + index * 50 - 2);
    });
    deadline.finish();
  });

  it('holds a start’s slot for it when GetAsset reserves, and sends the start in it', async () => {
    const { batch, deadline } = adapter(10, 1);
    const session = batch.session();
    const since = lastSeq();
    const before = Date.now();
    await session.getAsset(DOMAIN, 'ayzstznnx4dxyf', undefined);
    await session.startMetadataGenerationRun({
      domainId: DOMAIN,
      assetId: 'ayzstznnx4dxyf',
      revision: '3',
      owningProjectId: '6oy92hwk937pgn',
      generationTypes: ['BUSINESS_NAMES'],
      clientToken: 'token-held-slot-1',
    });
    session.close();
    const [getAsset, start] = requestsSince(since).map((request) => request.receivedAt);
    // 10 requests per second, burst 1: the start's slot came 100 ms after the GetAsset's (a lower bound).
    expect(getAsset).toBeGreaterThanOrEqual(before - 2);
    expect(start).toBeGreaterThanOrEqual(before + 100 - 2);
    // Two slots taken in all: a third call goes out about 100 ms after the start, not 200.
    const third = Date.now();
    await adapterSession(batch).listRuns(DOMAIN, 'ayzstznnx4dxyf');
    expect(lastArrival() - third).toBeLessThan(150);
    deadline.finish();
  });

  it('gives back the start’s slot when the record ends after its GetAsset', async () => {
    const { batch, deadline } = adapter(10, 1);
    const session = batch.session();
    await session.getAsset(DOMAIN, 'ayzstznnx4dxyf', undefined);
    session.close();
    // The held slot went back: the next call waits one interval (100 ms) at most, not two.
    const started = Date.now();
    await adapterSession(batch).listRuns(DOMAIN, 'ayzstznnx4dxyf');
    expect(lastArrival() - started).toBeLessThan(150);
    deadline.finish();
  });

  it('slows down the throttled operation only, when the service throttles it', async () => {
    const buckets = bucketsPerOperation(
      {
        GetAsset: { ratePerSecond: 40, burst: 1 },
        StartMetadataGenerationRun: { ratePerSecond: 40, burst: 1 },
      },
      Date.now,
    );
    const { datazone, deadline } = adapterWith(buckets);
    server.setFaults({ forceErrors: { c1u9e5y8b2m6qa: { name: 'ThrottlingException', times: 1 } } });
    // The SDK retries the throttled attempt; the retry goes through.
    await datazone.getAsset(DOMAIN, 'c1u9e5y8b2m6qa', undefined);
    // Cut to 0.6 of what it sent (one request in its first quarter second: 4/s), and climbing back since.
    expect(buckets.GetAsset?.currentRatePerSecond).toBeLessThan(10);
    expect(buckets.StartMetadataGenerationRun?.currentRatePerSecond).toBe(40);
    deadline.finish();
  });

  it("lists an asset's runs and reads one run", async () => {
    const { datazone, deadline } = adapter(100, 10);
    const started = await datazone.startMetadataGenerationRun({
      domainId: DOMAIN,
      assetId: 'd4r7t1w9k3p5zn',
      revision: '2',
      owningProjectId: '6oy92hwk937pgn',
      generationTypes: ['BUSINESS_NAMES'],
      clientToken: 'token-find-run-2',
    });
    const runs = await datazone.listRuns(DOMAIN, 'd4r7t1w9k3p5zn');
    expect(runs).toContainEqual({
      runId: started.runId,
      status: expect.any(String),
      assetId: 'd4r7t1w9k3p5zn',
      revision: '2',
      types: ['BUSINESS_NAMES'],
      createdAt: expect.any(Number),
    });
    expect(runs.filter((run) => run.revision === '1')).toEqual([]);
    expect(await datazone.getRun(DOMAIN, started.runId)).toMatchObject({
      runId: started.runId,
      domainId: DOMAIN,
      assetId: 'd4r7t1w9k3p5zn',
      revision: '2',
      owningProjectId: '6oy92hwk937pgn',
      types: ['BUSINESS_NAMES'],
    });
    deadline.finish();
  });

  it('stops calls still waiting for their slot once a call of the batch was throttled', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1'); // one attempt per call: the first call fails at once
    const rateLimit = new TokenBucket({ ratePerSecond: 4, burst: 1 });
    const { datazone, deadline } = adapterWith(rateLimit);
    server.setFaults({ hook: () => 'ThrottlingException' });
    const since = lastSeq();
    const assets = ['ayzstznnx4dxyf', 'c1u9e5y8b2m6qa', 'd4r7t1w9k3p5zn'];
    const results = await Promise.allSettled(
      assets.map((assetId) => datazone.getAsset(DOMAIN, assetId, undefined)),
    );
    const errors = results.map((result) => (result.status === 'rejected' ? result.reason : undefined));
    // The first call was throttled; the two waiting for their slots (500 and 1000 ms later: each GetAsset also
    // holds a slot for its record's start) were never sent.
    expect(errors[0]).toMatchObject({ kind: 'throttled', name: 'ThrottlingException' });
    expect(errors[1]).toBeInstanceOf(BatchDeferredError);
    expect(errors[2]).toBeInstanceOf(BatchDeferredError);
    expect(requestsSince(since).map((request) => request.pathParams.identifier)).toEqual(['ayzstznnx4dxyf']);
    // Their slots were given back: the next one is free at once, not after the two unused ones.
    expect((rateLimit.reserve(1)?.[0] ?? 0) - Date.now()).toBeLessThan(300);
    deadline.finish();
  });

  it('declines a request slot that would come after the deadline, without sending anything', async () => {
    const { datazone, deadline } = adapter(1, 1, 300);
    // A call that holds no slot for a follower (GetMetadataGenerationRun), so that only its own slot counts.
    await datazone.getRun(DOMAIN, 'run-nobody-started').catch(() => undefined);
    const since = lastSeq();
    const error = await datazone.getRun(DOMAIN, 'run-nobody-started').catch((caught: unknown) => caught);
    // Handed back with backoff: the next invocation of this container has the same budget.
    expect(error).toBeInstanceOf(RequestSlotUnavailableError);
    expect(requestsSince(since)).toHaveLength(0);
    deadline.finish();
  });

  it('aborts a call still in flight when the deadline passes', async () => {
    server.setFaults({ latencyMs: 3000 });
    const { datazone, deadline } = adapter(100, 10, 250);
    const started = Date.now();
    const error = await datazone
      .getAsset(DOMAIN, 'ayzstznnx4dxyf', undefined)
      .catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    deadline.finish();
  });

  it('reports the throttle, not the deadline, when the deadline cuts short the SDK waiting to retry it', async () => {
    server.setFaults({ hook: () => 'ThrottlingException' });
    // 150 ms: the first attempt is throttled at once, and the SDK's wait before its retry (hundreds of ms for
    // a throttle) outlasts the deadline.
    const { datazone, deadline } = adapter(100, 10, 150);
    const started = Date.now();
    const error = await datazone
      .getAsset(DOMAIN, 'ayzstznnx4dxyf', undefined)
      .catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2000);
    // A DeadlineExceededError would hand the record back at once (visibility 0) and leave the batch breaker
    // untripped; the throttle gives it the throttle's backoff and stops the batch's other calls.
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ name: 'ThrottlingException', kind: 'throttled' });
    deadline.finish();
  });

  it('translates service errors into the worker’s own, keeping the service’s name', async () => {
    const { datazone, deadline } = adapter(100, 10);
    const error = await datazone
      .getAsset(DOMAIN, 'zz9deleted0001', undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', kind: 'permanent' });
    deadline.finish();
  });
});
