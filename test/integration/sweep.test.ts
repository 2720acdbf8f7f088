/**
 * A backfill-style sweep over the wire: the real DataZone and SQS adapters against the local stand-ins, page by
 * page (sweepPage), over a catalog where some assets already have runs, some do not, and some are of types no run
 * is for.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MissingRevision } from '../../src/core/reconciliation.js';
import { addCounts, NO_COUNTS, type SweepSettings, sweepPage } from '../../src/sweep/sweep.js';
import { generatedAssetId } from '../../tools/local/datazone/generated-catalog.js';
import { type LocalWorld, startLocalWorld } from '../../tools/local/runner/world.js';
import {
  ALL_TYPES,
  asExpected,
  expectedCovered,
  expectedMissing,
  expectedSkippedByType,
  queuedEvents,
  type SweepAdapters,
  seedRuns,
  sweepAdapters,
  sweepCatalog,
  sweepSettings,
} from './sweep-support.js';

const ASSETS = 47;
const CLOCK = () => Date.parse('2026-11-30T10:00:00Z');

let world: LocalWorld;
let adapters: SweepAdapters;

async function startWith(publishedOf?: (index: number) => boolean) {
  world = await startLocalWorld({ catalog: sweepCatalog(ASSETS, publishedOf) });
  await seedRuns(world.dataZone, ASSETS, ALL_TYPES);
  adapters = sweepAdapters(world);
}

afterEach(async () => {
  adapters.close();
  await world.close();
  vi.unstubAllEnvs();
});

/** Every page of one sweep in one session, as the backfill command goes through them. */
async function sweepAll(settings: SweepSettings, { dryRun = false } = {}) {
  const session = adapters.session();
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  const missing: MissingRevision[] = [];
  let counts = NO_COUNTS;
  let nextToken: string | undefined;
  let pages = 0;
  try {
    do {
      const page = await sweepPage(nextToken, settings, {
        datazone: session,
        queue: dryRun ? undefined : adapters.queue,
        clock: CLOCK,
        warn: (message, fields) => void warnings.push({ message, fields }),
      });
      counts = addCounts(counts, page.counts);
      missing.push(...page.missing);
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken !== undefined);
  } finally {
    session.close();
  }
  return { counts, missing, pages, warnings };
}

describe('sweep over the wire', () => {
  beforeEach(() => startWith());

  it('enqueues exactly the revisions without a run of each group, as reconciled asset events', async () => {
    const { counts, pages } = await sweepAll(sweepSettings(ALL_TYPES));

    const expected = expectedMissing(ASSETS, ALL_TYPES);
    expect(queuedEvents(world).map(asExpected)).toEqual(expected);
    expect(counts).toEqual({
      assetsScanned: ASSETS,
      revisionsCovered: expectedCovered(ASSETS, ALL_TYPES),
      revisionsMissing: expected.length,
      enqueued: expected.length,
      skippedByType: expectedSkippedByType(ASSETS),
      skippedUnpublished: 0,
      failedRunsRequeued: 0,
      errors: 0,
    });
    expect(pages).toBe(5);
  });

  it('marks each event with the sweep that found it, and derives its id from the revision', async () => {
    await sweepAll(sweepSettings(ALL_TYPES, { sweepId: 'backfill/one', origin: 'backfill' }));

    const events = queuedEvents(world);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event).toMatchObject({ origin: 'backfill', sweepId: 'backfill/one' });
      expect(event.eventId).toBe(`reconcile-dzd_sweep01-${event.assetId}-${event.revision}`);
    }
    // An asset with a run of the first group only is enqueued for the other group alone.
    expect(events.find((event) => event.assetId === generatedAssetId(1))?.groups).toEqual([
      ['BUSINESS_GLOSSARY_ASSOCIATIONS'],
    ]);
  });

  it('asks DataZone nothing about assets of unsupported types beyond the search', async () => {
    await sweepAll(sweepSettings(ALL_TYPES));

    const s3 = generatedAssetId(5);
    const asked = world.dataZone.requests.filter(
      (request) => request.pathParams.identifier === s3 || request.query.targetIdentifier === s3,
    );
    expect(asked).toEqual([]);
  });

  it('on a dry run sends nothing, and says what it would have sent', async () => {
    const { counts, missing } = await sweepAll(sweepSettings(ALL_TYPES), { dryRun: true });

    const expected = expectedMissing(ASSETS, ALL_TYPES);
    expect(missing.map(asExpected)).toEqual(expected);
    expect(counts).toMatchObject({ revisionsMissing: expected.length, enqueued: 0 });
    expect(world.sqs.peek(world.sourceQueue)).toEqual([]);
    expect(world.sqs.countsByOperation().SendMessageBatch ?? 0).toBe(0);
  });

  it("sweeps one owning project's assets when asked", async () => {
    await sweepAll(sweepSettings(ALL_TYPES, { owningProjectId: 'beta' }));

    const expected = expectedMissing(ASSETS, ALL_TYPES, (index) => index % 2 === 1);
    expect(expected.length).toBeGreaterThan(0);
    expect(queuedEvents(world).map(asExpected)).toEqual(expected);
  });

  it('passes over an asset DataZone refuses for good, with a warning, and enqueues the others', async () => {
    const refused = generatedAssetId(3);
    world.dataZone.setFaults({ forceErrors: { [refused]: 'AccessDeniedException' } });

    const { counts, warnings } = await sweepAll(sweepSettings(ALL_TYPES));

    const expected = expectedMissing(ASSETS, ALL_TYPES).filter((missing) => missing.assetId !== refused);
    expect(queuedEvents(world).map(asExpected)).toEqual(expected);
    expect(counts.errors).toBe(1);
    expect(warnings).toEqual([
      {
        message: 'asset passed over by the sweep',
        fields: expect.objectContaining({ assetId: refused, errorName: 'AccessDeniedException' }),
      },
    ]);
  });
});

describe('sweep over the wire: published assets only', () => {
  /** Every third asset is published. */
  const published = (index: number) => index % 3 === 0;
  beforeEach(() => startWith(published));

  it('enqueues the published assets only, and counts the others as not published', async () => {
    const { counts } = await sweepAll(sweepSettings(ALL_TYPES, { publishedOnly: true }));

    const expected = expectedMissing(ASSETS, ALL_TYPES, published);
    expect(expected.length).toBeGreaterThan(0);
    expect(queuedEvents(world).map(asExpected)).toEqual(expected);
    const unpublishedSupported = Array.from({ length: ASSETS }, (_, i) => i).filter(
      (i) => i % 6 !== 5 && !published(i),
    ).length;
    expect(counts.skippedUnpublished).toBe(unpublishedSupported);
  });
});
