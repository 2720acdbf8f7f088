/**
 * Parsing of EventBridge envelopes and DataZone asset events.
 *
 * Two stages, because only handled events have to carry an asset detail: the envelope decides whether an event is
 * ours at all (an unknown detail-type is skipped, not rejected), then the detail of a handled event is validated.
 * Fields the documentation confirms (`metadata.domain`, `metadata.owningProjectId`, `data.assetId`) are validated
 * strictly; fields it does not confirm (where the revision and the asset type live) are read defensively: a value
 * that is absent or malformed is left undefined and resolved with GetAsset instead of failing the event.
 */
import CONSTRAINTS from './datazone-constraints.json' with { type: 'json' };
import { GENERATION_TYPES, type GenerationGroup } from './generation-types.js';
import type { ReconcileOrigin, ReconciliationMark } from './reconciliation.js';

export const DATAZONE_SOURCE = 'aws.datazone';
export const DOMAIN_ID_PATTERN = new RegExp(CONSTRAINTS.domainIdPattern);
const PROJECT_ID_PATTERN = new RegExp(CONSTRAINTS.projectIdPattern);
const ASSET_ID_PATTERN = new RegExp(CONSTRAINTS.assetIdPattern);
const MAX_REVISION_LENGTH = 64;

/** The parts of an EventBridge event that decide whether it is handled. */
export interface EventEnvelope {
  readonly id: string | undefined;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  /** The event's `time`, when it is a string. */
  readonly time?: string | undefined;
}

