/**
 * One event, from envelope to outcome. An asset event: select → resolve → decide → start, one run per generation
 * group. A run's outcome event: select → track. Shared by the SQS batch path and the direct EventBridge path; it
 * never throws for a record's own failure.
 */
import type { AssetEvent, EventEnvelope, Parsed } from '../core/asset-event.js';
import { clientToken } from '../core/client-token.js';
import { InvalidEventError } from '../core/errors.js';
import { type GenerationGroup, type GenerationType, generationGroups } from '../core/generation-types.js';
import { outcomeForError, type RecordOutcome, type Target } from '../core/outcome.js';
import type { Clock, DataZoneBatch, DataZonePort, RunSummary } from '../core/ports.js';
import { runOfRevision } from '../core/runs.js';
import { type ResolvedAsset, resolveAsset } from './resolve-asset.js';
import { type SelectionSettings, select } from './select.js';
import { combineGroups, type StartsInBatch, startRun } from './start-run.js';
import { trackOutcome } from './track-outcome.js';

export interface PipelineSettings extends SelectionSettings {
  readonly supportedAssetTypes: ReadonlySet<string>;
  /** Sorted, distinct, 1–3 values: what is generated for each revision (in runs of at most two types). */
  readonly generationTypes: readonly GenerationType[];
  /** Runs per (revision, generation group), the first included. */
  readonly maxRunAttempts: number;
  /** Seconds before the second attempt of a failed run; doubled for each further one. */
  readonly runRetryBaseSeconds: number;
}

/** What the records of one batch (or one direct event) share: DataZone's batch scope and the starts made. */
export class EventBatch {
  private readonly starts: StartsInBatch = new Map();
  /** The configured generation types as runs, derived once rather than per record. */
  private readonly groups: readonly GenerationGroup[];

  constructor(
    private readonly settings: PipelineSettings,
    private readonly datazone: DataZoneBatch,
    private readonly clock: Clock,
    /** A queue to wait in (SQS wiring): a failed run's next attempt waits there for its backoff. */
    private readonly canWaitInQueue = true,
  ) {
    this.groups = generationGroups(settings.generationTypes);
  }

  /**
   * A parse result → outcome: an input that is not an EventBridge event is dead-lettered with the reason.
   * `redelivered`: the queue has delivered this message before (a client token may not protect it any more).
   */
  async process(envelope: Parsed<EventEnvelope>, redelivered = false): Promise<RecordOutcome> {
    if (!envelope.ok) {
      return outcomeForError(new InvalidEventError(`not an EventBridge event: ${envelope.reason}`));
    }
    const selection = select(envelope.value, this.settings);
    switch (selection.kind) {
      case 'skipped':
      case 'outcome-unreadable':
        return { kind: selection.kind, reason: selection.reason };
      case 'invalid':
        return outcomeForError(new InvalidEventError(selection.reason));
      case 'name-generation':
        return { kind: 'name-generation-ended', status: selection.status, domainId: selection.domainId };
      case 'run-outcome':
        return this.withSession((datazone) => {
          const policy = { ...this.settings, groups: this.groups };
          return trackOutcome(selection.event, policy, datazone, this.starts, this.clock, {
            canWaitInQueue: this.canWaitInQueue,
          });
        });
      case 'asset-event':
        return this.withSession((datazone) =>
          resolveAndStart(selection.event, this.settings, this.groups, datazone, this.starts, redelivered),
        );
    }
  }

  private async withSession(
    work: (datazone: DataZonePort) => Promise<RecordOutcome>,
  ): Promise<RecordOutcome> {
    const session = this.datazone.session();
    try {
      return await work(session);
    } finally {
      session.close();
    }
  }
}

async function resolveAndStart(
  event: AssetEvent,
  settings: PipelineSettings,
  configured: readonly GenerationGroup[],
  datazone: DataZonePort,
  starts: StartsInBatch,
  redelivered: boolean,
): Promise<RecordOutcome> {
  const known: Target = {
    domainId: event.domainId,
    assetId: event.assetId,
    owningProjectId: event.owningProjectId,
    revision: event.revision,
    assetType: event.assetType,
  };
  const selected = groupsFor(event, configured);
  if ('skip' in selected) return { kind: 'skipped', reason: selected.skip, target: known };
  const { groups } = selected;
  // A reconciled or redelivered event is checked against the revision's runs first: exactly one run per group
  // holds even when a client token no longer protects it (DataZone does not say for how long it does).
  // Stryker disable next-line ArrayDeclaration: a string in the list is no run of the revision: never found
  let runs: readonly RunSummary[] = [];
  try {
    if (event.reconciliation !== undefined || redelivered)
      runs = await datazone.listRuns(event.domainId, event.assetId);
  } catch (error) {
    return outcomeForError(error, known);
  }
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
  const outcomes = await Promise.all(
    groups.map((types): Promise<RecordOutcome> => {
      const token = clientToken({ ...event, revision: resolved.revision, generationTypes: types });
      const withToken = { ...target, clientToken: token };
      const existing = runOfRevision(runs, resolved.revision, types);
      if (existing !== undefined) {
        const message = `revision ${resolved.revision} already has run ${existing.runId} of ${types.join(',')}`;
        return Promise.resolve({
          kind: 'already-exists',
          target: withToken,
          runId: existing.runId,
          error: { name: 'RunAlreadyExists', message },
        });
      }
      const request = {
        domainId: event.domainId,
        assetId: event.assetId,
        revision: resolved.revision,
        owningProjectId: resolved.owningProjectId,
        generationTypes: types,
        clientToken: token,
      };
      return startRun(request, withToken, datazone, starts);
    }),
  );
  return combineGroups(groups, outcomes);
}

/**
 * The configured groups, or those of them a sweep found missing (it names them in its mark). A sweep run with other
 * GENERATION_TYPES than this worker's may name none of them: the event is skipped, with the groups it named.
 */
function groupsFor(
  event: AssetEvent,
  configured: readonly GenerationGroup[],
): { readonly groups: GenerationGroup[] } | { readonly skip: string } {
  const mark = event.reconciliation;
  if (mark === undefined) return { groups: [...configured] };
  const named = new Set(mark.groups.map((group) => [...group].sort().join(',')));
  const groups = configured.filter((group) => named.has(group.join(',')));
  if (groups.length > 0) return { groups };
  const marked = mark.groups.map((group) => group.join('+')).join(', ');
  return { skip: `none of the groups the sweep marked (${marked}) is in GENERATION_TYPES` };
}
