/**
 * How the local DataZone ends runs (by the catalog's script per attempt, by seeded weights, after a delay on its
 * clock) and the outcome events it publishes: what GetMetadataGenerationRun then says, and that the worker's own
 * parser reads each event as the run it is about.
 */
import {
  type DataZoneClient,
  GetMetadataGenerationRunCommand,
  StartMetadataGenerationRunCommand,
  type StartMetadataGenerationRunCommandInput,
} from '@aws-sdk/client-datazone';
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../src/core/asset-event.js';
import { parseRunOutcomeEvent } from '../../../src/core/outcome-event.js';
import { type Catalog, loadCatalog } from '../../../tools/local/datazone/catalog.js';
import { TRANSIENT_ERROR_MESSAGE } from '../../../tools/local/datazone/run-ends.js';
import type { DataZoneEvent, LocalDataZone, RunOutcomeSpec } from '../../../tools/local/datazone/types.js';
import { manualClock } from '../../../tools/local/http-util.js';
import { CUSTOMERS, DOMAIN, ORDER_ITEMS, ORDERS, startInput, withServer } from './support.js';

const BOTH = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;
const SCHEMA_ERROR = 'The asset schema has no columns to describe.';

/** The sample catalog with `runOutcomes` set for an asset. */
function scripted(assetId: string, runOutcomes: RunOutcomeSpec[]): Catalog {
  const catalog = loadCatalog();
  const asset = catalog.domains.flatMap((d) => d.assets).find((a) => a.id === assetId);
  if (asset === undefined) throw new Error(`no asset ${assetId}`);
  asset.runOutcomes = runOutcomes;
  return catalog;
}

/** Starts a run of ORDERS@3 (or as told) with a fresh token; returns its id. */
async function start(c: DataZoneClient, over: Partial<StartMetadataGenerationRunCommandInput> = {}) {
  const run = await c.send(new StartMetadataGenerationRunCommand(startInput({ types: [...BOTH], ...over })));
  return run.id ?? '';
}

const getRun = (c: DataZoneClient, id: string) =>
  c.send(new GetMetadataGenerationRunCommand({ domainIdentifier: DOMAIN, identifier: id }));

/** The run an event is about, as the worker reads it. */
function asTheWorkerReadsIt(event: DataZoneEvent) {
  const envelope = parseEnvelope(event);
  if (!envelope.ok) throw new Error(envelope.reason);
  return parseRunOutcomeEvent(envelope.value);
}

