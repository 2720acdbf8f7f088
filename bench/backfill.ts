/**
 * 6. Backfill beside live events: a local DataZone that admits R requests/s in total; live asset events put on the
 * source queue at a steady pace and drained by the real handler at its share of R; and the real `npm run backfill`
 * command sweeping a large generated catalog at its share of R, enqueuing what it finds on the same queue. The live
 * events' latency (enqueue → run started) against the same drain without the backfill; the backfill's request rate
 * against its share; throttled calls.
 */
import { generatedCatalog } from '../tools/local/datazone/generated-catalog.js';
import { drainSide } from './backfill-drain.js';
import { percentile } from './backfill-measures.js';
import { backfillReport } from './backfill-report.js';
import { type Repetition, SETUP, type Side, type Workload } from './backfill-setup.js';
import { type Endpoints, startEndpoints } from './endpoints.js';
import { assetRevisions, benchCatalog, eventBody, REGION, SOURCE_QUEUE } from './fixtures.js';
import { fixed } from './stats.js';
import type { BenchContext, BenchmarkResult } from './types.js';
import { seeded } from './virtual-world.js';

export async function backfill(ctx: BenchContext): Promise<BenchmarkResult> {
  const streamSeconds = ctx.quick ? 4 : 9;
  const catalogAssets = ctx.quick ? 500 : 2000;
  const swept = generatedCatalog({ assets: catalogAssets, domainId: SETUP.backfillDomain }).domains;
  const count = SETUP.livePerSecond * streamSeconds;
  const revisions = assetRevisions(count + SETUP.livePerSecond * SETUP.tailSeconds);
  const endpoints = await startEndpoints(
    { domains: [...benchCatalog(revisions.length).domains, ...swept] },
    { rateLimit: { requestsPerSecond: SETUP.rps, burst: SETUP.rps / 10 } },
  );
  const pages = new Map(
    swept
      .flatMap((domain) => domain.assets)
      .map((asset, index) => [asset.id, Math.floor(index / SETUP.pageSize)]),
  );
  const workload: Workload = {
    count,
    streamSeconds,
    catalogAssets,
    pageOf: (assetId) => pages.get(assetId),
    bodies: revisions.map((revision, index) => eventBody(revision, index)),
    events: revisions.map((revision) => ({ ...revision, sentAt: Number.NaN })),
    settings: drainSettings(endpoints, streamSeconds),
  };
  // About one repetition in nine is slow (live events lock in phase behind the backfill's bursts, p95 about 1.6x):
  // with as many repetitions as the other sections, one such repetition does not decide the median.
  const repetitionCount = ctx.quick ? 1 : ctx.repetitions;
  const repetitions: Repetition[] = [];
  try {
    for (let repetition = 0; repetition < repetitionCount; repetition++) {
      // The order of the sides alternates, so that neither always runs on a warmer machine.
      // Both sides of a repetition get the same live arrivals (one seed); each repetition its own.
      const seed = repetition + 1;
      const first = await drainSide(endpoints, workload, repetition % 2 === 1, ctx, seeded(seed));
      const second = await drainSide(endpoints, workload, repetition % 2 === 0, ctx, seeded(seed));
      const compared =
        first.backfill === undefined ? compare(second, first, count) : compare(first, second, count);
      repetitions.push(compared);
      ctx.log(
        `  backfill ${repetition + 1}/${repetitionCount}: live p50 ${fixed(compared.withBackfill.p50, 0)} vs ` +
          `${fixed(compared.without.p50, 0)} ms, p95 ${fixed(compared.withBackfill.p95, 0)} vs ` +
          `${fixed(compared.without.p95, 0)} ms`,
      );
    }
  } finally {
    await endpoints.close();
  }
  return backfillReport(repetitions, workload);
}

/** The quota benchmark's drain, the worker at R less the backfill's share. */
function drainSettings(endpoints: Endpoints, streamSeconds: number): Workload['settings'] {
  return {
    sqsUrl: endpoints.sqs.url,
    queueUrl: endpoints.sqs.queueUrl(SOURCE_QUEUE),
    queueArn: endpoints.sqs.queueArn(SOURCE_QUEUE),
    region: REGION,
    batchSize: 10,
    batchingWindowMs: 5000,
    // Short, so that the loop soon notices the drained queue; the live events keep it from looking drained early.
    waitTimeSeconds: 1,
    functionTimeoutMs: 60_000,
    workerEnv: { DATAZONE_REQUESTS_PER_SECOND: String(SETUP.workerRps), RECORD_CONCURRENCY: '10' },
    maxWallMs: (streamSeconds + SETUP.tailSeconds) * 1000 + 60_000,
  };
}

/** The same live events on both sides: those sent after the backfill's first call, up to the count. */
function compare(side: Side, baseline: Side, count: number): Repetition {
  const firstCall = Math.min(...(side.backfill?.times ?? []));
  const from = side.sentAt.findIndex((at) => at >= firstCall);
  if (from < 0 || from >= count) {
    throw new Error(`backfill: the backfill made its first call after the live events (index ${from})`);
  }
  const percentiles = (values: readonly number[]) => {
    const compared = values.slice(from, count);
    return { p50: percentile(compared, 50), p95: percentile(compared, 95) };
  };
  return {
    from,
    withBackfill: percentiles(side.latencies),
    without: percentiles(baseline.latencies),
    side,
    baseline,
  };
}
