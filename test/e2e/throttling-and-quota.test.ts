/**
 * End to end under load: a throttling storm (the endpoint admits fewer requests than the worker sends) and a quota
 * cap (few runs in progress at once). Events are generated from the catalog with a fixed seed: revisions repeat,
 * through differently shaped events, some needing GetAsset.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../tools/local/datazone/catalog.js';
import { generateCatalogEvents } from '../../tools/local/runner/event-files.js';
import { runScenario } from '../../tools/local/runner/scenario.js';
import {
  assetEvent,
  callsPerEvent,
  expectAccountedOnce,
  firstRunsPerRevision,
  freshWorker,
  revisionKey,
} from './support.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const catalog = loadCatalog();

function expectedRevisions(events: ReturnType<typeof generateCatalogEvents>): Record<string, number> {
  return Object.fromEntries(
    events.flatMap((e) =>
      e.asset ? [[revisionKey(e.asset.domainId, e.asset.assetId, e.asset.revision), 1]] : [],
    ),
  );
}

describe('e2e: throttling storm', () => {
  it('starts every asset revision exactly once, dead-letters nothing, and bounds the calls per event', async () => {
    const events = generateCatalogEvents(catalog, { count: 40, seed: 11 });
    // Three containers, each allowed 100 requests/s by its own limiter, against an endpoint admitting 20/s.
    const result = await runScenario({
      events,
      loadHandler: freshWorker,
      world: { seed: 11, dataZoneFaults: { rateLimit: { requestsPerSecond: 20, burst: 5 } } },
      workerEnv: { DATAZONE_REQUESTS_PER_SECOND: '100', DATAZONE_BURST: '30' },
      eventSource: { concurrency: 3 },
    });

    expectAccountedOnce(result);
    expect(Object.fromEntries(firstRunsPerRevision(result))).toEqual(expectedRevisions(events));
    expect(result.summary.totals['dead-lettered']).toBe(0);
    expect(result.summary.totals.started + result.summary.totals['already-exists']).toBe(events.length);
    // The storm happened: the endpoint throttled many requests (whether the SDK's retries absorbed them or the
    // worker handed records back with backoff depends on timing).
    expect(result.dataZone?.summary().byError.ThrottlingException).toBeGreaterThan(20);
    // Bounded work: on average at most one delivery's worth of SDK attempts (2 calls x 3 attempts) per event;
    // without faults it is 1 to 2.
    expect(callsPerEvent(result)).toBeLessThanOrEqual(6);
    expect(Math.max(...result.outcomes.map((o) => o.deliveries))).toBeLessThanOrEqual(4);
  });
});

describe('e2e: quota cap', () => {
  it('waits for runs to finish, then starts every asset revision exactly once', async () => {
    const events = generateCatalogEvents(catalog, { count: 40, seed: 5 });
    const result = await runScenario({
      events,
      loadHandler: freshWorker,
      world: {
        seed: 5,
        dataZoneFaults: { maxRunsInProgress: 2 },
        lifecycle: { inProgressAfterMs: 100, completeAfterMs: 500 },
      },
      workerEnv: { DATAZONE_REQUESTS_PER_SECOND: '50', DATAZONE_BURST: '20' },
    });

    expectAccountedOnce(result);
    expect(Object.fromEntries(firstRunsPerRevision(result))).toEqual(expectedRevisions(events));
    expect(result.summary.totals['dead-lettered']).toBe(0);
    expect(result.dataZone?.summary().byError.ServiceQuotaExceededException).toBeGreaterThan(0);
    expect(result.summary.metrics.QuotaExceeded).toBeGreaterThan(0);
    // The quota backoff (2-8 s here, minutes on AWS) is skipped on the virtual clock.
    expect(result.eventSource.virtualSkippedMs).toBeGreaterThan(1000);
    expect(callsPerEvent(result)).toBeLessThanOrEqual(6);
  });

  it('a quota that never clears: the redrive policy dead-letters the events after maxReceiveCount, none lost', async () => {
    const events = ['ayzstznnx4dxyf', 'c1u9e5y8b2m6qa', 'e8n2v6c4x1q7jm', 'j3c8f2y6v0a4ks'].map((id) =>
      assetEvent(catalog, id),
    );
    const result = await runScenario({
      events,
      loadHandler: freshWorker,
      world: {
        dataZoneFaults: { maxRunsInProgress: 1 },
        lifecycle: { completeAfterMs: 'never' },
        maxReceiveCount: 4,
      },
      // One record per batch: no deferrals, every receive is a real attempt.
      eventSource: { batchSize: 1 },
    });

    expectAccountedOnce(result);
    expect(result.summary.totals).toMatchObject({ started: 1, 'dead-lettered': 3 });
    for (const outcome of result.outcomes.filter((o) => o.status === 'dead-lettered')) {
      expect(outcome).toMatchObject({
        deadLetteredBy: 'redrive',
        errorName: 'ServiceQuotaExceededException',
      });
      expect(outcome.deliveries).toBe(4);
    }
    // Each delivery made one StartMetadataGenerationRun: 1 + 3 x 4; each redelivery (3 x 3) first checked the
    // asset's runs, so that no token's lifetime decides whether a second run starts.
    expect(result.dataZone?.countsByOperation()).toEqual({
      StartMetadataGenerationRun: 13,
      ListMetadataGenerationRuns: 9,
    });
  });
});
