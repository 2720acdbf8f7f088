/** The backfill benchmark's settings and what each of its steps hands the next. */
import type { SentEvent } from './backfill-measures.js';
import type { QuotaChildSettings } from './child-quota.js';
import type { Exited } from './children.js';

/** R: what the endpoint admits, in requests per second, shared by the worker and the backfill. */
const RPS = 200;
const BACKFILL_SHARE = 0.25;

export const SETUP = {
  rps: RPS,
  backfillShare: BACKFILL_SHARE,
  /** The backfill command's --rate. */
  backfillRps: RPS * BACKFILL_SHARE,
  /** The worker's DATAZONE_REQUESTS_PER_SECOND: one container holds the rest of R. */
  workerRps: RPS * (1 - BACKFILL_SHARE),
  /** A third of the worker's share: live events cost it one call each, the backfill's events two. */
  livePerSecond: 50,
  /** The backfill's calls carry it in their User-Agent (AWS_SDK_UA_APP_ID), the worker's do not. */
  backfillApp: 'datazone-metagen-bench-backfill',
  backfillDomain: 'dzd_backfill00001',
  /** The backfill command's page: Search's maximum, the assets whose events it enqueues together. */
  pageSize: 50,
  /** Batches sent less than this apart are one burst of events. */
  burstGapMs: 50,
  /** The longest the live events keep coming after their count, waiting for the stopped backfill's last page. */
  tailSeconds: 15,
} as const;

export const TARGETS = { p50: 1.2, p95: 1.2, backfillRate: 1.05, throttledShare: 0.01 };

export interface Workload {
  /** Live events compared, at most: those sent within the stream's planned length. */
  readonly count: number;
  readonly streamSeconds: number;
  /** More than `count`: the stream goes on until the backfill has exited. */
  readonly bodies: readonly string[];
  readonly events: readonly SentEvent[];
  readonly catalogAssets: number;
  /** A backfill asset's page, from its place in the catalog (Search lists in catalog order). */
  readonly pageOf: (assetId: string) => number | undefined;
  readonly settings: QuotaChildSettings;
}

export interface BackfillSide {
  readonly exit: Exited;
  readonly assetsScanned: number;
  readonly enqueued: number;
  /** Arrival times of its DataZone calls at the endpoint. */
  readonly times: readonly number[];
  readonly throttled: number;
  /** The worker's DataZone calls for the backfill's events. */
  readonly workerCalls: number;
  /** For each whole page of the backfill's events: from its first run to its last (ms). */
  readonly pageSpans: readonly number[];
  /** How many of its events it put on the queue at once, burst by burst. */
  readonly bursts: readonly number[];
}

export interface Side {
  /** Each live event's latency (ms), in the order sent: the first `count` are the same events on both sides. */
  readonly latencies: readonly number[];
  readonly sentAt: readonly number[];
  readonly calls: number;
  readonly throttled: number;
  readonly backfill: BackfillSide | undefined;
}

interface Percentiles {
  readonly p50: number;
  readonly p95: number;
}

export interface Repetition {
  /** Index of the first live event sent after the backfill's first call: the compared events start there. */
  readonly from: number;
  readonly withBackfill: Percentiles;
  readonly without: Percentiles;
  readonly side: Side;
  readonly baseline: Side;
}
