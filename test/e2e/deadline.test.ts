/**
 * End to end: a function timeout tighter than what a batch needs at the configured DataZone rate.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../tools/local/datazone/catalog.js';
import { runScenario } from '../../tools/local/runner/scenario.js';
import { assetEvent, expectAccountedOnce, freshWorker } from './support.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const catalog = loadCatalog();
const ASSETS = [
  'ayzstznnx4dxyf',
  'c1u9e5y8b2m6qa',
  'd4r7t1w9k3p5zn',
  'e8n2v6c4x1q7jm',
  'f5h9l3s7g1d2wb',
  'h7w1b5n9q3e6ux',
  'j3c8f2y6v0a4ks',
  'm6v0r4e8y2j5qd',
];

describe('e2e: a tight function timeout', () => {
  // Eight events that each need GetAsset + Start, a budget of ~800 ms per invocation (1 s timeout, 200 ms
  // margin) at 10 requests/s (burst 2): about 10 request slots per invocation for 16 calls. Reserving call by call
  // let every record take a GetAsset slot first, left none for the Start calls, and after maxReceiveCount receives
  // sent healthy events to the DLQ. Records now reserve all their slots up front, all or none: those admitted
  // finish, the rest are handed back untouched and finish in the next invocation.
  it('hands unfinished records back without sending healthy events to the DLQ', async () => {
    const result = await runScenario({
      events: ASSETS.map((id) => assetEvent(catalog, id, undefined, undefined, { complete: false })),
      loadHandler: freshWorker,
      // Four receives: a redelivered record lists the asset's runs before it starts (one more call than its first
      // delivery), and a loaded machine shortens the invocation's budget; three left no room for either.
      world: { maxReceiveCount: 4 },
      workerEnv: {
        DATAZONE_REQUESTS_PER_SECOND: '10',
        DATAZONE_BURST: '2',
        DEADLINE_SAFETY_MARGIN_MS: '200',
      },
      eventSource: { functionTimeoutMs: 1000 },
    });

    // Nothing is lost or started twice: the invariant itself holds.
    expectAccountedOnce(result);
    // What fails: healthy events end in the DLQ, redriven after 3 receives of DeadlineExceededError.
    expect(
      result.outcomes.filter((o) => o.status === 'dead-lettered').map((o) => `${o.label}: ${o.reason}`),
    ).toEqual([]);
    expect(result.summary.totals.started).toBe(ASSETS.length);
  });
});
