/**
 * End to end: DataZone answers ConflictException while a run of the asset is in progress, also for another
 * revision. A new revision that arrives while the previous one's run is under way must still get its own run.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../tools/local/datazone/catalog.js';
import { runScenario } from '../../tools/local/runner/scenario.js';
import {
  assetEvent,
  expectAccountedOnce,
  firstRunsPerRevision,
  freshWorker,
  revisionKey,
} from './support.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const catalog = loadCatalog();
const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const ASSET = 'ayzstznnx4dxyf'; // revisions 1, 2 and 3

describe('e2e: conflicts with a run of another revision', () => {
  it('starts every revision once, retrying the ones that conflicted with a run in progress', async () => {
    const result = await runScenario({
      events: [
        assetEvent(catalog, ASSET, '1', 'Asset Added To Inventory'),
        assetEvent(catalog, ASSET, '2', 'New Asset Version Available'),
        assetEvent(catalog, ASSET, '3', 'New Asset Version Available'),
      ],
      loadHandler: freshWorker,
      // Any run of the asset in progress conflicts; each run takes 2 s (virtual time) to complete.
      world: { seed: 5, conflictScope: 'asset', lifecycle: { inProgressAfterMs: 10, completeAfterMs: 2000 } },
    });

    expectAccountedOnce(result);
    expect(Object.fromEntries(firstRunsPerRevision(result))).toEqual({
      [revisionKey(DOMAIN, ASSET, '1')]: 1,
      [revisionKey(DOMAIN, ASSET, '2')]: 1,
      [revisionKey(DOMAIN, ASSET, '3')]: 1,
    });
    expect(result.summary.totals.started).toBe(3);
    // The conflicts were confirmed, not taken for an existing run.
    expect(result.dataZone?.countsByOperation().ListMetadataGenerationRuns ?? 0).toBeGreaterThan(0);
    expect(result.outcomes.filter((outcome) => outcome.status === 'dead-lettered')).toEqual([]);
  });

  it('takes a conflict for the same revision as the existing run', async () => {
    const event = assetEvent(catalog, ASSET, '3', 'Asset Added To Catalog');
    const result = await runScenario({
      events: [event, event],
      loadHandler: freshWorker,
      world: {
        seed: 6,
        conflictScope: 'asset',
        lifecycle: { inProgressAfterMs: 10, completeAfterMs: 'never' },
      },
      eventSource: { batchSize: 1 },
    });
    expectAccountedOnce(result);
    expect(Object.fromEntries(firstRunsPerRevision(result))).toEqual({
      [revisionKey(DOMAIN, ASSET, '3')]: 1,
    });
  });
});