describe('local DataZone: how runs end', () => {
  it('follows the catalog script attempt by attempt: fails, then succeeds', async () => {
    const clock = manualClock();
    const catalog = scripted(ORDERS, ['FAILED', 'SUCCEEDED']);
    await withServer({ now: clock.now, catalog }, async (_s, c) => {
      const first = await start(c);
      clock.advance(200);
      expect(await getRun(c, first)).toMatchObject({
        status: 'FAILED',
        typeStats: BOTH.map((type) => ({ type, status: 'FAILED', errorMessage: TRANSIENT_ERROR_MESSAGE })),
      });
      const second = await start(c);
      clock.advance(200);
      expect(await getRun(c, second)).toMatchObject({
        status: 'SUCCEEDED',
        typeStats: BOTH.map((type) => ({ type, status: 'SUCCEEDED' })),
      });
    });
  });

  it('fails the types named in a partial success; the retry of those types is the next attempt', async () => {
    const clock = manualClock();
    const catalog = scripted(ORDERS, [
      { status: 'PARTIALLY_SUCCEEDED', failedTypes: ['BUSINESS_NAMES'] },
      'SUCCEEDED',
    ]);
    await withServer({ now: clock.now, catalog }, async (_s, c) => {
      const first = await start(c);
      clock.advance(200);
      expect(await getRun(c, first)).toMatchObject({
        status: 'PARTIALLY_SUCCEEDED',
        typeStats: [
          { type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED' },
          { type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage: TRANSIENT_ERROR_MESSAGE },
        ],
      });
      const retry = await start(c, { types: ['BUSINESS_NAMES'] });
      clock.advance(200);
      expect(await getRun(c, retry)).toMatchObject({
        status: 'SUCCEEDED',
        typeStats: [{ type: 'BUSINESS_NAMES', status: 'SUCCEEDED' }],
      });
    });
  });

  it('counts attempts per revision and types: another revision or a disjoint group starts at 1', async () => {
    const clock = manualClock();
    await withServer({ now: clock.now, catalog: scripted(ORDERS, ['FAILED', 'SUCCEEDED']) }, async (s, c) => {
      // One after the other: a revision has one run in progress at a time.
      for (const over of [
        {},
        { types: ['BUSINESS_GLOSSARY_ASSOCIATIONS' as const] },
        { target: { type: 'ASSET' as const, identifier: ORDERS, revision: '2' } },
        {},
      ]) {
        await start(c, over);
        clock.advance(200);
      }
      expect(s.runs.map((run) => [run.target.revision, run.types.length, run.attempt])).toEqual([
        ['3', 2, 1],
        ['3', 1, 1],
        ['2', 2, 1],
        ['3', 2, 2],
      ]);
    });
  });

  it('ends a run with the error and delay a script gives, on the server clock', async () => {
    const clock = manualClock();
    const catalog = scripted(ORDERS, [{ status: 'FAILED', errorMessage: SCHEMA_ERROR, afterMs: 5000 }]);
    await withServer({ now: clock.now, catalog }, async (s, c) => {
      const id = await start(c);
      clock.advance(4999);
      expect((await getRun(c, id)).status).toBe('IN_PROGRESS');
      expect((await getRun(c, id)).typeStats).toBeUndefined();
      expect(s.nextRunEndAt()).toBe(clock.now() + 1);
      clock.advance(1);
      expect(await getRun(c, id)).toMatchObject({
        status: 'FAILED',
        typeStats: BOTH.map((type) => ({ type, status: 'FAILED', errorMessage: SCHEMA_ERROR })),
      });
    });
  });

  it('cancels a run when told to: every type canceled, no error', async () => {
    const clock = manualClock();
    await withServer({ now: clock.now, lifecycle: { finalStatus: 'CANCELED' } }, async (_s, c) => {
      const id = await start(c);
      clock.advance(200);
      expect(await getRun(c, id)).toMatchObject({
        status: 'CANCELED',
        typeStats: BOTH.map((type) => ({ type, status: 'CANCELED' })),
      });
    });
  });

  it('draws ends by weight from the seed and the run, whatever order the runs start in', async () => {
    const weights = { outcomeWeights: { SUCCEEDED: 1, FAILED: 1, CANCELED: 1 } };
    const assets = [ORDERS, CUSTOMERS, ORDER_ITEMS];
    const ends = async (seed: number, order: readonly string[]) =>
      withServer({ seed, lifecycle: { ...weights, completeAfterMs: 0 } }, async (s, c) => {
        for (const asset of order) await start(c, { target: { type: 'ASSET', identifier: asset } });
        return Object.fromEntries(s.runs.map((run) => [run.target.identifier, run.end.status]));
      });
    const forward = await ends(3, assets);
    expect(await ends(3, [...assets].reverse())).toEqual(forward);
    const seeds = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => ends(seed, assets)));
    const drawn = new Set(seeds.flatMap((bySeed) => Object.values(bySeed)));
    expect([...drawn].sort()).toEqual(['CANCELED', 'FAILED', 'SUCCEEDED']);
  });
});

