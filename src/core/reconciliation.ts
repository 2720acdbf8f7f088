/**
 * Reconciliation: the asset revisions without a run of each generation group, found by a sweep over a domain's
 * assets (the scheduled reconciler, the backfill command), and the events the sweep puts on the worker's queue
 * for them, so that the worker's rate limit, retries, outcome tracking and DLQ apply unchanged.
 */
import type { GenerationGroup } from './generation-types.js';
import type { RunSummary } from './ports.js';
import { runOfRevision } from './runs.js';

/** Who enqueued a reconciled event: logs and metrics tell them apart from DataZone's own events. */
export type ReconcileOrigin = 'reconciler' | 'backfill';

/** The groups of a revision that have no run yet: a revision with a run of a group is never enqueued for it. */
export function missingGroups(
  revision: string,
  runs: readonly RunSummary[],
  groups: readonly GenerationGroup[],
): GenerationGroup[] {
  return groups.filter((group) => runOfRevision(runs, revision, group) === undefined);
}

export interface MissingRevision {
  readonly domainId: string;
  readonly assetId: string;
  readonly revision: string;
  readonly owningProjectId: string;
  readonly assetType: string;
  readonly groups: readonly GenerationGroup[];
}

/** What the sweep writes into `detail.reconciliation`, and the worker reads back (asset-event.ts). */
export interface ReconciliationMark {
  readonly origin: ReconcileOrigin;
  readonly sweepId: string;
  readonly groups: readonly GenerationGroup[];
}

/**
 * A DataZone-style asset event for a missing revision: the documented fields where DataZone puts them (domain,
 * project, asset id), the revision and type where the worker reads them, and the mark. Its id is derived from the
 * revision, so two sweeps that find the same revision enqueue the same event id. The envelope's account and
 * region stay empty: the worker reads neither.
 */
export function reconciledEvent(
  missing: MissingRevision,
  mark: ReconciliationMark,
  at: { readonly time: Date },
): Record<string, unknown> {
  return {
    version: '0',
    id: `reconcile-${missing.domainId}-${missing.assetId}-${missing.revision}`,
    'detail-type': 'New Asset Version Available',
    source: 'aws.datazone',
    account: '',
    time: at.time.toISOString(),
    region: '',
    resources: [],
    detail: {
      version: '1',
      metadata: {
        domain: missing.domainId,
        id: missing.assetId,
        version: missing.revision,
        typeName: missing.assetType,
        owningProjectId: missing.owningProjectId,
      },
      data: { assetId: missing.assetId, revision: missing.revision },
      reconciliation: mark,
    },
  };
}

/**
 * A stand-in for a failed run's outcome event that never came (EventBridge delivers on a best-effort basis): the
 * worker reads it as DataZone's own and decides from the run itself, so a retry it owed is not lost. Without a
 * time, the retry's backoff counts from the run's creation.
 */
export function reconciledOutcomeEvent(
  domainId: string,
  runId: string,
  mark: Omit<ReconciliationMark, 'groups'>,
): Record<string, unknown> {
  return {
    version: '0',
    id: `reconcile-outcome-${runId}`,
    'detail-type': 'Metadata Generation Failed',
    source: 'aws.datazone',
    account: '',
    region: '',
    resources: [],
    detail: {
      version: '1',
      metadata: { domain: domainId, id: runId },
      data: { metadataGenerationRunId: runId },
      reconciliation: mark,
    },
  };
}

/** The DataZone calls a sweep makes per asset (GetAsset, ListMetadataGenerationRuns), and per page (Search). */
const CALLS_PER_ASSET = 2;
const ASSETS_PER_SEARCH_PAGE = 50;

/** How long a sweep of `assets` takes at `requestsPerSecond`, in seconds. */
export function sweepSeconds(assets: number, requestsPerSecond: number): number {
  const calls = assets * CALLS_PER_ASSET + Math.ceil(assets / ASSETS_PER_SEARCH_PAGE);
  return calls / requestsPerSecond;
}
