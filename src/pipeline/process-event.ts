/**
 * One event, from envelope to outcome: select → resolve → decide → start → classify.
 * Shared by the SQS batch path and the direct EventBridge path; it never throws for a record's own failure.
 */

import {
  type AssetEvent,
  DATAZONE_SOURCE,
  declaredDomain,
  type EventEnvelope,
  type Parsed,
  parseAssetEvent,
} from '../core/asset-event.js';
import { clientToken } from '../core/client-token.js';
import {
  type ClassifiedError,
  classifyError,
  InvalidEventError,
  outcomeForError,
  type RecordOutcome,
  type Target,
} from '../core/outcome.js';
import { truncateCodePoints } from '../core/text.js';
import type { DataZonePort, StartedRun } from '../datazone/client.js';
import type { WorkerConfig } from '../runtime/config.js';

export interface EventProcessingDeps {
  readonly config: Pick<
    WorkerConfig,
    'handledDetailTypes' | 'supportedAssetTypes' | 'domainIds' | 'generationTypes'
  >;
  readonly datazone: DataZonePort;
  /**
   * Start calls already made in this batch, by client token: a duplicate record shares the call instead of
   * sending its own (DataZone would answer it with the same run anyway, at the cost of a request).
   */
  readonly startsInBatch?: Map<string, Promise<StartedRun>>;
}

interface ResolvedAsset {
  readonly owningProjectId: string;
  readonly revision: string;
  readonly assetType: string;
}

/** A parse result → outcome: an input that is not an EventBridge event is dead-lettered with the reason. */
export async function processParsedEnvelope(
  envelope: Parsed<EventEnvelope>,
  deps: EventProcessingDeps,
): Promise<RecordOutcome> {
  if (envelope.ok) return processEnvelope(envelope.value, deps);
  return deadLetter(new InvalidEventError(`not an EventBridge event: ${envelope.reason}`), undefined);
}

export async function processEnvelope(
  envelope: EventEnvelope,
  deps: EventProcessingDeps,
): Promise<RecordOutcome> {
  const { config } = deps;
  if (envelope.source !== DATAZONE_SOURCE) {
    return { kind: 'skipped', reason: `source "${envelope.source}" is not ${DATAZONE_SOURCE}` };
  }
  if (!config.handledDetailTypes.has(envelope.detailType)) {
    return { kind: 'skipped', reason: `detail-type "${envelope.detailType}" is not handled` };
  }
  // Events of other domains are skipped before their detail is judged: they are not ours to dead-letter.
  if (config.domainIds.size > 0) {
    const domain = declaredDomain(envelope);
    if (domain === undefined || !config.domainIds.has(domain)) {
      const named = domain === undefined ? 'no domain id string' : `domain ${truncateCodePoints(domain, 64)}`;
      return { kind: 'skipped', reason: `${named} is not in DOMAIN_IDS` };
    }
  }
  const parsed = parseAssetEvent(envelope);
  if (!parsed.ok) {
    return deadLetter(new InvalidEventError(`not a valid DataZone asset event: ${parsed.reason}`), undefined);
  }
  const event = parsed.value;
  const known: Target = targetOf(event);

  // Every DataZone request slot the record needs is reserved before its first call, all or none: a record that
  // starts can finish before the deadline, and one that cannot is handed back untouched. Reserving call by call
  // would let every record of a batch take a GetAsset slot and leave none for the Start calls.
  const fromEvent = completeFromEvent(event, config.supportedAssetTypes);
  let slots: ReservedSlots;
  try {
    slots = new ReservedSlots(deps.datazone, deps.datazone.reserveCalls(fromEvent === undefined ? 2 : 1));
  } catch (error) {
    // No slot now (deadline, rate, tripped breaker) is a retry; anything else is a defect for the caller.
    const classified = classifyError(error);
    if (classified.errorClass === 'deadline' || classified.errorClass === 'deferred') {
      return outcomeForError(classified, known);
    }
    throw error;
  }
  try {
    return await resolveAndStart(event, known, fromEvent, slots, deps);
  } finally {
    slots.releaseUnused();
  }
}

