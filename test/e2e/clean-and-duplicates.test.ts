/**
 * End to end over the real SDK wire and the runner's event source loop (the same as `npm start`): the sample
 * events with no faults, and the same events delivered twice or duplicated within a batch.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runScenario } from '../../tools/local/runner/scenario.js';
import { startLocalWorld } from '../../tools/local/runner/world.js';
import { MALFORMED_BODY, SKIPPED_DETAIL_TYPE, UNSUPPORTED_ASSET_TYPE } from '../support/fixtures.js';
import {
  assetEvent,
  expectAccountedOnce,
  firstRunsPerRevision,
  freshWorker,
  revisionKey,
  sampleLabel,
  samples,
  statusesByLabel,
} from './support.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The asset revisions the sample events are about that the worker supports, and so should each get one run. */
const SAMPLE_REVISIONS = [
  revisionKey('dzd_bc8e1ez8r2a6xz', 'ayzstznnx4dxyf', '3'),
  revisionKey('dzd_bc8e1ez8r2a6xz', 'e8n2v6c4x1q7jm', '1'),
  revisionKey('dzd_bc8e1ez8r2a6xz', 'f5h9l3s7g1d2wb', '2'),
  // No revision in the event: GetAsset resolves the current one.
  revisionKey('dzd_7ttq4pj2fcnl0m', 'm6v0r4e8y2j5qd', '2'),
];

describe('e2e: a clean run of the sample events', () => {
  it('gives every supported asset revision exactly one run, skips and dead-letters the rest', async () => {
    const result = await runScenario({ events: samples(), loadHandler: freshWorker, world: { seed: 1 } });

    expectAccountedOnce(result);
    expect(Object.fromEntries(firstRunsPerRevision(result))).toEqual(
      Object.fromEntries(SAMPLE_REVISIONS.map((key) => [key, 1])),
    );
    const statuses = statusesByLabel(result);
    for (const label of [
      'eventbridge/other-source.json',
      'eventbridge/unsupported-asset-type.json',
      'eventbridge/unsupported-detail-type.json',
      sampleLabel(SKIPPED_DETAIL_TYPE),
      sampleLabel(UNSUPPORTED_ASSET_TYPE),
      'sqs/unsupported-detail-type.json#1',
    ]) {
      expect(statuses[label], label).toBe('skipped');
    }
    // Skipped events get no run: the S3 collection is never started.
    expect(result.dataZone?.runsFor('dzd_bc8e1ez8r2a6xz', 'g2k6p0m4r8t3yc')).toEqual([]);
    for (const label of [
      'eventbridge/invalid-asset-event.json',
      'eventbridge/unknown-asset.json',
      sampleLabel(MALFORMED_BODY),
      'sqs/invalid-asset-event.json#1',
      'sqs/malformed-body.json#1',
    ]) {
      expect(statuses[label], label).toBe('dead-lettered');
    }
    expect(result.summary.totals).toEqual({
      started: 8,
      'already-exists': 1,
      skipped: 6,
      'run-ended': 0,
      'dead-lettered': 5,
      unaccounted: 0,
    });
    // A record is delivered once when nothing fails; one StartMetadataGenerationRun per event at most.
    const ids = new Set(result.sent.map((event) => event.messageId));
    const delivered = result.eventSource.reports.flatMap((report) => report.records);
    expect(delivered.filter((record) => ids.has(record.messageId))).toHaveLength(20);
    expect(result.dataZone?.countsByOperation().StartMetadataGenerationRun).toBeLessThanOrEqual(20);
    // Five events, and the outcome of the sample run that fails for good (sensor_readings, in the catalog).
    expect(result.summary.metrics).toMatchObject({ ColdStart: 1, RunsStarted: 8, DeadLettered: 6 });
  });

  it('builds the records exactly as Lambda does (eventSourceARN of the local source queue)', async () => {
    const seen: unknown[] = [];
    const result = await runScenario({
      events: samples().slice(0, 1),
      loadHandler: async (env, container) => {
        const handler = await freshWorker(env, container);
        return async (event, context) => {
          seen.push(structuredClone(event));
          expect(context.getRemainingTimeInMillis()).toBeGreaterThan(29_000);
          return handler(event, context);
        };
      },
    });
    expectAccountedOnce(result);
    const [record] = (seen[0] as { Records: Record<string, unknown>[] }).Records;
    expect(record).toEqual({
      messageId: result.sent[0]?.messageId,
      receiptHandle: expect.any(String),
      body: result.sent[0]?.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {},
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: result.world?.sqs.queueArn(result.world.sourceQueue),
      awsRegion: 'eu-west-1',
    });
  });
});

