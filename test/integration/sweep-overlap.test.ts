/**
 * Two sweeps over the same catalog at once (a backfill while the reconciler runs): they enqueue a missing
 * revision twice at most, and the worker, run over the same endpoints as Lambda would run it, starts one run for
 * it, not two; a sweep after that finds nothing missing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  addCounts,
  NO_COUNTS,
  type SweepCounts,
  type SweepSettings,
  sweepPage,
} from '../../src/sweep/sweep.js';
import { runScenario } from '../../tools/local/runner/scenario.js';
import { type LocalWorld, startLocalWorld } from '../../tools/local/runner/world.js';
import { expectAccountedOnce, freshWorker, revisionKey } from '../e2e/support.js';
import {
  asExpected,
  DEFAULT_TYPES,
  DOMAIN,
  expectedMissing,
  queuedEvents,
  type SweepAdapters,
  seedRuns,
  sweepAdapters,
  sweepCatalog,
  sweepSettings,
} from './sweep-support.js';

const ASSETS = 40;

let world: LocalWorld;
let adapters: SweepAdapters;

beforeEach(async () => {
  world = await startLocalWorld({ catalog: sweepCatalog(ASSETS) });
  await seedRuns(world.dataZone, ASSETS, DEFAULT_TYPES);
  adapters = sweepAdapters(world);
});
afterEach(async () => {
  adapters.close();
  await world.close();
  vi.unstubAllEnvs();
});

/** One whole sweep in its own session; `dryRun` sends nothing. */
async function sweep(settings: SweepSettings, dryRun = false): Promise<SweepCounts> {
  const session = adapters.session();
  let counts = NO_COUNTS;
  let nextToken: string | undefined;
  try {
    do {
      const page = await sweepPage(nextToken, settings, {
        datazone: session,
        queue: dryRun ? undefined : adapters.queue,
        clock: Date.now,
        warn: (message) => {
          throw new Error(`unexpected warning: ${message}`);
        },
      });
      counts = addCounts(counts, page.counts);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  } finally {
    session.close();
  }
  return counts;
}

const keyOf = (event: { assetId: string; revision: string }) =>
  revisionKey(DOMAIN, event.assetId, event.revision);

describe('overlapping sweeps', () => {
  it('enqueue a missing revision twice at most, and the worker starts one run for it', async () => {
    const expected = expectedMissing(ASSETS, DEFAULT_TYPES);
    const runsBefore = world.dataZone.runs.length;

    const [backfill, reconciler] = await Promise.all([
      sweep(sweepSettings(DEFAULT_TYPES, { origin: 'backfill', sweepId: 'backfill/a', pageSize: 7 })),
      sweep(sweepSettings(DEFAULT_TYPES, { origin: 'reconciler', sweepId: 'reconciler/b', pageSize: 10 })),
    ]);

    expect(backfill.enqueued).toBe(expected.length);
    expect(reconciler.enqueued).toBe(expected.length);
    const events = queuedEvents(world);
    const copies = Map.groupBy(events, keyOf);
    expect([...copies.keys()].sort()).toEqual(expected.map(keyOf).sort());
    for (const [key, both] of copies) {
      expect(both.map((event) => event.sweepId).sort(), key).toEqual(['backfill/a', 'reconciler/b']);
      // The same event id: a consumer that dedupes by id sees one event.
      expect(new Set(both.map((event) => event.eventId)).size, key).toBe(1);
      expect(both.map(asExpected)[0], key).toEqual(both.map(asExpected)[1]);
    }

    const bodies = world.sqs.peek(world.sourceQueue).map((message) => message.body);
    world.sqs.purge(world.sourceQueue);
    const result = await runScenario({
      events: bodies.map((body, index) => ({ label: `sweep#${index}`, body })),
      endpoints: world,
      loadHandler: freshWorker,
      workerEnv: { GENERATION_TYPES: DEFAULT_TYPES.join(',') },
    });

    expectAccountedOnce(result);
    const started = world.dataZone.runs.slice(runsBefore);
    expect(
      started.map((run) => keyOf({ assetId: run.target.identifier, revision: run.target.revision })).sort(),
    ).toEqual(expected.map(keyOf).sort());
    expect(started.every((run) => run.types.join(',') === DEFAULT_TYPES.join(','))).toBe(true);
    expect(result.summary.totals.started).toBe(expected.length);

    const after = await sweep(sweepSettings(DEFAULT_TYPES, { sweepId: 'backfill/c' }), true);
    expect(after).toMatchObject({ revisionsMissing: 0, assetsScanned: ASSETS });
  });
});
