/**
 * 7. One budget per operation: events that leave the revision out, so that each needs a GetAsset and then a
 * StartMetadataGenerationRun, drained by one container configured to R against a local DataZone that admits R
 * requests per second of EACH operation (AWS sets its quotas per API operation). Both operations can run at R side
 * by side, so the ideal drain is events / R.
 */

import { startEndpoints } from './endpoints.js';
import { assetRevisions, benchCatalog, eventBody } from './fixtures.js';
import { drainFleet, type FleetRepetition, type FleetSetup, type FleetWorkload } from './fleet-drain.js';
import { fixed, median, spread } from './stats.js';
import { type BenchContext, type BenchmarkResult, meeting } from './types.js';

const TARGET_WALL = 1.15;
const RPS = 50;

export async function perOperation(ctx: BenchContext): Promise<BenchmarkResult> {
  const events = ctx.quick ? 250 : 650;
  const repetitionCount = ctx.quick ? 1 : ctx.repetitions;
  const idealS = events / RPS;
  // One revision per asset: GetAsset answers the current one, which is then the event's own.
  const revisions = assetRevisions(events, 0, 1);
  const endpoints = await startEndpoints(benchCatalog(events, 1), {
    rateLimit: { requestsPerSecond: RPS, burst: RPS / 10, perOperation: true },
  });
  const workload: FleetWorkload = {
    endpoints,
    bodies: revisions.map((revision, index) => eventBody(revision, index, false)),
    rps: RPS,
    paced: 'StartMetadataGenerationRun',
  };
  const setup: FleetSetup = { label: 'per-operation', concurrency: 1, containerRps: RPS };
  const repetitions: FleetRepetition[] = [];
  try {
    for (let repetition = 0; repetition < repetitionCount; repetition++) {
      repetitions.push(
        await drainFleet(
          workload,
          { ...setup, label: `${setup.label} ${repetition + 1}/${repetitionCount}` },
          ctx,
        ),
      );
    }
  } finally {
    await endpoints.close();
  }
  const complete = repetitions.every((r) => r.lost === 0);
  const wall = median(repetitions.map((r) => r.wallRatio));
  const share = (r: FleetRepetition) => r.throttles.throttled / r.throttles.calls;
  return {
    id: 'per-operation',
    title: 'One budget per operation (GetAsset + Start)',
    rows: [
      {
        measure: `wall time to drain ${events} events needing GetAsset, each operation limited to R=${RPS}/s (s)`,
        worker: `${fixed(median(repetitions.map((r) => r.drainMs / 1000)))}${complete ? '' : ' (events lost)'}`,
        baseline: `${fixed(idealS)} (ideal ${events}/R)`,
        ratio: `${fixed(wall, 3)}x`,
        target: `≤ ${TARGET_WALL}x`,
        pass: complete && wall <= TARGET_WALL,
        repetitionsMeeting: meeting(
          repetitions.map((r) => (r.lost === 0 ? r.wallRatio : Number.POSITIVE_INFINITY)),
          (r) => r <= TARGET_WALL,
        ),
      },
      {
        measure: 'diagnostic: throttled calls / all DataZone calls',
        worker: `${fixed(median(repetitions.map(share)) * 100, 2)}%`,
        baseline: '0%',
        ratio: '—',
        target: 'no target',
        pass: undefined,
      },
      {
        measure: 'diagnostic: DataZone calls per event',
        worker: fixed(median(repetitions.map((r) => r.callsPerEvent)), 3),
        baseline: '2 (GetAsset, Start)',
        ratio: `${fixed(median(repetitions.map((r) => r.callsPerEvent)) / 2, 3)}x`,
        target: 'no target',
        pass: undefined,
      },
    ],
    details: [
      `${events} "New Asset Version Available" events without \`metadata.version\`, one per asset of a generated ` +
        'catalog whose assets have one revision each, so that the worker asks GetAsset for the revision, then ' +
        'starts its run. Put in the local source queue before each repetition.',
      `Endpoint: the local DataZone in the parent process, one token bucket per operation (\`rateLimit.perOperation\`), ` +
        `each R=${RPS} requests/s with a burst of ${RPS / 10}; requests beyond it get 429 ThrottlingException. ` +
        'Reset before each repetition.',
      'Drained by the local runner’s event-source loop in a child (bench/child-fleet.ts): one poller and one ' +
        'container with the real handler imported as Lambda would, batch size 10, batching window 5 s, function ' +
        'timeout 60 s.',
      `Worker: DATAZONE_REQUESTS_PER_SECOND=${RPS} (R: the rate of each operation, once the worker has one budget ` +
        'per operation), RECORD_CONCURRENCY=10, every other setting at its default.',
      `Wall time: from the loaded container’s first receive to the last delete; ideal ${events}/R = ${fixed(idealS)} ` +
        's (GetAsset and Start each at R, side by side). Checked: one run per event, none twice.',
      `Per repetition (${repetitions.length}): drain ${spread(repetitions.map((r) => r.drainMs / 1000))} s; calls ` +
        `${repetitions.map((r) => r.throttles.calls).join(', ')}; throttled ` +
        `${repetitions.map((r) => r.throttles.throttled).join(', ')}; invocations ` +
        `${repetitions.map((r) => r.invocations).join(', ')}; records handed back ` +
        `${repetitions.map((r) => r.handedBack).join(', ')}; events without a run ` +
        `${repetitions.map((r) => r.lost).join(', ')}.`,
    ],
  };
}
