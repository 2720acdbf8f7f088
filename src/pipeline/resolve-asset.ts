/** Resolve: the asset's revision, project and type, from the event when it is enough, else with GetAsset. */
import type { AssetEvent } from '../core/asset-event.js';
import type { DataZonePort } from '../core/ports.js';

export interface ResolvedAsset {
  readonly owningProjectId: string;
  readonly revision: string;
  readonly assetType: string;
}

export async function resolveAsset(
  event: AssetEvent,
  supportedAssetTypes: ReadonlySet<string>,
  datazone: DataZonePort,
): Promise<ResolvedAsset> {
  return completeFromEvent(event, supportedAssetTypes) ?? (await lookUpAsset(event, datazone));
}

/**
 * What the event alone tells, when it is enough. The type from the event is trusted only when it is one we
 * support: the field is undocumented, so a missing or unexpected value is confirmed with the service (GetAsset)
 * rather than used to skip the asset.
 */
function completeFromEvent(
  event: AssetEvent,
  supportedAssetTypes: ReadonlySet<string>,
): ResolvedAsset | undefined {
  const { owningProjectId, revision, assetType } = event;
  if (owningProjectId === undefined || revision === undefined || assetType === undefined) return undefined;
  return supportedAssetTypes.has(assetType) ? { owningProjectId, revision, assetType } : undefined;
}

/** Completes what the event leaves out with one GetAsset call. */
async function lookUpAsset(event: AssetEvent, datazone: DataZonePort): Promise<ResolvedAsset> {
  const asset = await datazone.getAsset(event.domainId, event.assetId, event.revision);
  return {
    owningProjectId: event.owningProjectId ?? asset.owningProjectId,
    revision: event.revision ?? asset.revision,
    assetType: asset.typeIdentifier,
  };
}
