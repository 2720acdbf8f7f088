/**
 * A sweep over a domain's assets, a page at a time: each asset's current revision (GetAsset) and runs
 * (ListMetadataGenerationRuns), and an event on the worker's queue for each revision that lacks a run of a
 * generation group. One piece of code for the scheduled reconciler and the backfill command.
 */

import { ServiceError } from '../core/errors.js';
import type { GenerationGroup } from '../core/generation-types.js';
import type { Clock, EventQueue, SweepDataZone } from '../core/ports.js';
import {
  type MissingRevision,
  missingGroups,
  type ReconcileOrigin,
  reconciledEvent,
} from '../core/reconciliation.js';

export interface SweepSettings {
  readonly domainId: string;
  readonly owningProjectId?: string | undefined;
  /** Assets of other types are counted as skipped, not looked up. */
  readonly assetTypes: ReadonlySet<string>;
  readonly publishedOnly: boolean;
  readonly groups: readonly GenerationGroup[];
  readonly origin: ReconcileOrigin;
  readonly sweepId: string;
  /** Assets per page (at most 50): small enough that a page fits in an invocation at the sweep's rate. */
  readonly pageSize?: number | undefined;
}

export interface SweepCounts {
  readonly assetsScanned: number;
  readonly revisionsCovered: number;
  readonly revisionsMissing: number;
  readonly enqueued: number;
  readonly skippedByType: number;
  readonly skippedUnpublished: number;
  readonly errors: number;
}

export const NO_COUNTS: SweepCounts = {
  assetsScanned: 0,
  revisionsCovered: 0,
  revisionsMissing: 0,
  enqueued: 0,
  skippedByType: 0,
  skippedUnpublished: 0,
  errors: 0,
};

export interface PageResult {
  readonly counts: SweepCounts;
  /** Where the next page starts; undefined when the sweep is done. */
  readonly nextToken: string | undefined;
  readonly totalMatchCount: number | undefined;
  readonly missing: readonly MissingRevision[];
}

export interface SweepDeps {
  readonly datazone: SweepDataZone;
  /** Undefined for a dry run: what would be enqueued is returned, nothing is sent. */
  readonly queue: EventQueue | undefined;
  readonly clock: Clock;
  /** One line per asset that could not be judged, with the reason. */
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * One page. An asset the service refuses for good (deleted, no access) is counted as an error and passed over; a
 * failure that may pass (throttling, the deadline) fails the page, which is then swept again from its start: the
 * worker's own check makes a second event for a revision harmless.
 */
export async function sweepPage(
  nextToken: string | undefined,
  settings: SweepSettings,
  deps: SweepDeps,
): Promise<PageResult> {
  const page = await deps.datazone.searchAssets(settings.domainId, {
    owningProjectId: settings.owningProjectId,
    nextToken,
    pageSize: settings.pageSize,
  });
  const counts = { ...NO_COUNTS, assetsScanned: page.assets.length };
  const missing: MissingRevision[] = [];
  for (const asset of page.assets) {
    if (asset.typeIdentifier !== undefined && !settings.assetTypes.has(asset.typeIdentifier)) {
      counts.skippedByType += 1;
      continue;
    }
    const judged = await judgeAsset(asset.assetId, settings, deps).catch((error: unknown) => {
      if (error instanceof ServiceError && error.kind === 'permanent') {
        deps.warn('asset passed over by the sweep', {
          assetId: asset.assetId,
          errorName: error.name,
          errorMessage: error.message,
        });
        return 'error' as const;
      }
      throw error;
    });
    if (judged === 'error') counts.errors += 1;
    else if (judged === 'other-type') counts.skippedByType += 1;
    else if (judged === 'unpublished') counts.skippedUnpublished += 1;
    else if (judged === 'covered') counts.revisionsCovered += 1;
    else missing.push(judged);
  }
  counts.revisionsMissing = missing.length;
  if (deps.queue !== undefined && missing.length > 0) {
    const time = new Date(deps.clock());
    const mark = (revision: MissingRevision) => ({
      origin: settings.origin,
      sweepId: settings.sweepId,
      groups: revision.groups,
    });
    await deps.queue.send(
      missing.map((revision) => JSON.stringify(reconciledEvent(revision, mark(revision), { time }))),
    );
    counts.enqueued = missing.length;
  }
  return { counts, nextToken: page.nextToken, totalMatchCount: page.totalMatchCount, missing };
}

async function judgeAsset(
  assetId: string,
  settings: SweepSettings,
  deps: SweepDeps,
): Promise<MissingRevision | 'covered' | 'other-type' | 'unpublished'> {
  const asset = await deps.datazone.getAsset(settings.domainId, assetId, undefined);
  if (!settings.assetTypes.has(asset.typeIdentifier)) return 'other-type';
  if (settings.publishedOnly && asset.listed !== true) return 'unpublished';
  const runs = await deps.datazone.listRuns(settings.domainId, assetId);
  const groups = missingGroups(asset.revision, runs, settings.groups);
  if (groups.length === 0) return 'covered';
  return {
    domainId: settings.domainId,
    assetId,
    revision: asset.revision,
    owningProjectId: asset.owningProjectId,
    assetType: asset.typeIdentifier,
    groups,
  };
}

export function addCounts(a: SweepCounts, b: SweepCounts): SweepCounts {
  const sum = { ...a };
  for (const key of Object.keys(b) as (keyof SweepCounts)[]) sum[key] = a[key] + b[key];
  return sum;
}
