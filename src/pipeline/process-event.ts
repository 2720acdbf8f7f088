/**
 * One event, from envelope to outcome: select → resolve → decide → start. Shared by the SQS batch path and the
 * direct EventBridge path; it never throws for a record's own failure.
 */
import type { AssetEvent, EventEnvelope, Parsed } from '../core/asset-event.js';
import { clientToken } from '../core/client-token.js';
import { InvalidEventError } from '../core/errors.js';
import type { GenerationType } from '../core/generation-types.js';
import { outcomeForError, type RecordOutcome, type Target } from '../core/outcome.js';
import type { DataZoneBatch, DataZonePort } from '../core/ports.js';
import { type ResolvedAsset, resolveAsset } from './resolve-asset.js';
import { type SelectionSettings, select } from './select.js';
import { type StartsInBatch, startRun } from './start-run.js';

export interface PipelineSettings extends SelectionSettings {
  readonly supportedAssetTypes: ReadonlySet<string>;
  /** Sorted, distinct, 1–2 values: what each run generates. */
  readonly generationTypes: readonly GenerationType[];
}

/** What the records of one batch (or one direct event) share: DataZone's batch scope and the starts made. */
export class EventBatch {
  private readonly starts: StartsInBatch = new Map();

  constructor(
    private readonly settings: PipelineSettings,
    private readonly datazone: DataZoneBatch,
  ) {}

  /** A parse result → outcome: an input that is not an EventBridge event is dead-lettered with the reason. */
  async process(envelope: Parsed<EventEnvelope>): Promise<RecordOutcome> {
    if (!envelope.ok) {
      return outcomeForError(new InvalidEventError(`not an EventBridge event: ${envelope.reason}`));
    }
    const selection = select(envelope.value, this.settings);
    if (selection.kind === 'skipped') return { kind: 'skipped', reason: selection.reason };
    if (selection.kind === 'invalid') return outcomeForError(new InvalidEventError(selection.reason));
    const session = this.datazone.session();
    try {
      return await resolveAndStart(selection.event, this.settings, session, this.starts);
    } finally {
      session.close();
    }
  }
}

async function resolveAndStart(
  event: AssetEvent,
  settings: PipelineSettings,
  datazone: DataZonePort,
  starts: StartsInBatch,
): Promise<RecordOutcome> {
  const known: Target = {
    domainId: event.domainId,
    assetId: event.assetId,
    owningProjectId: event.owningProjectId,
    revision: event.revision,
    assetType: event.assetType,
  };

  let resolved: ResolvedAsset;
  try {
    resolved = await resolveAsset(event, settings.supportedAssetTypes, datazone);
  } catch (error) {
    return outcomeForError(error, known);
  }
  const target: Target = { ...known, ...resolved };
  if (!settings.supportedAssetTypes.has(resolved.assetType)) {
    return {
      kind: 'skipped',
      reason: `asset type ${resolved.assetType} is not in SUPPORTED_ASSET_TYPES`,
      target,
    };
  }

  const request = {
    domainId: event.domainId,
    assetId: event.assetId,
    revision: resolved.revision,
    owningProjectId: resolved.owningProjectId,
    generationTypes: settings.generationTypes,
    clientToken: clientToken({
      ...event,
      revision: resolved.revision,
      generationTypes: settings.generationTypes,
    }),
  };
  return startRun(request, { ...target, clientToken: request.clientToken }, datazone, starts);
}
