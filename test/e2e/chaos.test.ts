/**
 * End to end with every fault at once (throttling, quota cap, 500s, dropped connections, latency) and concurrent
 * containers, seeded: the invariant holds and only the events that deserve it reach the DLQ.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../tools/local/datazone/catalog.js';
import { generateCatalogEvents } from '../../tools/local/runner/event-files.js';
import { runScenario } from '../../tools/local/runner/scenario.js';
import { MALFORMED_BODY } from '../support/fixtures.js';
import {
  callsPerEvent,
  expectAccountedOnce,
  firstRunsPerRevision,
  freshWorker,
  revisionKey,
  sampleLabel,
  samples,
} from './support.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The sample events that can never succeed: invalid, unknown asset, malformed. */
const DESERVE_DLQ = [
  'eventbridge/invalid-asset-event.json',
  'eventbridge/unknown-asset.json',
  sampleLabel(MALFORMED_BODY),
  'sqs/invalid-asset-event.json#1',
  'sqs/malformed-body.json#1',
];

describe('e2e: chaos', () => {
  it.each([7])(
    'seed %i: every event and outcome accounted for once, one run per revision and attempt',
    async (seed) => {
      const generated = generateCatalogEvents(loadCatalog(), { count: 20, seed });
      const result = await runScenario({
        events: [...samples(), ...generated],
        loadHandler: freshWorker,
        world: {
          seed,
          dataZoneFaults: {
            rateLimit: { requestsPerSecond: 15, burst: 5 },
            maxRunsInProgress: 3,
            internalErrorRate: 0.1,
            dropRate: 0.05,
            latencyMs: { min: 2, max: 20 },
          },
          lifecycle: { inProgressAfterMs: 50, completeAfterMs: 300 },
        },
        workerEnv: { DATAZONE_REQUESTS_PER_SECOND: '50', DATAZONE_BURST: '20' },
        eventSource: { concurrency: 3, batchSize: 5 },
      });

      expectAccountedOnce(result);
      const deadLettered = result.outcomes.filter((o) => o.status === 'dead-lettered').map((o) => o.label);
      expect(deadLettered.sort()).toEqual([...DESERVE_DLQ].sort());
      for (const event of generated) {
        const { domainId, assetId, revision } = event.asset ?? { domainId: '', assetId: '', revision: '' };
        expect(firstRunsPerRevision(result).get(revisionKey(domainId, assetId, revision)), event.label).toBe(
          1,
        );
      }
      const faults = result.dataZone?.summary();
      expect((faults?.dropped ?? 0) + (faults?.byError.InternalServerException ?? 0)).toBeGreaterThan(0);
      expect(callsPerEvent(result)).toBeLessThanOrEqual(6);
    },
  );
});