describe('local DataZone: outcome events', () => {
  /** A run started and ended (after the lifecycle's 200 ms), its event not published yet. */
  async function endedRun(s: LocalDataZone, c: DataZoneClient, clock: ReturnType<typeof manualClock>) {
    const id = await start(c);
    expect(s.publishDue()).toEqual([]);
    clock.advance(200);
    return id;
  }

  it('publishes each ended run once, with what the worker reads: domain, run id, asset, time', async () => {
    const clock = manualClock();
    const bus: DataZoneEvent[] = [];
    await withServer({ now: clock.now, eventBus: (event) => bus.push(event) }, async (s, c) => {
      const id = await endedRun(s, c, clock);
      const [event, ...more] = s.publishDue();
      expect(more).toEqual([]);
      expect(s.publishDue()).toEqual([]);
      expect(bus).toEqual([event]);
      expect(event).toMatchObject({
        'detail-type': 'Metadata Generation Succeeded',
        source: 'aws.datazone',
        // EventBridge's format: whole seconds (the run ended 200 ms after a whole second).
        time: new Date(clock.now() - 200).toISOString().replace('.000Z', 'Z'),
        detail: { metadata: { domain: DOMAIN }, data: { metadataGenerationRunId: id, assetId: ORDERS } },
      });
      expect(asTheWorkerReadsIt(event as DataZoneEvent)).toEqual({
        ok: true,
        value: {
          eventId: event?.id,
          detailType: 'Metadata Generation Succeeded',
          domainId: DOMAIN,
          runId: id,
          time: clock.now() - 200,
        },
      });
    });
  });

  it.each([
    ['FAILED', 'Metadata Generation Failed'],
    ['PARTIALLY_SUCCEEDED', 'Metadata Generation Failed'],
    ['CANCELED', 'Metadata Generation Canceled'],
  ] as const)('publishes a %s run as "%s"', async (status, detailType) => {
    const clock = manualClock();
    await withServer({ now: clock.now, catalog: scripted(ORDERS, [status]) }, async (s, c) => {
      await endedRun(s, c, clock);
      expect(s.publishDue().map((event) => event['detail-type'])).toEqual([detailType]);
    });
  });

  it('says when the next run ends, and nothing for runs that never end', async () => {
    const clock = manualClock();
    await withServer({ now: clock.now, lifecycle: { completeAfterMs: 'never' } }, async (s, c) => {
      await start(c);
      expect(s.nextRunEndAt()).toBeUndefined();
    });
    await withServer({ now: clock.now }, async (s, c) => {
      expect(s.nextRunEndAt()).toBeUndefined();
      await start(c);
      expect(s.nextRunEndAt()).toBe(clock.now() + 200);
      clock.advance(300);
      expect(s.nextRunEndAt()).toBe(clock.now());
      s.publishDue();
      expect(s.nextRunEndAt()).toBeUndefined();
    });
  });

  it('publishes an event twice, as the faults say: the same event, id included', async () => {
    const clock = manualClock();
    await withServer({ now: clock.now, faults: { outcomeEventDuplicateRate: 1 } }, async (s, c) => {
      const id = await endedRun(s, c, clock);
      const events = s.publishDue();
      expect(events.map((event) => event.detail.data.metadataGenerationRunId)).toEqual([id, id]);
      expect(events[0]).toBe(events[1]);
    });
  });

  it('loses events at the rate the faults say, and does not publish them later', async () => {
    const clock = manualClock();
    const lossy = async (rate: number) =>
      withServer({ now: clock.now, faults: { outcomeEventLossRate: rate } }, async (s, c) => {
        for (const asset of [ORDERS, CUSTOMERS, ORDER_ITEMS]) {
          await start(c, { target: { type: 'ASSET', identifier: asset } });
        }
        clock.advance(200);
        const published = s.publishDue().length;
        expect(s.publishDue()).toEqual([]);
        expect(s.nextRunEndAt()).toBeUndefined();
        return published;
      });
    expect(await lossy(1)).toBe(0);
    expect(await lossy(0)).toBe(3);
  });
});

describe('local DataZone: runOutcomes in the catalog', () => {
  it.each([
    [[], 'runOutcomes must be a non-empty list'],
    [['DONE'], 'runOutcomes [0]: status must be one of SUCCEEDED, FAILED, PARTIALLY_SUCCEEDED, CANCELED'],
    [[{ status: 'FAILED', failedTypes: ['SUMMARY'] }], 'runOutcomes [0].failedTypes must list'],
    [['SUCCEEDED', { status: 'FAILED', afterMs: -1 }], 'runOutcomes [1].afterMs must be a number'],
  ])('rejects %j', (runOutcomes, message) => {
    expect(() => loadCatalog(scripted(ORDERS, runOutcomes as RunOutcomeSpec[]))).toThrow(
      `asset ${ORDERS}: ${message}`,
    );
  });
});
