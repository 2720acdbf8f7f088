// The asset revisions a local run owes a run of every generation group, and those it ended without.
//
// Eligible: the current revision of each asset of the local catalog, in a domain one of the run's asset events
// names (delivered or lost), whose type is in the worker's SUPPORTED_ASSET_TYPES and that metadata generation
// accepts (a type the local DataZone generates for, with a structured schema). These are the revisions a sweep of
// those domains finds missing when they have no run of a group, and that a run can be started for. Missed: an
// eligible revision without a run of some group (GENERATION_TYPES) at the end, whoever started the runs. An event
// names a revision when the worker handles its detail-type (HANDLED_DETAIL_TYPES) and it is about that revision
// (or about the asset, without a revision: then the current one).
import { parseAssetEvent, parseEnvelopeJson } from '../../../src/core/asset-event.js';
import { generationGroups, groupOf } from '../../../src/core/generation-types.js';
import { loadConfig } from '../../../src/runtime/config.js';
import type { Catalog } from '../datazone/catalog.js';
import { GENERATION_CAPABLE_TYPES } from '../datazone/state.js';
import type { MetadataGenerationRun } from '../datazone/types.js';

/** One of the run's own events: its number, its body, and whether the bus lost it. */
export interface RunEvent {
  readonly index: number;
  readonly body: string;
  readonly dropped: boolean;
}

/**
 * Why a revision has no run of a group: every event that named it was lost on the bus; no event of the run named it
 * (the sweep's business); or an event reached the queue and did not start one (its fate is in the event list).
 */
type MissedCause = 'events-lost' | 'no-event' | 'not-started';

export interface MissedRevision {
  readonly assetRevision: string;
  /** The generation groups without a run. */
  readonly groups: readonly (readonly string[])[];
  readonly cause: MissedCause;
  /** The run's events that named the revision. */
  readonly events: readonly { readonly index: number; readonly dropped: boolean }[];
}

export interface RevisionsOwed {
  /** The catalog's domains the run's asset events name: what a sweep covers. */
  readonly domainIds: readonly string[];
  readonly eligible: number;
  readonly missed: readonly MissedRevision[];
}

export interface RevisionsOwedInput {
  readonly catalog: Catalog;
  readonly runs: readonly MetadataGenerationRun[];
  readonly workerEnv: Readonly<Record<string, string>>;
  readonly events: readonly RunEvent[];
}

export function revisionsOwed(input: RevisionsOwedInput): RevisionsOwed {
  const config = loadConfig(input.workerEnv);
  const groups = generationGroups(config.generationTypes);
  const named = namedRevisions(input, config.handledDetailTypes);
  const domains = input.catalog.domains.filter((domain) => named.domains.has(domain.id));
  const eligible = domains.flatMap((domain) =>
    domain.assets
      .filter(
        (asset) =>
          config.supportedAssetTypes.has(asset.typeIdentifier) &&
          GENERATION_CAPABLE_TYPES.has(asset.typeIdentifier) &&
          asset.structuredSchema !== false,
      )
      .flatMap((asset) => {
        const current = asset.revisions.at(-1)?.revision;
        return current === undefined ? [] : [{ domainId: domain.id, assetId: asset.id, revision: current }];
      }),
  );
  const missed = eligible.flatMap(({ domainId, assetId, revision }) => {
    const covered = new Set(
      input.runs
        .filter(
          (run) =>
            run.domainId === domainId &&
            run.target.identifier === assetId &&
            run.target.revision === revision,
        )
        .map((run) => groupOf(run.types, groups)),
    );
    const without = groups.filter((group) => !covered.has(group));
    if (without.length === 0) return [];
    const assetRevision = `${domainId}/${assetId}@${revision}`;
    const events = named.events.get(assetRevision) ?? [];
    const cause: MissedCause =
      events.length === 0 ? 'no-event' : events.every((e) => e.dropped) ? 'events-lost' : 'not-started';
    return [{ assetRevision, groups: without, cause, events }];
  });
  return { domainIds: domains.map((domain) => domain.id), eligible: eligible.length, missed };
}

/** The catalog's domains the run's asset events name (delivered or lost): the domains a sweep covers. */
export function namedDomains(catalog: Catalog, bodies: readonly string[]): string[] {
  const events = bodies.map((body, i) => ({ index: i + 1, body, dropped: false }));
  const { domains } = namedRevisions({ catalog, events }, new Set());
  return catalog.domains.filter((domain) => domains.has(domain.id)).map((domain) => domain.id);
}

/** The domains the run's asset events name, and the events of a handled detail-type naming each revision. */
function namedRevisions(
  input: Pick<RevisionsOwedInput, 'catalog' | 'events'>,
  handledDetailTypes: ReadonlySet<string>,
) {
  const domains = new Set<string>();
  const events = new Map<string, { index: number; dropped: boolean }[]>();
  for (const event of input.events) {
    const envelope = parseEnvelopeJson(event.body);
    const parsed = envelope.ok ? parseAssetEvent(envelope.value) : undefined;
    if (!parsed?.ok) continue;
    const { domainId, assetId, detailType } = parsed.value;
    domains.add(domainId);
    if (!handledDetailTypes.has(detailType)) continue;
    const asset = input.catalog.domains
      .find((domain) => domain.id === domainId)
      ?.assets.find((a) => a.id === assetId);
    const revision = parsed.value.revision ?? asset?.revisions.at(-1)?.revision;
    const key = `${domainId}/${assetId}@${revision}`;
    events.set(key, [...(events.get(key) ?? []), { index: event.index, dropped: event.dropped }]);
  }
  return { domains, events };
}