async function resolveAndStart(
  event: AssetEvent,
  known: Target,
  fromEvent: ResolvedAsset | undefined,
  slots: ReservedSlots,
  deps: EventProcessingDeps,
): Promise<RecordOutcome> {
  const { config } = deps;
  let resolved: ResolvedAsset;
  try {
    resolved = fromEvent ?? (await lookUpAsset(event, deps.datazone, slots.take()));
  } catch (error) {
    return outcomeForError(classifyError(error), known);
  }
  const target: Target = { ...known, ...resolved };
  if (!config.supportedAssetTypes.has(resolved.assetType)) {
    return {
      kind: 'skipped',
      reason: `asset type ${resolved.assetType} is not in SUPPORTED_ASSET_TYPES`,
      target,
    };
  }

  const token = clientToken({
    ...event,
    revision: resolved.revision,
    generationTypes: config.generationTypes,
  });
  const withToken: Target = { ...target, clientToken: token };
  const shared = deps.startsInBatch?.get(token);
  const start =
    shared ??
    deps.datazone.startMetadataGenerationRun(
      {
        domainId: event.domainId,
        assetId: event.assetId,
        revision: resolved.revision,
        owningProjectId: resolved.owningProjectId,
        generationTypes: config.generationTypes,
        clientToken: token,
      },
      { slotAt: slots.take() },
    );
  if (shared === undefined) deps.startsInBatch?.set(token, start);
  try {
    const run = await start;
    if (run.replayed === true && shared === undefined) {
      return {
        kind: 'already-exists',
        target: withToken,
        runId: run.runId,
        error: {
          name: 'ClientTokenReplay',
          message: `run ${run.runId} was created before this request: the client token returned an earlier start's run`,
        },
      };
    }
    if (shared !== undefined) {
      return {
        kind: 'already-exists',
        target: withToken,
        error: {
          name: 'DuplicateInBatch',
          message: `run ${run.runId} was started for an identical event of this batch`,
        },
      };
    }
    return { kind: 'started', target: withToken, runId: run.runId, runStatus: run.status };
  } catch (error) {
    const classified = classifyError(error);
    if (classified.errorClass === 'conflict') {
      return confirmConflict(deps.datazone, withToken, resolved.revision, classified);
    }
    return outcomeForError(classified, withToken);
  }
}

/**
 * ConflictException means a run of the asset exists or is under way, not necessarily one of this revision: when
 * a new revision arrives while the previous one's run is in progress, taking the conflict as done would lose the
 * new revision. The runs of the asset tell which: this revision's run → already existing; none → retry later.
 * If the check itself fails, the record is retried too: the client token keeps that from starting a second run.
 */
async function confirmConflict(
  datazone: DataZonePort,
  target: Target,
  revision: string,
  conflict: ClassifiedError,
): Promise<RecordOutcome> {
  const error = { name: conflict.name, message: conflict.message };
  let run: StartedRun | undefined;
  try {
    run = await datazone.findRun(target.domainId, target.assetId, revision);
  } catch (lookupError) {
    return outcomeForError(classifyError(lookupError), target);
  }
  if (run !== undefined) return { kind: 'already-exists', target, error, runId: run.runId };
  // The other revision's run takes minutes: wait on the long schedule, so that the receives left before the DLQ
  // cover hours rather than the quarter of an hour the short one adds up to.
  return {
    kind: 'retry',
    cause: 'asset-busy',
    schedule: 'quota',
    error: { name: error.name, message: `no run of revision ${revision} yet: ${error.message}` },
    target,
  };
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
async function lookUpAsset(
  event: AssetEvent,
  datazone: DataZonePort,
  slotAt: number | undefined,
): Promise<ResolvedAsset> {
  const asset = await datazone.getAsset(event.domainId, event.assetId, event.revision, { slotAt });
  return {
    owningProjectId: event.owningProjectId ?? asset.owningProjectId,
    revision: event.revision ?? asset.revision,
    assetType: asset.typeIdentifier,
  };
}

/** The request slots a record reserved: each call takes the next one; what is left is given back at the end. */
class ReservedSlots {
  private taken = 0;

  constructor(
    private readonly datazone: DataZonePort,
    private readonly times: readonly number[],
  ) {}

  /** The next reserved slot; undefined once they are used up (the call then reserves its own). */
  take(): number | undefined {
    const slot = this.times[this.taken];
    if (slot !== undefined) this.taken += 1;
    return slot;
  }

  /** A duplicate sharing a call, an unsupported type or a failed lookup leave slots unused: free them. */
  releaseUnused(): void {
    this.datazone.releaseCalls(this.times.length - this.taken);
    this.taken = this.times.length;
  }
}

function targetOf(event: AssetEvent): Target {
  return {
    domainId: event.domainId,
    assetId: event.assetId,
    owningProjectId: event.owningProjectId,
    revision: event.revision,
    assetType: event.assetType,
  };
}

function deadLetter(error: Error, target: Target | undefined): RecordOutcome {
  return outcomeForError(classifyError(error), target);
}