/** What the worker knows about an asset from its event; undefined fields are resolved with GetAsset. */
export interface AssetEvent {
  readonly eventId: string | undefined;
  readonly detailType: string;
  readonly domainId: string;
  readonly assetId: string;
  readonly owningProjectId: string | undefined;
  readonly revision: string | undefined;
  readonly assetType: string | undefined;
  /** Put on the queue by a sweep (the reconciler, a backfill) for the groups the revision had no run of. */
  readonly reconciliation?: ReconciliationMark;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field matching a pattern; records a problem naming the field otherwise. */
function patternField(
  problems: string[],
  path: string,
  value: unknown,
  what: string,
  pattern: RegExp,
  optional = false,
): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${path}: expected a ${what} string`);
    return undefined;
  }
  if (!pattern.test(value)) {
    problems.push(`${path}: expected a ${what} matching ${pattern.source}`);
    return undefined;
  }
  return value;
}

/** Body of an SQS record (or any JSON text) → EventBridge envelope. */
export function parseEnvelopeJson(body: string): Parsed<EventEnvelope> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: `body is not valid JSON: ${(error as Error).message}` };
  }
  return parseEnvelope(json);
}

export function parseEnvelope(input: unknown): Parsed<EventEnvelope> {
  if (!isObject(input)) {
    return { ok: false, reason: `expected an EventBridge event (a JSON object), got ${describeType(input)}` };
  }
  const { id, source, 'detail-type': detailType, detail, time } = input;
  const problems: string[] = [];
  // The id is optional: only one that is there but not a string is a problem.
  const eventId = typeof id === 'string' ? id : undefined;
  if (eventId !== id) problems.push('id: expected a string');
  if (typeof source !== 'string')
    problems.push('source: expected a string (the event source, such as "aws.datazone")');
  if (typeof detailType !== 'string')
    problems.push('detail-type: expected a string (the EventBridge detail-type)');
  if (problems.length > 0 || typeof source !== 'string' || typeof detailType !== 'string') {
    return { ok: false, reason: problems.join('; ') };
  }
  return {
    ok: true,
    value: {
      id: eventId,
      source,
      detailType,
      detail,
      ...(typeof time === 'string' ? { time } : {}),
    },
  };
}

/**
 * The domain an event says it belongs to, read before its detail is judged (the DOMAIN_IDS filter): anything but
 * a string at `detail.metadata.domain` names no domain.
 */
export function declaredDomain(envelope: EventEnvelope): string | undefined {
  const metadata = isObject(envelope.detail) ? envelope.detail.metadata : undefined;
  const domain = isObject(metadata) ? metadata.domain : undefined;
  return typeof domain === 'string' ? domain : undefined;
}

/** Detail of a handled envelope → asset event, or the precise reason it is not one. */
export function parseAssetEvent(envelope: EventEnvelope): Parsed<AssetEvent> {
  const { detail } = envelope;
  if (!isObject(detail))
    return { ok: false, reason: 'detail: expected an object (the DataZone event detail)' };
  const { metadata, data: rawData } = detail;
  if (!isObject(metadata)) {
    return { ok: false, reason: 'detail.metadata: expected an object with the DataZone event metadata' };
  }
  const problems: string[] = [];
  const domainId = patternField(
    problems,
    'detail.metadata.domain',
    metadata.domain,
    'DataZone domain id',
    DOMAIN_ID_PATTERN,
  );
  const owningProjectId = patternField(
    problems,
    'detail.metadata.owningProjectId',
    metadata.owningProjectId,
    'project id',
    PROJECT_ID_PATTERN,
    true,
  );
  if (rawData !== undefined && !isObject(rawData)) problems.push('detail.data: expected an object');
  if (problems.length > 0 || domainId === undefined) return { ok: false, reason: problems.join('; ') };
  const data = isObject(rawData) ? rawData : undefined;

  // data.assetId is the documented field; metadata.id is the entity id of the event, the asset for asset events.
  const assetId = firstString(data?.assetId, metadata.id);
  if (assetId === undefined) {
    return {
      ok: false,
      reason: 'detail.data.assetId: expected the asset id (nor is detail.metadata.id a string)',
    };
  }
  if (!ASSET_ID_PATTERN.test(assetId)) {
    return {
      ok: false,
      reason: `detail.data.assetId: expected an asset id matching ${ASSET_ID_PATTERN.source}`,
    };
  }
  // metadata.version is the version of the event's entity: only the asset's revision if that entity is the asset.
  const entityVersion = metadata.id === assetId ? metadata.version : undefined;
  const revision = firstRevision(data?.revision, data?.assetRevision, entityVersion);
  const assetType = firstString(
    data?.assetType,
    data?.typeIdentifier,
    data?.assetTypeIdentifier,
    metadata.typeName,
  );
  const reconciliation = reconciliationMark(detail.reconciliation);

  return {
    ok: true,
    value: {
      eventId: envelope.id,
      detailType: envelope.detailType,
      domainId,
      assetId,
      owningProjectId,
      revision,
      assetType,
      ...(reconciliation === undefined ? {} : { reconciliation }),
    },
  };
}

const ORIGINS: readonly unknown[] = ['reconciler', 'backfill'];

/**
 * The sweep's mark, only when every part of it reads: a mark that does not is ignored, and the event is handled
 * as DataZone's own (every configured group, each still checked against the revision's runs on redelivery).
 */
function reconciliationMark(value: unknown): ReconciliationMark | undefined {
  if (!isObject(value)) return undefined;
  const { origin, sweepId, groups } = value;
  if (!ORIGINS.includes(origin) || typeof sweepId !== 'string') return undefined;
  if (!Array.isArray(groups) || groups.length === 0) return undefined;
  const known: readonly unknown[] = GENERATION_TYPES;
  const readable = groups.every(
    (group) => Array.isArray(group) && group.length > 0 && group.every((type) => known.includes(type)),
  );
  if (!readable) return undefined;
  return { origin: origin as ReconcileOrigin, sweepId, groups: groups as GenerationGroup[] };
}

function firstString(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate;
  }
  return undefined;
}

/** Revisions appear as strings ("3"); a number is accepted as its decimal text. Anything else is ignored. */
function firstRevision(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    // Number.isSafeInteger is false for anything but a number.
    const text =
      Number.isSafeInteger(candidate) && (candidate as number) >= 0 ? String(candidate) : candidate;
    if (
      typeof text === 'string' &&
      text.length >= 1 &&
      text.length <= MAX_REVISION_LENGTH &&
      text.trim() === text
    ) {
      return text;
    }
  }
  return undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