describe('e2e: duplicates', () => {
  it('the same events delivered twice: still one run per asset revision, the second time the same runs', async () => {
    const world = await startLocalWorld({ seed: 2 });
    try {
      const first = await runScenario({ events: samples(), endpoints: world, loadHandler: freshWorker });
      expectAccountedOnce(first);
      // Redelivered a minute later: the runs the tokens return are plainly older than the requests.
      world.time.advanceTo(world.time.now() + 60_000);
      const second = await runScenario({ events: samples(), endpoints: world, loadHandler: freshWorker });
      expectAccountedOnce(second);

      expect([...firstRunsPerRevision(second).values()]).toEqual([1, 1, 1, 1]);
      // The second delivery started no run: not a first one, nor a retry.
      expect(second.runs).toEqual([]);
      const runIds = (r: typeof first) => new Set(r.outcomes.flatMap((o) => (o.runId ? [o.runId] : [])));
      expect(runIds(second)).toEqual(runIds(first));
      // What started or found a run the first time finds it from its client token the second time.
      const firstStatuses = statusesByLabel(first);
      for (const outcome of second.outcomes) {
        const before = firstStatuses[outcome.label];
        if (before === 'started' || before === 'already-exists') {
          expect(outcome, outcome.label).toMatchObject({ status: 'already-exists' });
          expect(['ClientTokenReplay', 'DuplicateInBatch'], outcome.label).toContain(outcome.errorName);
        } else expect(outcome.status, outcome.label).toBe(before);
      }
      expect(world.dataZone.summary().replays).toBeGreaterThanOrEqual(8);
    } finally {
      await world.close();
    }
  });

  it('a batch of ten identical events makes one StartMetadataGenerationRun call', async () => {
    const world = await startLocalWorld();
    try {
      const event = assetEvent(world.dataZone.catalog, 'h7w1b5n9q3e6ux', '2');
      const result = await runScenario({
        events: Array.from({ length: 10 }, (_, i) => ({ ...event, label: `copy ${i + 1}` })),
        endpoints: world,
        loadHandler: freshWorker,
      });
      expectAccountedOnce(result);
      expect(result.eventSource.reports[0]?.records).toHaveLength(10);
      expect(result.summary.totals).toMatchObject({ started: 1, 'already-exists': 9 });
      expect(result.outcomes.filter((o) => o.status === 'already-exists').map((o) => o.errorName)).toEqual(
        Array(9).fill('DuplicateInBatch'),
      );
      expect(world.dataZone.countsByOperation().StartMetadataGenerationRun).toBe(1);
      expect(world.dataZone.runsFor('dzd_bc8e1ez8r2a6xz', 'h7w1b5n9q3e6ux', '2')).toHaveLength(1);
    } finally {
      await world.close();
    }
  });

  it('duplicates racing through concurrent containers and small batches: one run per asset revision', async () => {
    const events = samples();
    const result = await runScenario({
      // Each event three times, interleaved so that copies land in different batches and containers.
      events: [...events, ...events.slice().reverse(), ...events],
      loadHandler: freshWorker,
      world: { seed: 3 },
      eventSource: { concurrency: 4, batchSize: 3 },
    });
    expectAccountedOnce(result);
    expect(Object.fromEntries(firstRunsPerRevision(result))).toEqual(
      Object.fromEntries(SAMPLE_REVISIONS.map((key) => [key, 1])),
    );
    const containers = new Set(result.eventSource.reports.map((r) => r.container));
    expect(containers.size).toBeGreaterThan(1);
  });
});
